//! Blast radius: how far an attacker who holds one workload could pivot, transitively, over
//! workloads (edges are directed, client to server).
//!
//! - `observed`: over the accepted observed edges between workloads.
//! - `planned`: W reaches X in one step when the plan lets W open any connection to X — same zone
//!   with intra-zone allow, different zones with `east_west` allow, or an enabled rule with W on
//!   its `from` side and X on its `to` side. Workloads the plan treats alike (same zone, same
//!   rules on each side) are condensed into classes, and a breadth-first search runs over classes
//!   and hubs (zones, rules), never over a W×W edge list.
//! - `flat`: every other workload, in one step.
//!
//! Each crown jewel comes with one shortest path; among shortest paths, the one whose names come
//! first in sorting order.

mod closure;
mod observed;
mod planned;
mod sources;
mod summary;
#[cfg(test)]
mod tests;

pub use summary::RadiusSummary;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::merge::Workload;
use super::resolve::{Endpoint, ResolvedEstate};
use super::simulate::RuleSides;
use super::zones::ZoneMap;
use crate::model::Attribute;
use crate::model::plan::{Plan, Sensitivity};

/// How reachability is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Observed,
    Planned,
    Flat,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Flat, Mode::Observed, Mode::Planned];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Observed => "observed",
            Mode::Planned => "planned",
            Mode::Flat => "flat",
        }
    }

    pub fn parse(text: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

/// A crown jewel in reach, and how to get there (workload indices, start first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrownJewel {
    pub workload: u32,
    pub path: Vec<u32>,
}

/// What one compromised workload reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub start: u32,
    pub mode: Mode,
    /// Reachable workloads, the start excluded.
    pub reachable: u64,
    /// Reachable workloads per zone (by zone index).
    pub by_zone: Vec<u64>,
    /// Workloads first reached at each hop; `rings[0]` is 0.
    pub rings: Vec<u64>,
    /// The largest shortest-path depth.
    pub hops: u32,
    /// Sorted by workload name.
    pub crown_jewels: Vec<CrownJewel>,
}

/// Workloads the plan treats alike.
struct Classes {
    of: Vec<u32>,
    /// Members of each class, in name order.
    members: Vec<Vec<u32>>,
    zone: Vec<u32>,
    /// Enabled rules whose `from` side holds the class.
    from_rules: Vec<Vec<usize>>,
    /// Classes on the `to` side of each rule.
    rule_targets: Vec<Vec<u32>>,
    /// Classes of each zone.
    zone_classes: Vec<Vec<u32>>,
}

/// Everything blast radius needs, computed once per estate and plan.
pub struct Blast<'a> {
    plan: &'a Plan,
    estate: &'a ResolvedEstate,
    zones: &'a ZoneMap,
    /// Position of each workload in name order.
    rank: Vec<u32>,
    /// Observed accepted edges between distinct workloads, deduplicated.
    observed: Vec<Vec<u32>>,
    classes: Classes,
    jewel: Vec<bool>,
    /// Zones anything may reach, whatever the plan says (zones not enforced yet, during a
    /// rollout), by zone index. None by default.
    open: Vec<bool>,
}

fn is_jewel(workload: &Workload, zone_critical: bool) -> bool {
    let class = workload
        .attribute(Attribute::DataClass)
        .to_ascii_lowercase();
    zone_critical || matches!(class.as_str(), "pci" | "phi" | "pii" | "restricted")
}

impl<'a> Blast<'a> {
    pub fn new(plan: &'a Plan, estate: &'a ResolvedEstate, zones: &'a ZoneMap) -> Blast<'a> {
        let n = estate.workloads.len();
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| {
            estate.workloads[a as usize]
                .name
                .cmp(&estate.workloads[b as usize].name)
        });
        let mut rank = vec![0u32; n];
        for (position, &w) in order.iter().enumerate() {
            rank[w as usize] = position as u32;
        }
        let mut observed = vec![Vec::new(); n];
        for edge in estate.service_edges.iter().filter(|e| e.stats.accepted > 0) {
            if let (Endpoint::Workload(c), Endpoint::Workload(s)) = (edge.client, edge.server)
                && c != s
            {
                observed[c as usize].push(s);
            }
        }
        for targets in &mut observed {
            targets.sort_unstable();
            targets.dedup();
        }
        let critical: Vec<bool> = plan
            .zones
            .iter()
            .map(|z| z.sensitivity == Sensitivity::Critical)
            .collect();
        let jewel = estate
            .workloads
            .iter()
            .enumerate()
            .map(|(w, workload)| {
                let zone = zones.workload_zone.get(w).copied().unwrap_or(u32::MAX) as usize;
                is_jewel(workload, critical.get(zone).copied().unwrap_or(false))
            })
            .collect();
        let classes = classes(plan, estate, zones, &order);
        Blast {
            plan,
            estate,
            zones,
            rank,
            observed,
            classes,
            jewel,
            open: vec![false; zones.names.len()],
        }
    }

