//! Resolution: which workload each observed endpoint is, by identity first and address second.
//!
//! A pod endpoint (one with a pod name) resolves, in this order, to the owner of that pod in the
//! imported pod list; to the owner the flow source names; to the owner its name implies, when an
//! imported workload of the namespace has that name; to the owner of its address; and only then to
//! a new observed-only workload `NAMESPACE/OWNER`. Any other endpoint resolves by address. An
//! address nobody owns is a blind spot.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::address::{is_host, is_internal};
use super::merge::{Conflict, Workload, merge_inventory};
use super::podname::{likely_owner, owner_candidates};
use crate::model::{
    Attribute, EdgeKey, EdgeStats, EndpointHint, Estate, HintId, IdentitySource, Network,
    NetworkRef, Protocol, WorkloadKind, kubernetes_app,
};

/// An edge endpoint after resolution: a workload (index into [`ResolvedEstate::workloads`]) or a
/// bare address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Workload(u32),
    Address(IpAddr),
}

/// Why an unresolved address matters: inside the organisation (`unmanaged`) or outside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlindSpot {
    Unmanaged,
    Internet,
}

impl BlindSpot {
    pub fn as_str(self) -> &'static str {
        match self {
            BlindSpot::Unmanaged => "unmanaged",
            BlindSpot::Internet => "internet",
        }
    }
}

/// An address that resolved to no workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlindSpotAddress {
    pub address: IpAddr,
    pub class: BlindSpot,
    /// The most specific imported network the address falls in.
    pub network: Option<NetworkRef>,
    /// Flow records on edges that touch it.
    pub records: u64,
    pub edges: u64,
}

/// An edge between two addresses on one service port, with both ends resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedEdge {
    pub client: IpAddr,
    pub server: IpAddr,
    pub port: u16,
    pub protocol: Protocol,
    pub client_endpoint: Endpoint,
    pub server_endpoint: Endpoint,
    pub stats: EdgeStats,
}

/// An edge between two endpoints (workloads, or bare addresses) on one service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEdge {
    pub client: Endpoint,
    pub server: Endpoint,
    pub port: u16,
    pub protocol: Protocol,
    pub stats: EdgeStats,
    /// How many address pairs it covers.
    pub address_pairs: u64,
}

/// The estate after merging and resolution: what every screen and figure reads.
#[derive(Debug, Clone, Default)]
pub struct ResolvedEstate {
    /// Inventory workloads (sorted by name), then observed-only ones (sorted by name).
    pub workloads: Vec<Workload>,
    pub networks: Vec<Network>,
    pub identity_sources: Vec<IdentitySource>,
    pub conflicts: Vec<Conflict>,
    /// Address-level edges, sorted by key.
    pub edges: Vec<ResolvedEdge>,
    /// Endpoint-level edges, sorted by key.
    pub service_edges: Vec<ServiceEdge>,
    /// Unresolved addresses, sorted.
    pub blind_spots: Vec<BlindSpotAddress>,
    /// Ranges the organisation declared internal (topology `internal_ranges`): unresolved
    /// addresses inside them are unmanaged, not internet.
    pub internal_ranges: Vec<IpNet>,
    pub flow_records: u64,
    pub flow_records_skipped: u64,
}

impl ResolvedEstate {
    pub fn workload(&self, endpoint: Endpoint) -> Option<&Workload> {
        match endpoint {
            Endpoint::Workload(i) => self.workloads.get(i as usize),
            Endpoint::Address(_) => None,
        }
    }

    /// A display label for an endpoint: the workload's name, else the address.
    pub fn endpoint_label(&self, endpoint: Endpoint) -> String {
        match endpoint {
            Endpoint::Workload(i) => self
                .workloads
                .get(i as usize)
                .map_or_else(|| format!("#{i}"), |w| w.name.clone()),
            Endpoint::Address(address) => address.to_string(),
        }
    }

    /// The blind spot record of an unresolved address.
    pub fn blind_spot(&self, address: IpAddr) -> Option<&BlindSpotAddress> {
        let i = self
            .blind_spots
            .binary_search_by(|b| b.address.cmp(&address))
            .ok()?;
        self.blind_spots.get(i)
    }

    /// Like [`ResolvedEstate::endpoint_label`], with an unresolved address marked with its
    /// blind-spot class: `203.0.113.9 (internet)`.
    pub fn marked_endpoint_label(&self, endpoint: Endpoint) -> String {
        match endpoint {
            Endpoint::Address(address) => match self.blind_spot(address) {
                Some(spot) => format!("{address} ({})", spot.class.as_str()),
                None => address.to_string(),
            },
            Endpoint::Workload(_) => self.endpoint_label(endpoint),
        }
    }
}

