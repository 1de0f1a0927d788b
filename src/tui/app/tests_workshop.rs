//! The workshop tools: the finder, the palette, the help's scrolling, clicks, the text editor and
//! cancelling long jobs.

use super::find_index::FindTarget;
use super::{Action, Effect, JobKind, ListId, Screen, ZonePane};
use crate::tui::tests::{TestResult, app_with_plan, drive, perform};

fn status(app: &super::App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

#[test]
fn the_finder_jumps_to_a_workload_a_zone_and_a_port() -> TestResult {
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::OpenFinder]);
    assert!(app.finder.open && app.is_typing());
    drive(&mut app, &[Action::SetInput("pay-db".into())]);
    let first = app.finder.hits.first().ok_or("a hit")?;
    let FindTarget::Workload(workload) = first.item.target else {
        return Err(format!("expected a workload first: {:?}", first.item).into());
    };
    drive(&mut app, &[Action::Submit]);
    assert!(!app.finder.open);
    assert_eq!(app.screen, Screen::Estate);
    assert_eq!(
        app.estate_view.list.selected_item(),
        Some(workload as usize)
    );
    assert!(app.estate_view.list.detail_open);

    drive(
        &mut app,
        &[Action::OpenFinder, Action::SetInput("billing".into())],
    );
    let zone = (app.finder.hits.iter())
        .position(|h| h.item.target == FindTarget::Zone(2))
        .ok_or("the billing zone is found")?;
    app.finder.list.select(zone, 10);
    drive(&mut app, &[Action::Submit]);
    assert_eq!(app.screen, Screen::Zones);
    assert_eq!(app.zones_view.pane, ZonePane::Zones);
    assert_eq!(app.zones_view.list.selected_item(), Some(2));

    drive(
        &mut app,
        &[Action::OpenFinder, Action::SetInput("5432/tcp".into())],
    );
    let port = (app.finder.hits.iter())
        .position(|h| matches!(h.item.target, FindTarget::Port(_, 5432)))
        .ok_or("the port is found")?;
    app.finder.list.select(port, 10);
    drive(&mut app, &[Action::Submit]);
    assert_eq!(app.screen, Screen::Flows);
    assert_eq!(app.flows_view.list.filter, "5432/tcp");
    assert!(!app.flows_view.list.is_empty());
    Ok(())
}

#[test]
fn an_older_search_answer_is_dropped_and_esc_closes_the_finder() {
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::OpenFinder]);
    let stale = app.update(Action::SetInput("web".into()));
    drive(&mut app, &[Action::SetInput("pay".into())]);
    let answered = app.finder.hits.len();
    perform(&mut app, stale);
    assert_eq!(
        app.finder.hits.len(),
        answered,
        "the stale answer is ignored"
    );
    assert_eq!(app.finder.query, "pay");
    drive(&mut app, &[Action::Cancel]);
    assert!(!app.finder.open);
    assert_eq!(app.screen, Screen::Estate);
}

#[test]
fn the_palette_runs_a_command_on_its_screen() {
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::OpenPalette]);
    assert!(app.palette.open);
    assert_eq!(app.palette.list.len(), app.commands.len());
    drive(&mut app, &[Action::SetInput("planned ranking".into())]);
    let first = (app.palette.list.selected_item()).and_then(|i| app.commands.get(i));
    assert_eq!(first.map(|c| &c.action), Some(&Action::ToggleRanking));
    drive(&mut app, &[Action::Submit]);
    assert!(!app.palette.open);
    assert_eq!(app.screen, Screen::Blast);
    assert!(app.blast_view.ranking_open);
}

#[test]
fn the_help_scrolls_within_its_lines() {
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::GotoScreen(3), Action::ToggleHelp]);
    let lines = app.help_lines();
    assert!(
        lines > app.viewport.overlay_rows,
        "the Zones help is longer than a page"
    );
    drive(&mut app, &[Action::MoveDown, Action::MoveDown]);
    assert_eq!(app.help_scroll, 2);
    drive(&mut app, &[Action::Bottom, Action::PageDown]);
    assert_eq!(app.help_scroll, lines - app.viewport.overlay_rows);
    drive(&mut app, &[Action::Cancel]);
    assert!(!app.help_open);
    assert_eq!(app.screen, Screen::Zones, "Esc closed only the help");
}

