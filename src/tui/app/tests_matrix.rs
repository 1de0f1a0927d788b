//! Matrix: actions in, state out.

use super::{Action, CellStatus, Effect};
use crate::analysis::simulate::Verdict;
use crate::model::plan::RuleStatus;
use crate::tui::tests::{app, app_with_plan, drive, perform};

#[test]
fn the_matrix_counts_edges_per_zone_pair() -> Result<(), Box<dyn std::error::Error>> {
    let app = app_with_plan(100, 30);
    let loaded = app.loaded.as_ref().ok_or("not loaded")?;
    let (zones, matrix) = (&loaded.plan.zones, &loaded.plan.matrix);
    let at = |a: &str, b: &str| -> Result<_, String> {
        let (a, b) = (
            zones.index(a).ok_or(a.to_string())?,
            zones.index(b).ok_or(b.to_string())?,
        );
        matrix
            .cell(a as usize, b as usize)
            .copied()
            .ok_or("no cell".into())
    };
    let web_data = at("web", "data")?;
    assert_eq!(
        (web_data.evaluated, web_data.allowed, web_data.denied),
        (2, 2, 0)
    );
    assert_eq!(web_data.status(), CellStatus::AllAllowed);
    // billing → data traffic is only ever rejected.
    assert_eq!(at("billing", "data")?.blocked, 1);
    assert_eq!(at("internet", "web")?.status(), CellStatus::SomeDenied);
    assert_eq!(at("data", "web")?.status(), CellStatus::NoTraffic);
    Ok(())
}

#[test]
fn arrows_move_the_cursor_and_enter_lists_the_cell() {
    let mut app = app_with_plan(100, 30);
    drive(
        &mut app,
        &[
            Action::GotoScreen(4),
            Action::MoveRight,
            Action::MoveLeft,
            Action::MoveLeft,
        ],
    );
    assert_eq!((app.matrix_view.row, app.matrix_view.col), (0, 0));
    drive(&mut app, &[Action::MoveRight, Action::Pick]);
    assert!(app.matrix_view.flows.detail_open);
    assert_eq!(app.matrix_view.flows.len(), 2);
    assert_eq!(app.matrix_view.rules, ["web-to-db", "web-to-db"]);
    drive(&mut app, &[Action::MoveDown]);
    assert_eq!(
        app.matrix_view.flows.selected, 1,
        "up and down move in the open cell"
    );
    drive(&mut app, &[Action::Cancel, Action::MoveDown]);
    assert_eq!(app.matrix_view.row, 1, "closed: they move the cursor");
}

#[test]
fn a_denied_flow_gets_a_proposed_rule_that_is_saved_and_simulated()
-> Result<(), Box<dyn std::error::Error>> {
    let mut app = app_with_plan(100, 30);
    let internet = app
        .loaded
        .as_ref()
        .and_then(|l| l.plan.zones.index("internet"))
        .ok_or("zone")?;
    app.matrix_view.row = internet as usize;
    drive(&mut app, &[Action::GotoScreen(4), Action::Pick]);
    assert_eq!(app.matrix_view.flows.len(), 1);
    let effects = app.update(Action::ProposeRule);
    assert!(matches!(
        effects.as_slice(),
        [Effect::SavePlan { generation: 1, .. }]
    ));
    assert!(app.plan_draft.is_some());
    perform(&mut app, effects);
    assert!(app.plan_draft.is_none());
    let loaded = app.loaded.as_ref().ok_or("not loaded")?;
    let plan = loaded.plan.plan.as_ref().ok_or("no plan")?;
    let rule = plan.rules.last().ok_or("no rule")?;
    assert_eq!(rule.status, RuleStatus::Proposed);
    assert_eq!(rule.name.as_deref(), Some("propose-203-0-113-9-shop-443"));
    assert_eq!(loaded.plan.simulation.verdicts.get(3), Some(&Verdict::Rule));
    assert_eq!(app.matrix_view.rules, ["propose-203-0-113-9-shop-443"]);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("plan saved"))
    );
    // Now allowed: no second proposal.
    assert!(app.update(Action::ProposeRule).is_empty());
    Ok(())
}

#[test]
fn without_a_plan_nothing_is_proposed() {
    let mut app = app();
    drive(&mut app, &[Action::GotoScreen(4), Action::Pick]);
    assert!(app.update(Action::ProposeRule).is_empty());
}
