//! Which enabled rules' `from` and `to` sides match each endpoint of the estate, as bit sets (one
//! bit per rule, in plan order). Endpoints are the workloads (by index), then the unresolved
//! addresses: the blind spots, and any other address an edge names.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use crate::analysis::resolve::{Endpoint, ResolvedEstate};
use crate::analysis::zones::{Members, ZoneMap, selects_address};
use crate::model::plan::{Peer, Plan};

/// A rule side reduced for matching: the zone named by index, so no name compares per endpoint.
enum Side<'a> {
    Any,
    Zone(Option<u32>),
    Selector(&'a crate::model::plan::Selector),
}

impl<'a> Side<'a> {
    fn of(peer: &'a Peer, zones: &ZoneMap) -> Side<'a> {
        match peer {
            Peer::Any => Side::Any,
            Peer::Zone(name) => Side::Zone(zones.index(name)),
            Peer::Selector(selector) => Side::Selector(selector),
        }
    }

    fn can_hold_address(&self) -> bool {
        !matches!(self, Side::Selector(s) if !matches!(s, crate::model::plan::Selector::Cidr(_)))
    }
}

pub(super) struct Sides {
    /// Words per bit set: one bit per rule of the plan.
    pub words: usize,
    /// How many endpoints are workloads; endpoint `workloads + i` is `addresses[i]`.
    pub workloads: usize,
    pub addresses: Vec<IpAddr>,
    address_index: FxHashMap<IpAddr, usize>,
    /// The zone of each endpoint.
    pub zone: Vec<u32>,
    from: Vec<u64>,
    to: Vec<u64>,
    /// Per rule: how many endpoints its `from` (and its `to`) side matches.
    pub from_count: Vec<usize>,
    pub to_count: Vec<usize>,
}

impl Sides {
    pub fn new(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Sides {
        let words = plan.rules.len().div_ceil(64).max(1);
        let workloads = estate.workloads.len();
        let mut addresses: Vec<IpAddr> = estate.blind_spots.iter().map(|s| s.address).collect();
        let mut address_index: FxHashMap<IpAddr, usize> = FxHashMap::default();
        for (i, &address) in addresses.iter().enumerate() {
            address_index.insert(address, workloads + i);
        }
        for edge in &estate.service_edges {
            for endpoint in [edge.client, edge.server] {
                if let Endpoint::Address(address) = endpoint
                    && !address_index.contains_key(&address)
                {
                    address_index.insert(address, workloads + addresses.len());
                    addresses.push(address);
                }
            }
        }
        let count = workloads + addresses.len();
        let mut sides = Sides {
            words,
            workloads,
            addresses,
            address_index,
            zone: Vec::with_capacity(count),
            from: vec![0; count * words],
            to: vec![0; count * words],
            from_count: vec![0; plan.rules.len()],
            to_count: vec![0; plan.rules.len()],
        };
        sides.fill(plan, estate, zones);
        sides
    }

    /// Workloads through the shared member lookup (by zone, name, app, label); addresses only
    /// against the sides that can hold one (`any`, a zone, a `cidr`).
    fn fill(&mut self, plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) {
        let members = Members::new(estate, zones);
        let words = self.words;
        for (r, rule) in plan.rules.iter().enumerate().filter(|(_, r)| r.enabled) {
            for (peer, bits, count) in [
                (&rule.from, &mut self.from, &mut self.from_count[r]),
                (&rule.to, &mut self.to, &mut self.to_count[r]),
            ] {
                members.for_each(peer, |w| {
                    set(&mut bits[w as usize * words..(w as usize + 1) * words], r);
                    *count += 1;
                });
            }
        }
        self.zone.extend(&zones.workload_zone);
        let rules: Vec<(usize, Side, Side)> = (plan.rules.iter().enumerate())
            .filter(|(_, rule)| rule.enabled)
            .map(|(r, rule)| (r, Side::of(&rule.from, zones), Side::of(&rule.to, zones)))
            .filter(|(_, from, to)| from.can_hold_address() || to.can_hold_address())
            .collect();
        for (i, &address) in self.addresses.iter().enumerate() {
            let zone = zones.zone_of(Endpoint::Address(address));
            self.zone.push(zone);
            let matches = |side: &Side| match side {
                Side::Any => true,
                Side::Zone(z) => *z == Some(zone),
                Side::Selector(selector) => selects_address(selector, address),
            };
            let base = (self.workloads + i) * words;
            for (r, from, to) in &rules {
                if matches(from) {
                    set(&mut self.from[base..base + words], *r);
                    self.from_count[*r] += 1;
                }
                if matches(to) {
                    set(&mut self.to[base..base + words], *r);
                    self.to_count[*r] += 1;
                }
            }
        }
    }

    /// How many endpoints there are.
    pub fn len(&self) -> usize {
        self.zone.len()
    }

    /// The endpoint index of an edge end.
    pub fn index(&self, endpoint: Endpoint) -> Option<usize> {
        match endpoint {
            Endpoint::Workload(w) => Some(w as usize).filter(|&w| w < self.workloads),
            Endpoint::Address(address) => self.address_index.get(&address).copied(),
        }
    }

    /// The rules whose `from` side matches an endpoint.
    pub fn from(&self, e: usize) -> &[u64] {
        &self.from[e * self.words..(e + 1) * self.words]
    }

    /// The rules whose `to` side matches an endpoint.
    pub fn to(&self, e: usize) -> &[u64] {
        &self.to[e * self.words..(e + 1) * self.words]
    }
}

pub(super) fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

pub(super) fn has(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// The indices of the set bits, in order.
pub(super) fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(word, &w)| {
        let mut rest = w;
        std::iter::from_fn(move || {
            (rest != 0).then(|| {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                word * 64 + bit
            })
        })
    })
}
