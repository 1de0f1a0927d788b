//! What the plan allows into each workload, in terms an enforcement point can render: for every
//! workload, the grants (peers, ports, reason) that let traffic reach it. Every enforcement
//! target (Kubernetes, Cilium, Istio, security groups, nftables) renders these, and its read-back
//! test checks the artifact against [`allows`], the plan's own verdict for one connection.
//!
//! The plan allows a connection from endpoint A to workload B on a port when A and B are in one
//! zone whose intra-zone policy allows, or in different zones and `east_west` allows, or an
//! enabled rule has A on its `from` side, B on its `to` side and the port among its ports.

use std::sync::Arc;

use ipnet::IpNet;

use super::resolve::{Endpoint, ResolvedEstate};
use super::simulate::RuleSides;
use super::zones::{Members, ZoneMap};
use crate::model::plan::{INTERNET, Peer, Plan, PortSpec, Selector, UNASSIGNED, UNMANAGED};

/// The endpoints a grant lets in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Peers {
    /// Every endpoint: every workload and every address.
    pub any: bool,
    /// Workloads, by index, sorted.
    pub workloads: Vec<u32>,
    /// Address ranges (a `cidr` selector, a zone's `cidr` members): the addresses inside that no
    /// workload owns, and the workloads inside (those are listed in `workloads` too).
    pub cidrs: Vec<IpNet>,
    /// Public addresses no workload owns and no zone's `cidr` claims (the `internet` zone).
    pub internet: bool,
    /// Private addresses no workload owns and no zone's `cidr` claims (the `unmanaged` zone).
    pub unmanaged: bool,
}

/// Why a grant exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// An enabled rule, by index.
    Rule(usize),
    /// The zone's intra-zone allow (zone index).
    IntraZone(u32),
    /// `defaults.east_west: allow`: every endpoint outside the workload's zone.
    EastWest,
}

/// Traffic the plan lets into one workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// For `Reason::EastWest`, `peers` is every endpoint and `except_zone` the workload's own
    /// zone: the peers are everything outside it.
    /// Shared: one rule side or zone serves many workloads.
    pub peers: Arc<Peers>,
    pub except_zone: Option<u32>,
    /// The services; `[PortSpec::Any]` for every one.
    pub ports: Vec<PortSpec>,
    pub reason: Reason,
}

/// The endpoints a rule side names, as [`Peers`].
pub fn peers(peer: &Peer, plan: &Plan, members: &Members) -> Peers {
    let mut out = Peers::default();
    match peer {
        Peer::Any => out.any = true,
        Peer::Zone(name) if name == INTERNET => out.internet = true,
        Peer::Zone(name) if name == UNMANAGED => out.unmanaged = true,
        Peer::Zone(name) => {
            members.for_each(peer, |w| out.workloads.push(w));
            if name != UNASSIGNED {
                let declared = plan.zone(name).map(|z| z.members.as_slice());
                for member in declared.unwrap_or_default() {
                    if let Selector::Cidr(net) = member {
                        out.cidrs.push(*net);
                    }
                }
            }
        }
        Peer::Selector(selector) => {
            members.for_each(peer, |w| out.workloads.push(w));
            if let Selector::Cidr(net) = selector {
                out.cidrs.push(*net);
            }
        }
    }
    out
}

/// The grants into every workload (by workload index), rules first in plan order, then the
/// intra-zone allow, then east-west.
pub fn grants(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Vec<Vec<Grant>> {
    directed(plan, estate, zones, false)
}

/// The grants out of every workload (by workload index), in the same order: a grant's `peers`
/// are the destinations; for `Reason::EastWest`, every endpoint outside `except_zone` (the
/// workload's own zone). Enforcement points that filter on the client's side (a NetworkPolicy's
/// egress, a security group's outbound rules) render these.
pub fn egress_grants(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Vec<Vec<Grant>> {
    directed(plan, estate, zones, true)
}

/// Grants per workload: into it (`outbound == false`: peers are sources) or out of it (peers are
/// destinations). Intra-zone and east-west allows are symmetric.
fn directed(
    plan: &Plan,
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    outbound: bool,
) -> Vec<Vec<Grant>> {
    let members = Members::new(estate, zones);
    let mut out: Vec<Vec<Grant>> = vec![Vec::new(); estate.workloads.len()];
    for (r, rule) in plan.rules.iter().enumerate().filter(|(_, r)| r.enabled) {
        let (near, far) = if outbound {
            (&rule.from, &rule.to)
        } else {
            (&rule.to, &rule.from)
        };
        let far = Arc::new(peers(far, plan, &members));
        members.for_each(near, |w| {
            out[w as usize].push(Grant {
                peers: Arc::clone(&far),
                except_zone: None,
                ports: rule.ports.clone(),
                reason: Reason::Rule(r),
            });
        });
    }
    let zone_peers: Vec<Arc<Peers>> = zones
        .names
        .iter()
        .map(|name| Arc::new(peers(&Peer::Zone(name.clone()), plan, &members)))
        .collect();
    let everyone = Arc::new(Peers {
        any: true,
        ..Peers::default()
    });
    for (w, grants) in out.iter_mut().enumerate() {
        let zone = zones.zone_of(Endpoint::Workload(w as u32));
        if plan.intra_zone(zones.name(zone)).allows() {
            grants.push(Grant {
                peers: Arc::clone(&zone_peers[zone as usize]),
                except_zone: None,
                ports: vec![PortSpec::Any],
                reason: Reason::IntraZone(zone),
            });
        }
        if plan.defaults.east_west.allows() {
            grants.push(Grant {
                peers: Arc::clone(&everyone),
                except_zone: Some(zone),
                ports: vec![PortSpec::Any],
                reason: Reason::EastWest,
            });
        }
    }
    out
}

/// The plan's verdict for one connection from `client` to `server` on a service port and
/// protocol: the reference every enforcement artifact is read back against.
pub fn allows(
    plan: &Plan,
    sides: &mut RuleSides,
    zones: &ZoneMap,
    client: Endpoint,
    server: Endpoint,
    port: u16,
    protocol: u8,
) -> bool {
    let edge = crate::analysis::resolve::ServiceEdge {
        client,
        server,
        port,
        protocol: crate::model::Protocol(protocol),
        stats: crate::model::EdgeStats::default(),
        address_pairs: 0,
    };
    super::simulate::default_verdict(plan, zones, &edge).is_some()
        || !sides.matching_rules(&edge).is_empty()
}

impl Peers {
    /// Whether the peers hold an endpoint (`zone` is the endpoint's zone in the map).
    pub fn holds(&self, endpoint: Endpoint, zone: u32, zones: &ZoneMap) -> bool {
        if self.any {
            return true;
        }
        match endpoint {
            Endpoint::Workload(w) => self.workloads.binary_search(&w).is_ok(),
            Endpoint::Address(address) => {
                (self.internet && zones.name(zone) == INTERNET)
                    || (self.unmanaged && zones.name(zone) == UNMANAGED)
                    || self.cidrs.iter().any(|net| net.contains(&address))
            }
        }
    }
}

impl Grant {
    /// Whether the grant lets `client` (in zone `client_zone`) in on a port and protocol.
    pub fn covers(
        &self,
        client: Endpoint,
        client_zone: u32,
        zones: &ZoneMap,
        port: u16,
        protocol: u8,
    ) -> bool {
        self.except_zone != Some(client_zone)
            && self.peers.holds(client, client_zone, zones)
            && self.ports.iter().any(|p| p.matches(port, protocol))
    }
}

#[cfg(test)]
mod tests;
