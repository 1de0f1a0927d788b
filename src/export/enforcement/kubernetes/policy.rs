//! The plan's grants as cluster policy rules, independent of the policy dialect: per selectable
//! workload, ingress and egress rules of pod peers (by namespace and own pod labels), address
//! blocks with exceptions, and layer-4 ports. Never broader than the plan: a peer that cannot be
//! expressed exactly is left out (denied), and every address block excepts the addresses of
//! workloads the grant does not include.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::scope::Scope;
use crate::analysis::enforce::{Grant, Reason, egress_grants, grants};
use crate::analysis::resolve::Endpoint;
use crate::export::deliverables::Context;
use crate::model::plan::{PortSpec, Selector, UNMANAGED};

/// A layer-4 service a policy can name: `TCP`, `UDP` or `SCTP` and an inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct L4 {
    pub protocol: &'static str,
    pub first: u16,
    pub last: u16,
}

/// An address block and the ranges inside it that it leaves out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Block {
    pub cidr: IpNet,
    pub except: Vec<IpNet>,
}

/// One allow rule of a workload's policy, in one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    pub reason: Reason,
    /// Every peer: no peer list at all.
    pub all: bool,
    /// Every pod of these namespaces.
    pub namespaces: Vec<String>,
    /// Pods of these (selectable) workloads, by index.
    pub pods: Vec<u32>,
    /// The blocks are exactly every address outside the cluster (Cilium's `world`).
    pub world: bool,
    pub blocks: Vec<Block>,
    /// `None`: every port and protocol.
    pub ports: Option<Vec<L4>>,
}

/// A selectable workload's rules.
#[derive(Debug, Clone)]
pub struct WorkloadPolicy {
    pub workload: u32,
    pub namespace: String,
    pub ingress: Vec<PolicyRule>,
    pub egress: Vec<PolicyRule>,
}

/// Every policy of the cluster, with what could not be expressed.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub scope: Scope,
    pub workloads: Vec<WorkloadPolicy>,
    /// Rules (by display name) with services a policy cannot name (ICMP, other protocols): those
    /// services are left out.
    pub icmp: BTreeSet<String>,
    /// Rules whose `unmanaged` peers became the observed unmanaged addresses.
    pub unmanaged: BTreeSet<String>,
}

/// The private ranges (`analysis::address::is_private`) the `internet` zone leaves out.
fn private_ranges() -> Vec<IpNet> {
    let nets = [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "::1/128",
        "::ffff:0:0/96",
        "fc00::/7",
        "fe80::/10",
    ];
    nets.iter().filter_map(|n| n.parse().ok()).collect()
}