    /// Leaves the zones marked `true` (by zone index) open to every workload, as if the plan
    /// had a rule from `any` to each of them on every port: planned reach during a rollout,
    /// before those zones are enforced. Classes do not change, so this costs nothing.
    pub fn set_open_zones(&mut self, open: Vec<bool>) {
        self.open = open;
    }

    /// Reachability from one workload.
    pub fn reach(&self, start: u32, mode: Mode) -> Reach {
        let (parent, layers) = match mode {
            Mode::Observed => self.observed_layers(start),
            Mode::Planned => self.planned_layers(start),
            Mode::Flat => self.flat_layers(start),
        };
        self.summarise(start, mode, &parent, &layers)
    }

    /// Planned reach (count, crown jewels) of every workload, largest first, then by name. The
    /// reach of every class is computed at once ([`closure`]); members of a class differ only in
    /// whether they count themselves.
    pub fn planned_ranking(&self) -> Vec<(u32, u64, u64)> {
        let reach = self.class_reach();
        let counts = (0..self.estate.workloads.len() as u32)
            .map(|w| {
                let class = &reach[self.classes.of[w as usize] as usize];
                let own = u64::from(class.itself);
                let own_jewel = u64::from(class.itself && self.is_crown_jewel(w));
                (
                    class.workloads.saturating_sub(own),
                    class.jewels.saturating_sub(own_jewel),
                )
            })
            .collect();
        self.ranked(counts)
    }

    /// Reach (workload, count, crown jewels) of every workload in a mode, largest first, then
    /// by name: the same counts as [`Blast::reach`] gives one workload at a time. Observed reach
    /// condenses the observed graph ([`observed`]); planned reach the class graph ([`closure`]).
    pub fn ranking(&self, mode: Mode) -> Vec<(u32, u64, u64)> {
        match mode {
            Mode::Planned => self.planned_ranking(),
            Mode::Observed => self.ranked(self.observed_counts()),
            Mode::Flat => {
                let n = self.estate.workloads.len() as u64;
                let jewels = self.jewel.iter().filter(|&&j| j).count() as u64;
                let counts = (0..n as u32)
                    .map(|w| {
                        let me = u64::from(self.is_crown_jewel(w));
                        (n.saturating_sub(1), jewels - me)
                    })
                    .collect();
                self.ranked(counts)
            }
        }
    }

