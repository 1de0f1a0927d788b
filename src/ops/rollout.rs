//! The rollout as a use case: evaluate the stored plan's phases (effect, controls, exit
//! criteria, guardrails), suggest an order, reorder phases, tick checkboxes.

use serde::Serialize;

use super::plan_view::{PlanView, load_plan_view};
use crate::analysis::ResolvedEstate;
use crate::analysis::guardrails::{GuardrailStatus, check_guardrails};
use crate::analysis::rollout::{OrderAdvice, Rollout, Step, evaluate, suggest_order};
use crate::analysis::simulate::{Simulation, simulate};
use crate::analysis::zones::ZoneMap;
use crate::ingest::InputError;
use crate::ingest::plan::parse_plan;
use crate::model::plan::Plan;
use crate::model::rollout::{Criterion, Phase, Tick};
use crate::model::time::rfc3339;
use crate::store::{StoreError, Workspace};

/// Why the rollout could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum RolloutError {
    #[error("no plan in workspace {workspace}\n  hint: blastwall plan apply FILE")]
    NoPlan { workspace: String },
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Everything the rollout commands and screens show.
pub struct RolloutView {
    pub view: PlanView,
    pub plan: Plan,
    pub rollout: Rollout,
    pub guardrails: Vec<GuardrailStatus>,
}

/// The stored plan's rollout, evaluated.
pub fn load_rollout(workspace: &Workspace) -> Result<RolloutView, RolloutError> {
    let view = load_plan_view(workspace)?;
    let plan = view.plan.clone().ok_or_else(|| RolloutError::NoPlan {
        workspace: workspace.path().to_string(),
    })?;
    let simulation = simulate(&plan, &view.estate, &view.zones);
    let (rollout, guardrails) = evaluate_plan(&plan, &view.estate, &view.zones, &simulation);
    Ok(RolloutView {
        view,
        plan,
        rollout,
        guardrails,
    })
}

/// Evaluates a plan's rollout and guardrails against an estate, given the plan's simulation.
pub fn evaluate_plan(
    plan: &Plan,
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    simulation: &Simulation,
) -> (Rollout, Vec<GuardrailStatus>) {
    let rollout = evaluate(plan, estate, zones, simulation);
    let guardrails = check_guardrails(plan, estate, zones, simulation);
    (rollout, guardrails)
}

/// The suggested phase order of the stored plan.
pub fn advise_order(view: &RolloutView) -> OrderAdvice {
    suggest_order(
        &view.plan,
        &view.view.estate,
        &view.view.zones,
        &view.rollout,
    )
}

/// Puts the stored plan's phases in `order` (phase indices, each once).
pub fn reorder_phases(workspace: &mut Workspace, order: &[usize]) -> Result<(), RolloutError> {
    let (mut plan, source) = stored(workspace)?;
    plan.phases = reordered(&plan, order)?;
    let names: Vec<&str> = plan.phases.iter().map(|p| p.name.as_str()).collect();
    let summary = format!("phases reordered: {}", names.join(", "));
    let change = super::history::change("rollout suggest-order", summary);
    workspace.save_plan(&plan, source.as_deref(), &change)?;
    Ok(())
}

/// The phases of `plan` in `order`, which must name each phase once.
pub fn reordered(
    plan: &Plan,
    order: &[usize],
) -> Result<Vec<crate::model::rollout::Phase>, RolloutError> {
    let mut sorted = order.to_vec();
    sorted.sort_unstable();
    if sorted != (0..plan.phases.len()).collect::<Vec<_>>() {
        return Err(RolloutError::Usage(format!(
            "an order must name each of the {} phases once",
            plan.phases.len()
        )));
    }
    Ok(order.iter().map(|&i| plan.phases[i].clone()).collect())
}

