//! Scenarios, undo and redo, the history and the time window: actions in, effects and state out.

use super::history::Step;
use super::scenarios::ScenarioOp;
use super::{Action, AppEvent, Effect, PromptKind};
use crate::store::{HistoryEntry, ScenarioInfo};
use crate::tui::tests::{TestResult, app_with_plan, drive};

fn status(app: &super::App) -> String {
    app.status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn info(name: &str, active: bool) -> ScenarioInfo {
    ScenarioInfo {
        name: name.into(),
        based_on: (name != "baseline").then(|| "baseline".to_string()),
        created_at: (name != "baseline").then_some(1_763_366_400),
        has_plan: true,
        zones: 3,
        rules: 1,
        active,
    }
}

#[test]
fn a_new_scenario_is_created_from_the_list_and_the_workspace_reloads() -> TestResult {
    let mut app = app_with_plan(80, 24);
    let effects = app.update(Action::OpenScenarios);
    assert_eq!(effects, vec![Effect::ListScenarios]);
    app.on_event(AppEvent::Scenarios(Ok(vec![info("baseline", true)])));
    assert_eq!(app.scenarios_view.list.len(), 1);
    drive(&mut app, &[Action::NewScenario]);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::NewScenario)
    );
    app.update(Action::SetInput(" hl7-move ".into()));
    let effects = app.update(Action::Submit);
    assert_eq!(
        effects,
        vec![Effect::Scenario(ScenarioOp::Create {
            name: "hl7-move".into(),
            from: None
        })]
    );
    let effects = app.on_event(AppEvent::ScenarioDone(Ok(
        "scenario hl7-move created".into()
    )));
    assert!(
        matches!(effects.first(), Some(Effect::LoadEstate { .. })),
        "{effects:?}"
    );
    assert!(effects.contains(&Effect::ListScenarios));
    app.on_event(AppEvent::Scenarios(Ok(vec![
        info("baseline", false),
        info("hl7-move", true),
    ])));
    assert_eq!(
        app.scenarios_view.selected().map(|r| r.name.as_str()),
        Some("hl7-move"),
        "the list shows the active scenario after the operation"
    );
    let refused = app.on_event(AppEvent::ScenarioDone(Err(
        "name taken; nothing was changed".into(),
    )));
    assert!(refused.is_empty());
    assert!(status(&app).contains("nothing was changed"));
    Ok(())
}

#[test]
fn the_baseline_is_protected_and_deletion_asks_first() {
    let mut app = app_with_plan(80, 24);
    app.update(Action::OpenScenarios);
    app.on_event(AppEvent::Scenarios(Ok(vec![
        info("baseline", false),
        info("dmz-split", true),
    ])));
    app.scenarios_view.list.select(0, 10);
    assert!(app.update(Action::DeleteScenario).is_empty());
    assert!(status(&app).contains("cannot be deleted"));
    assert!(app.update(Action::PromoteScenario).is_empty());
    app.update(Action::MoveDown);
    assert!(
        app.update(Action::DeleteScenario).is_empty(),
        "first d asks"
    );
    assert!(status(&app).contains("d again or y"));
    assert_eq!(
        app.update(Action::Confirm),
        vec![Effect::Scenario(ScenarioOp::Delete("dmz-split".into()))]
    );
    assert_eq!(
        app.update(Action::PromoteScenario),
        vec![Effect::Scenario(ScenarioOp::Promote("dmz-split".into()))]
    );
    // Switching to the baseline, and the comparison of the selected with the active one.
    app.update(Action::MoveUp);
    assert_eq!(
        app.update(Action::Pick),
        vec![Effect::Scenario(ScenarioOp::Switch("baseline".into()))]
    );
    app.update(Action::Cancel);
    assert!(!app.scenarios_view.open);
}

#[test]
fn compare_goes_against_the_baseline_or_opens_the_list() -> TestResult {
    let mut app = app_with_plan(80, 24);
    assert_eq!(app.update(Action::Compare), vec![Effect::ListScenarios]);
    assert!(
        app.scenarios_view.open,
        "on the baseline, c lists the scenarios"
    );
    app.update(Action::Cancel);
    let loaded = app.loaded.as_mut().ok_or("loaded")?;
    std::sync::Arc::make_mut(loaded).scenario = "hl7-move".into();
    assert_eq!(
        app.update(Action::Compare),
        vec![Effect::Compare {
            a: "baseline".into(),
            b: "hl7-move".into()
        }]
    );
    assert!(app.compare_view.open && app.compare_view.loading);
    app.on_event(AppEvent::Compared(Err("no plan".into())));
    assert!(!app.compare_view.open);
    assert!(status(&app).contains("cannot compare: no plan"));
    Ok(())
}

