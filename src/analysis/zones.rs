//! Zone assignment: every workload lands in exactly one zone — the first zone (in plan order)
//! with a matching member, else `unassigned`. An unresolved address lands in the first zone with a
//! `cidr` member that holds it, else `internet` (public) or `unmanaged` (private or declared
//! internal).

use std::net::IpAddr;

use ipnet::IpNet;

use rustc_hash::FxHashMap;

use super::address::is_internal;
use super::merge::Workload;
use super::resolve::{BlindSpot, Endpoint, ResolvedEstate};
use crate::model::plan::{INTERNET, PSEUDO_ZONES, Peer, Plan, Selector, UNASSIGNED, UNMANAGED};
use crate::model::{Network, NetworkRef};

/// Which zone every endpoint is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoneMap {
    /// Zone names: the plan's zones in order, then `internet`, `unmanaged`, `unassigned`.
    pub names: Vec<String>,
    /// The zone of each workload, by its index in the estate.
    pub workload_zone: Vec<u32>,
    /// The zone of each unresolved address.
    pub address_zone: FxHashMap<IpAddr, u32>,
    /// For addresses never observed: the declared zones' `cidr` members in plan order, and the
    /// internal ranges.
    pub ranges: Vec<(IpNet, u32)>,
    pub internal: Vec<IpNet>,
}

impl ZoneMap {
    pub fn index(&self, name: &str) -> Option<u32> {
        self.names.iter().position(|n| n == name).map(|i| i as u32)
    }

    pub fn name(&self, zone: u32) -> &str {
        self.names
            .get(zone as usize)
            .map_or(UNASSIGNED, String::as_str)
    }

    /// The zone of an endpoint. An address never seen as unresolved is placed as a blind spot
    /// would be: the first zone with a `cidr` member holding it, else `unmanaged` when it is
    /// internal, else `internet`.
    pub fn zone_of(&self, endpoint: Endpoint) -> u32 {
        match endpoint {
            Endpoint::Workload(i) => self
                .workload_zone
                .get(i as usize)
                .copied()
                .unwrap_or(self.unassigned()),
            Endpoint::Address(address) => match self.address_zone.get(&address) {
                Some(&zone) => zone,
                None => self.unseen_zone(address),
            },
        }
    }

    fn unseen_zone(&self, address: IpAddr) -> u32 {
        match self.ranges.iter().find(|(net, _)| net.contains(&address)) {
            Some(&(_, zone)) => zone,
            None if is_internal(address, &self.internal) => self.unmanaged(),
            None => self.internet(),
        }
    }

    pub fn internet(&self) -> u32 {
        self.index(INTERNET).unwrap_or(0)
    }

    pub fn unmanaged(&self) -> u32 {
        self.index(UNMANAGED).unwrap_or(0)
    }

    pub fn unassigned(&self) -> u32 {
        self.index(UNASSIGNED).unwrap_or(0)
    }

    /// How many workloads each zone holds, by zone index.
    pub fn workload_counts(&self) -> Vec<u64> {
        let mut counts = vec![0; self.names.len()];
        for &zone in &self.workload_zone {
            counts[zone as usize] += 1;
        }
        counts
    }
}

/// Matches selectors against workloads; knows which networks a `network:` selector names.
pub struct Matcher<'a> {
    networks: &'a [Network],
}

