//! Zones: actions in, state out.

use super::{Action, Effect, PromptKind, ZonePane};
use crate::model::plan::{Peer, Selector};
use crate::tui::tests::{TestResult, app_with_plan, drive, perform};

fn zone_names(app: &super::App) -> Vec<String> {
    app.loaded
        .as_ref()
        .and_then(|l| l.plan.plan.as_ref())
        .map(|p| p.zones.iter().map(|z| z.name.clone()).collect())
        .unwrap_or_default()
}

fn status(app: &super::App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_screen_lists_zones_members_and_unassigned_workloads() {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(3)]);
    let view = &app.zones_view;
    assert_eq!(view.list.visible, [0, 1, 2]);
    assert_eq!(view.selectors.visible, [0]);
    assert_eq!(view.members.visible, [2, 3], "web-01 and web-02");
    assert_eq!(view.unassigned.visible, [4], "the cart");
    drive(&mut app, &[Action::MoveDown]);
    assert_eq!(app.zones_view.members.visible, [1], "data: pay-db-01");
    drive(&mut app, &[Action::MoveRight, Action::MoveRight]);
    assert_eq!(app.zones_view.pane, ZonePane::Members);
}

#[test]
fn zones_are_created_renamed_and_reordered() -> TestResult {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(3), Action::NewZone]);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::NewZone)
    );
    drive(
        &mut app,
        &[Action::SetInput("internet".into()), Action::Submit],
    );
    assert!(status(&app).contains("built-in"), "{}", status(&app));
    drive(
        &mut app,
        &[Action::NewZone, Action::SetInput("mgmt".into())],
    );
    let effects = app.update(Action::Submit);
    assert!(matches!(effects.as_slice(), [Effect::SavePlan { .. }]));
    perform(&mut app, effects);
    assert_eq!(zone_names(&app), ["web", "data", "billing", "mgmt"]);
    assert_eq!(app.zones_view.zone(), Some(3), "the new zone is selected");
    drive(&mut app, &[Action::MoveZoneUp, Action::MoveZoneUp]);
    assert_eq!(zone_names(&app), ["web", "mgmt", "data", "billing"]);
    assert_eq!(app.zones_view.zone(), Some(1));
    drive(&mut app, &[Action::MoveDown, Action::RenameZone]);
    assert_eq!(app.prompt.as_ref().map(|p| p.text.as_str()), Some("data"));
    drive(&mut app, &[Action::SetInput("db".into()), Action::Submit]);
    assert_eq!(zone_names(&app), ["web", "mgmt", "db", "billing"]);
    let plan = app.current_plan().ok_or("no plan")?;
    assert_eq!(plan.rules[0].to, Peer::Zone("db".into()));
    Ok(())
}

#[test]
fn deleting_asks_first_and_is_refused_for_zones_rules_name() {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(3), Action::DeleteZone]);
    assert!(status(&app).contains("web-to-db"), "{}", status(&app));
    assert!(app.zones_view.confirm_delete.is_none());
    drive(&mut app, &[Action::Bottom, Action::DeleteZone]);
    assert_eq!(app.zones_view.confirm_delete.as_deref(), Some("billing"));
    drive(&mut app, &[Action::MoveUp]);
    assert_eq!(zone_names(&app).len(), 3, "any other key keeps it");
    drive(
        &mut app,
        &[Action::MoveDown, Action::DeleteZone, Action::Confirm],
    );
    assert_eq!(zone_names(&app), ["web", "data"]);
    assert_eq!(
        app.zones_view.unassigned.visible,
        [0, 4],
        "billing-api is unassigned now"
    );
}

#[test]
fn selectors_are_added_and_removed() -> TestResult {
    let mut app = app_with_plan(100, 30);
    drive(
        &mut app,
        &[
            Action::GotoScreen(3),
            Action::AddSelector,
            Action::SetInput("colour: red".into()),
            Action::Submit,
        ],
    );
    assert!(status(&app).contains("unknown selector kind"));
    drive(
        &mut app,
        &[
            Action::AddSelector,
            Action::SetInput("app: cart".into()),
            Action::Submit,
        ],
    );
    assert_eq!(app.zones_view.members.visible, [2, 3, 4]);
    assert!(app.zones_view.unassigned.is_empty());
    drive(&mut app, &[Action::RemoveSelector]);
    assert!(status(&app).contains("pick a selector"));
    drive(
        &mut app,
        &[Action::MoveRight, Action::MoveDown, Action::RemoveSelector],
    );
    let plan = app.current_plan().ok_or("no plan")?;
    assert_eq!(plan.zones[0].members, [Selector::App("shop".into())]);
    Ok(())
}

#[test]
fn moving_a_workload_picks_a_zone_and_tells_who_still_claims_it() -> TestResult {
    let mut app = app_with_plan(100, 30);
    // The unassigned cart into billing (third zone).
    drive(
        &mut app,
        &[
            Action::GotoScreen(3),
            Action::MoveLeft,
            Action::MoveRight,
            Action::MoveRight,
            Action::MoveRight,
            Action::MoveWorkload,
        ],
    );
    assert_eq!(app.zones_view.pane, ZonePane::Unassigned);
    assert!(app.zones_view.moving.is_some());
    drive(
        &mut app,
        &[
            Action::MoveDown,
            Action::MoveDown,
            Action::MoveDown,
            Action::Pick,
        ],
    );
    assert!(app.zones_view.moving.is_none());
    assert!(app.zones_view.unassigned.is_empty());
    let plan = app.current_plan().ok_or("no plan")?;
    assert_eq!(
        plan.zones[2].members.last(),
        Some(&Selector::Workload("checkout/cart".into()))
    );
    // web-01 (a member of web) into data: web still claims it through app: shop.
    drive(
        &mut app,
        &[
            Action::MoveLeft,
            Action::MoveWorkload,
            Action::MoveDown,
            Action::Pick,
        ],
    );
    let text = status(&app);
    assert!(
        text.contains("first match wins: zone web still claims it through app: shop"),
        "{text}"
    );
    // Esc cancels a move.
    drive(&mut app, &[Action::MoveWorkload, Action::Cancel]);
    assert!(app.zones_view.moving.is_none());
    Ok(())
}

#[test]
fn the_plan_is_written_to_its_source_file() {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(3)]);
    let effects = app.update(Action::WritePlan);
    assert!(
        matches!(effects.as_slice(), [Effect::WritePlan { path, .. }] if path.ends_with("plan.yaml"))
    );
    let mut app = crate::tui::tests::app();
    drive(
        &mut app,
        &[
            Action::GotoScreen(3),
            Action::NewZone,
            Action::SetInput("web".into()),
        ],
    );
    drive(&mut app, &[Action::Submit, Action::WritePlan]);
    assert_eq!(zone_names(&app), ["web"], "n starts a plan");
    assert!(
        status(&app).contains("blastwall plan show --out FILE"),
        "{}",
        status(&app)
    );
}
