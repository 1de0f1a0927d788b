//! Simulation kept up to date across edits. A [`Simulator`] remembers the zones it simulated, a
//! key of each rule (what it allows, as bytes: [`RuleKeys`]), the edges each rule allows and, per
//! edge, how many enabled rules allow it. Given the next plan and zones it works out what
//! changed — rules added, removed or edited (by position: the common prefix and suffix of the rule
//! lists are unchanged), rules naming a zone whose members changed, endpoints that moved zone —
//! takes the old rules' edges away, matches the new rules, and recomputes the verdicts of those
//! edges and of the moved endpoints' edges only. The result is the same [`Simulation`] a full run
//! gives. A change of zone names or order, of the defaults or of a zone's intra-zone policy, or
//! too many changed rules, reruns everything.

use super::super::resolve::ResolvedEstate;
use super::super::zones::{MemberIndex, Members, ZoneMap, assign_zones, assign_zones_indexed};
use super::evaluate::{default_table, evaluate, verdict_of};
use super::index::EdgeIndex;
use super::rule_keys::RuleKeys;
use super::{Simulation, Verdict};
use crate::model::plan::{Defaults, Peer, Plan, Policy};

/// Beyond this many changed rules (old and new together), an update reruns everything.
const MAX_CHANGED_RULES: usize = 256;

/// What an update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Reran everything.
    Full,
    /// Recomputed only what changed.
    Incremental {
        /// Rules matched again (old and new).
        rules: usize,
        /// Endpoints that moved zone.
        moved: usize,
        /// Edge verdicts recomputed (with repeats).
        edges: usize,
    },
}

/// A simulation of one estate, updated edit by edit. It holds no reference to the estate (a
/// worker can keep it between jobs); every call takes the estate it was built with.
pub struct Simulator {
    /// Workloads and service edges of the estate it was built with.
    shape: (usize, usize),
    index: MemberIndex,
    edges: EdgeIndex,
    zones: ZoneMap,
    defaults: Defaults,
    /// The intra-zone policy of each zone, by zone index.
    intra: Vec<Policy>,
    /// Per rule: what it allows.
    keys: RuleKeys,
    /// Per rule: the evaluated edges it allows.
    matched: Vec<Vec<u32>>,
    /// Per edge: how many enabled rules allow it.
    matches: Vec<u32>,
    simulation: Simulation,
}

fn intra_policies(plan: &Plan, zones: &ZoneMap) -> Vec<Policy> {
    zones
        .names
        .iter()
        .map(|name| plan.intra_zone(name))
        .collect()
}

fn shape(estate: &ResolvedEstate) -> (usize, usize) {
    (estate.workloads.len(), estate.service_edges.len())
}

