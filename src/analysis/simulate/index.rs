//! The evaluated edges by endpoint, for finding the edges one rule allows without looking at the
//! others: endpoints get dense ids (workloads first, then unresolved addresses), and the edges of
//! each endpoint as client and as server are listed (compressed sparse rows).

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use super::super::resolve::{Endpoint, ResolvedEstate};
use super::super::zones::{Members, ZoneMap};
use crate::model::plan::{Peer, PortSpec, Rule, Selector};

/// Compressed sparse rows: the items of row `i` are `items[start[i]..start[i + 1]]`.
struct Rows {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Rows {
    /// Rows from (row, item) pairs, items in the order given.
    fn new(rows: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Rows {
        let mut start = vec![0u32; rows + 1];
        for (row, _) in pairs.clone() {
            start[row as usize + 1] += 1;
        }
        for i in 0..rows {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut items = vec![0u32; start[rows] as usize];
        for (row, item) in pairs {
            items[next[row as usize] as usize] = item;
            next[row as usize] += 1;
        }
        Rows { start, items }
    }

    fn row(&self, row: u32) -> &[u32] {
        let (a, b) = (self.start[row as usize], self.start[row as usize + 1]);
        &self.items[a as usize..b as usize]
    }
}

/// Endpoints a rule side matches: every one, or a set.
enum SideSet {
    Any,
    Some { bits: Vec<u64>, list: Vec<u32> },
}

impl SideSet {
    fn contains(&self, id: u32) -> bool {
        match self {
            SideSet::Any => true,
            SideSet::Some { bits, .. } => bits[id as usize / 64] & (1 << (id % 64)) != 0,
        }
    }
}

/// The evaluated edges of an estate, by client and by server.
pub(super) struct EdgeIndex {
    workloads: u32,
    /// Unresolved addresses: endpoint `workloads + i` is `addresses[i]`.
    addresses: Vec<IpAddr>,
    client: Vec<u32>,
    server: Vec<u32>,
    port: Vec<u16>,
    protocol: Vec<u8>,
    outgoing: Rows,
    incoming: Rows,
}

/// (endpoint, edge) for every evaluated edge.
fn evaluated(ends: &[u32]) -> impl Iterator<Item = (u32, u32)> + Clone + '_ {
    ends.iter()
        .enumerate()
        .filter(|&(_, &x)| x != u32::MAX)
        .map(|(e, &x)| (x, e as u32))
}

impl EdgeIndex {
    pub fn new(estate: &ResolvedEstate) -> EdgeIndex {
        let workloads = estate.workloads.len() as u32;
        let mut addresses = Vec::new();
        let mut address_id: FxHashMap<IpAddr, u32> = FxHashMap::default();
        let mut id = |endpoint: Endpoint| match endpoint {
            Endpoint::Workload(w) => w,
            Endpoint::Address(a) => *address_id.entry(a).or_insert_with(|| {
                addresses.push(a);
                workloads + addresses.len() as u32 - 1
            }),
        };
        let edges = &estate.service_edges;
        let (mut client, mut server) = (vec![u32::MAX; edges.len()], vec![u32::MAX; edges.len()]);
        for (e, edge) in edges.iter().enumerate() {
            if edge.stats.accepted > 0 {
                client[e] = id(edge.client);
                server[e] = id(edge.server);
            }
        }
        let endpoints = workloads as usize + addresses.len();
        EdgeIndex {
            outgoing: Rows::new(endpoints, evaluated(&client)),
            incoming: Rows::new(endpoints, evaluated(&server)),
            port: edges.iter().map(|e| e.port).collect(),
            protocol: edges.iter().map(|e| e.protocol.0).collect(),
            workloads,
            addresses,
            client,
            server,
        }
    }

    fn endpoints(&self) -> usize {
        self.workloads as usize + self.addresses.len()
    }

    /// The zone of an endpoint.
    pub fn zone_of_endpoint(&self, id: u32, zones: &ZoneMap) -> u32 {
        match id.checked_sub(self.workloads) {
            None => zones.zone_of(Endpoint::Workload(id)),
            Some(i) => zones.zone_of(Endpoint::Address(self.addresses[i as usize])),
        }
    }

