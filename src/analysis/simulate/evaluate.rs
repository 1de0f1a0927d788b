//! The full simulation, grouped: endpoints on the `from` sides of the same rules share a client
//! class, on the same `to` sides a server class, and the rules two classes have in common are
//! listed once per pair of classes met on an edge. Each edge then checks the ports of its pair's
//! few rules; no edge allocates.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::super::resolve::{Endpoint, ResolvedEstate, ServiceEdge};
use super::super::zones::{Members, ZoneMap};
use super::sides::{RuleSides, intersect};
use super::{Simulation, Verdict};
use crate::model::plan::{Plan, PortSpec};

/// A simulation and, for keeping it up to date, per edge how many enabled rules allow it and
/// per rule the evaluated edges it allows.
pub(super) struct Evaluation {
    pub simulation: Simulation,
    pub matches: Vec<u32>,
    /// Empty unless asked for.
    pub matched: Vec<Vec<u32>>,
}

/// Interns rule lists: equal lists get one id.
struct Interner<'s> {
    ids: FxHashMap<&'s [u32], u32>,
    lists: Vec<&'s [u32]>,
}

impl<'s> Interner<'s> {
    fn new() -> Interner<'s> {
        Interner {
            ids: FxHashMap::default(),
            lists: Vec::new(),
        }
    }

    fn id(&mut self, list: &'s [u32]) -> u32 {
        let next = self.lists.len() as u32;
        *self.ids.entry(list).or_insert_with(|| {
            self.lists.push(list);
            next
        })
    }
}

/// What the defaults say between two zones: `default[client * zones + server]`.
pub(super) fn default_table(plan: &Plan, zones: &ZoneMap) -> Vec<Option<Verdict>> {
    let n = zones.names.len();
    let east_west = plan
        .defaults
        .east_west
        .allows()
        .then_some(Verdict::EastWest);
    let mut table = vec![east_west; n * n];
    for z in 0..n {
        let intra = plan.intra_zone(zones.name(z as u32)).allows();
        table[z * n + z] = intra.then_some(Verdict::IntraZone);
    }
    table
}

/// The verdict of an evaluated edge from its defaults and its count of allowing rules.
pub(super) fn verdict_of(default: Option<Verdict>, matches: u32) -> Verdict {
    default.unwrap_or(if matches > 0 {
        Verdict::Rule
    } else {
        Verdict::Denied
    })
}

/// Client and server classes of every endpoint on an edge.
struct Classes<'s> {
    from: Interner<'s>,
    to: Interner<'s>,
    from_class: Vec<u32>,
    to_class: Vec<u32>,
    addresses: FxHashMap<IpAddr, (u32, u32)>,
}

impl<'s> Classes<'s> {
    fn new(sides: &'s RuleSides<'_>, workloads: u32, addresses: &[IpAddr]) -> Classes<'s> {
        let (mut from, mut to) = (Interner::new(), Interner::new());
        let from_class = (0..workloads)
            .map(|w| from.id(sides.side(Endpoint::Workload(w), false)))
            .collect();
        let to_class = (0..workloads)
            .map(|w| to.id(sides.side(Endpoint::Workload(w), true)))
            .collect();
        let addresses = addresses
            .iter()
            .map(|&a| {
                let endpoint = Endpoint::Address(a);
                let ids = (
                    from.id(sides.side(endpoint, false)),
                    to.id(sides.side(endpoint, true)),
                );
                (a, ids)
            })
            .collect();
        Classes {
            from,
            to,
            from_class,
            to_class,
            addresses,
        }
    }

    fn of(&self, endpoint: Endpoint, to: bool) -> u32 {
        let found = match endpoint {
            Endpoint::Workload(w) if to => self.to_class.get(w as usize).copied(),
            Endpoint::Workload(w) => self.from_class.get(w as usize).copied(),
            Endpoint::Address(a) => self.addresses.get(&a).map(|&(f, t)| if to { t } else { f }),
        };
        // Every endpoint on an edge has a class; 0 is some class all the same.
        found.unwrap_or(0)
    }
}

