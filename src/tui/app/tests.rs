//! Actions in, state out.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Action, App, AppEvent, Effect, LoadedEstate, OutcomeFilter, Screen, StatusKind};
use crate::analysis::ResolvedEstate;
use crate::tui::tests::{app, estate};

fn names(app: &App) -> Vec<String> {
    let Some(estate) = app.estate() else {
        return Vec::new();
    };
    app.estate_view
        .list
        .visible
        .iter()
        .map(|&i| estate.workloads[i].name.clone())
        .collect()
}

fn filter(app: &mut App, text: &str) {
    app.update(Action::StartFilter);
    app.update(Action::SetInput(text.into()));
}

#[test]
fn starting_loads_the_workspace_and_the_newest_load_wins() {
    let mut app = App::new("ws", Some("demo workspace".into()));
    assert_eq!(app.start(), vec![Effect::LoadEstate { generation: 1 }]);
    assert_eq!(
        app.update(Action::Reload),
        vec![Effect::LoadEstate { generation: 2 }]
    );
    assert!(app.loading);
    let stale = LoadedEstate::new(Arc::new(estate()));
    app.on_event(AppEvent::EstateLoaded {
        generation: 1,
        result: Ok(Box::new(stale)),
    });
    assert!(
        app.loaded.is_none() && app.loading,
        "an older load is dropped"
    );
    let fresh = LoadedEstate::new(Arc::new(ResolvedEstate::default()));
    app.on_event(AppEvent::EstateLoaded {
        generation: 2,
        result: Ok(Box::new(fresh)),
    });
    assert!(!app.loading);
    assert!(app.loaded.as_ref().is_some_and(|l| l.is_empty()));
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("demo workspace")
    );
}

#[test]
fn a_failed_load_is_a_status_message() {
    let mut app = App::new("ws", None);
    app.start();
    app.on_event(AppEvent::EstateLoaded {
        generation: 1,
        result: Err("disk on fire".into()),
    });
    let status = app.status.clone();
    assert!(status.is_some_and(|s| s.kind == StatusKind::Error && s.text.contains("disk on fire")));
}

#[test]
fn filter_matches_name_attributes_labels_and_addresses() {
    let mut app = app();
    assert_eq!(names(&app).len(), 5);
    filter(&mut app, "WEB");
    assert_eq!(names(&app), ["web-01", "web-02"]);
    filter(&mut app, "tier=db");
    assert_eq!(names(&app), ["pay-db-01"]);
    filter(&mut app, "team-billing");
    assert_eq!(names(&app), ["billing/billing-api"]);
    filter(&mut app, "10.1.0.12");
    assert_eq!(names(&app), ["billing/billing-api"]);
    filter(&mut app, "team=payments");
    assert_eq!(names(&app), ["billing/billing-api"]);
    // Blind spots follow the same filter.
    filter(&mut app, "internet");
    assert!(names(&app).is_empty());
    assert_eq!(app.estate_view.blind_spots, [2, 1], "busiest first");
}

#[test]
fn enter_keeps_the_filter_and_esc_clears_it() {
    let mut app = app();
    filter(&mut app, "web");
    assert!(app.is_typing());
    app.update(Action::Submit);
    assert!(!app.is_typing());
    assert_eq!(app.estate_view.list.filter, "web");
    assert_eq!(names(&app).len(), 2);
    filter(&mut app, "pay");
    app.update(Action::Cancel);
    assert!(!app.is_typing());
    assert!(app.estate_view.list.filter.is_empty());
    assert_eq!(names(&app).len(), 5);
}

