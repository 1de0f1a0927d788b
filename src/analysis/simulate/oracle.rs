//! The straightforward simulation the grouped and incremental ones replaced, kept as the test
//! oracle: per edge, two bit sets copied out and intersected.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::super::resolve::{Endpoint, ResolvedEstate, ServiceEdge};
use super::super::zones::{Members, ZoneMap, selects_address};
use super::{Simulation, Verdict, default_verdict};
use crate::model::plan::{Peer, Plan};

/// For every endpoint, the enabled rules whose `from` (and whose `to`) match it, as bit sets.
pub(super) struct OldSides<'a> {
    plan: &'a Plan,
    zones: &'a ZoneMap,
    words: usize,
    workloads: Vec<u64>,
    addresses: FxHashMap<IpAddr, Vec<u64>>,
}

impl<'a> OldSides<'a> {
    pub(super) fn new(
        plan: &'a Plan,
        estate: &'a ResolvedEstate,
        zones: &'a ZoneMap,
    ) -> OldSides<'a> {
        let words = plan.rules.len().div_ceil(64).max(1);
        let members = Members::new(estate, zones);
        let mut workloads = vec![0u64; estate.workloads.len() * words * 2];
        for (r, rule) in plan.rules.iter().enumerate().filter(|(_, r)| r.enabled) {
            for (peer, offset) in [(&rule.from, 0), (&rule.to, words)] {
                members.for_each(peer, |w| {
                    workloads[w as usize * words * 2 + offset + r / 64] |= 1 << (r % 64);
                });
            }
        }
        OldSides {
            plan,
            zones,
            words,
            workloads,
            addresses: FxHashMap::default(),
        }
    }

    fn address_bits(&mut self, address: IpAddr) -> &[u64] {
        let (plan, zones, words) = (self.plan, self.zones, self.words);
        self.addresses.entry(address).or_insert_with(|| {
            let zone = zones.zone_of(Endpoint::Address(address));
            let mut bits = vec![0u64; words * 2];
            for (r, rule) in plan.rules.iter().enumerate().filter(|(_, r)| r.enabled) {
                let matches = |peer: &Peer| match peer {
                    Peer::Any => true,
                    Peer::Zone(name) => zones.index(name) == Some(zone),
                    Peer::Selector(selector) => selects_address(selector, address),
                };
                if matches(&rule.from) {
                    bits[r / 64] |= 1 << (r % 64);
                }
                if matches(&rule.to) {
                    bits[words + r / 64] |= 1 << (r % 64);
                }
            }
            bits
        })
    }

    /// The `from` and `to` bits of a workload.
    pub(super) fn workload_sides(&mut self, workload: u32) -> (Vec<u64>, Vec<u64>) {
        let endpoint = Endpoint::Workload(workload);
        (self.bits(endpoint, false), self.bits(endpoint, true))
    }

    /// The `from` bits (`to == false`) or `to` bits of an endpoint.
    fn bits(&mut self, endpoint: Endpoint, to: bool) -> Vec<u64> {
        let words = self.words;
        let offset = if to { words } else { 0 };
        match endpoint {
            Endpoint::Workload(w) => {
                let base = w as usize * words * 2 + offset;
                self.workloads
                    .get(base..base + words)
                    .map(<[u64]>::to_vec)
                    .unwrap_or_else(|| vec![0; words])
            }
            Endpoint::Address(address) => {
                self.address_bits(address)[offset..offset + words].to_vec()
            }
        }
    }

    /// The enabled rules that allow an edge: `from` matches its client, `to` its server, and a
    /// port entry its service port and protocol.
    pub(super) fn matching_rules(&mut self, edge: &ServiceEdge) -> Vec<usize> {
        let from = self.bits(edge.client, false);
        let to = self.bits(edge.server, true);
        let mut rules = Vec::new();
        for (word, (f, t)) in from.iter().zip(&to).enumerate() {
            let mut both = f & t;
            while both != 0 {
                let r = word * 64 + both.trailing_zeros() as usize;
                both &= both - 1;
                let ports = &self.plan.rules[r].ports;
                if ports.iter().any(|p| p.matches(edge.port, edge.protocol.0)) {
                    rules.push(r);
                }
            }
        }
        rules
    }
}

/// Evaluates every observed edge against the plan.
pub(super) fn simulate(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Simulation {
    let mut sides = OldSides::new(plan, estate, zones);
    let mut simulation = Simulation {
        rule_edges: vec![0; plan.rules.len()],
        ..Simulation::default()
    };
    simulation.verdicts.reserve(estate.service_edges.len());
    for edge in &estate.service_edges {
        if edge.stats.accepted == 0 {
            simulation.already_blocked += 1;
            simulation.verdicts.push(Verdict::AlreadyBlocked);
            continue;
        }
        simulation.evaluated += 1;
        let rules = sides.matching_rules(edge);
        for &r in &rules {
            simulation.rule_edges[r] += 1;
        }
        let verdict = default_verdict(plan, zones, edge)
            .or_else(|| (!rules.is_empty()).then_some(Verdict::Rule))
            .unwrap_or(Verdict::Denied);
        if verdict.is_allowed() {
            simulation.allowed += 1;
        } else {
            simulation.denied += 1;
        }
        simulation.verdicts.push(verdict);
    }
    simulation
}
