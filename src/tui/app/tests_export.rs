//! The Export screen: choosing files, previewing one, writing them into a folder.

use super::action::Action;
use super::export::DEFAULT_FOLDER;
use crate::tui::tests::{TestResult, app, app_with_plan, drive};

#[test]
fn space_toggles_a_target_or_a_file() -> TestResult {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(7)]);
    let all = app.export_view.chosen_names();
    assert_eq!(
        all.len(),
        app.export_view.chosen.len(),
        "all chosen at first"
    );
    assert_eq!(app.export_view.folder, DEFAULT_FOLDER);
    // The first row is the zone-map target: Space leaves out its files.
    drive(&mut app, &[Action::Toggle]);
    let names = app.export_view.chosen_names();
    assert!(
        names.iter().all(|n| !n.starts_with("zone-map")),
        "{names:?}"
    );
    // Its first file back in.
    drive(&mut app, &[Action::MoveDown, Action::Toggle]);
    let names = app.export_view.chosen_names();
    assert!(names.contains(&"zone-map.md".to_string()));
    assert!(!names.contains(&"zone-map.yaml".to_string()));
    Ok(())
}

#[test]
fn the_selected_file_is_previewed() -> TestResult {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(7), Action::MoveDown]);
    let preview = &app.export_view.preview;
    assert_eq!(preview.name.as_deref(), Some("zone-map.md"));
    let text = preview.text.clone().ok_or("no preview")??;
    assert!(text.contains("web"), "{text}");
    drive(&mut app, &[Action::ScrollPreview(3)]);
    assert_eq!(app.export_view.preview.scroll, 3);
    Ok(())
}

#[test]
fn x_writes_the_chosen_files_into_the_folder() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("out");
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(7), Action::EditFolder]);
    drive(
        &mut app,
        &[Action::SetInput(out.display().to_string()), Action::Submit],
    );
    assert_eq!(app.export_view.folder, out.display().to_string());
    // Leave out flow-matrix (the fifth row is its target).
    drive(
        &mut app,
        &[
            Action::MoveDown,
            Action::MoveDown,
            Action::MoveDown,
            Action::MoveDown,
            Action::Toggle,
            Action::WriteExport,
        ],
    );
    let written = app.export_view.written.clone().ok_or("nothing written")??;
    let names: Vec<&str> = written.files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names[..5],
        [
            "zone-map.md",
            "zone-map.yaml",
            "zone-map.mmd",
            "rollout-plan.md",
            "rollout-plan.yaml"
        ]
    );
    assert!(
        !names.iter().any(|n| n.starts_with("flow-matrix")),
        "{names:?}"
    );
    assert!(
        names.contains(&"enforcement/kubernetes/allow.yaml"),
        "{names:?}"
    );
    for (name, bytes) in &written.files {
        assert_eq!(std::fs::metadata(out.join(name))?.len(), *bytes);
    }
    assert!(!out.join("flow-matrix.csv").exists());
    assert!(!app.export_view.writing);
    Ok(())
}

#[test]
fn without_a_plan_nothing_is_written() -> TestResult {
    let mut app = app();
    let effects = app.update(Action::GotoScreen(7));
    assert!(effects.is_empty(), "no preview without a plan");
    let effects = app.update(Action::WriteExport);
    assert!(effects.is_empty());
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("no plan"))
    );
    Ok(())
}