impl<'a> Matcher<'a> {
    pub fn new(estate: &'a ResolvedEstate) -> Matcher<'a> {
        Matcher {
            networks: &estate.networks,
        }
    }

    /// Whether a network selector names this network: by id, by name, or as `PARENT/ID`.
    fn names_network(&self, wanted: &str, key: &NetworkRef) -> bool {
        if key.id == wanted {
            return true;
        }
        self.networks.iter().filter(|n| &n.key == key).any(|n| {
            n.name == wanted
                || n.parent
                    .as_ref()
                    .is_some_and(|p| format!("{}/{}", p.id, key.id) == wanted)
        })
    }

    /// Whether a selector picks a workload.
    pub fn workload(&self, selector: &Selector, workload: &Workload) -> bool {
        match selector {
            Selector::Labels(labels) => labels
                .iter()
                .all(|(k, v)| workload.labels.get(k) == Some(v)),
            Selector::Workload(name) => workload.name.to_lowercase() == name.to_lowercase(),
            Selector::App(app) => workload.app() == app,
            Selector::Namespace(namespace) => {
                workload.kind.is_kubernetes()
                    && workload.namespace.as_deref() == Some(namespace.as_str())
            }
            Selector::ServiceAccount(account) => {
                workload.kind.is_kubernetes()
                    && workload.identity.as_deref() == Some(account.as_str())
            }
            Selector::Identity(identity) => workload.identity.as_deref() == Some(identity.as_str()),
            Selector::Cidr(range) => workload.addresses.iter().any(|a| range.contains(a)),
            Selector::Network(wanted) => workload
                .networks
                .iter()
                .any(|key| self.names_network(wanted, key)),
        }
    }
}

/// Whether a selector picks an unresolved address: only `cidr` selectors do.
pub fn selects_address(selector: &Selector, address: IpAddr) -> bool {
    matches!(selector, Selector::Cidr(range) if range.contains(&address))
}

/// Places every workload and unresolved address in its zone.
pub fn assign_zones(plan: &Plan, estate: &ResolvedEstate) -> ZoneMap {
    let mut names: Vec<String> = plan.zones.iter().map(|z| z.name.clone()).collect();
    names.extend(PSEUDO_ZONES.iter().map(|s| s.to_string()));
    let mut map = ZoneMap {
        names,
        ..ZoneMap::default()
    };
    for (z, zone) in plan.zones.iter().enumerate() {
        for member in &zone.members {
            if let Selector::Cidr(net) = member {
                map.ranges.push((*net, z as u32));
            }
        }
    }
    map.internal.clone_from(&estate.internal_ranges);
    let matcher = Matcher::new(estate);
    let unassigned = map.unassigned();
    map.workload_zone = estate
        .workloads
        .iter()
        .map(|workload| {
            plan.zones
                .iter()
                .position(|zone| zone.members.iter().any(|m| matcher.workload(m, workload)))
                .map_or(unassigned, |i| i as u32)
        })
        .collect();
    let (internet, unmanaged) = (map.internet(), map.unmanaged());
    for spot in &estate.blind_spots {
        let declared = plan.zones.iter().position(|zone| {
            zone.members
                .iter()
                .any(|m| selects_address(m, spot.address))
        });
        let zone = declared.map_or(
            match spot.class {
                BlindSpot::Internet => internet,
                BlindSpot::Unmanaged => unmanaged,
            },
            |i| i as u32,
        );
        map.address_zone.insert(spot.address, zone);
    }
    map
}

/// Finds the workloads a rule side names without testing every workload where it can: by zone,
/// by name, by application, by one of the labels; other selectors test every workload.
pub struct Members<'a> {
    estate: &'a ResolvedEstate,
    zones: &'a ZoneMap,
    matcher: Matcher<'a>,
    by_name: FxHashMap<String, Vec<u32>>,
    by_app: FxHashMap<&'a str, Vec<u32>>,
    by_label: FxHashMap<(&'a str, &'a str), Vec<u32>>,
}

impl<'a> Members<'a> {
    pub fn new(estate: &'a ResolvedEstate, zones: &'a ZoneMap) -> Members<'a> {
        let mut index = Members {
            estate,
            zones,
            matcher: Matcher::new(estate),
            by_name: FxHashMap::default(),
            by_app: FxHashMap::default(),
            by_label: FxHashMap::default(),
        };
        for (w, workload) in estate.workloads.iter().enumerate() {
            let w = w as u32;
            index
                .by_name
                .entry(workload.name.to_lowercase())
                .or_default()
                .push(w);
            index.by_app.entry(workload.app()).or_default().push(w);
            for (key, value) in &workload.labels {
                index.by_label.entry((key, value)).or_default().push(w);
            }
        }
        index
    }

    /// Calls `f` with every workload the peer matches, in index order.
    pub fn for_each(&self, peer: &Peer, f: impl FnMut(u32)) {
        let workloads = &self.estate.workloads;
        let candidates: Option<&[u32]> = match peer {
            Peer::Any => {
                (0..workloads.len() as u32).for_each(f);
                return;
            }
            Peer::Zone(name) => {
                let Some(zone) = self.zones.index(name) else {
                    return;
                };
                let zone_of = &self.zones.workload_zone;
                (0..zone_of.len() as u32)
                    .filter(|&w| zone_of[w as usize] == zone)
                    .for_each(f);
                return;
            }
            Peer::Selector(Selector::Workload(name)) => Some(
                self.by_name
                    .get(&name.to_lowercase())
                    .map_or(&[], Vec::as_slice),
            ),
            Peer::Selector(Selector::App(app)) => {
                Some(self.by_app.get(app.as_str()).map_or(&[], Vec::as_slice))
            }
            Peer::Selector(Selector::Labels(labels)) => labels.iter().next().map(|(k, v)| {
                self.by_label
                    .get(&(k.as_str(), v.as_str()))
                    .map_or(&[][..], Vec::as_slice)
            }),
            Peer::Selector(_) => None,
        };
        let Peer::Selector(selector) = peer else {
            return;
        };
        let check = |w: u32| self.matcher.workload(selector, &workloads[w as usize]);
        match candidates {
            Some(list) => list.iter().copied().filter(|&w| check(w)).for_each(f),
            None => (0..workloads.len() as u32)
                .filter(|&w| check(w))
                .for_each(f),
        }
    }
}
