//! Networks: VLANs, subnets, VPCs, Kubernetes clusters and namespaces.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

/// What kind of network segment a [`Network`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkKind {
    Site,
    Vlan,
    Vpc,
    Subnet,
    Cluster,
    Namespace,
}

impl NetworkKind {
    pub const ALL: [NetworkKind; 6] = [
        NetworkKind::Site,
        NetworkKind::Vlan,
        NetworkKind::Vpc,
        NetworkKind::Subnet,
        NetworkKind::Cluster,
        NetworkKind::Namespace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NetworkKind::Site => "site",
            NetworkKind::Vlan => "vlan",
            NetworkKind::Vpc => "vpc",
            NetworkKind::Subnet => "subnet",
            NetworkKind::Cluster => "cluster",
            NetworkKind::Namespace => "namespace",
        }
    }

    pub fn parse(text: &str) -> Option<NetworkKind> {
        NetworkKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A control that can enforce policy at a network boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Enforcement {
    SecurityGroup,
    Networkpolicy,
    Cilium,
    ServiceMesh,
    HostFirewall,
    Nac,
}

impl Enforcement {
    pub const ALL: [Enforcement; 6] = [
        Enforcement::SecurityGroup,
        Enforcement::Networkpolicy,
        Enforcement::Cilium,
        Enforcement::ServiceMesh,
        Enforcement::HostFirewall,
        Enforcement::Nac,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::SecurityGroup => "security-group",
            Enforcement::Networkpolicy => "networkpolicy",
            Enforcement::Cilium => "cilium",
            Enforcement::ServiceMesh => "mesh",
            Enforcement::HostFirewall => "host-firewall",
            Enforcement::Nac => "nac",
        }
    }

    /// Parses a control's name; `service-mesh` is read as `mesh`.
    pub fn parse(text: &str) -> Option<Enforcement> {
        if text == "service-mesh" {
            return Some(Enforcement::ServiceMesh);
        }
        Enforcement::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// The options a network of this kind offers when its source does not say.
    pub fn defaults_for(kind: NetworkKind) -> &'static [Enforcement] {
        match kind {
            NetworkKind::Vpc | NetworkKind::Subnet => &[Enforcement::SecurityGroup],
            NetworkKind::Cluster | NetworkKind::Namespace => &[Enforcement::Networkpolicy],
            NetworkKind::Vlan | NetworkKind::Site => &[Enforcement::HostFirewall],
        }
    }
}

/// The identity of a network: its kind and its id (VPC id, subnet id, VLAN id, namespace name…).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NetworkRef {
    pub kind: NetworkKind,
    pub id: String,
}

impl NetworkRef {
    pub fn new(kind: NetworkKind, id: impl Into<String>) -> NetworkRef {
        NetworkRef {
            kind,
            id: id.into(),
        }
    }
}

impl std::fmt::Display for NetworkRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.id)
    }
}

/// A network segment, declared by a topology source or known because an inventory refers to it
/// (`declared == false`: an instance names a subnet that no imported file describes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    pub key: NetworkRef,
    pub name: String,
    pub cidrs: Vec<IpNet>,
    pub parent: Option<NetworkRef>,
    pub vlan_id: Option<u16>,
    pub enforcement: Vec<Enforcement>,
    pub declared: bool,
}

impl Network {
    /// A network known only by reference, with the default enforcement options of its kind.
    pub fn referenced(key: NetworkRef) -> Network {
        Network {
            name: key.id.clone(),
            enforcement: Enforcement::defaults_for(key.kind).to_vec(),
            key,
            cidrs: Vec::new(),
            parent: None,
            vlan_id: None,
            declared: false,
        }
    }
}