impl Simulator {
    /// Simulates the plan in full.
    pub fn new(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Simulator {
        let mut simulator = Simulator {
            shape: shape(estate),
            edges: EdgeIndex::new(estate),
            index: MemberIndex::new(estate),
            zones: ZoneMap::default(),
            defaults: plan.defaults,
            intra: Vec::new(),
            keys: RuleKeys::default(),
            matched: Vec::new(),
            matches: Vec::new(),
            simulation: Simulation::default(),
        };
        simulator.rerun(plan, estate, zones);
        simulator
    }

    pub fn simulation(&self) -> &Simulation {
        &self.simulation
    }

    pub fn into_simulation(self) -> Simulation {
        self.simulation
    }

    /// The zones last simulated.
    pub fn zones(&self) -> &ZoneMap {
        &self.zones
    }

    /// Brings the simulation to a new plan, placing the workloads in its zones through the
    /// simulator's index ([`assign_zones_indexed`]): the whole edit, zones included.
    pub fn update_plan(&mut self, plan: &Plan, estate: &ResolvedEstate) -> Update {
        let zones = if self.shape == shape(estate) {
            assign_zones_indexed(plan, estate, &self.index)
        } else {
            assign_zones(plan, estate)
        };
        self.update(plan, estate, &zones)
    }

    /// Brings the simulation to a new plan and its zones (from
    /// [`assign_zones`] on the estate). The estate must be the one the simulator was built
    /// with; one of another size is simulated afresh.
    pub fn update(&mut self, plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Update {
        if self.shape != shape(estate) {
            *self = Simulator::new(plan, estate, zones);
            return Update::Full;
        }
        if self.needs_full_run(plan, zones) {
            self.rerun(plan, estate, zones);
            return Update::Full;
        }
        let moved = self.edges.moved(&self.zones, zones);
        let changed_zone = self.changed_zones(&moved, zones);
        let names_changed = |peer: &Peer| match peer {
            Peer::Zone(name) => zones.index(name).is_some_and(|z| changed_zone[z as usize]),
            _ => false,
        };
        let keys = RuleKeys::new(&plan.rules);
        let diff = RuleDiff::new(&self.keys, &keys, |r| {
            names_changed(&plan.rules[r].from) || names_changed(&plan.rules[r].to)
        });
        if diff.old.len() + diff.new.len() > MAX_CHANGED_RULES {
            self.rerun(plan, estate, zones);
            return Update::Full;
        }
        let mut rule_edges = vec![0u64; plan.rules.len()];
        let mut matched = vec![Vec::new(); plan.rules.len()];
        for &(old, new) in &diff.kept {
            rule_edges[new] = self.simulation.rule_edges.get(old).copied().unwrap_or(0);
            matched[new] = std::mem::take(&mut self.matched[old]);
        }
        let mut dirty: Vec<u32> = Vec::new();
        for &r in &diff.old {
            for e in std::mem::take(&mut self.matched[r]) {
                self.matches[e as usize] -= 1;
                dirty.push(e);
            }
        }
        let members = Members::with_index(estate, &self.index, zones);
        for &r in &diff.new {
            let list = &mut matched[r];
            self.edges
                .for_each_match(&plan.rules[r], &members, zones, |e| {
                    self.matches[e as usize] += 1;
                    list.push(e);
                    dirty.push(e);
                });
            rule_edges[r] = list.len() as u64;
        }
        for &id in &moved {
            dirty.extend(self.edges.edges_of(id));
        }
        self.reverdict(&dirty, plan, zones);
        self.simulation.rule_edges = rule_edges;
        self.matched = matched;
        self.keys = keys;
        self.zones.clone_from(zones);
        Update::Incremental {
            rules: diff.old.len() + diff.new.len(),
            moved: moved.len(),
            edges: dirty.len(),
        }
    }

    /// Zones that gained or lost a moved endpoint, by zone index.
    fn changed_zones(&self, moved: &[u32], zones: &ZoneMap) -> Vec<bool> {
        let mut changed = vec![false; zones.names.len()];
        for &id in moved {
            for map in [&self.zones, zones] {
                let zone = self.edges.zone_of_endpoint(id, map);
                if let Some(flag) = changed.get_mut(zone as usize) {
                    *flag = true;
                }
            }
        }
        changed
    }

    /// Zone names or order, defaults, or a zone's intra-zone policy changed: every verdict may.
    fn needs_full_run(&self, plan: &Plan, zones: &ZoneMap) -> bool {
        self.zones.names != zones.names
            || self.zones.workload_zone.len() != zones.workload_zone.len()
            || self.defaults != plan.defaults
            || self.intra != intra_policies(plan, zones)
    }

    fn rerun(&mut self, plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) {
        let members = Members::with_index(estate, &self.index, zones);
        let evaluation = evaluate(plan, estate, zones, &members, true);
        self.matches = evaluation.matches;
        self.matched = evaluation.matched;
        self.simulation = evaluation.simulation;
        self.keys = RuleKeys::new(&plan.rules);
        self.defaults = plan.defaults;
        self.intra = intra_policies(plan, zones);
        self.zones.clone_from(zones);
    }

    /// Recomputes the verdicts of some evaluated edges under the new plan and zones.
    fn reverdict(&mut self, edges: &[u32], plan: &Plan, zones: &ZoneMap) {
        let defaults = default_table(plan, zones);
        let zone_count = zones.names.len();
        let simulation = &mut self.simulation;
        for &e in edges {
            let Some(&old) = simulation.verdicts.get(e as usize) else {
                continue;
            };
            if old == Verdict::AlreadyBlocked {
                continue;
            }
            let (cz, sz) = self.edges.zones_of(e, zones);
            let default = defaults
                .get(cz as usize * zone_count + sz as usize)
                .copied()
                .flatten();
            let new = verdict_of(default, self.matches[e as usize]);
            if new != old {
                match (old.is_allowed(), new.is_allowed()) {
                    (true, false) => (simulation.allowed -= 1, simulation.denied += 1),
                    (false, true) => (simulation.allowed += 1, simulation.denied -= 1),
                    _ => ((), ()),
                };
                simulation.verdicts[e as usize] = new;
            }
        }
    }
}

/// Which rules changed between two lists of rule keys: the common prefix and suffix are kept
/// (unless `touched` says the new rule at an index must be matched again); the rest are old rules
/// to take away and new rules to add.
struct RuleDiff {
    /// (old index, new index) of rules whose counts carry over.
    kept: Vec<(usize, usize)>,
    old: Vec<usize>,
    new: Vec<usize>,
}

impl RuleDiff {
    fn new(old: &RuleKeys, new: &RuleKeys, touched: impl Fn(usize) -> bool) -> RuleDiff {
        let shorter = old.len().min(new.len());
        let prefix = (0..shorter)
            .find(|&i| old.get(i) != new.get(i))
            .unwrap_or(shorter);
        let suffix = (0..shorter - prefix)
            .find(|&i| old.get(old.len() - 1 - i) != new.get(new.len() - 1 - i))
            .unwrap_or(shorter - prefix);
        let mut diff = RuleDiff {
            kept: Vec::new(),
            old: (prefix..old.len() - suffix).collect(),
            new: (prefix..new.len() - suffix).collect(),
        };
        let same = (0..prefix)
            .map(|i| (i, i))
            .chain((0..suffix).map(|i| (old.len() - suffix + i, new.len() - suffix + i)));
        for (o, n) in same {
            if touched(n) {
                diff.old.push(o);
                diff.new.push(n);
            } else {
                diff.kept.push((o, n));
            }
        }
        diff
    }
}
