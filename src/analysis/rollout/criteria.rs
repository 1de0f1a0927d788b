//! Exit criteria evaluated from the data, over a phase's scope: the flows whose server is in its
//! zones and the rules that allow traffic into them.

use std::collections::HashSet;
use std::net::IpAddr;

use super::effect::Step;
use super::{CriterionStatus, State};
use crate::analysis::resolve::{BlindSpot, Endpoint, ResolvedEstate, ServiceEdge};
use crate::analysis::simulate::{Simulation, Verdict};
use crate::analysis::zones::{Members, ZoneMap, selects_address};
use crate::model::plan::{Peer, Plan};
use crate::model::rollout::{Check, Criterion};
use crate::model::time::rfc3339;

const SECONDS_PER_DAY: f64 = 86_400.0;

/// A phase's flows and rules.
pub(super) struct Scope<'a> {
    plan: &'a Plan,
    estate: &'a ResolvedEstate,
    zone_names: &'a [String],
    /// Evaluated flows whose server is in the phase's zones.
    flows: Vec<usize>,
    /// Of those, the ones the plan denies.
    pub breaks: Vec<usize>,
    /// Enabled rules whose `to` side holds an endpoint in the phase's zones.
    pub rules: Vec<usize>,
    unmanaged: HashSet<IpAddr>,
}

