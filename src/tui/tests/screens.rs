//! Screens and overlays through `TestBackend`, at 80 × 24 (the smallest supported) and
//! 160 × 45, as insta snapshots.

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{TestResult, app_with, app_with_plan, drive, estate};
use crate::analysis::ResolvedEstate;
use crate::tui::app::{Action, App};
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::ui::{self, Chrome};

pub(super) const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

pub(super) fn render(
    app: &App,
    width: u16,
    height: u16,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut terminal = Terminal::new(TestBackend::new(width, height))?;
    let (theme, keymap) = (Theme::default(), Keymap::default());
    terminal.draw(|frame| {
        ui::draw(
            frame,
            app,
            &Chrome {
                theme: &theme,
                keymap: &keymap,
                editor: None,
                block_editor: None,
            },
        )
    })?;
    Ok(format!("{}", terminal.backend()))
}

/// Snapshots the fixture app after `actions`, at both sizes.
fn snapshot(name: &str, actions: &[Action]) -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with(estate(), width, height);
        for action in actions {
            app.update(action.clone());
        }
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn estate_screen() -> TestResult {
    snapshot("estate", &[])
}

#[test]
fn estate_detail() -> TestResult {
    snapshot("estate_detail", &[Action::MoveDown, Action::ToggleDetail])
}

#[test]
fn estate_filtered() -> TestResult {
    snapshot(
        "estate_filtered",
        &[Action::StartFilter, Action::SetInput("web".into())],
    )
}

#[test]
fn flows_screen() -> TestResult {
    snapshot("flows", &[Action::GotoScreen(2)])
}

#[test]
fn flows_detail() -> TestResult {
    snapshot(
        "flows_detail",
        &[
            Action::GotoScreen(2),
            Action::MoveDown,
            Action::ToggleDetail,
        ],
    )
}

#[test]
fn flows_rejected() -> TestResult {
    snapshot(
        "flows_rejected",
        &[
            Action::GotoScreen(2),
            Action::CycleOutcomeFilter,
            Action::CycleOutcomeFilter,
        ],
    )
}

#[test]
fn help_overlay() -> TestResult {
    snapshot("help", &[Action::GotoScreen(2), Action::ToggleHelp])
}

#[test]
fn import_prompt() -> TestResult {
    snapshot(
        "import_prompt",
        &[
            Action::StartImport,
            Action::SetInput("~/exports/vpc-flows.log.gz".into()),
        ],
    )
}

