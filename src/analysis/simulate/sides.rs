//! Which enabled rules name an endpoint on their `from` side and on their `to` side, as sorted
//! lists of rule indices: every workload at once (through [`Members`]), an unresolved address on
//! first use (from its zone's rules and the `cidr` sides that hold it). Lists, not bit sets: a
//! workload is on the sides of a handful of rules even in a plan of tens of thousands.

use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::FxHashMap;

use super::super::resolve::{Endpoint, ResolvedEstate, ServiceEdge};
use super::super::zones::{Members, ZoneMap};
use crate::model::plan::{Peer, Plan, Selector};

/// Rows of sorted rule indices: row `i` is `items[start[i]..start[i + 1]]`.
struct Rows {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Rows {
    /// From (row, rule) pairs given in ascending rule order, so every row comes out sorted.
    fn new(rows: usize, pairs: &[(u32, u32)]) -> Rows {
        let mut start = vec![0u32; rows + 1];
        for &(row, _) in pairs {
            start[row as usize + 1] += 1;
        }
        for i in 0..rows {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut items = vec![0u32; pairs.len()];
        for &(row, rule) in pairs {
            items[next[row as usize] as usize] = rule;
            next[row as usize] += 1;
        }
        Rows { start, items }
    }

    fn row(&self, row: u32) -> &[u32] {
        match (
            self.start.get(row as usize),
            self.start.get(row as usize + 1),
        ) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }
}

/// Calls `f` with every index in both sorted lists.
pub(super) fn intersect(a: &[u32], b: &[u32], mut f: impl FnMut(u32)) {
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        if x < y {
            i += 1;
        } else if y < x {
            j += 1;
        } else {
            f(x);
            i += 1;
            j += 1;
        }
    }
}

/// For every endpoint, the enabled rules whose `from` (and whose `to`) match it.
pub struct RuleSides<'a> {
    plan: &'a Plan,
    estate: &'a ResolvedEstate,
    zones: &'a ZoneMap,
    from: Rows,
    to: Rows,
    /// Per address: `from` rules, `to` rules.
    addresses: FxHashMap<IpAddr, [Vec<u32>; 2]>,
    /// Per zone, once needed: the rules whose side is `any` or names the zone.
    zone_rules: FxHashMap<u32, [Vec<u32>; 2]>,
    /// Rule sides that are `cidr` selectors: (rule, `to` side, range).
    cidr_sides: Vec<(u32, bool, IpNet)>,
}

impl<'a> RuleSides<'a> {
    pub fn new(plan: &'a Plan, estate: &'a ResolvedEstate, zones: &'a ZoneMap) -> RuleSides<'a> {
        RuleSides::with_members(plan, estate, zones, &Members::new(estate, zones))
    }

    /// Like [`RuleSides::new`], with members the caller already has (for the same zones).
    pub fn with_members(
        plan: &'a Plan,
        estate: &'a ResolvedEstate,
        zones: &'a ZoneMap,
        members: &Members<'_>,
    ) -> RuleSides<'a> {
        let (mut from, mut to) = (Vec::new(), Vec::new());
        let mut cidr_sides = Vec::new();
        for (r, rule) in plan.rules.iter().enumerate().filter(|(_, r)| r.enabled) {
            let r = r as u32;
            for (peer, pairs, is_to) in [(&rule.from, &mut from, false), (&rule.to, &mut to, true)]
            {
                members.for_each(peer, |w| pairs.push((w, r)));
                if let Peer::Selector(Selector::Cidr(range)) = peer {
                    cidr_sides.push((r, is_to, *range));
                }
            }
        }
        let n = estate.workloads.len();
        RuleSides {
            plan,
            estate,
            zones,
            from: Rows::new(n, &from),
            to: Rows::new(n, &to),
            addresses: FxHashMap::default(),
            zone_rules: FxHashMap::default(),
            cidr_sides,
        }
    }

    fn zone_rules(&mut self, zone: u32) -> &[Vec<u32>; 2] {
        let (plan, zones) = (self.plan, self.zones);
        self.zone_rules.entry(zone).or_insert_with(|| {
            let named = |peer: &Peer| match peer {
                Peer::Any => true,
                Peer::Zone(name) => zones.index(name) == Some(zone),
                Peer::Selector(_) => false,
            };
            let enabled = plan.rules.iter().enumerate().filter(|(_, r)| r.enabled);
            let (mut from, mut to) = (Vec::new(), Vec::new());
            for (r, rule) in enabled {
                if named(&rule.from) {
                    from.push(r as u32);
                }
                if named(&rule.to) {
                    to.push(r as u32);
                }
            }
            [from, to]
        })
    }

    /// Computes an address's rules if not known yet; whether it was new.
    pub(super) fn prepare(&mut self, endpoint: Endpoint) -> bool {
        let Endpoint::Address(address) = endpoint else {
            return false;
        };
        if self.addresses.contains_key(&address) {
            return false;
        }
        let zone = self.zones.zone_of(endpoint);
        let mut sides = self.zone_rules(zone).clone();
        let mut added = false;
        for &(r, is_to, range) in &self.cidr_sides {
            if range.contains(&address) {
                sides[usize::from(is_to)].push(r);
                added = true;
            }
        }
        if added {
            sides.iter_mut().for_each(|list| {
                list.sort_unstable();
                list.dedup();
            });
        }
        self.addresses.insert(address, sides);
        true
    }

    /// The `from` rules (`to == false`) or `to` rules of an endpoint, sorted; empty for an
    /// address not [prepared](Self::prepare).
    pub(super) fn side(&self, endpoint: Endpoint, to: bool) -> &[u32] {
        match endpoint {
            Endpoint::Workload(w) if to => self.to.row(w),
            Endpoint::Workload(w) => self.from.row(w),
            Endpoint::Address(address) => self
                .addresses
                .get(&address)
                .map_or(&[], |sides| sides[usize::from(to)].as_slice()),
        }
    }

    /// The enabled rules with a workload on their `from` side and on their `to` side, sorted.
    pub fn workload_rules(&self, workload: u32) -> (&[u32], &[u32]) {
        let endpoint = Endpoint::Workload(workload);
        (self.side(endpoint, false), self.side(endpoint, true))
    }

    /// The enabled rules that allow an edge: `from` matches its client, `to` its server, and a
    /// port entry its service port and protocol.
    pub fn matching_rules(&mut self, edge: &ServiceEdge) -> Vec<usize> {
        self.prepare(edge.client);
        self.prepare(edge.server);
        let mut rules = Vec::new();
        let both = (self.side(edge.client, false), self.side(edge.server, true));
        intersect(both.0, both.1, |r| {
            let ports = &self.plan.rules[r as usize].ports;
            if ports.iter().any(|p| p.matches(edge.port, edge.protocol.0)) {
                rules.push(r as usize);
            }
        });
        rules
    }

    pub fn estate(&self) -> &'a ResolvedEstate {
        self.estate
    }
}