#[test]
fn clicks_select_rows_and_give_the_pane_the_keyboard() {
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::GotoScreen(3)]);
    drive(
        &mut app,
        &[Action::ClickRow {
            list: ListId::Zones(ZonePane::Members),
            position: 1,
        }],
    );
    assert_eq!(app.zones_view.pane, ZonePane::Members);
    assert_eq!(app.zones_view.members.selected, 1);
    // A click on another screen's list (stale hit map) does nothing.
    drive(
        &mut app,
        &[Action::ClickRow {
            list: ListId::Flows,
            position: 3,
        }],
    );
    assert_eq!(app.flows_view.list.selected, 0);
    drive(&mut app, &[Action::GotoScreen(2), Action::Wheel(3)]);
    assert_eq!(app.flows_view.list.selected, 3);
}

#[test]
fn a_zone_description_is_edited_in_the_text_editor_and_saved() -> TestResult {
    let mut app = app_with_plan(80, 24);
    drive(
        &mut app,
        &[Action::GotoScreen(3), Action::MoveDown, Action::EditText],
    );
    assert!(app.is_editing());
    drive(
        &mut app,
        &[
            Action::SetInput("Card-holder data.\nPCI DSS scope.\n".into()),
            Action::ApplyEdit,
        ],
    );
    assert!(!app.is_editing());
    let plan = app.current_plan().ok_or("a plan")?;
    assert_eq!(
        plan.zones[1].description.as_deref(),
        Some("Card-holder data.\nPCI DSS scope.")
    );
    assert!(
        status(&app).contains("description of zone data edited"),
        "{}",
        status(&app)
    );
    // Esc leaves the text as it was.
    drive(
        &mut app,
        &[
            Action::EditNote,
            Action::SetInput("draft".into()),
            Action::Cancel,
        ],
    );
    assert_eq!(
        app.current_plan().and_then(|p| p.zones[1].note.clone()),
        None
    );
    Ok(())
}

#[test]
fn a_rule_justification_is_edited_from_the_matrix() -> TestResult {
    let mut app = app_with_plan(80, 24);
    drive(
        &mut app,
        &[Action::GotoScreen(4), Action::MoveRight, Action::Pick],
    );
    if app.matrix_view.rule_ids.iter().all(Option::is_none) {
        return Err("the web → data cell has a flow the rule allows".into());
    }
    let position = (app.matrix_view.rule_ids.iter())
        .position(Option::is_some)
        .ok_or("a ruled flow")?;
    app.matrix_view.flows.select(position, 10);
    drive(
        &mut app,
        &[
            Action::EditText,
            Action::SetInput("orders read the card vault".into()),
            Action::ApplyEdit,
        ],
    );
    let plan = app.current_plan().ok_or("a plan")?;
    assert_eq!(
        plan.rules[0].justification.as_deref(),
        Some("orders read the card vault")
    );
    Ok(())
}

#[test]
fn esc_cancels_a_recomputation_and_drops_its_result() -> TestResult {
    let mut app = app_with_plan(80, 24);
    drive(
        &mut app,
        &[
            Action::GotoScreen(3),
            Action::NewZone,
            Action::SetInput("mgmt".into()),
        ],
    );
    let effects = app.update(Action::Submit);
    assert!(matches!(effects.as_slice(), [Effect::SavePlan { .. }]));
    assert_eq!(app.busy.as_ref().map(|j| j.kind), Some(JobKind::Plan));
    let progress = app
        .busy
        .as_ref()
        .map(|j| j.progress.clone())
        .ok_or("a job")?;
    drive(&mut app, &[Action::Cancel]);
    assert!(progress.is_cancelled());
    assert!(app.busy.is_none());
    assert!(status(&app).contains("cancelled"), "{}", status(&app));
    perform(&mut app, effects);
    let zones = app
        .loaded
        .as_ref()
        .and_then(|l| l.plan.plan.as_ref())
        .map(|p| p.zones.len());
    assert_eq!(zones, Some(3), "the cancelled recomputation is not shown");
    Ok(())
}

#[test]
fn tab_moves_between_panes_where_there_are_some_else_between_screens() {
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::NextPane]);
    assert_eq!(
        app.screen,
        Screen::Flows,
        "Estate has one pane: Tab is the next screen"
    );
    drive(&mut app, &[Action::GotoScreen(3), Action::PrevPane]);
    assert_eq!(
        app.zones_view.pane,
        ZonePane::Unassigned,
        "Shift-Tab wraps around"
    );
    drive(&mut app, &[Action::NextPane, Action::NextPane]);
    assert_eq!(app.zones_view.pane, ZonePane::Selectors);
    assert_eq!(app.screen, Screen::Zones);
    drive(&mut app, &[Action::GotoScreen(6), Action::NextPane]);
    assert_eq!(app.rollout_view.pane, super::RolloutPane::Criteria);
}

