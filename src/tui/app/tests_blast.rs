//! Blast radius: actions in, state out.

use super::plan_state::subsequence_score;
use super::{Action, Effect, Screen};
use crate::analysis::blast::Mode;
use crate::tui::tests::{app, app_with_plan, drive};

#[test]
fn subsequence_matching_is_case_insensitive_and_prefers_tight_matches() {
    assert!(subsequence_score("WB01", "web-01").is_some());
    assert!(subsequence_score("10bw", "web-01").is_none());
    assert!(subsequence_score("db", "pay-db-01") > subsequence_score("db", "billing/billing-api"));
    assert_eq!(subsequence_score("", "x"), Some(-1));
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