#[test]
fn empty_workspace() -> TestResult {
    for (width, height) in SIZES {
        let app = app_with(ResolvedEstate::default(), width, height);
        insta::assert_snapshot!(
            format!("empty_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn loading() -> TestResult {
    let mut app = App::new(
        "/tmp/test.blastwall",
        Some("demo workspace: Northwind".into()),
    );
    app.start();
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("loading_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn importing_shows_the_gauge() -> TestResult {
    use std::sync::atomic::Ordering;
    let mut app = app_with(estate(), 100, 30);
    app.update(Action::StartImport);
    app.update(Action::SetInput("/data/flows".into()));
    app.update(Action::Submit);
    let job = app.import.as_ref().ok_or("no import job")?;
    job.progress.bytes_total.store(1000, Ordering::Relaxed);
    job.progress.bytes_done.store(420, Ordering::Relaxed);
    if let Ok(mut current) = job.progress.current.lock() {
        *current = "/data/flows/vpc-2024-05-01.log.gz".into();
    }
    for (width, height) in SIZES {
        insta::assert_snapshot!(
            format!("importing_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

/// Snapshots the fixture app with the fixture plan after `actions` (worker effects performed).
pub(super) fn snapshot_plan(name: &str, actions: &[Action]) -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with_plan(width, height);
        drive(&mut app, actions);
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn blast_screen() -> TestResult {
    snapshot_plan(
        "blast",
        &[
            Action::GotoScreen(5),
            Action::StartFilter,
            Action::SetInput("web01".into()),
            Action::Submit,
            Action::Pick,
        ],
    )
}

#[test]
fn blast_ranking() -> TestResult {
    snapshot_plan(
        "blast_ranking",
        &[Action::GotoScreen(5), Action::ToggleRanking],
    )
}

#[test]
fn blast_without_plan() -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with(estate(), width, height);
        drive(
            &mut app,
            &[Action::GotoScreen(5), Action::MoveDown, Action::Pick],
        );
        insta::assert_snapshot!(
            format!("blast_no_plan_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn matrix_screen() -> TestResult {
    // The cursor on billing → data: one denied flow.
    snapshot_plan(
        "matrix",
        &[
            Action::GotoScreen(4),
            Action::MoveDown,
            Action::MoveDown,
            Action::MoveRight,
        ],
    )
}

#[test]
fn matrix_cell_flows() -> TestResult {
    snapshot_plan(
        "matrix_cell",
        &[Action::GotoScreen(4), Action::MoveRight, Action::Pick],
    )
}

#[test]
fn matrix_without_plan() -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with(estate(), width, height);
        drive(&mut app, &[Action::GotoScreen(4)]);
        insta::assert_snapshot!(
            format!("matrix_no_plan_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn zones_screen() -> TestResult {
    // data selected, its members pane focused.
    snapshot_plan(
        "zones",
        &[
            Action::GotoScreen(3),
            Action::MoveDown,
            Action::MoveRight,
            Action::MoveRight,
        ],
    )
}

#[test]
fn zones_moving_a_workload() -> TestResult {
    snapshot_plan(
        "zones_move",
        &[
            Action::GotoScreen(3),
            Action::MoveRight,
            Action::MoveRight,
            Action::MoveRight,
            Action::MoveWorkload,
            Action::MoveDown,
        ],
    )
}

#[test]
fn zones_selector_prompt() -> TestResult {
    snapshot_plan(
        "zones_selector_prompt",
        &[
            Action::GotoScreen(3),
            Action::AddSelector,
            Action::SetInput("labels: tier=data".into()),
        ],
    )
}

#[test]
fn zones_without_plan() -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with(estate(), width, height);
        drive(&mut app, &[Action::GotoScreen(3)]);
        insta::assert_snapshot!(
            format!("zones_no_plan_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn zones_lint_panel() -> TestResult {
    // The findings panel open on Zones, the second finding selected.
    snapshot_plan(
        "zones_lint",
        &[Action::GotoScreen(3), Action::ToggleLint, Action::MoveDown],
    )
}

#[test]
fn matrix_lint_panel() -> TestResult {
    snapshot_plan("matrix_lint", &[Action::GotoScreen(4), Action::ToggleLint])
}

/// Snapshots the fixture app with the rollout plan (two phases, two guardrails) after
/// `actions`, at both sizes.
fn snapshot_rollout(name: &str, plan: &crate::model::plan::Plan, actions: &[Action]) -> TestResult {
    for (width, height) in SIZES {
        let mut app = super::app_with_a_plan(plan.clone(), width, height);
        drive(&mut app, actions);
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn rollout_screen() -> TestResult {
    // The second phase selected, its criteria focused on the statement.
    snapshot_rollout(
        "rollout",
        &super::rollout_plan(),
        &[
            Action::GotoScreen(6),
            Action::MoveDown,
            Action::SwitchFocus,
            Action::MoveDown,
        ],
    )
}

#[test]
fn rollout_editor() -> TestResult {
    snapshot_rollout(
        "rollout_editor",
        &super::rollout_plan(),
        &[
            Action::GotoScreen(6),
            Action::EditPhase,
            Action::SetInput("name: observe\nzones: [nowhere]\nmode: observe\n".into()),
            Action::ApplyEdit,
        ],
    )
}

#[test]
fn rollout_without_phases() -> TestResult {
    snapshot_rollout(
        "rollout_no_phases",
        &super::plan(),
        &[Action::GotoScreen(6)],
    )
}

#[test]
fn rollout_without_plan() -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with(estate(), width, height);
        drive(&mut app, &[Action::GotoScreen(6)]);
        insta::assert_snapshot!(
            format!("rollout_no_plan_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn export_screen() -> TestResult {
    // The flow-matrix CSV previewed, zone-map.yaml left out.
    snapshot_plan(
        "export",
        &[
            Action::GotoScreen(7),
            Action::MoveDown,
            Action::MoveDown,
            Action::Toggle,
            Action::Bottom,
            Action::MoveUp,
            Action::MoveUp,
            Action::MoveUp,
        ],
    )
}

#[test]
fn export_written() -> TestResult {
    use crate::tui::app::{AppEvent, ExportWritten};
    for (width, height) in SIZES {
        let mut app = app_with_plan(width, height);
        drive(&mut app, &[Action::GotoScreen(7)]);
        app.on_event(AppEvent::ExportWritten(Ok(ExportWritten {
            out: "./blastwall-export".into(),
            files: vec![
                ("zone-map.md".into(), 2_345),
                ("zone-map.yaml".into(), 1_200),
                ("rollout-plan.md".into(), 15_872),
            ],
        })));
        insta::assert_snapshot!(
            format!("export_written_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

/// At the smallest supported width every tab is named; below the minimum size the workbench
/// says what it needs instead of drawing a broken layout.
#[test]
fn the_tab_bar_fits_and_small_terminals_are_told_the_minimum() -> TestResult {
    let app = app_with(estate(), 80, 24);
    let screen = render(&app, 80, 24)?;
    let first = screen.lines().next().unwrap_or_default();
    let expected = " 1 Estate  2 Flows  3 Zones  4 Matrix  5 Blast  6 Rollout  7 Export ";
    assert!(first.starts_with(&format!("\"{expected}")), "{first}");
    assert!(first.contains("? help"), "{first}");
    for (width, height) in [(60, 24), (80, 20)] {
        let app = app_with(estate(), width, height);
        let screen = render(&app, width, height)?;
        assert!(
            screen.contains(&format!("at least 80×24; this one is {width}×{height}")),
            "{screen}"
        );
    }
    Ok(())
}

#[test]
fn finder_overlay() -> TestResult {
    snapshot_plan(
        "finder",
        &[Action::OpenFinder, Action::SetInput("web".into())],
    )
}

#[test]
fn palette_overlay() -> TestResult {
    snapshot_plan(
        "palette",
        &[
            Action::GotoScreen(3),
            Action::OpenPalette,
            Action::SetInput("zone".into()),
        ],
    )
}

#[test]
fn help_overlay_scrolled() -> TestResult {
    snapshot_plan(
        "help_scrolled",
        &[Action::GotoScreen(3), Action::ToggleHelp, Action::PageDown],
    )
}

#[test]
fn text_editor_overlay() -> TestResult {
    snapshot_plan(
        "text_editor",
        &[
            Action::GotoScreen(3),
            Action::MoveDown,
            Action::EditText,
            Action::SetInput("Card-holder data.\nPCI DSS scope.\n".into()),
        ],
    )
}

#[test]
fn a_long_job_shows_its_gauge() -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with_plan(width, height);
        app.update(Action::GotoScreen(3));
        app.update(Action::NewZone);
        app.update(Action::SetInput("mgmt".into()));
        app.update(Action::Submit);
        let job = app.busy.as_ref().ok_or("no job")?;
        job.progress.stage("saving the plan");
        job.progress.stage("simulating default-deny");
        insta::assert_snapshot!(
            format!("busy_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}
