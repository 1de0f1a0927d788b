//! Guardrails: traffic the plan must never allow, whatever its rules say. A guardrail is broken
//! when something in the plan opens what it forbids:
//!
//! - a rule whose `from` side shares an endpoint with the guardrail's `from` side, whose `to`
//!   side shares one with its `to` side, and whose ports overlap its ports (two sides share an
//!   endpoint when either is `any`, both name one zone, or they hold a common workload, observed
//!   unresolved address or CIDR range);
//! - `defaults.east_west: allow`, when the two sides hold endpoints in different zones;
//! - an intra-zone allow, when both sides hold endpoints in that zone;
//!
//! and, from the data, every observed flow the guardrail names that the plan allows.

use std::net::IpAddr;

use ipnet::IpNet;

use super::resolve::{Endpoint, ResolvedEstate};
use super::simulate::Simulation;
use super::zones::{Members, ZoneMap};
use crate::model::plan::{Peer, Plan, PortSpec, Selector};
use crate::model::rollout::Guardrail;

/// What opens a guardrail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Opener {
    /// An enabled rule, by index.
    Rule(usize),
    /// `defaults.east_west: allow`.
    EastWest,
    /// Intra-zone allow in a zone, by zone index.
    IntraZone(u32),
}

impl Opener {
    /// `rule NAME`, `defaults.east_west: allow`, `intra-zone allow in ZONE`.
    pub fn describe(self, plan: &Plan, zones: &ZoneMap) -> String {
        match self {
            Opener::Rule(r) => format!("rule {}", plan.rule_name(r)),
            Opener::EastWest => "defaults.east_west: allow".to_string(),
            Opener::IntraZone(z) => format!("intra-zone allow in zone {}", zones.name(z)),
        }
    }
}

/// One guardrail checked against the plan and the observed flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardrailStatus {
    /// Its index in the plan.
    pub guardrail: usize,
    /// What in the plan allows traffic it forbids, rules first in plan order.
    pub opened_by: Vec<Opener>,
    /// Observed flows it names that the plan allows (indices into the estate's service edges).
    pub allowed_flows: Vec<usize>,
}

impl GuardrailStatus {
    pub fn is_broken(&self) -> bool {
        !self.opened_by.is_empty() || !self.allowed_flows.is_empty()
    }
}

/// The endpoints one side names. A zone side is kept as its zone (and its declared ranges); a
/// selector side lists its workloads (sorted) and the observed unresolved addresses it holds.
struct Side {
    any: bool,
    zone: Option<u32>,
    workloads: Vec<u32>,
    addresses: Vec<IpAddr>,
    ranges: Vec<IpNet>,
    /// The zones it holds endpoints in.
    zones: Vec<bool>,
}

impl Side {
    fn new(
        peer: &Peer,
        plan: &Plan,
        estate: &ResolvedEstate,
        zones: &ZoneMap,
        members: &Members,
    ) -> Side {
        let mut side = Side {
            any: matches!(peer, Peer::Any),
            zone: None,
            workloads: Vec::new(),
            addresses: Vec::new(),
            ranges: Vec::new(),
            zones: vec![matches!(peer, Peer::Any); zones.names.len()],
        };
        match peer {
            Peer::Any => {}
            Peer::Zone(name) => {
                side.zone = zones.index(name);
                if let Some(z) = side.zone {
                    side.zones[z as usize] = true;
                }
                let declared = plan.zone(name).map(|z| z.members.as_slice());
                for member in declared.unwrap_or_default() {
                    if let Selector::Cidr(net) = member {
                        side.ranges.push(*net);
                    }
                }
            }
            Peer::Selector(selector) => {
                members.for_each(peer, |w| {
                    side.workloads.push(w);
                    if let Some(&z) = zones.workload_zone.get(w as usize) {
                        side.zones[z as usize] = true;
                    }
                });
                if let Selector::Cidr(net) = selector {
                    side.ranges.push(*net);
                    for spot in estate
                        .blind_spots
                        .iter()
                        .filter(|s| net.contains(&s.address))
                    {
                        side.addresses.push(spot.address);
                        let zone = zones.zone_of(Endpoint::Address(spot.address));
                        side.zones[zone as usize] = true;
                    }
                }
            }
        }
        side
    }

