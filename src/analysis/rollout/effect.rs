//! The state of the estate after some phases: which flows are denied and how far a breach
//! spreads, measured on the plan with the not-yet-enforced zones left open.

use crate::analysis::blast::Blast;
use crate::analysis::resolve::ResolvedEstate;
use crate::analysis::simulate::{Simulation, Verdict};
use crate::analysis::zones::ZoneMap;
use crate::model::plan::Plan;
use crate::model::rollout::PhaseMode;

/// The estate with some zones enforced.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The zones enforced, in the order phases first enforce them.
    pub enforced: Vec<String>,
    /// Evaluated observed flows the enforcement denies.
    pub denied: u64,
    /// Evaluated observed flows (all of them, enforced or not).
    pub evaluated: u64,
    /// Mean and largest planned blast radius over every workload.
    pub blast_mean: f64,
    pub blast_max: u64,
    /// A workload with the largest radius (the first by name).
    pub worst: Option<u32>,
}

/// The zones enforced after the first `phases` phases: those named by `enforce` phases, in the
/// order they are first named.
pub fn enforced_zones(plan: &Plan, phases: usize) -> Vec<String> {
    let mut enforced: Vec<String> = Vec::new();
    let enforcing = plan.phases.iter().take(phases);
    for phase in enforcing.filter(|p| p.mode == PhaseMode::Enforce) {
        for zone in &phase.zones {
            if !enforced.contains(zone) {
                enforced.push(zone.clone());
            }
        }
    }
    enforced
}

/// Measures steps of one plan's rollout: the plan's simulation and blast-radius classes are
/// computed once, and each step only changes which zones are open to everyone.
///
/// A step is exactly the plan with one rule from `any` to each zone not yet enforced (pseudo-zones
/// included), on every port: a flow into an open zone is allowed, a flow into an enforced zone
/// gets the plan's verdict (the extra rules never reach it), and the planned reach lets every
/// workload into the open zones in one hop.
pub struct Stepper<'a> {
    estate: &'a ResolvedEstate,
    zones: &'a ZoneMap,
    simulation: &'a Simulation,
    blast: Blast<'a>,
}

impl<'a> Stepper<'a> {
    pub fn new(
        plan: &'a Plan,
        estate: &'a ResolvedEstate,
        zones: &'a ZoneMap,
        simulation: &'a Simulation,
    ) -> Stepper<'a> {
        Stepper {
            estate,
            zones,
            simulation,
            blast: Blast::new(plan, estate, zones),
        }
    }

    /// The estate with `enforced` zones enforced and every other zone open.
    pub fn step(&mut self, enforced: &[String]) -> Step {
        let zones = self.zones;
        let enforced_ids: Vec<u32> = enforced.iter().filter_map(|n| zones.index(n)).collect();
        let open: Vec<bool> = (0..zones.names.len() as u32)
            .map(|z| !enforced_ids.contains(&z))
            .collect();
        let denied = self
            .estate
            .service_edges
            .iter()
            .zip(&self.simulation.verdicts)
            .filter(|(edge, verdict)| {
                **verdict == Verdict::Denied && enforced_ids.contains(&zones.zone_of(edge.server))
            })
            .count() as u64;
        self.blast.set_open_zones(open);
        let ranking = self.blast.planned_ranking();
        let n = ranking.len();
        let total: u64 = ranking.iter().map(|r| r.1).sum();
        Step {
            enforced: enforced.to_vec(),
            denied,
            evaluated: self.simulation.evaluated,
            blast_mean: if n == 0 { 0.0 } else { total as f64 / n as f64 },
            blast_max: ranking.first().map_or(0, |r| r.1),
            worst: ranking.first().map(|r| r.0),
        }
    }
}