/// Every IPv4 and every IPv6 address.
fn everything() -> [IpNet; 2] {
    [
        IpNet::new_assert(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
        IpNet::new_assert(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0),
    ]
}

/// Ranges to leave out of address blocks: host addresses sorted for range lookups, and the few
/// wider ranges.
struct Excluded {
    hosts: Vec<IpNet>,
    wide: Vec<IpNet>,
}

impl Excluded {
    /// `hosts` sorted single-host ranges; `wide` anything.
    fn new(hosts: Vec<IpNet>, wide: &[IpNet]) -> Excluded {
        let mut wide: Vec<IpNet> = wide.iter().map(IpNet::trunc).collect();
        wide.sort_unstable();
        wide.dedup();
        let mut hosts = hosts;
        hosts.dedup();
        Excluded { hosts, wide }
    }

    /// The ranges inside `cidr` (and whether one covers it all).
    fn inside(&self, cidr: IpNet) -> Option<BTreeSet<IpNet>> {
        if self.wide.iter().any(|e| e.contains(&cidr)) {
            return None;
        }
        let first = IpNet::from(cidr.network());
        let last = IpNet::from(cidr.broadcast());
        let start = self.hosts.partition_point(|h| *h < first);
        let end = self.hosts.partition_point(|h| *h <= last);
        let hosts = self.hosts.get(start..end).unwrap_or_default();
        if hosts.first().is_some_and(|h| h.contains(&cidr)) {
            return None;
        }
        let wide = self.wide.iter().filter(|e| cidr.contains(*e));
        Some(hosts.iter().chain(wide).copied().collect())
    }
}

/// `cidr` without the `excluded` ranges inside it; `None` when one of them covers it all.
fn block(cidr: IpNet, excluded: &Excluded) -> Option<Block> {
    let inside = excluded.inside(cidr)?;
    // In (network, prefix length) order a range inside another comes after it, and every range
    // between the two is inside it too: one sweep keeps the outermost ranges.
    let mut except: Vec<IpNet> = Vec::new();
    for net in inside {
        if !except.last().is_some_and(|kept| kept.contains(&net)) {
            except.push(net);
        }
    }
    Some(Block { cidr, except })
}

/// The services of a grant a policy can name; `None` for every service. The flag says whether
/// some were left out.
fn services(ports: &[PortSpec]) -> (Option<Vec<L4>>, bool) {
    if ports.contains(&PortSpec::Any) {
        return (None, false);
    }
    let mut out = BTreeSet::new();
    let mut dropped = false;
    for spec in ports {
        let PortSpec::Range {
            protocol,
            first,
            last,
        } = *spec
        else {
            continue;
        };
        let name = match protocol {
            6 => "TCP",
            17 => "UDP",
            132 => "SCTP",
            _ => {
                dropped = true;
                continue;
            }
        };
        if last == 0 {
            continue;
        }
        out.insert(L4 {
            protocol: name,
            first: first.max(1),
            last,
        });
    }
    (Some(out.into_iter().collect()), dropped)
}

/// The cluster's policies for the context's plan and estate.
pub fn policies(ctx: &Context) -> Policies {
    let scope = Scope::new(ctx.estate);
    let ingress = grants(ctx.plan, ctx.estate, ctx.zones);
    let egress = egress_grants(ctx.plan, ctx.estate, ctx.zones);
    let mut out = Policies::default();
    for &w in &scope.workloads {
        if !scope.is_selectable(w) {
            continue;
        }
        let workload = &ctx.estate.workloads[w as usize];
        let mut translate = |grants: &[Grant]| -> Vec<PolicyRule> {
            grants
                .iter()
                .filter_map(|g| rule(ctx, &scope, g, &mut out))
                .collect()
        };
        let ingress = translate(&ingress[w as usize]);
        let egress = translate(&egress[w as usize]);
        out.workloads.push(WorkloadPolicy {
            workload: w,
            namespace: workload.namespace.clone().unwrap_or_default(),
            ingress,
            egress,
        });
    }
    out.scope = scope;
    out
}

/// A display name for why a rule exists.
pub fn reason_name(ctx: &Context, reason: Reason) -> String {
    match reason {
        Reason::Rule(r) => format!("rule {}", ctx.plan.rule_name(r)),
        Reason::IntraZone(z) => format!("intra-zone {}", ctx.zones.name(z)),
        Reason::EastWest => "east-west allow".to_string(),
    }
}

/// One grant as a policy rule, or `None` when nothing of it can be expressed.
fn rule(ctx: &Context, scope: &Scope, grant: &Grant, notes: &mut Policies) -> Option<PolicyRule> {
    let (ports, dropped) = services(&grant.ports);
    if dropped {
        notes.icmp.insert(reason_name(ctx, grant.reason));
    }
    if ports.as_ref().is_some_and(Vec::is_empty) {
        return None;
    }
    let mut out = PolicyRule {
        reason: grant.reason,
        all: grant.peers.any && grant.except_zone.is_none(),
        namespaces: Vec::new(),
        pods: Vec::new(),
        world: false,
        blocks: Vec::new(),
        ports,
    };
    if out.all {
        return Some(out);
    }
    let zones = ctx.zones;
    let granted = |w: u32| match grant.except_zone {
        Some(zone) => zones.zone_of(Endpoint::Workload(w)) != zone,
        None => grant.peers.workloads.binary_search(&w).is_ok(),
    };
    pods(scope, grant, &granted, &mut out);
    // Addresses of workloads the grant leaves out: single hosts (already sorted) and ranges.
    let excluded_hosts: Vec<IpNet> = (scope.hosts.iter())
        .filter(|(_, w)| !granted(*w))
        .map(|(net, _)| *net)
        .collect();
    let mut excluded: Vec<IpNet> = Vec::new();
    let mut nets: Vec<IpNet> = Vec::new();
    for (w, workload) in ctx.estate.workloads.iter().enumerate() {
        let w = w as u32;
        if !granted(w) {
            let wide = workload.addresses.iter().map(IpNet::trunc);
            excluded.extend(wide.filter(|n| n.prefix_len() != n.max_prefix_len()));
        } else if grant.except_zone.is_none() && scope_namespace(scope, w).is_none() {
            nets.extend(workload.addresses.iter().copied());
        }
    }
    let declared_cidrs = |zone: Option<&str>| -> Vec<IpNet> {
        let zones = ctx.plan.zones.iter();
        let chosen = zones.filter(|z| zone.is_none_or(|name| z.name == name));
        let members = chosen.flat_map(|z| z.members.iter());
        members
            .filter_map(|m| match m {
                Selector::Cidr(net) => Some(*net),
                _ => None,
            })
            .collect()
    };
    if let Some(zone) = grant.except_zone {
        nets.extend(everything());
        excluded.extend(declared_cidrs(Some(zones.name(zone))));
    } else {
        nets.extend(grant.peers.cidrs.iter().copied());
        if grant.peers.unmanaged {
            notes.unmanaged.insert(reason_name(ctx, grant.reason));
            let spots = ctx.estate.blind_spots.iter();
            let unmanaged = zones.index(UNMANAGED);
            let spots =
                spots.filter(|s| Some(zones.zone_of(Endpoint::Address(s.address))) == unmanaged);
            nets.extend(spots.map(|s| IpNet::from(s.address)));
        }
    }
    let mut internet_excluded = excluded.clone();
    if grant.peers.internet && grant.except_zone.is_none() {
        internet_excluded.extend(private_ranges());
        internet_excluded.extend(declared_cidrs(None));
        let internet_excluded = Excluded::new(excluded_hosts.clone(), &internet_excluded);
        for net in everything() {
            out.blocks.extend(block(net, &internet_excluded));
        }
    }
    let nothing_excluded = excluded.is_empty() && excluded_hosts.is_empty();
    let outside = Excluded::new(excluded_hosts, &excluded);
    for net in nets {
        out.blocks.extend(block(net, &outside));
    }
    out.blocks.sort();
    out.blocks.dedup();
    out.world = grant.peers.internet
        && grant.peers.unmanaged
        && grant.except_zone.is_none()
        && nothing_excluded
        && declared_cidrs(None).is_empty();
    let empty = out.namespaces.is_empty() && out.pods.is_empty() && out.blocks.is_empty();
    (!empty).then_some(out)
}

/// The pod peers of a grant: selectable workloads it includes; for east-west, whole namespaces
/// where it includes every Kubernetes workload.
fn pods(scope: &Scope, grant: &Grant, granted: &impl Fn(u32) -> bool, out: &mut PolicyRule) {
    let mut whole: BTreeSet<&str> = BTreeSet::new();
    if grant.except_zone.is_some() {
        for namespace in &scope.namespaces {
            let mut members = scope
                .workloads
                .iter()
                .copied()
                .filter(|&w| scope_namespace(scope, w) == Some(namespace.as_str()));
            if members.all(granted) {
                whole.insert(namespace);
            }
        }
    }
    out.namespaces = whole.iter().map(|n| (*n).to_string()).collect();
    for &w in &scope.workloads {
        let in_whole = scope_namespace(scope, w).is_some_and(|n| whole.contains(n));
        if scope.is_selectable(w) && granted(w) && !in_whole {
            out.pods.push(w);
        }
    }
}

fn scope_namespace(scope: &Scope, w: u32) -> Option<&str> {
    scope
        .namespace_of
        .get(w as usize)
        .and_then(|n| n.as_deref())
}