/// Simulates every edge (the full run); `keep_matched` also lists each rule's edges.
pub(super) fn evaluate(
    plan: &Plan,
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    members: &Members<'_>,
    keep_matched: bool,
) -> Evaluation {
    let mut sides = RuleSides::with_members(plan, estate, zones, members);
    let mut addresses = Vec::new();
    for edge in &estate.service_edges {
        for endpoint in [edge.client, edge.server] {
            if let Endpoint::Address(address) = endpoint
                && sides.prepare(endpoint)
            {
                addresses.push(address);
            }
        }
    }
    let sides = sides;
    let classes = Classes::new(&sides, estate.workloads.len() as u32, &addresses);
    let mut tally = Tally {
        ports: plan.rules.iter().map(|r| r.ports.as_slice()).collect(),
        defaults: default_table(plan, zones),
        zones,
        pairs: PairRules::default(),
        evaluation: Evaluation {
            simulation: Simulation {
                rule_edges: vec![0; plan.rules.len()],
                verdicts: Vec::with_capacity(estate.service_edges.len()),
                ..Simulation::default()
            },
            matches: vec![0u32; estate.service_edges.len()],
            matched: vec![Vec::new(); if keep_matched { plan.rules.len() } else { 0 }],
        },
    };
    for (e, edge) in estate.service_edges.iter().enumerate() {
        tally.edge(e, edge, &classes);
    }
    tally.evaluation
}

/// The full run's state while it goes through the edges.
struct Tally<'p> {
    ports: Vec<&'p [PortSpec]>,
    defaults: Vec<Option<Verdict>>,
    zones: &'p ZoneMap,
    pairs: PairRules,
    evaluation: Evaluation,
}

impl Tally<'_> {
    fn edge(&mut self, e: usize, edge: &ServiceEdge, classes: &Classes<'_>) {
        let Evaluation {
            simulation,
            matches,
            matched,
        } = &mut self.evaluation;
        if edge.stats.accepted == 0 {
            simulation.already_blocked += 1;
            simulation.verdicts.push(Verdict::AlreadyBlocked);
            return;
        }
        simulation.evaluated += 1;
        let (fc, tc) = (
            classes.of(edge.client, false),
            classes.of(edge.server, true),
        );
        let mut count = 0;
        for &r in self
            .pairs
            .rules(fc, tc, &classes.from.lists, &classes.to.lists)
        {
            let r = r as usize;
            if self.ports[r]
                .iter()
                .any(|p| p.matches(edge.port, edge.protocol.0))
            {
                simulation.rule_edges[r] += 1;
                count += 1;
                if let Some(list) = matched.get_mut(r) {
                    list.push(e as u32);
                }
            }
        }
        matches[e] = count;
        let zones = self.zones;
        let (cz, sz) = (zones.zone_of(edge.client), zones.zone_of(edge.server));
        let default = self
            .defaults
            .get(cz as usize * zones.names.len() + sz as usize)
            .copied()
            .flatten();
        let verdict = verdict_of(default, count);
        if verdict.is_allowed() {
            simulation.allowed += 1;
        } else {
            simulation.denied += 1;
        }
        simulation.verdicts.push(verdict);
    }
}

/// The rules a client class and a server class have in common, computed once per pair.
#[derive(Default)]
struct PairRules {
    index: FxHashMap<u64, (u32, u32)>,
    rules: Vec<u32>,
    /// The last pair asked for (edges of one client and server are adjacent).
    last: Option<(u64, (u32, u32))>,
}

impl PairRules {
    fn rules(&mut self, from: u32, to: u32, from_lists: &[&[u32]], to_lists: &[&[u32]]) -> &[u32] {
        let key = u64::from(from) << 32 | u64::from(to);
        if let Some((last, (start, len))) = self.last
            && last == key
        {
            return &self.rules[start as usize..(start + len) as usize];
        }
        let rules = &mut self.rules;
        let (start, len) = *self.index.entry(key).or_insert_with(|| {
            let start = rules.len() as u32;
            let f = from_lists.get(from as usize).copied().unwrap_or(&[]);
            let t = to_lists.get(to as usize).copied().unwrap_or(&[]);
            intersect(f, t, |r| rules.push(r));
            (start, rules.len() as u32 - start)
        });
        self.last = Some((key, (start, len)));
        &self.rules[start as usize..(start + len) as usize]
    }
}
