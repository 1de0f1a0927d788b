//! The rollout: what each phase changes, and whether it is ready to leave.
//!
//! Enforcement is ingress: after phases 1..k, a flow meets the plan (rules, defaults) when its
//! server is in a zone some `enforce` phase among 1..k names; every other flow still goes
//! through, as it does today. `observe` phases enforce nothing. Each step is the plan with the
//! not-yet-enforced zones open to everything (as if one `any` rule led to each), measured with
//! the plan's own simulation and blast-radius classes ([`Stepper`]): before any phase the radius
//! is the flat network's, after the last it is the plan's, if every zone is in an enforce phase.

mod criteria;
mod effect;
mod enforcement;
mod order;

pub use effect::{Step, Stepper, enforced_zones};
pub use enforcement::{propose_enforcement, zone_controls};
pub use order::{OrderAdvice, suggest_order};

use super::resolve::ResolvedEstate;
use super::simulate::Simulation;
use super::zones::ZoneMap;
use crate::model::network::Enforcement;
use crate::model::plan::Plan;

/// Where one exit criterion stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// A check that holds.
    Met,
    /// A check that fails.
    Unmet,
    /// A checkbox someone ticked.
    Ticked,
    /// A checkbox nobody ticked yet.
    Open,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Met => "met",
            State::Unmet => "unmet",
            State::Ticked => "ticked",
            State::Open => "open",
        }
    }

    /// Met or ticked.
    pub fn is_done(self) -> bool {
        matches!(self, State::Met | State::Ticked)
    }
}

/// One exit criterion's state, with what it found (or who ticked it, and when).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionStatus {
    pub state: State,
    pub detail: String,
}

/// One phase, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseStatus {
    /// The phase's index in the plan.
    pub phase: usize,
    /// The controls: the phase's own, else those proposed from its zones.
    pub enforcement: Vec<Enforcement>,
    /// Whether `enforcement` was proposed (the phase names none).
    pub proposed: bool,
    /// One per exit criterion, in the phase's order.
    pub criteria: Vec<CriterionStatus>,
    /// Observed flows into the phase's zones the plan denies (service edge indices, in order):
    /// what enforcing this phase breaks.
    pub breaks: Vec<usize>,
    /// Enabled rules that allow traffic into the phase's zones (by index).
    pub rules_in_scope: Vec<usize>,
    /// The state after phases 1..=this one.
    pub after: Step,
}

impl PhaseStatus {
    /// Every exit criterion met or ticked.
    pub fn ready(&self) -> bool {
        self.criteria.iter().all(|c| c.state.is_done())
    }
}

/// The rollout evaluated: the starting point and every phase.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollout {
    /// Before any phase: nothing enforced.
    pub before: Step,
    pub phases: Vec<PhaseStatus>,
    /// Declared zones no `enforce` phase names: the plan never enforces them.
    pub never_enforced: Vec<String>,
}

/// Evaluates every phase of the plan: its effect, its controls and its exit criteria.
/// `simulation` is the whole plan's simulation.
pub fn evaluate(
    plan: &Plan,
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    simulation: &Simulation,
) -> Rollout {
    let mut stepper = Stepper::new(plan, estate, zones, simulation);
    let before = stepper.step(&[]);
    let mut enforced: Vec<String> = Vec::new();
    let phases = plan
        .phases
        .iter()
        .enumerate()
        .map(|(index, phase)| {
            if phase.mode == crate::model::rollout::PhaseMode::Enforce {
                for zone in &phase.zones {
                    if !enforced.contains(zone) {
                        enforced.push(zone.clone());
                    }
                }
            }
            let after = stepper.step(&enforced);
            let scope = criteria::Scope::new(plan, estate, zones, simulation, &phase.zones);
            let criteria = phase
                .exit_criteria
                .iter()
                .map(|c| scope.evaluate(c, &after))
                .collect();
            let (enforcement, proposed) = if phase.enforcement.is_empty() {
                (propose_enforcement(estate, zones, &phase.zones), true)
            } else {
                (phase.enforcement.clone(), false)
            };
            PhaseStatus {
                phase: index,
                enforcement,
                proposed,
                criteria,
                breaks: scope.breaks,
                rules_in_scope: scope.rules,
                after,
            }
        })
        .collect();
    let never_enforced = plan
        .zones
        .iter()
        .map(|z| z.name.clone())
        .filter(|name| !enforced.contains(name))
        .collect();
    Rollout {
        before,
        phases,
        never_enforced,
    }
}

#[cfg(test)]
mod tests;