    /// The zones of an evaluated edge's ends (client, server).
    pub fn zones_of(&self, edge: u32, zones: &ZoneMap) -> (u32, u32) {
        let e = edge as usize;
        (
            self.zone_of_endpoint(self.client[e], zones),
            self.zone_of_endpoint(self.server[e], zones),
        )
    }

    /// Endpoints whose zone differs between two zone maps.
    pub fn moved(&self, before: &ZoneMap, after: &ZoneMap) -> Vec<u32> {
        (0..self.endpoints() as u32)
            .filter(|&id| self.zone_of_endpoint(id, before) != self.zone_of_endpoint(id, after))
            .collect()
    }

    /// The evaluated edges an endpoint is the client or the server of.
    pub fn edges_of(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        self.outgoing
            .row(id)
            .iter()
            .chain(self.incoming.row(id))
            .copied()
    }

    fn side(&self, peer: &Peer, members: &Members<'_>, zones: &ZoneMap) -> SideSet {
        let mut bits = vec![0u64; self.endpoints().div_ceil(64)];
        let mut list = Vec::new();
        let mut add = |id: u32| {
            bits[id as usize / 64] |= 1 << (id % 64);
            list.push(id);
        };
        let address_test: Option<Box<dyn Fn(IpAddr) -> bool>> = match peer {
            Peer::Any => return SideSet::Any,
            Peer::Zone(name) => zones.index(name).map(|z| {
                Box::new(move |a| zones.zone_of(Endpoint::Address(a)) == z) as Box<dyn Fn(_) -> _>
            }),
            Peer::Selector(Selector::Cidr(range)) => {
                let range = *range;
                Some(Box::new(move |a| range.contains(&a)))
            }
            Peer::Selector(_) => None,
        };
        members.for_each(peer, &mut add);
        if let Some(test) = address_test {
            for (i, &address) in self.addresses.iter().enumerate() {
                if test(address) {
                    add(self.workloads + i as u32);
                }
            }
        }
        SideSet::Some { bits, list }
    }

    /// How many evaluated edges leave (or, `incoming`, reach) a side's endpoints.
    fn degree(&self, side: &SideSet, incoming: bool) -> usize {
        let rows = if incoming {
            &self.incoming
        } else {
            &self.outgoing
        };
        match side {
            SideSet::Any => rows.items.len(),
            SideSet::Some { list, .. } => list.iter().map(|&id| rows.row(id).len()).sum(),
        }
    }

    /// Calls `f` with every evaluated edge an enabled rule allows, under the given zones,
    /// walking the edges of whichever side has fewer.
    pub fn for_each_match(
        &self,
        rule: &Rule,
        members: &Members<'_>,
        zones: &ZoneMap,
        mut f: impl FnMut(u32),
    ) {
        if !rule.enabled {
            return;
        }
        let from = self.side(&rule.from, members, zones);
        let to = self.side(&rule.to, members, zones);
        let ports: &[PortSpec] = &rule.ports;
        let mut check = |e: u32, other: bool| {
            let i = e as usize;
            if other
                && ports
                    .iter()
                    .any(|p| p.matches(self.port[i], self.protocol[i]))
            {
                f(e);
            }
        };
        let by_client = self.degree(&from, false) <= self.degree(&to, true);
        let (side, rows) = if by_client {
            (&from, &self.outgoing)
        } else {
            (&to, &self.incoming)
        };
        let rows_of = |id: u32| rows.row(id).iter().copied();
        let edges: Box<dyn Iterator<Item = u32>> = match side {
            SideSet::Any => Box::new(rows.items.iter().copied()),
            SideSet::Some { list, .. } => Box::new(list.iter().flat_map(|&id| rows_of(id))),
        };
        for e in edges {
            let other = if by_client {
                to.contains(self.server[e as usize])
            } else {
                from.contains(self.client[e as usize])
            };
            check(e, other);
        }
    }
}
