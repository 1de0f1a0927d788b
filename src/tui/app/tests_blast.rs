//! Blast radius: actions in, state out.

use super::{Action, Effect, Screen};
use crate::analysis::blast::Mode;
use crate::tui::tests::{app, app_with_plan, drive};

#[test]
fn the_finder_matches_fuzzily_best_first_and_lists_all_without_a_query() {
    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(5)]);
    let all = app.blast_view.list.len();
    assert_eq!(all, 5);
    drive(
        &mut app,
        &[Action::StartFilter, Action::SetInput("WB01".into())],
    );
    let names = |app: &super::App| -> Vec<String> {
        let estate = app
            .estate()
            .map(|e| e.workloads.clone())
            .unwrap_or_default();
        (app.blast_view.list.visible.iter())
            .map(|&i| estate[i].name.clone())
            .collect()
    };
    assert_eq!(
        names(&app),
        ["web-01"],
        "case-insensitive, in order, gaps allowed"
    );
    drive(&mut app, &[Action::SetInput("10bw".into())]);
    assert!(
        app.blast_view.list.is_empty(),
        "out of order does not match"
    );
    drive(&mut app, &[Action::SetInput("db".into())]);
    assert_eq!(names(&app).first().map(String::as_str), Some("pay-db-01"));
}

#[test]
fn picking_a_workload_asks_a_worker_and_the_newest_answer_wins() {
    let mut app = app_with_plan(100, 30);
    app.update(Action::GotoScreen(5));
    assert_eq!(app.screen, Screen::Blast);
    app.update(Action::StartFilter);
    app.update(Action::SetInput("pay".into()));
    app.update(Action::Submit);
    let effects = app.update(Action::Pick);
    assert_eq!(
        effects,
        vec![Effect::ComputeReach {
            generation: 1,
            workload: 1
        }]
    );
    assert!(app.blast_view.computing);
    drive(&mut app, &[Action::Pick]);
    let report = app.blast_view.report.clone();
    assert!(report.as_ref().is_some_and(|r| r.workload == 1));
    assert!(report.is_some_and(|r| r.reach(Mode::Planned).is_some()));
    assert!(!app.blast_view.computing);
}

#[test]
fn the_ranking_needs_a_plan() {
    let mut app = app();
    drive(&mut app, &[Action::GotoScreen(5), Action::ToggleRanking]);
    assert!(!app.blast_view.ranking_open);
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.text.contains("no plan"))
    );
    drive(&mut app, &[Action::Pick]);
    let report = app.blast_view.report.clone();
    assert!(report.is_some_and(|r| r.reach(Mode::Planned).is_none() && r.reaches.len() == 2));

    let mut app = app_with_plan(100, 30);
    drive(&mut app, &[Action::GotoScreen(5), Action::ToggleRanking]);
    assert!(app.blast_view.ranking_open);
    assert_eq!(app.blast_view.ranking.len(), 5);
    drive(&mut app, &[Action::Pick]);
    assert!(!app.blast_view.ranking_open);
    assert!(app.blast_view.report.is_some());
}