/// Finds the owner of an address: exact host addresses first, then the narrowest range.
struct AddressIndex {
    hosts: FxHashMap<IpAddr, u32>,
    ranges: Vec<(IpNet, u32)>,
}

impl AddressIndex {
    fn new(workloads: &[Workload]) -> AddressIndex {
        let mut hosts = FxHashMap::default();
        let mut ranges = Vec::new();
        // Workloads are sorted by name, so the first claimant of an address keeps it.
        for (i, workload) in workloads.iter().enumerate() {
            for net in &workload.addresses {
                if is_host(net) {
                    hosts.entry(net.addr()).or_insert(i as u32);
                } else {
                    ranges.push((*net, i as u32));
                }
            }
        }
        ranges.sort_by_key(|(net, i)| (std::cmp::Reverse(net.prefix_len()), *i));
        AddressIndex { hosts, ranges }
    }

    fn owner(&self, address: IpAddr) -> Option<u32> {
        self.hosts.get(&address).copied().or_else(|| {
            self.ranges
                .iter()
                .find(|(net, _)| net.contains(&address))
                .map(|(_, i)| *i)
        })
    }
}

struct Resolver<'a> {
    estate: &'a Estate,
    workloads: Vec<Workload>,
    inventory_len: usize,
    by_name: FxHashMap<String, u32>,
    pods: FxHashMap<(&'a str, &'a str), &'a str>,
    addresses: AddressIndex,
    cache: FxHashMap<(IpAddr, HintId), Endpoint>,
}