#[test]
fn selection_stays_in_bounds() {
    let mut app = app();
    let list = |app: &App| (app.estate_view.list.selected, app.estate_view.list.offset);
    app.update(Action::MoveUp);
    assert_eq!(list(&app), (0, 0));
    for _ in 0..10 {
        app.update(Action::MoveDown);
    }
    assert_eq!(list(&app).0, 4);
    app.update(Action::Top);
    assert_eq!(list(&app).0, 0);
    app.update(Action::Bottom);
    assert_eq!(list(&app).0, 4);
    app.update(Action::PageUp);
    assert_eq!(list(&app).0, 0);
    app.update(Action::PageDown);
    assert_eq!(list(&app).0, 4);
    filter(&mut app, "web-02");
    assert_eq!(list(&app), (0, 0));
    filter(&mut app, "nothing matches this");
    assert_eq!(app.estate_view.list.selected_item(), None);
    app.update(Action::MoveDown);
    assert_eq!(list(&app), (0, 0));
}

#[test]
fn scrolling_keeps_the_selection_in_the_window() {
    let mut app = app();
    app.viewport.estate_rows = 2;
    app.update(Action::MoveDown);
    app.update(Action::MoveDown);
    assert_eq!(
        (app.estate_view.list.selected, app.estate_view.list.offset),
        (2, 1)
    );
    app.update(Action::Bottom);
    assert_eq!(
        (app.estate_view.list.selected, app.estate_view.list.offset),
        (4, 3)
    );
    app.update(Action::MoveUp);
    app.update(Action::MoveUp);
    app.update(Action::MoveUp);
    assert_eq!(
        (app.estate_view.list.selected, app.estate_view.list.offset),
        (1, 1)
    );
}

#[test]
fn screens_switch_and_wrap() {
    let mut app = app();
    assert_eq!(app.screen, Screen::Estate);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Flows);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Zones);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Matrix);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Blast);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Rollout);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Export);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Estate);
    app.update(Action::PrevScreen);
    assert_eq!(app.screen, Screen::Export);
    app.update(Action::GotoScreen(1));
    assert_eq!(app.screen, Screen::Estate);
    app.update(Action::GotoScreen(9));
    assert_eq!(app.screen, Screen::Estate);
    // Each screen keeps its own selection.
    app.update(Action::MoveDown);
    app.update(Action::GotoScreen(2));
    assert_eq!(app.flows_view.list.selected, 0);
    assert_eq!(app.estate_view.list.selected, 1);
}

#[test]
fn flows_are_by_volume_and_filter_by_port_text_and_outcome() {
    let mut app = app();
    app.update(Action::GotoScreen(2));
    assert_eq!(
        app.flows_view.list.visible,
        [3, 0, 1, 5, 4, 2, 6],
        "bytes descending"
    );
    app.update(Action::CycleOutcomeFilter);
    assert_eq!(app.flows_view.outcome, OutcomeFilter::Accepted);
    assert_eq!(app.flows_view.list.visible, [3, 0, 1, 5, 4]);
    app.update(Action::CycleOutcomeFilter);
    assert_eq!(app.flows_view.outcome, OutcomeFilter::Rejected);
    assert_eq!(app.flows_view.list.visible, [2, 6]);
    app.update(Action::CycleOutcomeFilter);
    assert_eq!(app.flows_view.outcome, OutcomeFilter::All);
    filter(&mut app, "5432");
    assert_eq!(app.flows_view.list.visible, [0, 1, 2]);
    filter(&mut app, "53/udp");
    assert_eq!(app.flows_view.list.visible, [4]);
    filter(&mut app, "0/icmp");
    assert_eq!(app.flows_view.list.visible, [6]);
    filter(&mut app, "(internet)");
    assert_eq!(app.flows_view.list.visible, [3, 6]);
    filter(&mut app, "Billing");
    assert_eq!(app.flows_view.list.visible, [5, 2]);
}

#[test]
fn outcome_filter_only_cycles_on_flows() {
    let mut app = app();
    app.update(Action::CycleOutcomeFilter);
    assert_eq!(app.flows_view.outcome, OutcomeFilter::All);
}

