//! The state of the estate after some phases: which flows are denied and how far a breach
//! spreads, measured on the plan with the not-yet-enforced zones left open.

use crate::analysis::blast::Blast;
use crate::analysis::resolve::ResolvedEstate;
use crate::analysis::simulate::simulate;
use crate::analysis::zones::ZoneMap;
use crate::model::plan::{Peer, Plan, PortSpec, Rule, RuleStatus};
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

/// The plan as it acts with only `enforced` zones enforced: its own rules, then one rule per
/// other zone (pseudo-zones included) that lets anything reach it on any port.
pub fn enforced_plan(plan: &Plan, zones: &ZoneMap, enforced: &[String]) -> Plan {
    let mut effective = plan.clone();
    for name in zones.names.iter().filter(|n| !enforced.contains(n)) {
        effective.rules.push(Rule {
            name: Some(format!("(not enforced yet: {name})")),
            from: Peer::Any,
            to: Peer::Zone(name.clone()),
            ports: vec![PortSpec::Any],
            justification: None,
            owner: None,
            status: RuleStatus::Approved,
            enabled: true,
            baseline: false,
            note: None,
            evidence: None,
        });
    }
    effective
}

/// Simulates and measures the estate with `enforced` zones enforced.
pub fn step(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap, enforced: &[String]) -> Step {
    let effective = enforced_plan(plan, zones, enforced);
    let simulation = simulate(&effective, estate, zones);
    let blast = Blast::new(&effective, estate, zones);
    let ranking = blast.planned_ranking();
    let n = ranking.len();
    let total: u64 = ranking.iter().map(|r| r.1).sum();
    Step {
        enforced: enforced.to_vec(),
        denied: simulation.denied,
        evaluated: simulation.evaluated,
        blast_mean: if n == 0 { 0.0 } else { total as f64 / n as f64 },
        blast_max: ranking.first().map_or(0, |r| r.1),
        worst: ranking.first().map(|r| r.0),
    }
}
