//! Default-deny simulation: which observed edges the plan allows, which it would break, which
//! rules carry traffic and which carry none. A pure function of estate, plan and zones, fast
//! enough to rerun on every edit: rule sides are matched once per endpoint into bit sets, then
//! each edge intersects two bit sets.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::resolve::{Endpoint, ResolvedEstate, ServiceEdge};
use super::zones::{Members, ZoneMap, selects_address};
use crate::model::plan::{Peer, Plan};

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

/// For every endpoint, the enabled rules whose `from` (and whose `to`) match it, as bit sets.
pub struct RuleSides<'a> {
    plan: &'a Plan,
    estate: &'a ResolvedEstate,
    zones: &'a ZoneMap,
    words: usize,
    workloads: Vec<u64>,
    addresses: FxHashMap<IpAddr, Vec<u64>>,
}

impl<'a> RuleSides<'a> {
    pub fn new(plan: &'a Plan, estate: &'a ResolvedEstate, zones: &'a ZoneMap) -> RuleSides<'a> {
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
        RuleSides {
            plan,
            estate,
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
    pub fn workload_sides(&mut self, workload: u32) -> (Vec<u64>, Vec<u64>) {
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
    pub fn matching_rules(&mut self, edge: &ServiceEdge) -> Vec<usize> {
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

    pub fn estate(&self) -> &'a ResolvedEstate {
        self.estate
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
    let mut sides = RuleSides::new(plan, estate, zones);
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
