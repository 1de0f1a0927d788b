//! The findings panel: findings with the analysis, toggling, and Enter jumping.

use super::{Action, App, Screen, ZonePane};
use crate::analysis::lint::Subject;
use crate::tui::tests::{TestResult, app_with, app_with_plan, drive, estate};

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn subjects(app: &App) -> Vec<Subject> {
    app.loaded
        .as_ref()
        .map(|l| l.plan.findings.iter().map(|f| f.subject).collect())
        .unwrap_or_default()
}

/// Selects the first finding about `subject` with the keys (panel open).
fn select_finding(app: &mut App, subject: Subject) -> TestResult {
    let at = subjects(app)
        .iter()
        .position(|s| *s == subject)
        .ok_or(format!("no finding about {subject:?}"))?;
    drive(app, &[Action::Top]);
    drive(app, &vec![Action::MoveDown; at]);
    assert_eq!(app.lint_view.list.selected_item(), Some(at));
    Ok(())
}

#[test]
fn findings_arrive_with_the_analysis_and_follow_plan_edits() -> TestResult {
    let app = app_with(estate(), 100, 30);
    assert!(subjects(&app).is_empty(), "no plan, nothing to review");
    let mut app = app_with_plan(100, 30);
    let found = subjects(&app);
    assert!(found.contains(&Subject::Rule(0)), "{found:?}");
    assert!(found.contains(&Subject::Zone(0)), "{found:?}");
    assert_eq!(
        app.lint_view.list.visible,
        (0..found.len()).collect::<Vec<_>>()
    );
    let summary = app.loaded.as_ref().and_then(|l| l.plan.lint_summary());
    assert!(summary.is_some_and(|s| s.starts_with("lint: ")));
    drive(
        &mut app,
        &[
            Action::GotoScreen(3),
            Action::RenameZone,
            Action::SetInput("front".into()),
            Action::Submit,
        ],
    );
    let loaded = app.loaded.as_ref().ok_or("not loaded")?;
    let names: Vec<&str> = loaded
        .plan
        .findings
        .iter()
        .filter(|f| f.subject == Subject::Zone(0))
        .map(|f| f.subject_name.as_str())
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| *n == "front"),
        "{names:?}"
    );
    Ok(())
}

#[test]
fn the_panel_toggles_on_zones_and_matrix_and_takes_the_arrows() {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::ToggleLint]);
    assert!(!app.lint_view.open, "not on the Estate screen");
    drive(&mut app, &[Action::GotoScreen(3), Action::ToggleLint]);
    assert!(app.lint_open());
    drive(&mut app, &[Action::MoveDown, Action::MoveDown]);
    assert_eq!(app.lint_view.list.selected, 2);
    assert_eq!(app.zones_view.zone(), Some(0), "the zone list stays put");
    drive(&mut app, &[Action::Cancel]);
    assert!(!app.lint_open());
    drive(&mut app, &[Action::MoveDown]);
    assert_eq!(
        app.zones_view.zone(),
        Some(1),
        "closed: the arrows move the zones"
    );
    drive(&mut app, &[Action::GotoScreen(4), Action::ToggleLint]);
    assert!(app.lint_open());
    drive(&mut app, &[Action::MoveUp, Action::MoveRight]);
    assert_eq!(app.lint_view.list.selected, 1);
    assert_eq!((app.matrix_view.row, app.matrix_view.col), (0, 0));
    drive(&mut app, &[Action::ToggleLint]);
    assert!(!app.lint_open());
    assert_eq!(app.lint_view.list.selected, 1, "the selection is kept");
}

#[test]
fn enter_on_a_zone_finding_selects_the_zone() -> TestResult {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(4), Action::ToggleLint]);
    select_finding(&mut app, Subject::Zone(1))?;
    drive(&mut app, &[Action::Pick]);
    assert_eq!(app.screen, Screen::Zones);
    assert_eq!(app.zones_view.pane, ZonePane::Zones);
    assert_eq!(app.zones_view.zone(), Some(1));
    assert_eq!(app.zones_view.members.visible, [1], "data: pay-db-01");
    assert!(!app.lint_open());
    assert!(status(&app).starts_with("zone data: "), "{}", status(&app));
    Ok(())
}

#[test]
fn enter_on_a_rule_finding_selects_its_cell() -> TestResult {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(3), Action::ToggleLint]);
    select_finding(&mut app, Subject::Rule(0))?;
    drive(&mut app, &[Action::Pick]);
    assert_eq!(app.screen, Screen::Matrix);
    let zones = &app.loaded.as_ref().ok_or("not loaded")?.plan.zones;
    let cell = (zones.index("web"), zones.index("data"));
    let at = (app.matrix_view.row as u32, app.matrix_view.col as u32);
    assert_eq!(cell, (Some(at.0), Some(at.1)));
    let text = status(&app);
    assert!(
        text.starts_with("rule web-to-db: zone: web → zone: data · "),
        "{text}"
    );
    Ok(())
}

#[test]
fn enter_on_an_estate_finding_shows_its_hint() -> TestResult {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(3), Action::ToggleLint]);
    select_finding(&mut app, Subject::Estate)?;
    drive(&mut app, &[Action::Pick]);
    assert_eq!(app.screen, Screen::Zones);
    assert!(app.lint_open(), "nothing to jump to: the panel stays");
    assert!(status(&app).starts_with("estate: "), "{}", status(&app));
    Ok(())
}
