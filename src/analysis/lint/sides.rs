//! Which enabled rules' `from` and `to` sides match each endpoint of the estate, as bit sets (one
//! bit per rule, in plan order). Endpoints are the workloads (by index), then the unresolved
//! addresses: the blind spots, and any other address an edge names.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use crate::analysis::resolve::{Endpoint, ResolvedEstate};
use crate::analysis::zones::{Matcher, ZoneMap, selects_address};
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

    fn fill(&mut self, plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) {
        let matcher = Matcher::new(estate);
        let rules: Vec<(usize, Side, Side)> = (plan.rules.iter().enumerate())
            .filter(|(_, rule)| rule.enabled)
            .map(|(r, rule)| (r, Side::of(&rule.from, zones), Side::of(&rule.to, zones)))
            .collect();
        for e in 0..self.workloads + self.addresses.len() {
            let (workload, address) = match e.checked_sub(self.workloads) {
                None => (estate.workloads.get(e), None),
                Some(i) => (None, self.addresses.get(i).copied()),
            };
            let zone = match address {
                None => zones.zone_of(Endpoint::Workload(e as u32)),
                Some(address) => zones.zone_of(Endpoint::Address(address)),
            };
            self.zone.push(zone);
            let matches = |side: &Side| match side {
                Side::Any => true,
                Side::Zone(z) => *z == Some(zone),
                Side::Selector(selector) => match (workload, address) {
                    (Some(workload), _) => matcher.workload(selector, workload),
                    (None, Some(address)) => selects_address(selector, address),
                    (None, None) => false,
                },
            };
            let base = e * self.words;
            for (r, from, to) in &rules {
                if matches(from) {
                    set(&mut self.from[base..base + self.words], *r);
                    self.from_count[*r] += 1;
                }
                if matches(to) {
                    set(&mut self.to[base..base + self.words], *r);
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
