//! Baseline services: what every workload needs and flow logs rarely show — name resolution,
//! time, addresses, instance metadata, directory and Kerberos — so that enforcement does not
//! break them.
//!
//! Cloud platforms answer these on link-local or reserved addresses that their flow logs never
//! record (AWS: 169.254.169.253 and the VPC base + 2 for DNS, 169.254.169.123 for NTP,
//! 169.254.169.254 for instance metadata; Azure: 168.63.129.16 and 169.254.169.254; GCP:
//! 169.254.169.254 for all three). A suggested plan puts those addresses in one zone,
//! `cloud-platform`, and lets every zone with cloud instances reach it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use crate::analysis::merge::Workload;
use crate::analysis::resolve::{ResolvedEstate, ServiceEdge};
use crate::model::plan::{PortSpec, Selector, Sensitivity, Zone};
use crate::model::{NetworkKind, Protocol, SourceKind, WorkloadKind};

/// The zone of cloud platform endpoints.
pub const PLATFORM_ZONE: &str = "cloud-platform";

const TCP: u8 = 6;
const UDP: u8 = 17;

/// A baseline service and the ports it needs (both protocols where it falls back to TCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    Dns,
    Ntp,
    Dhcp,
    Metadata,
    Kerberos,
    Ldap,
}

impl Service {
    pub const ALL: [Service; 6] = [
        Service::Dns,
        Service::Ntp,
        Service::Dhcp,
        Service::Metadata,
        Service::Kerberos,
        Service::Ldap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Dns => "DNS",
            Service::Ntp => "NTP",
            Service::Dhcp => "DHCP",
            Service::Metadata => "instance metadata",
            Service::Kerberos => "Kerberos",
            Service::Ldap => "LDAP",
        }
    }

    /// (protocol, port) pairs the service listens on.
    pub fn ports(self) -> &'static [(u8, u16)] {
        match self {
            Service::Dns => &[(TCP, 53), (UDP, 53)],
            Service::Ntp => &[(UDP, 123)],
            Service::Dhcp => &[(UDP, 67)],
            Service::Metadata => &[(TCP, 80)],
            Service::Kerberos => &[(TCP, 88), (UDP, 88), (TCP, 464), (UDP, 464)],
            Service::Ldap => &[(TCP, 389), (UDP, 389), (TCP, 636), (TCP, 3268), (TCP, 3269)],
        }
    }

    pub fn port_specs(self) -> impl Iterator<Item = PortSpec> {
        self.ports()
            .iter()
            .map(|&(protocol, port)| PortSpec::Range {
                protocol,
                first: port,
                last: port,
            })
    }
}

/// Services the cloud platform zone answers.
pub const PLATFORM_SERVICES: [Service; 3] = [Service::Dns, Service::Ntp, Service::Metadata];

/// The baseline service an observed edge uses, if any. Metadata (plain HTTP) counts only towards
/// the platform zone.
pub fn classify(edge: &ServiceEdge, to_platform: bool) -> Option<Service> {
    let (protocol, port) = (edge.protocol, edge.port);
    if protocol != Protocol::TCP && protocol != Protocol::UDP {
        return None;
    }
    Service::ALL
        .into_iter()
        .filter(|&s| s != Service::Metadata || to_platform)
        .find(|s| s.ports().contains(&(protocol.0, port)))
}

/// A Kubernetes cluster DNS workload (CoreDNS, kube-dns), which pods need whether seen or not.
pub fn is_cluster_dns(workload: &Workload) -> bool {
    workload.kind.is_kubernetes()
        && (matches!(workload.app(), "kube-dns" | "coredns")
            || workload.labels.get("k8s-app").map(String::as_str) == Some("kube-dns"))
}

/// The cloud platform zone, when the estate runs in a cloud: the well-known endpoints, the
/// resolver at each VPC's base + 2, and observed link-local servers of baseline services.
pub fn platform_zone(estate: &ResolvedEstate) -> Option<Zone> {
    let instances = estate
        .workloads
        .iter()
        .any(|w| w.kind == WorkloadKind::Instance);
    let vpcs: Vec<&IpNet> = estate
        .networks
        .iter()
        .filter(|n| n.key.kind == NetworkKind::Vpc)
        .flat_map(|n| &n.cidrs)
        .collect();
    let azure = estate.service_edges.iter().any(|e| {
        e.stats.sources.contains(SourceKind::AzureNsg)
            || e.stats.sources.contains(SourceKind::AzureVnet)
    });
    if !instances && vpcs.is_empty() && !azure {
        return None;
    }
    let mut addresses: Vec<IpAddr> = [253, 254, 123]
        .into_iter()
        .map(|last| IpAddr::V4(Ipv4Addr::new(169, 254, 169, last)))
        .collect();
    let ipv6 = estate
        .workloads
        .iter()
        .flat_map(|w| &w.addresses)
        .any(|a| a.addr().is_ipv6());
    if ipv6 {
        addresses.extend(
            [0x253, 0x254, 0x123]
                .map(|last| IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, last))),
        );
    }
    if azure {
        addresses.push(IpAddr::V4(Ipv4Addr::new(168, 63, 129, 16)));
    }
    for net in vpcs {
        if let IpNet::V4(net) = net {
            let base = u32::from(net.network());
            if net.prefix_len() <= 28 {
                addresses.push(IpAddr::V4(Ipv4Addr::from(base + 2)));
            }
        }
    }
    // Link-local servers the flows do show answering DNS, NTP or metadata.
    for edge in estate.service_edges.iter().filter(|e| e.stats.accepted > 0) {
        let crate::analysis::resolve::Endpoint::Address(address) = edge.server else {
            continue;
        };
        let link_local = match address {
            IpAddr::V4(a) => a.is_link_local(),
            IpAddr::V6(a) => (a.segments()[0] & 0xffc0) == 0xfe80,
        };
        if link_local && classify(edge, true).is_some_and(|s| PLATFORM_SERVICES.contains(&s)) {
            addresses.push(address);
        }
    }
    addresses.sort();
    addresses.dedup();
    Some(Zone {
        name: PLATFORM_ZONE.to_string(),
        sensitivity: Sensitivity::Medium,
        intra_zone: None,
        description: Some(
            "Cloud platform endpoints (resolver, time, instance metadata) that flow logs do not \
             record; every zone with cloud instances needs them"
                .to_string(),
        ),
        note: None,
        members: addresses
            .into_iter()
            .map(|a| Selector::Cidr(IpNet::from(a)))
            .collect(),
    })
}