    /// Counts by workload index, as (workload, count, jewels) sorted largest first, then by name.
    fn ranked(&self, counts: Vec<(u64, u64)>) -> Vec<(u32, u64, u64)> {
        let mut out: Vec<(u32, u64, u64)> = counts
            .into_iter()
            .enumerate()
            .map(|(w, (reach, jewels))| (w as u32, reach, jewels))
            .collect();
        out.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(self.rank[a.0 as usize].cmp(&self.rank[b.0 as usize]))
        });
        out
    }

    /// The workloads a workload opened accepted connections to (the observed graph's edges),
    /// sorted by index.
    pub fn observed_targets(&self, workload: u32) -> &[u32] {
        self.observed
            .get(workload as usize)
            .map_or(&[], Vec::as_slice)
    }

    pub fn is_crown_jewel(&self, workload: u32) -> bool {
        self.jewel.get(workload as usize).copied().unwrap_or(false)
    }

    /// Breadth-first layers over observed edges; each node's parent is the first-ranked node of
    /// the previous layer that reaches it.
    fn observed_layers(&self, start: u32) -> (Vec<Option<u32>>, Vec<Vec<u32>>) {
        let n = self.estate.workloads.len();
        let mut parent = vec![None; n];
        let mut seen = vec![false; n];
        seen[start as usize] = true;
        let mut layers = vec![vec![start]];
        loop {
            let current = layers.last().map(Vec::as_slice).unwrap_or(&[]);
            let mut next: Vec<(usize, u32, u32)> = Vec::new();
            for (position, &u) in current.iter().enumerate() {
                for &v in &self.observed[u as usize] {
                    if !seen[v as usize] {
                        seen[v as usize] = true;
                        parent[v as usize] = Some(u);
                        next.push((position, self.rank[v as usize], v));
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            next.sort_unstable();
            layers.push(next.into_iter().map(|(_, _, v)| v).collect());
        }
        (parent, layers)
    }

    fn flat_layers(&self, start: u32) -> (Vec<Option<u32>>, Vec<Vec<u32>>) {
        let n = self.estate.workloads.len();
        let mut others: Vec<u32> = (0..n as u32).filter(|&w| w != start).collect();
        others.sort_by_key(|&w| self.rank[w as usize]);
        let parent = (0..n as u32)
            .map(|w| (w != start).then_some(start))
            .collect();
        let mut layers = vec![vec![start]];
        if !others.is_empty() {
            layers.push(others);
        }
        (parent, layers)
    }

    fn summarise(
        &self,
        start: u32,
        mode: Mode,
        parent: &[Option<u32>],
        layers: &[Vec<u32>],
    ) -> Reach {
        let mut by_zone = vec![0u64; self.zones.names.len()];
        let mut rings = Vec::with_capacity(layers.len());
        let mut jewels = Vec::new();
        for (depth, layer) in layers.iter().enumerate() {
            rings.push(if depth == 0 { 0 } else { layer.len() as u64 });
            if depth == 0 {
                continue;
            }
            for &w in layer {
                if let Some(zone) = self.zones.workload_zone.get(w as usize) {
                    by_zone[*zone as usize] += 1;
                }
                if self.is_crown_jewel(w) {
                    jewels.push(CrownJewel {
                        workload: w,
                        path: path_to(w, parent),
                    });
                }
            }
        }
        jewels.sort_by_key(|j| self.rank[j.workload as usize]);
        Reach {
            start,
            mode,
            reachable: rings.iter().sum(),
            by_zone,
            hops: rings.len().saturating_sub(1) as u32,
            rings,
            crown_jewels: jewels,
        }
    }

    /// Zone names and their counts, for output.
    pub fn zone_counts(&self, reach: &Reach) -> BTreeMap<String, u64> {
        reach
            .by_zone
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(zone, count)| (self.zones.name(zone as u32).to_string(), *count))
            .collect()
    }

    pub fn plan(&self) -> &Plan {
        self.plan
    }
}

/// The path from the start to `w` through parents, start first.
fn path_to(w: u32, parent: &[Option<u32>]) -> Vec<u32> {
    let mut path = vec![w];
    let mut current = w;
    while let Some(p) = parent.get(current as usize).copied().flatten() {
        path.push(p);
        current = p;
    }
    path.reverse();
    path
}

/// Condenses workloads into classes: same zone, same enabled rules on each side.
fn classes(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap, order: &[u32]) -> Classes {
    let sides = RuleSides::new(plan, estate, zones);
    let mut index: FxHashMap<(u32, &[u32], &[u32]), u32> = FxHashMap::default();
    let mut classes = Classes {
        of: vec![0; estate.workloads.len()],
        members: Vec::new(),
        zone: Vec::new(),
        from_rules: Vec::new(),
        rule_targets: vec![Vec::new(); plan.rules.len()],
        zone_classes: vec![Vec::new(); zones.names.len()],
    };
    for &w in order {
        let zone = zones.workload_zone.get(w as usize).copied().unwrap_or(0);
        let (from, to) = sides.workload_rules(w);
        let next = classes.members.len() as u32;
        let class = *index.entry((zone, from, to)).or_insert_with(|| {
            classes.members.push(Vec::new());
            classes.zone.push(zone);
            classes
                .from_rules
                .push(from.iter().map(|&r| r as usize).collect());
            for &r in to {
                classes.rule_targets[r as usize].push(next);
            }
            classes.zone_classes[zone as usize].push(next);
            next
        });
        classes.members[class as usize].push(w);
        classes.of[w as usize] = class;
    }
    classes
}
