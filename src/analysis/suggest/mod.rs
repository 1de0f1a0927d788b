//! A first draft of a plan, grounded in the observed traffic: zones from the flow graph, allow
//! rules codified from accepted flows with their evidence, and the baseline services enforcement
//! needs. Never applied by itself: the architect reviews it, edits it and applies it.
//!
//! Guarantees, for any estate: every workload lands in the zone proposed for it (the selectors
//! are exact), and the plan allows every observed accepted flow.

pub mod baseline;
pub mod community;
pub mod rules;
pub mod units;
pub mod zoning;

pub use rules::Granularity;
pub use zoning::ProposedZone;

use super::resolve::ResolvedEstate;
use super::zones::{ZoneMap, assign_zones};
use crate::model::plan::{Defaults, Plan, Policy};

/// The draft and what it is made of.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub plan: Plan,
    /// The zones drawn from the flow graph, in plan order (the cloud platform zone excluded).
    pub zones: Vec<ProposedZone>,
    pub flow_rules: usize,
    pub baseline_rules: usize,
    /// Where the draft puts every workload and unresolved address.
    pub zone_map: ZoneMap,
}

/// Drafts a plan from the estate.
pub fn suggest(estate: &ResolvedEstate, granularity: Granularity) -> Suggestion {
    let units = units::units(&estate.workloads);
    let proposed = zoning::propose_zones(estate, &units);
    let mut plan = Plan {
        defaults: Defaults {
            east_west: Policy::Deny,
            intra_zone: Policy::Allow,
        },
        zones: proposed.iter().map(|p| p.zone.clone()).collect(),
        rules: Vec::new(),
        phases: Vec::new(),
        guardrails: Vec::new(),
    };
    plan.zones.extend(baseline::platform_zone(estate));
    let zones = assign_zones(&plan, estate);
    let codifier = rules::Codifier {
        estate,
        units: &units,
        plan: &plan,
        zones: &zones,
        granularity,
        whole: proposed.iter().map(|p| p.cohesive).collect(),
    };
    let rules = codifier.rules();
    plan.rules = rules;
    let baseline_rules = plan.rules.iter().filter(|r| r.baseline).count();
    Suggestion {
        flow_rules: plan.rules.len() - baseline_rules,
        baseline_rules,
        plan,
        zones: proposed,
        zone_map: zones,
    }
}

#[cfg(test)]
mod tests;