/// Ticks (or unticks) checkbox `item` (1-based among the phase's exit criteria) of the phase
/// named `phase` (or numbered, 1-based), recording who and when. Returns the checkbox's text.
pub fn tick(
    workspace: &mut Workspace,
    phase: &str,
    item: usize,
    tick: Option<Tick>,
) -> Result<String, RolloutError> {
    let (mut plan, source) = stored(workspace)?;
    let summary = match &tick {
        Some(_) => "ticked",
        None => "unticked",
    };
    let text = set_tick(&mut plan, phase, item, tick)?;
    let summary = format!("{summary} {text:?} (phase {phase}, item {item})");
    let change = super::history::change("rollout tick", summary);
    workspace.save_plan(&plan, source.as_deref(), &change)?;
    Ok(text)
}

/// Sets or clears a checkbox's tick in a plan.
pub fn set_tick(
    plan: &mut Plan,
    phase: &str,
    item: usize,
    tick: Option<Tick>,
) -> Result<String, RolloutError> {
    let names: Vec<String> = plan.phases.iter().map(|p| p.name.clone()).collect();
    let index = names
        .iter()
        .position(|n| n == phase)
        .or_else(|| {
            phase
                .parse::<usize>()
                .ok()
                .filter(|&n| (1..=names.len()).contains(&n))
                .map(|n| n - 1)
        })
        .ok_or_else(|| {
            RolloutError::Usage(format!(
                "no phase {phase:?}; phases: {}",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ))
        })?;
    let criteria = &mut plan.phases[index].exit_criteria;
    let count = criteria.len();
    match item.checked_sub(1).and_then(|i| criteria.get_mut(i)) {
        Some(Criterion::Checkbox { text, ticked }) => {
            *ticked = tick;
            Ok(text.clone())
        }
        Some(Criterion::Check(check)) => Err(RolloutError::Usage(format!(
            "exit criterion {item} of phase {:?} is the check {}, which Blastwall evaluates from \
             the data; only statements can be ticked",
            names[index],
            check.name()
        ))),
        None => Err(RolloutError::Usage(format!(
            "phase {:?} has {count} exit criteria; ITEM is 1 to {count}",
            names[index]
        ))),
    }
}

/// A tick by the current OS user, now.
pub fn tick_now() -> Tick {
    let by = super::history::current_user();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Tick {
        by,
        at: rfc3339(now),
    }
}

fn stored(workspace: &Workspace) -> Result<(Plan, Option<String>), RolloutError> {
    workspace.load_plan()?.ok_or_else(|| RolloutError::NoPlan {
        workspace: workspace.path().to_string(),
    })
}

/// A phase as the canonical YAML the plan file holds under `phases:` (a block mapping, without
/// the list dash): what the workbench's phase editor starts from.
pub fn phase_yaml(phase: &Phase) -> String {
    crate::export::plan_yaml::phase_to_yaml(phase)
}

/// Reads an edited phase (`text`, as [`phase_yaml`] writes it) in the context of `plan`: the
/// plan without its phases and guardrails, plus `phases:` holding the edited block, must parse,
/// so the phase's zones must be the plan's. An error's line is the line of `text`, or none
/// when the problem is not in the edited block.
pub fn parse_phase(plan: &Plan, text: &str) -> Result<Phase, InputError> {
    let context = Plan {
        phases: Vec::new(),
        guardrails: Vec::new(),
        ..plan.clone()
    };
    let mut document = crate::export::plan_yaml::plan_to_yaml(&context);
    document.push_str("phases:\n");
    let first = document.lines().count() as u64 + 1;
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    for (i, line) in lines.iter().enumerate() {
        let prefix = if Some(i) == start { "  - " } else { "    " };
        if line.is_empty() {
            document.push('\n');
        } else {
            document.push_str(&format!("{prefix}{line}\n"));
        }
    }
    let within = |line: u64| (first..first + lines.len() as u64).contains(&line);
    let mut plan = match parse_plan(&document, "phase") {
        Ok(plan) => plan,
        Err(mut error) => {
            error.line = error.line.filter(|&l| within(l)).map(|l| l - first + 1);
            return Err(error);
        }
    };
    match (plan.phases.len(), start) {
        (1, Some(_)) => Ok(plan.phases.remove(0)),
        _ => {
            Err(InputError::new("one phase (name: …, zones: […], …)", "nothing").at("phase", None))
        }
    }
}

