//! What-if scenarios: a scenario is a named copy of the segmentation plan, analysed over the same
//! estate. This module reduces one analysed plan to its headline [`Metrics`] and compares two
//! ([`compare`]): who moved zone, which zones and rules differ, which observed flows change
//! verdict, and how the blast radius of the most exposed workloads moves.
//!
//! - [`exposure`]: crown jewels the internet may reach under a plan.
//! - [`internet`]: which rule sides admit traffic from the `internet` pseudo-zone.
//! - [`compare`]: the [`Comparison`] and its parts ([`zone_diff`], [`rule_diff`],
//!   [`flow_diff`]).

pub mod compare;
pub mod exposure;
pub mod flow_diff;
pub mod internet;
pub mod rule_diff;
pub mod zone_diff;

pub use compare::{BlastDelta, Comparison, compare};
pub use exposure::{exposed_crown_jewels, exposed_with, internet_entries};
pub use flow_diff::FlowChange;
pub use rule_diff::{RuleChange, RuleText};
pub use zone_diff::{Move, SettingChange, ZoneChange, ZoneText};

use super::resolve::ResolvedEstate;
use super::simulate::Simulation;
use super::zones::ZoneMap;
use crate::model::plan::Plan;

/// Headline figures of one plan over the estate. JSON keys are the field names.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Metrics {
    /// Observed flows the plan would break (`simulation.denied`).
    pub denied_flows: u64,
    /// Enabled rules that match no observed flow.
    pub unused_rules: u64,
    /// Mean planned reach over all workloads (0 for an empty estate).
    pub mean_blast: f64,
    /// The largest planned reach.
    pub max_blast: u64,
    /// Crown jewels the internet may reach, directly or by pivoting ([`exposed_crown_jewels`]).
    pub crown_jewels_exposed: u64,
}

/// One plan analysed over an estate (what the TUI and the CLI already compute).
pub struct Analyzed<'a> {
    pub plan: &'a Plan,
    pub zones: &'a ZoneMap,
    pub simulation: &'a Simulation,
    /// [`Blast::planned_ranking`](crate::analysis::blast::Blast::planned_ranking): (workload,
    /// reachable, crown jewels reachable).
    pub ranking: &'a [(u32, u64, u64)],
}

/// The headline figures of an analysed plan.
pub fn metrics(estate: &ResolvedEstate, scenario: &Analyzed) -> Metrics {
    let exposed = exposed_crown_jewels(scenario.plan, estate, scenario.zones).len() as u64;
    Metrics::of(scenario, exposed)
}

/// The figures of a plan on its own: zones assigned, simulated and ranked once (the Blast
/// built for the ranking also answers the exposure).
pub fn plan_metrics(plan: &Plan, estate: &ResolvedEstate) -> Metrics {
    let zones = super::zones::assign_zones(plan, estate);
    let simulation = super::simulate::simulate(plan, estate, &zones);
    let blast = super::blast::Blast::new(plan, estate, &zones);
    let ranking = blast.planned_ranking();
    let entries = internet_entries(plan, estate, &zones);
    let exposed = exposed_with(&blast, estate, &entries).len() as u64;
    let analyzed = Analyzed {
        plan,
        zones: &zones,
        simulation: &simulation,
        ranking: &ranking,
    };
    Metrics::of(&analyzed, exposed)
}

impl Metrics {
    /// The figures of `scenario`, with the count of exposed crown jewels computed by the caller
    /// (who may already hold a [`Blast`](super::blast::Blast): see [`exposed_with`]).
    pub fn of(scenario: &Analyzed, crown_jewels_exposed: u64) -> Metrics {
        let reaches = scenario.ranking.iter().map(|&(_, reach, _)| reach);
        let total: u64 = reaches.clone().sum();
        let mean_blast = if scenario.ranking.is_empty() {
            0.0
        } else {
            total as f64 / scenario.ranking.len() as f64
        };
        Metrics {
            denied_flows: scenario.simulation.denied,
            unused_rules: scenario.simulation.unused_rules(scenario.plan).len() as u64,
            mean_blast,
            max_blast: reaches.max().unwrap_or(0),
            crown_jewels_exposed,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