    fn holds(&self, endpoint: Endpoint, zones: &ZoneMap) -> bool {
        if self.any || self.zone == Some(zones.zone_of(endpoint)) {
            return true;
        }
        match endpoint {
            Endpoint::Workload(w) => self.workloads.binary_search(&w).is_ok(),
            Endpoint::Address(address) => self.ranges.iter().any(|r| r.contains(&address)),
        }
    }

    fn overlaps(&self, other: &Side) -> bool {
        let in_zone = |side: &Side, zone: Option<u32>| {
            zone.is_some_and(|z| side.zones.get(z as usize).copied().unwrap_or(false))
        };
        self.any
            || other.any
            || in_zone(other, self.zone)
            || in_zone(self, other.zone)
            || sorted_intersect(&self.workloads, &other.workloads)
            || self.addresses.iter().any(|a| other.addresses.contains(a))
            || self
                .ranges
                .iter()
                .any(|a| other.ranges.iter().any(|b| a.contains(b) || b.contains(a)))
    }
}

fn sorted_intersect(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Whether two port lists share a service; an empty guardrail list is every service.
fn ports_overlap(rule: &[PortSpec], guardrail: &Guardrail) -> bool {
    if guardrail.ports.is_empty() {
        return true;
    }
    rule.iter()
        .any(|a| guardrail.ports.iter().any(|b| port_specs_overlap(*a, *b)))
}

fn port_specs_overlap(a: PortSpec, b: PortSpec) -> bool {
    match (a, b) {
        (PortSpec::Any, _) | (_, PortSpec::Any) => true,
        (
            PortSpec::Range {
                protocol: p,
                first: f1,
                last: l1,
            },
            PortSpec::Range {
                protocol: q,
                first: f2,
                last: l2,
            },
        ) => p == q && f1 <= l2 && f2 <= l1,
    }
}

/// Checks every guardrail of the plan, in plan order.
pub fn check_guardrails(
    plan: &Plan,
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    simulation: &Simulation,
) -> Vec<GuardrailStatus> {
    if plan.guardrails.is_empty() {
        return Vec::new();
    }
    let members = Members::new(estate, zones);
    let side = |peer: &Peer| Side::new(peer, plan, estate, zones, &members);
    let rule_sides: Vec<Option<(Side, Side)>> = plan
        .rules
        .iter()
        .map(|r| r.enabled.then(|| (side(&r.from), side(&r.to))))
        .collect();
    plan.guardrails
        .iter()
        .enumerate()
        .map(|(g, guardrail)| {
            let (from, to) = (side(&guardrail.from), side(&guardrail.to));
            let mut opened_by: Vec<Opener> = Vec::new();
            for (r, sides) in rule_sides.iter().enumerate() {
                if let Some((rule_from, rule_to)) = sides
                    && rule_from.overlaps(&from)
                    && rule_to.overlaps(&to)
                    && ports_overlap(&plan.rules[r].ports, guardrail)
                {
                    opened_by.push(Opener::Rule(r));
                }
            }
            opened_by.extend(default_openers(plan, zones, &from, &to));
            let allowed_flows = estate
                .service_edges
                .iter()
                .zip(&simulation.verdicts)
                .enumerate()
                .filter(|(_, (edge, verdict))| {
                    verdict.is_allowed()
                        && guardrail.covers_port(edge.port, edge.protocol.0)
                        && from.holds(edge.client, zones)
                        && to.holds(edge.server, zones)
                })
                .map(|(i, _)| i)
                .collect();
            GuardrailStatus {
                guardrail: g,
                opened_by,
                allowed_flows,
            }
        })
        .collect()
}

/// The defaults that let the two sides talk: east-west between different zones, intra-zone
/// within one.
fn default_openers(plan: &Plan, zones: &ZoneMap, from: &Side, to: &Side) -> Vec<Opener> {
    let from_zones: Vec<u32> = zone_list(from);
    let to_zones: Vec<u32> = zone_list(to);
    let mut openers = Vec::new();
    let different = from_zones.iter().any(|a| to_zones.iter().any(|b| a != b));
    if plan.defaults.east_west.allows() && different {
        openers.push(Opener::EastWest);
    }
    for z in from_zones.iter().filter(|z| to_zones.contains(z)) {
        if plan.intra_zone(zones.name(*z)).allows() {
            openers.push(Opener::IntraZone(*z));
        }
    }
    openers
}

fn zone_list(side: &Side) -> Vec<u32> {
    (0..side.zones.len() as u32)
        .filter(|&z| side.zones[z as usize])
        .collect()
}

#[cfg(test)]
mod tests;