#[test]
fn undo_and_redo_go_through_the_workspace_and_show_what_changed() -> TestResult {
    let mut app = app_with_plan(80, 24);
    let effects = app.update(Action::Undo);
    let [Effect::Step { generation, step }] = effects.as_slice() else {
        return Err(format!("expected one step: {effects:?}").into());
    };
    assert_eq!(*step, Step::Undo);
    let mut plan = app.current_plan().cloned().ok_or("a plan")?;
    plan.zones.pop();
    let estate = app
        .loaded
        .as_ref()
        .map(|l| l.estate.clone())
        .ok_or("loaded")?;
    let analysis = super::PlanAnalysis::compute(&estate, Some(plan), None);
    app.on_event(AppEvent::Stepped {
        generation: *generation,
        step: Step::Undo,
        result: Ok(Some((Box::new(analysis), "zone billing created".into()))),
    });
    assert_eq!(status(&app), "undone: zone billing created");
    assert_eq!(app.current_plan().map(|p| p.zones.len()), Some(2));
    assert!(
        app.before_edit.is_some(),
        "the figures before the undo are kept for the deltas"
    );
    let effects = app.update(Action::Redo);
    let [Effect::Step { generation, .. }] = effects.as_slice() else {
        return Err("expected a redo".into());
    };
    app.on_event(AppEvent::Stepped {
        generation: *generation,
        step: Step::Redo,
        result: Ok(None),
    });
    assert_eq!(status(&app), "nothing to redo");
    Ok(())
}

#[test]
fn undo_waits_for_a_save_in_flight() {
    let mut app = app_with_plan(80, 24);
    app.update(Action::GotoScreen(3));
    app.update(Action::NewZone);
    app.update(Action::SetInput("mgmt".into()));
    let save = app.update(Action::Submit);
    assert!(
        matches!(save.as_slice(), [Effect::SavePlan { what, .. }] if what == "zone mgmt created")
    );
    assert!(app.update(Action::Undo).is_empty());
    assert!(status(&app).contains("still being saved"));
}

#[test]
fn the_history_overlay_lists_changes_and_scrolls() {
    let mut app = app_with_plan(80, 24);
    assert_eq!(app.update(Action::OpenHistory), vec![Effect::LoadHistory]);
    let rows: Vec<HistoryEntry> = (0..30)
        .map(|i| HistoryEntry {
            id: 30 - i,
            at: 1_763_366_400 - i * 60,
            user: "alice".into(),
            scenario: "baseline".into(),
            action: "edit".into(),
            summary: format!("change {i}"),
            undone: i == 0,
        })
        .collect();
    app.on_event(AppEvent::History(Ok(rows)));
    assert_eq!(app.history_view.list.len(), 30);
    app.update(Action::PageDown);
    assert_eq!(app.history_view.list.selected, app.viewport.overlay_rows);
    app.update(Action::Cancel);
    assert!(!app.history_view.open);
}

#[test]
fn the_time_window_is_typed_and_reloads_the_workspace() {
    let mut app = app_with_plan(80, 24);
    app.update(Action::SetWindow);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.kind),
        Some(PromptKind::Window)
    );
    app.update(Action::SetInput("2025-11-01..2025-11-15".into()));
    let effects = app.update(Action::Submit);
    assert!(matches!(effects.as_slice(), [Effect::LoadEstate { .. }]));
    assert_eq!(
        app.window,
        (Some("2025-11-01".into()), Some("2025-11-15".into()))
    );
    app.update(Action::SetWindow);
    assert_eq!(
        app.prompt.as_ref().map(|p| p.text.as_str()),
        Some("2025-11-01..2025-11-15"),
        "the prompt starts from the window in force"
    );
    app.update(Action::SetInput("7d".into()));
    app.update(Action::Submit);
    assert_eq!(app.window, (Some("7d".into()), None));
    app.update(Action::SetWindow);
    app.update(Action::SetInput("..2025-11-10".into()));
    app.update(Action::Submit);
    assert_eq!(app.window, (None, Some("2025-11-10".into())));
    app.update(Action::SetWindow);
    app.update(Action::SetInput("  ".into()));
    app.update(Action::Submit);
    assert_eq!(app.window, (None, None));
    assert!(status(&app).contains("every flow"));
}

#[test]
fn a_suggested_plan_runs_as_a_job_and_esc_cancels_it() {
    let mut app = app_with_plan(80, 24);
    assert_eq!(app.update(Action::SuggestScenario), vec![Effect::Suggest]);
    assert_eq!(
        app.busy.as_ref().map(|j| j.kind),
        Some(super::JobKind::Suggest)
    );
    assert!(
        app.update(Action::SuggestScenario).is_empty(),
        "one at a time"
    );
    app.update(Action::Cancel);
    assert!(app.busy.is_none());
    assert!(status(&app).contains("nothing was stored"));
    app.update(Action::SuggestScenario);
    let effects = app.on_event(AppEvent::ScenarioDone(Ok("stored as suggested".into())));
    assert!(
        app.busy
            .as_ref()
            .is_none_or(|j| j.kind != super::JobKind::Suggest)
    );
    assert!(matches!(effects.first(), Some(Effect::LoadEstate { .. })));
}

#[test]
fn a_window_the_workspace_refuses_is_rolled_back() {
    let mut app = app_with_plan(80, 24);
    app.update(Action::SetWindow);
    app.update(Action::SetInput("7d".into()));
    app.update(Action::Submit);
    app.on_event(AppEvent::EstateLoaded {
        generation: app.load_generation,
        result: Err("--since 7d: the workspace has no dated flows to count back from".into()),
    });
    assert_eq!(app.window, (None, None));
    assert!(status(&app).starts_with("the time window was not changed: --since 7d"));
    assert!(
        app.loading,
        "the workspace is loaded again through the window before"
    );
}