/// A step as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct StepJson {
    pub enforced: Vec<String>,
    pub denied: u64,
    pub evaluated: u64,
    pub blast_mean: f64,
    pub blast_max: u64,
    pub worst: Option<String>,
}

impl StepJson {
    pub fn new(step: &Step, estate: &ResolvedEstate) -> StepJson {
        StepJson {
            enforced: step.enforced.clone(),
            denied: step.denied,
            evaluated: step.evaluated,
            blast_mean: (step.blast_mean * 10.0).round() / 10.0,
            blast_max: step.blast_max,
            worst: step
                .worst
                .and_then(|w| estate.workloads.get(w as usize))
                .map(|w| w.name.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const PLAN: &str = "version: 1
zones: [{name: a}, {name: b}]
phases:
  - name: one
    zones: [a]
    exit_criteria: [signed off, {check: rules_owned}]
  - {name: two, zones: [b]}
";

    #[test]
    fn ticks_checkboxes_only() -> TestResult {
        let mut plan = parse_plan(PLAN, "p")?;
        let tick = Tick {
            by: "alice".into(),
            at: "2026-11-23T10:00:00Z".into(),
        };
        assert_eq!(
            set_tick(&mut plan, "one", 1, Some(tick.clone()))?,
            "signed off"
        );
        assert_eq!(
            plan.phases[0].exit_criteria[0],
            Criterion::Checkbox {
                text: "signed off".into(),
                ticked: Some(tick)
            }
        );
        set_tick(&mut plan, "1", 1, None)?;
        assert!(matches!(
            &plan.phases[0].exit_criteria[0],
            Criterion::Checkbox { ticked: None, .. }
        ));
        let check = set_tick(&mut plan, "one", 2, None).err().ok_or("a check")?;
        assert!(check.to_string().contains("only statements can be ticked"));
        let past = set_tick(&mut plan, "one", 3, None)
            .err()
            .ok_or("no item 3")?;
        assert!(past.to_string().contains("ITEM is 1 to 2"), "{past}");
        let none = set_tick(&mut plan, "three", 1, None)
            .err()
            .ok_or("no phase")?;
        assert!(none.to_string().contains("phases: one, two"), "{none}");
        Ok(())
    }

    #[test]
    fn reorders_with_every_phase_once() -> TestResult {
        let plan = parse_plan(PLAN, "p")?;
        let phases = reordered(&plan, &[1, 0])?;
        assert_eq!(phases[0].name, "two");
        assert!(reordered(&plan, &[0, 0]).is_err());
        assert!(reordered(&plan, &[0]).is_err());
        Ok(())
    }

    #[test]
    fn a_phase_round_trips_through_its_yaml() -> TestResult {
        let plan = parse_plan(PLAN, "p")?;
        let text = phase_yaml(&plan.phases[0]);
        assert!(text.starts_with("name: one\n"), "{text}");
        assert_eq!(parse_phase(&plan, &text)?, plan.phases[0]);
        let edited = text.replace("zones: [a]", "zones: [a, b]");
        assert_eq!(parse_phase(&plan, &edited)?.zones, vec!["a", "b"]);
        Ok(())
    }

    #[test]
    fn a_bad_phase_says_which_line_of_the_block() -> TestResult {
        let plan = parse_plan(PLAN, "p")?;
        let text = "name: three\nzones: [nowhere]\nmode: enforce\n";
        let error = parse_phase(&plan, text)
            .err()
            .ok_or("unknown zone accepted")?;
        assert_eq!(error.line, Some(2), "{error}");
        let error = parse_phase(&plan, "name: x\nzones: [a]\nmode: loud\n")
            .err()
            .ok_or("bad mode accepted")?;
        assert_eq!(error.line, Some(3), "{error}");
        assert!(parse_phase(&plan, "").is_err());
        Ok(())
    }

    #[test]
    fn tick_now_names_someone() {
        let tick = tick_now();
        assert!(!tick.by.is_empty() && tick.at.ends_with('Z'));
    }
}
