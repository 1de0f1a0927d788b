//! The Rollout screen: reordering phases, ticking statements, editing a phase as YAML.

use super::action::Action;
use super::effect::Effect;
use super::rollout::RolloutPane;
use super::state::{Screen, StatusKind};
use crate::model::rollout::Criterion;
use crate::tui::tests::{TestResult, app_with_a_plan, drive, rollout_plan};

fn phase_names(app: &super::App) -> Vec<String> {
    app.current_plan()
        .map(|p| p.phases.iter().map(|p| p.name.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn the_analysis_evaluates_the_phases_and_guardrails() -> TestResult {
    let app = app_with_a_plan(rollout_plan(), 100, 30);
    let loaded = app.loaded.as_ref().ok_or("not loaded")?;
    let rollout = loaded.plan.rollout.as_ref().ok_or("no rollout")?;
    assert_eq!(rollout.phases.len(), 2);
    assert_eq!(loaded.plan.guardrails.len(), 2);
    assert!(loaded.plan.guardrails[0].is_broken(), "web-to-db opens it");
    Ok(())
}

#[test]
fn reordering_moves_the_selected_phase_and_saves() -> TestResult {
    let mut app = app_with_a_plan(rollout_plan(), 100, 30);
    drive(&mut app, &[Action::GotoScreen(6), Action::MovePhaseDown]);
    assert_eq!(phase_names(&app), ["protect-data", "observe"]);
    assert_eq!(app.rollout_view.phase(), Some(1));
    let loaded = app.loaded.as_ref().ok_or("not loaded")?;
    let stored = loaded.plan.plan.as_ref().ok_or("no plan")?;
    assert_eq!(
        stored.phases[0].name, "protect-data",
        "saved and recomputed"
    );
    // Already last: nothing moves; up moves it back.
    let effects = app.update(Action::MovePhaseDown);
    assert!(effects.is_empty());
    drive(&mut app, &[Action::MovePhaseUp]);
    assert_eq!(phase_names(&app), ["observe", "protect-data"]);
    Ok(())
}

#[test]
fn space_ticks_a_statement_with_who_and_when() -> TestResult {
    let mut app = app_with_a_plan(rollout_plan(), 100, 30);
    // The second phase's second criterion: "DBA signed off".
    drive(
        &mut app,
        &[
            Action::GotoScreen(6),
            Action::MoveDown,
            Action::SwitchFocus,
            Action::MoveDown,
        ],
    );
    assert_eq!(app.rollout_view.pane, RolloutPane::Criteria);
    let effects = app.update(Action::Toggle);
    assert!(matches!(effects.as_slice(), [Effect::SavePlan { .. }]));
    let plan = app.current_plan().ok_or("no plan")?;
    match &plan.phases[1].exit_criteria[1] {
        Criterion::Checkbox {
            ticked: Some(tick), ..
        } => {
            assert!(!tick.by.is_empty());
            assert!(tick.at.ends_with('Z'), "{}", tick.at);
        }
        other => return Err(format!("not ticked: {other:?}").into()),
    }
    crate::tui::tests::perform(&mut app, effects);
    let loaded = app.loaded.as_ref().ok_or("not loaded")?;
    let rollout = loaded.plan.rollout.as_ref().ok_or("no rollout")?;
    assert_eq!(rollout.phases[1].criteria[1].state.as_str(), "ticked");
    // Again: unticked.
    drive(&mut app, &[Action::Toggle]);
    let plan = app.current_plan().ok_or("no plan")?;
    assert!(matches!(
        &plan.phases[1].exit_criteria[1],
        Criterion::Checkbox { ticked: None, .. }
    ));
    Ok(())
}

#[test]
fn a_check_cannot_be_ticked() -> TestResult {
    let mut app = app_with_a_plan(rollout_plan(), 100, 30);
    drive(
        &mut app,
        &[Action::GotoScreen(6), Action::MoveDown, Action::SwitchFocus],
    );
    let before = app.current_plan().cloned();
    let effects = app.update(Action::Toggle);
    assert!(effects.is_empty());
    assert_eq!(app.current_plan().cloned(), before);
    let status = app.status.as_ref().ok_or("no status")?;
    assert!(
        status.text.contains("evaluates it from the data"),
        "{}",
        status.text
    );
    Ok(())
}

#[test]
fn the_editor_applies_a_valid_phase() -> TestResult {
    let mut app = app_with_a_plan(rollout_plan(), 100, 30);
    drive(&mut app, &[Action::GotoScreen(6), Action::EditPhase]);
    let edit = app.phase_edit.as_ref().ok_or("editor not open")?;
    assert!(edit.text.starts_with("name: observe\n"), "{}", edit.text);
    assert!(app.is_editing() && app.input_text().is_some());
    let text = edit.text.replace("name: observe", "name: watch");
    drive(&mut app, &[Action::SetInput(text), Action::ApplyEdit]);
    assert!(app.phase_edit.is_none(), "closed");
    assert_eq!(phase_names(&app), ["watch", "protect-data"]);
    Ok(())
}

#[test]
fn the_editor_keeps_an_invalid_phase_open_with_the_error() -> TestResult {
    let mut app = app_with_a_plan(rollout_plan(), 100, 30);
    drive(&mut app, &[Action::GotoScreen(6), Action::EditPhase]);
    let text = "name: observe\nzones: [nowhere]\nmode: observe\n".to_string();
    let effects = app.update(Action::SetInput(text.clone()));
    assert!(effects.is_empty());
    let effects = app.update(Action::ApplyEdit);
    assert!(effects.is_empty(), "nothing saved");
    let edit = app.phase_edit.as_ref().ok_or("editor closed")?;
    assert_eq!(edit.text, text, "the text is kept");
    assert_eq!(edit.error_line, Some(2));
    let error = edit.error.as_deref().ok_or("no error")?;
    assert!(error.starts_with("line 2:"), "{error}");
    assert_eq!(app.status.as_ref().map(|s| s.kind), Some(StatusKind::Error));
    // A name another phase has is refused too; Esc closes without a change.
    let clash = "name: protect-data\nzones: [web]\nmode: observe\n".to_string();
    drive(&mut app, &[Action::SetInput(clash), Action::ApplyEdit]);
    let edit = app.phase_edit.as_ref().ok_or("editor closed")?;
    assert!(
        edit.error
            .as_deref()
            .is_some_and(|e| e.contains("already exists"))
    );
    drive(&mut app, &[Action::Cancel]);
    assert!(app.phase_edit.is_none());
    assert_eq!(phase_names(&app), ["observe", "protect-data"]);
    Ok(())
}

#[test]
fn e_on_an_empty_list_inserts_a_new_phase() -> TestResult {
    let mut app = app_with_a_plan(crate::tui::tests::plan(), 100, 30);
    drive(&mut app, &[Action::GotoScreen(6), Action::EditPhase]);
    assert_eq!(app.screen, Screen::Rollout);
    let edit = app.phase_edit.as_ref().ok_or("editor not open")?;
    assert_eq!(edit.phase, None);
    assert!(edit.text.contains("name: phase-1"), "{}", edit.text);
    drive(&mut app, &[Action::ApplyEdit]);
    assert_eq!(phase_names(&app), ["phase-1"]);
    Ok(())
}