#[test]
fn import_prompt_starts_an_import_and_reloads_after_it() {
    let mut app = app();
    app.update(Action::StartImport);
    assert!(app.prompt.is_some() && app.is_typing());
    app.update(Action::SetInput(" flows/vpc.log ".into()));
    let effects = app.update(Action::Submit);
    assert_eq!(
        effects,
        vec![Effect::StartImport(vec![PathBuf::from("flows/vpc.log")])]
    );
    assert!(app.prompt.is_none() && app.is_importing());
    // A second import waits for the first.
    app.update(Action::StartImport);
    assert!(app.prompt.is_none());
    let generation = app.load_generation;
    let effects = app.on_event(AppEvent::ImportFinished(Ok("imported 1 file".into())));
    assert_eq!(
        effects,
        vec![Effect::LoadEstate {
            generation: generation + 1
        }]
    );
    assert!(!app.is_importing());
}

#[test]
fn esc_closes_the_prompt_then_cancels_a_running_import() {
    let mut app = app();
    app.update(Action::StartImport);
    assert!(app.update(Action::Cancel).is_empty());
    assert!(app.prompt.is_none() && !app.is_importing());
    app.update(Action::StartImport);
    assert!(
        app.update(Action::Submit).is_empty(),
        "an empty path imports nothing"
    );
    app.update(Action::StartImport);
    app.update(Action::SetInput("x.csv".into()));
    app.update(Action::Submit);
    app.update(Action::ToggleDetail);
    assert!(
        app.update(Action::Cancel).is_empty(),
        "first Esc closes the detail pane"
    );
    assert_eq!(app.update(Action::Cancel), vec![Effect::CancelImport]);
    assert!(app.update(Action::Cancel).is_empty(), "cancelled once");
    let effects = app.on_event(AppEvent::ImportFinished(Err("import cancelled".into())));
    assert!(effects.is_empty());
    assert!(app.status.is_some_and(|s| s.kind == StatusKind::Error));
}

#[test]
fn quitting_during_an_import_cancels_it() {
    let mut app = app();
    assert_eq!(app.update(Action::Quit), vec![Effect::Quit]);
    app.update(Action::StartImport);
    app.update(Action::SetInput("x.csv".into()));
    app.update(Action::Submit);
    assert_eq!(
        app.update(Action::Quit),
        vec![Effect::CancelImport, Effect::Quit]
    );
}

#[test]
fn help_overlay_swallows_other_actions() {
    let mut app = app();
    app.update(Action::ToggleHelp);
    assert!(app.help_open);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Estate);
    app.update(Action::Cancel);
    assert!(!app.help_open);
}

#[test]
fn reloading_keeps_filters() {
    let mut app = app();
    filter(&mut app, "web");
    app.update(Action::Submit);
    app.update(Action::Reload);
    let loaded = LoadedEstate::new(Arc::new(estate()));
    app.on_event(AppEvent::EstateLoaded {
        generation: app.load_generation,
        result: Ok(Box::new(loaded)),
    });
    assert_eq!(names(&app), ["web-01", "web-02"]);
}

#[test]
fn typing_on_narrows_and_deleting_widens() {
    let mut app = app();
    filter(&mut app, "w");
    assert_eq!(
        names(&app).len(),
        4,
        "the web hosts, and both owners (owner=…)"
    );
    app.update(Action::SetInput("we".into()));
    assert_eq!(names(&app), ["web-01", "web-02"]);
    app.update(Action::SetInput("web-0".into()));
    assert_eq!(names(&app), ["web-01", "web-02"]);
    app.update(Action::SetInput("web-02".into()));
    assert_eq!(names(&app), ["web-02"]);
    app.update(Action::SetInput("web".into()));
    assert_eq!(names(&app), ["web-01", "web-02"]);
    app.update(Action::GotoScreen(2));
    filter(&mut app, "5");
    assert!(app.flows_view.list.visible.is_empty(), "port 5");
    app.update(Action::SetInput("54".into()));
    app.update(Action::SetInput("5432".into()));
    assert_eq!(app.flows_view.list.visible, [0, 1, 2], "ports never narrow");
    filter(&mut app, "web");
    app.update(Action::SetInput("web-02".into()));
    assert_eq!(app.flows_view.list.visible, [1]);
}
