//! Default-deny simulation: which observed edges the plan allows, which it would break, which
//! rules carry traffic and which carry none. A pure function of estate, plan and zones.
//!
//! - [`simulate`] runs in full: rule sides are matched once per endpoint into bit sets
//!   ([`RuleSides`]), endpoints with equal bit sets are one class, and each edge checks the ports
//!   of the rules its pair of classes has in common.
//! - [`Simulator`] keeps a simulation up to date across edits, recomputing only the edges a
//!   changed rule or a moved endpoint touches; the result is the same as a full run.

mod evaluate;
mod incremental;
mod index;
mod rule_keys;
mod sides;

pub use incremental::{Simulator, Update};
pub use sides::RuleSides;

use super::resolve::{ResolvedEstate, ServiceEdge};
use super::zones::{Members, ZoneMap};
use crate::model::plan::Plan;

/// What the plan does with an observed edge. Serialized as [`Verdict::as_str`] spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Both ends in one zone whose intra-zone policy allows.
    IntraZone,
    /// Different zones, and `east_west` allows.
    EastWest,
    /// An enabled rule allows it.
    Rule,
    /// Nothing allows it: it would break under enforcement.
    Denied,
    /// Only ever rejected: not evaluated.
    AlreadyBlocked,
}

impl Verdict {
    pub fn is_allowed(self) -> bool {
        matches!(self, Verdict::IntraZone | Verdict::EastWest | Verdict::Rule)
    }

    /// The verdict in output: `intra-zone`, `east-west`, `rule`, `denied`, `already-blocked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::IntraZone => "intra-zone",
            Verdict::EastWest => "east-west",
            Verdict::Rule => "rule",
            Verdict::Denied => "denied",
            Verdict::AlreadyBlocked => "already-blocked",
        }
    }
}

/// The outcome of a simulation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simulation {
    /// One verdict per service edge of the estate, in the same order.
    pub verdicts: Vec<Verdict>,
    /// Per rule (plan order): how many evaluated edges it matches. Disabled rules match none.
    pub rule_edges: Vec<u64>,
    pub evaluated: u64,
    pub allowed: u64,
    pub denied: u64,
    pub already_blocked: u64,
}

impl Simulation {
    /// Indices of enabled rules that match no evaluated edge.
    pub fn unused_rules(&self, plan: &Plan) -> Vec<usize> {
        (0..plan.rules.len())
            .filter(|&i| plan.rules[i].enabled && self.rule_edges.get(i) == Some(&0))
            .collect()
    }
}

/// The verdict of the defaults alone, if they allow the edge.
pub fn default_verdict(plan: &Plan, zones: &ZoneMap, edge: &ServiceEdge) -> Option<Verdict> {
    let (client, server) = (zones.zone_of(edge.client), zones.zone_of(edge.server));
    if client == server {
        plan.intra_zone(zones.name(client))
            .allows()
            .then_some(Verdict::IntraZone)
    } else {
        plan.defaults
            .east_west
            .allows()
            .then_some(Verdict::EastWest)
    }
}

/// Evaluates every observed edge against the plan.
pub fn simulate(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Simulation {
    evaluate::evaluate(plan, estate, zones, &Members::new(estate, zones), false).simulation
}

#[cfg(test)]
mod oracle;
#[cfg(test)]
pub(crate) mod random;
#[cfg(test)]
mod tests;