#[test]
fn the_rules_list_disables_a_rule_and_edits_its_justification() -> TestResult {
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::OpenRules]);
    assert!(app.rules_view.open && app.overlay_open());
    assert_eq!(app.rules_view.list.visible, [0]);
    let denied_before = app.loaded.as_ref().map(|l| l.plan.simulation.denied);
    drive(&mut app, &[Action::Toggle]);
    let plan = app.current_plan().ok_or("a plan")?;
    assert!(!plan.rules[0].enabled);
    assert!(
        status(&app).contains("rule web-to-db disabled"),
        "{}",
        status(&app)
    );
    let denied_after = app.loaded.as_ref().map(|l| l.plan.simulation.denied);
    assert!(
        denied_after > denied_before,
        "the flows it allowed are denied now"
    );
    drive(
        &mut app,
        &[
            Action::EditText,
            Action::SetInput("orders read card data; PCI 1.3.1".into()),
            Action::ApplyEdit,
        ],
    );
    assert!(app.rules_view.open, "the list stays open under the editor");
    let plan = app.current_plan().ok_or("a plan")?;
    assert_eq!(
        plan.rules[0].justification.as_deref(),
        Some("orders read card data; PCI 1.3.1")
    );
    drive(&mut app, &[Action::Pick]);
    assert!(!app.rules_view.open);
    assert_eq!(app.screen, Screen::Matrix, "web → data is a cell");
    Ok(())
}

#[test]
fn intra_zone_traffic_cycles_default_allow_deny() -> TestResult {
    use crate::model::plan::Policy;
    let mut app = app_with_plan(80, 24);
    drive(&mut app, &[Action::GotoScreen(3), Action::CycleIntraZone]);
    let intra = |app: &super::App| app.current_plan().map(|p| p.zones[0].intra_zone);
    assert_eq!(intra(&app), Some(Some(Policy::Allow)));
    drive(&mut app, &[Action::CycleIntraZone]);
    assert_eq!(intra(&app), Some(Some(Policy::Deny)));
    assert!(
        status(&app).contains("zone web: intra-zone traffic deny"),
        "{}",
        status(&app)
    );
    drive(&mut app, &[Action::CycleIntraZone]);
    assert_eq!(intra(&app), Some(None));
    Ok(())
}

#[test]
fn a_found_rule_opens_its_cell_or_else_the_rules_list_on_it() -> TestResult {
    use crate::model::plan::{Peer, Selector};
    let mut app = app_with_plan(80, 24);
    let mut plan = app.current_plan().cloned().ok_or("a plan")?;
    let mut rule = plan.rules[0].clone();
    rule.name = Some("cart-to-billing".into());
    rule.from = Peer::Selector(Selector::App("cart".into()));
    plan.rules.push(rule);
    let estate = app
        .loaded
        .as_ref()
        .map(|l| l.estate.clone())
        .ok_or("loaded")?;
    let analysis = super::PlanAnalysis::compute(&estate, Some(plan), None);
    let loaded = app.loaded.as_mut().ok_or("loaded")?;
    std::sync::Arc::make_mut(loaded).plan = std::sync::Arc::new(analysis);
    drive(
        &mut app,
        &[
            Action::OpenFinder,
            Action::SetInput("cart-to-billing".into()),
        ],
    );
    let at = (app.finder.hits.iter())
        .position(|h| h.item.target == FindTarget::Rule(1))
        .ok_or("the rule is found")?;
    app.finder.list.select(at, 10);
    drive(&mut app, &[Action::Submit]);
    assert!(
        app.rules_view.open,
        "a selector-to-zone rule has no cell: the list opens"
    );
    assert_eq!(app.rules_view.list.selected_item(), Some(1));
    drive(
        &mut app,
        &[
            Action::Cancel,
            Action::OpenFinder,
            Action::SetInput("web-to-db".into()),
        ],
    );
    let at = (app.finder.hits.iter())
        .position(|h| h.item.target == FindTarget::Rule(0))
        .ok_or("web-to-db is found")?;
    app.finder.list.select(at, 10);
    drive(&mut app, &[Action::Submit]);
    assert_eq!(app.screen, Screen::Matrix);
    assert!(!app.rules_view.open);
    Ok(())
}