impl<'a> Scope<'a> {
    pub fn new(
        plan: &'a Plan,
        estate: &'a ResolvedEstate,
        zones: &ZoneMap,
        simulation: &Simulation,
        zone_names: &'a [String],
    ) -> Scope<'a> {
        let ids: Vec<u32> = zone_names.iter().filter_map(|n| zones.index(n)).collect();
        let inside = |endpoint: Endpoint| ids.contains(&zones.zone_of(endpoint));
        let (mut flows, mut breaks) = (Vec::new(), Vec::new());
        for (i, (edge, verdict)) in estate
            .service_edges
            .iter()
            .zip(&simulation.verdicts)
            .enumerate()
        {
            if *verdict == Verdict::AlreadyBlocked || !inside(edge.server) {
                continue;
            }
            flows.push(i);
            if *verdict == Verdict::Denied {
                breaks.push(i);
            }
        }
        let members = Members::new(estate, zones);
        let spots: Vec<IpAddr> = estate
            .blind_spots
            .iter()
            .map(|s| s.address)
            .filter(|&a| inside(Endpoint::Address(a)))
            .collect();
        let rules = (0..plan.rules.len())
            .filter(|&r| plan.rules[r].enabled)
            .filter(|&r| match &plan.rules[r].to {
                Peer::Any => true,
                Peer::Zone(name) => zones.index(name).is_some_and(|z| ids.contains(&z)),
                to @ Peer::Selector(selector) => {
                    let mut hit = spots.iter().any(|&a| selects_address(selector, a));
                    if !hit {
                        members.for_each(to, |w| hit |= inside(Endpoint::Workload(w)));
                    }
                    hit
                }
            })
            .collect();
        let unmanaged = estate
            .blind_spots
            .iter()
            .filter(|s| s.class == BlindSpot::Unmanaged)
            .map(|s| s.address)
            .collect();
        Scope {
            plan,
            estate,
            zone_names,
            flows,
            breaks,
            rules,
            unmanaged,
        }
    }

    fn zones_text(&self) -> String {
        if self.zone_names.is_empty() {
            "no zone".to_string()
        } else {
            self.zone_names.join(", ")
        }
    }

    fn edge_text(&self, edge: &ServiceEdge) -> String {
        format!(
            "{} → {} {}/{}",
            self.estate.endpoint_label(edge.client),
            self.estate.endpoint_label(edge.server),
            edge.port,
            edge.protocol.name()
        )
    }

    pub fn evaluate(&self, criterion: &Criterion, after: &Step) -> CriterionStatus {
        let (met, detail) = match criterion {
            Criterion::Checkbox { ticked, .. } => {
                return match ticked {
                    Some(tick) => CriterionStatus {
                        state: State::Ticked,
                        detail: format!("ticked by {} at {}", tick.by, tick.at),
                    },
                    None => CriterionStatus {
                        state: State::Open,
                        detail: "not ticked yet".to_string(),
                    },
                };
            }
            Criterion::Check(Check::NoDeniedFlows) => self.no_denied_flows(),
            Criterion::Check(Check::RulesOwned) => self.rules_owned(),
            Criterion::Check(Check::NoBlindSpots) => self.no_blind_spots(),
            Criterion::Check(Check::ObservationDays { min }) => self.observation_days(*min),
            Criterion::Check(Check::MaxPlannedBlast { max }) => {
                let worst = after
                    .worst
                    .and_then(|w| self.estate.workloads.get(w as usize))
                    .map(|w| format!(" ({})", w.name))
                    .unwrap_or_default();
                let text = format!(
                    "largest planned blast radius after this phase: {}{worst}; at most {max} wanted",
                    after.blast_max
                );
                (after.blast_max <= *max, text)
            }
        };
        CriterionStatus {
            state: if met { State::Met } else { State::Unmet },
            detail,
        }
    }

    fn no_denied_flows(&self) -> (bool, String) {
        let zones = self.zones_text();
        match self.breaks.as_slice() {
            [] if self.flows.is_empty() => (true, format!("no observed flow into {zones}")),
            [] => (
                true,
                format!(
                    "none of the {} observed flows into {zones} would be denied",
                    self.flows.len()
                ),
            ),
            [first, ..] => {
                let example = self.edge_text(&self.estate.service_edges[*first]);
                let text = format!(
                    "{} observed flows into {zones} would be denied, such as {example}",
                    self.breaks.len()
                );
                (false, text)
            }
        }
    }

    fn rules_owned(&self) -> (bool, String) {
        let unowned: Vec<String> = self
            .rules
            .iter()
            .filter(|&&r| {
                self.plan.rules[r]
                    .owner
                    .as_deref()
                    .is_none_or(|o| o.trim().is_empty())
            })
            .map(|&r| self.plan.rule_name(r))
            .collect();
        if unowned.is_empty() {
            let text = format!("all {} rules into {} have an owner", self.rules.len(), {
                self.zones_text()
            });
            return (true, text);
        }
        let shown: Vec<&str> = unowned.iter().take(5).map(String::as_str).collect();
        let more = match unowned.len() - shown.len() {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let text = format!(
            "{} of {} rules into {} have no owner: {}{more}",
            unowned.len(),
            self.rules.len(),
            self.zones_text(),
            shown.join(", ")
        );
        (false, text)
    }

    fn no_blind_spots(&self) -> (bool, String) {
        let blind = |endpoint: Endpoint| matches!(endpoint, Endpoint::Address(a) if self.unmanaged.contains(&a));
        let edges = &self.estate.service_edges;
        let found: Vec<usize> = self
            .flows
            .iter()
            .copied()
            .filter(|&i| blind(edges[i].client) || blind(edges[i].server))
            .collect();
        match found.as_slice() {
            [] => (
                true,
                format!(
                    "every client of {} is known to the inventory or the internet",
                    self.zones_text()
                ),
            ),
            [first, ..] => (
                false,
                format!(
                    "{} flows into {} come from unresolved private addresses, such as {}",
                    found.len(),
                    self.zones_text(),
                    self.edge_text(&edges[*first])
                ),
            ),
        }
    }

    fn observation_days(&self, min: u32) -> (bool, String) {
        let edges = &self.estate.service_edges;
        let first = self.flows.iter().filter_map(|&i| edges[i].stats.first_seen);
        let last = self.flows.iter().filter_map(|&i| edges[i].stats.last_seen);
        let (Some(first), Some(last)) = (first.min(), last.max()) else {
            let text = format!("no timed flow into {} observed yet", self.zones_text());
            return (false, text);
        };
        let days = (last - first).max(0) as f64 / SECONDS_PER_DAY;
        let text = format!(
            "flows into {} observed over {days:.1} days ({} to {}); {min} wanted",
            self.zones_text(),
            rfc3339(first),
            rfc3339(last)
        );
        (days >= f64::from(min), text)
    }
}
