//! Zone assignment: every workload lands in exactly one zone — the first zone (in plan order)
//! with a matching member, else `unassigned`. An unresolved address lands in the first zone with a
//! `cidr` member that holds it, else `internet` (public) or `unmanaged` (private or declared
//! internal).

use std::net::IpAddr;

use ipnet::IpNet;

use rustc_hash::FxHashMap;

mod members;

pub use members::{MemberIndex, Members};

use super::address::is_internal;
use super::merge::Workload;
use super::resolve::{BlindSpot, Endpoint, ResolvedEstate};
use crate::model::plan::{INTERNET, PSEUDO_ZONES, Plan, Selector, UNASSIGNED, UNMANAGED};
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
                .unwrap_or_else(|| self.unassigned()),
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

/// Beyond this many member selectors, indexing the workloads first pays for itself.
const SCAN_MEMBERS: usize = 64;

/// Places every workload and unresolved address in its zone: by testing every workload against
/// the zones in plan order when the plan has few member selectors, through a [`MemberIndex`]
/// otherwise (a drafted plan has thousands).
pub fn assign_zones(plan: &Plan, estate: &ResolvedEstate) -> ZoneMap {
    let selectors: usize = plan.zones.iter().map(|z| z.members.len()).sum();
    if selectors <= SCAN_MEMBERS {
        assign_zones_scan(plan, estate)
    } else {
        assign_zones_indexed(plan, estate, &MemberIndex::new(estate))
    }
}

/// [`assign_zones`] the straightforward way, every workload testing every zone in plan order.
pub(crate) fn assign_zones_scan(plan: &Plan, estate: &ResolvedEstate) -> ZoneMap {
    let matcher = Matcher::new(estate);
    place(plan, estate, |map| {
        let unassigned = map.unassigned();
        estate
            .workloads
            .iter()
            .map(|workload| {
                plan.zones
                    .iter()
                    .position(|zone| zone.members.iter().any(|m| matcher.workload(m, workload)))
                    .map_or(unassigned, |i| i as u32)
            })
            .collect()
    })
}

/// [`assign_zones`] through an index kept across plan edits. Each member selector visits only the
/// workloads its index entry lists (a zone of one application visits that application), and a
/// workload keeps the first zone in plan order that selects it.
pub fn assign_zones_indexed(plan: &Plan, estate: &ResolvedEstate, index: &MemberIndex) -> ZoneMap {
    place(plan, estate, |map| {
        let mut zone_of = vec![u32::MAX; estate.workloads.len()];
        for (z, zone) in plan.zones.iter().enumerate() {
            for member in &zone.members {
                index.for_each_selected(estate, member, |w| {
                    if zone_of[w as usize] == u32::MAX {
                        zone_of[w as usize] = z as u32;
                    }
                });
            }
        }
        let unassigned = map.unassigned();
        zone_of
            .iter_mut()
            .filter(|z| **z == u32::MAX)
            .for_each(|z| *z = unassigned);
        zone_of
    })
}

/// A zone map with the workloads placed by `workload_zones` and the unresolved addresses by the
/// zones' `cidr` members, else their blind-spot class.
fn place(
    plan: &Plan,
    estate: &ResolvedEstate,
    workload_zones: impl FnOnce(&ZoneMap) -> Vec<u32>,
) -> ZoneMap {
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
    map.workload_zone = workload_zones(&map);
    let (internet, unmanaged) = (map.internet(), map.unmanaged());
    for spot in &estate.blind_spots {
        // The zones' `cidr` members in plan order: the first that holds the address.
        let declared = map
            .ranges
            .iter()
            .find(|(net, _)| net.contains(&spot.address));
        let zone = declared.map_or(
            match spot.class {
                BlindSpot::Internet => internet,
                BlindSpot::Unmanaged => unmanaged,
            },
            |&(_, z)| z,
        );
        map.address_zone.insert(spot.address, zone);
    }
    map
}