impl<'a> Resolver<'a> {
    fn new(estate: &'a Estate, workloads: Vec<Workload>) -> Resolver<'a> {
        let by_name = workloads
            .iter()
            .enumerate()
            .map(|(i, w)| (w.name.to_lowercase(), i as u32))
            .collect();
        let pods = estate
            .pods
            .iter()
            .map(|p| {
                (
                    (p.namespace.as_str(), p.pod_name.as_str()),
                    p.workload.as_str(),
                )
            })
            .collect();
        Resolver {
            estate,
            addresses: AddressIndex::new(&workloads),
            inventory_len: workloads.len(),
            workloads,
            by_name,
            pods,
            cache: FxHashMap::default(),
        }
    }

    fn named(&self, name: &str) -> Option<u32> {
        self.by_name.get(&name.to_lowercase()).copied()
    }

    fn resolve(&mut self, address: IpAddr, hint: HintId) -> Endpoint {
        if hint.is_none() {
            return self.by_address(address);
        }
        if let Some(endpoint) = self.cache.get(&(address, hint)) {
            return *endpoint;
        }
        let endpoint = match self.estate.hints.get(hint.0 as usize) {
            Some(h) if !hint.is_none() && !h.pod_name.is_empty() => self.resolve_pod(address, h),
            _ => self.by_address(address),
        };
        self.cache.insert((address, hint), endpoint);
        endpoint
    }

    fn by_address(&self, address: IpAddr) -> Endpoint {
        self.addresses
            .owner(address)
            .map_or(Endpoint::Address(address), Endpoint::Workload)
    }

    fn resolve_pod(&mut self, address: IpAddr, hint: &EndpointHint) -> Endpoint {
        let namespace = hint.namespace.as_str();
        if let Some(i) = self
            .pods
            .get(&(namespace, hint.pod_name.as_str()))
            .and_then(|w| self.named(w))
        {
            return Endpoint::Workload(i);
        }
        if let Some((_, owner)) = &hint.owner {
            let name = format!("{namespace}/{owner}");
            return Endpoint::Workload(
                self.named(&name)
                    .unwrap_or_else(|| self.observe(name, owner, hint)),
            );
        }
        // Kubernetes-shaped suffixes first; other tools' suffixes only when nothing matched.
        let strict = owner_candidates(&hint.pod_name, false);
        let lenient = owner_candidates(&hint.pod_name, true);
        for candidate in strict.into_iter().chain(lenient) {
            let name = format!("{namespace}/{}", candidate.name);
            let known = self
                .named(&name)
                .filter(|&i| self.is_owner_of(i, namespace, candidate.kinds));
            if let Some(i) = known {
                return Endpoint::Workload(i);
            }
        }
        if let Some(i) = self.addresses.owner(address) {
            return Endpoint::Workload(i);
        }
        let owner = likely_owner(&hint.pod_name);
        let name = format!("{namespace}/{owner}");
        Endpoint::Workload(
            self.named(&name)
                .unwrap_or_else(|| self.observe(name, &owner, hint)),
        )
    }

    /// Whether imported workload `i` is of the namespace and of a kind that names pods so.
    fn is_owner_of(&self, i: u32, namespace: &str, kinds: &[WorkloadKind]) -> bool {
        let workload = &self.workloads[i as usize];
        (i as usize) < self.inventory_len
            && kinds.contains(&workload.kind)
            && workload
                .namespace
                .as_deref()
                .is_none_or(|ns| ns == namespace)
    }

    /// Adds an observed-only workload for a pod no inventory explains.
    fn observe(&mut self, name: String, owner: &str, hint: &EndpointHint) -> u32 {
        let labels: BTreeMap<String, String> = hint.labels.iter().cloned().collect();
        let app = kubernetes_app(|k| labels.get(k).map(String::as_str), owner).to_string();
        let mut attributes = BTreeMap::new();
        attributes.insert(Attribute::App, app.clone());
        let mut all_labels = labels.clone();
        all_labels.insert("app".into(), app);
        let i = self.workloads.len() as u32;
        self.workloads.push(Workload {
            name: name.clone(),
            kind: WorkloadKind::Observed,
            attributes,
            labels: all_labels,
            pod_labels: labels,
            addresses: Vec::new(),
            identity: hint.service_account.clone(),
            networks: vec![NetworkRef::new(
                crate::model::NetworkKind::Namespace,
                &hint.namespace,
            )],
            namespace: Some(hint.namespace.clone()),
            observed_only: true,
            records: 0,
        });
        self.by_name.insert(name.to_lowercase(), i);
        i
    }
}

/// (client address, server address, port, protocol).
type AddressKey = (IpAddr, IpAddr, u16, Protocol);
/// (client endpoint, server endpoint, port, protocol).
type EndpointKey = (Endpoint, Endpoint, u16, Protocol);

/// Merges the inventory and resolves every edge endpoint.
pub fn resolve_estate(estate: &Estate) -> ResolvedEstate {
    resolve(estate, Cow::Borrowed(&estate.edges))
}

/// [`resolve_estate`] for an estate that is not needed afterwards: its edges are freed as soon
/// as they are folded, so a large estate is never held twice.
pub fn resolve_estate_owned(mut estate: Estate) -> ResolvedEstate {
    let edges = std::mem::take(&mut estate.edges);
    resolve(&estate, Cow::Owned(edges))
}

fn resolve(estate: &Estate, estate_edges: Cow<'_, [(EdgeKey, EdgeStats)]>) -> ResolvedEstate {
    let inventory = merge_inventory(&estate.workloads);
    let mut resolver = Resolver::new(estate, inventory.workloads);
    let (mut edges, by_endpoint) = fold_edges(&mut resolver, &estate_edges);
    drop(estate_edges);
    let inventory_len = resolver.inventory_len;
    let (mut workloads, remap) = sort_observed(resolver.workloads, inventory_len);
    let fix = |endpoint: Endpoint| match endpoint {
        Endpoint::Workload(i) if i as usize >= inventory_len => {
            Endpoint::Workload(remap[i as usize - inventory_len])
        }
        other => other,
    };
    for edge in &mut edges {
        edge.client_endpoint = fix(edge.client_endpoint);
        edge.server_endpoint = fix(edge.server_endpoint);
    }
    let mut service_edges: Vec<ServiceEdge> = by_endpoint
        .into_iter()
        .map(
            |((client, server, port, protocol), (stats, pairs, _))| ServiceEdge {
                client: fix(client),
                server: fix(server),
                port,
                protocol,
                stats,
                address_pairs: pairs,
            },
        )
        .collect();
    service_edges.sort_by_key(|e| (e.client, e.server, e.port, e.protocol));

    let networks = collect_networks(estate, &workloads);
    place_in_networks(&mut workloads, &networks);
    let blind_spots = blind_spots(&service_edges, &networks, &estate.internal_ranges);
    ResolvedEstate {
        workloads,
        networks,
        identity_sources: estate.identity_sources.clone(),
        conflicts: inventory.conflicts,
        edges,
        service_edges,
        blind_spots,
        internal_ranges: estate.internal_ranges.clone(),
        flow_records: estate.flow_records,
        flow_records_skipped: estate.flow_records_skipped,
    }
}

/// Per service edge: its stats, how many address pairs it covers, and the last pair counted.
type ServiceAccumulator = FxHashMap<EndpointKey, (EdgeStats, u64, AddressKey)>;

/// Resolves both ends of every stored edge, folding them into address edges and service edges.
///
/// Edges arrive sorted by (client, server, port, protocol, hints): the observations of one address
/// edge are adjacent, so each address edge is one run, and an address pair is counted once per
/// service edge by remembering the last pair counted.
fn fold_edges(
    resolver: &mut Resolver<'_>,
    stored: &[(EdgeKey, EdgeStats)],
) -> (Vec<ResolvedEdge>, ServiceAccumulator) {
    let mut edges: Vec<ResolvedEdge> = Vec::new();
    let mut busiest = 0;
    let mut by_endpoint = ServiceAccumulator::default();
    for (key, stats) in stored {
        let client = resolver.resolve(key.client, key.client_hint);
        let server = resolver.resolve(key.server, key.server_hint);
        let address_key = (key.client, key.server, key.port, key.protocol);
        match edges.last_mut() {
            Some(edge) if (edge.client, edge.server, edge.port, edge.protocol) == address_key => {
                // Where hints disagree (a reused pod address), the busiest observation names
                // the ends.
                if stats.records > busiest {
                    (edge.client_endpoint, edge.server_endpoint) = (client, server);
                    busiest = stats.records;
                }
                edge.stats.merge(stats);
            }
            _ => {
                busiest = stats.records;
                edges.push(ResolvedEdge {
                    client: key.client,
                    server: key.server,
                    port: key.port,
                    protocol: key.protocol,
                    client_endpoint: client,
                    server_endpoint: server,
                    stats: *stats,
                });
            }
        }
        let service = by_endpoint
            .entry((client, server, key.port, key.protocol))
            .or_insert((EdgeStats::default(), 0, address_key));
        if service.1 == 0 || service.2 != address_key {
            service.1 += 1;
            service.2 = address_key;
        }
        service.0.merge(stats);
    }
    (edges, by_endpoint)
}

/// Observed-only workloads were appended in encounter order: sorts them by name and returns the
/// new index of each, by its old offset past the inventory.
fn sort_observed(mut workloads: Vec<Workload>, inventory_len: usize) -> (Vec<Workload>, Vec<u32>) {
    let mut observed: Vec<(usize, Workload)> =
        workloads.drain(inventory_len..).enumerate().collect();
    observed.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut remap: Vec<u32> = vec![0; observed.len()];
    for (new, (old, _)) in observed.iter().enumerate() {
        remap[*old] = (inventory_len + new) as u32;
    }
    workloads.extend(observed.into_iter().map(|(_, w)| w));
    (workloads, remap)
}

/// Declared networks (the later import wins on the same key) plus networks known only because a
/// workload refers to them.
fn collect_networks(estate: &Estate, workloads: &[Workload]) -> Vec<Network> {
    let mut networks: BTreeMap<NetworkRef, Network> = BTreeMap::new();
    for network in &estate.networks {
        networks.insert(network.key.clone(), network.clone());
    }
    for workload in workloads.iter().filter(|w| !w.observed_only) {
        for key in &workload.networks {
            networks
                .entry(key.clone())
                .or_insert_with(|| Network::referenced(key.clone()));
        }
    }
    networks.into_values().collect()
}

/// Adds to each workload the networks whose ranges hold one of its addresses.
fn place_in_networks(workloads: &mut [Workload], networks: &[Network]) {
    let ranges: Vec<(IpNet, &NetworkRef)> = networks
        .iter()
        .flat_map(|n| n.cidrs.iter().map(move |c| (*c, &n.key)))
        .collect();
    if ranges.is_empty() {
        return;
    }
    for workload in workloads {
        let mut found: Vec<NetworkRef> = Vec::new();
        for address in &workload.addresses {
            for (range, key) in &ranges {
                if range.contains(address)
                    && !workload.networks.contains(key)
                    && !found.contains(key)
                {
                    found.push((*key).clone());
                }
            }
        }
        if !found.is_empty() {
            workload.networks.extend(found);
            workload.networks.sort();
        }
    }
}

/// The most specific network whose ranges hold the address.
pub fn network_of(address: IpAddr, networks: &[Network]) -> Option<&Network> {
    networks
        .iter()
        .flat_map(|n| {
            n.cidrs
                .iter()
                .filter(|c| c.contains(&address))
                .map(move |c| (c.prefix_len(), n))
        })
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.key.cmp(&a.1.key)))
        .map(|(_, n)| n)
}

fn blind_spots(
    edges: &[ServiceEdge],
    networks: &[Network],
    internal: &[IpNet],
) -> Vec<BlindSpotAddress> {
    let mut seen: BTreeMap<IpAddr, (u64, u64)> = BTreeMap::new();
    for edge in edges {
        for endpoint in [edge.client, edge.server] {
            if let Endpoint::Address(address) = endpoint {
                let entry = seen.entry(address).or_default();
                entry.0 += edge.stats.records;
                entry.1 += edge.address_pairs;
            }
        }
    }
    seen.into_iter()
        .map(|(address, (records, edges))| BlindSpotAddress {
            address,
            class: if is_internal(address, internal) {
                BlindSpot::Unmanaged
            } else {
                BlindSpot::Internet
            },
            network: network_of(address, networks).map(|n| n.key.clone()),
            records,
            edges,
        })
        .collect()
}

#[cfg(test)]
mod tests;
