//! The segmentation plan (policy as code): trust zones with their member selectors, allow rules
//! and rollout phases. The plan file format is in `docs/plan-format.md`.

use std::collections::BTreeMap;
use std::fmt;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::rollout::{Guardrail, Phase};

/// The plan format version this build reads and writes.
pub const PLAN_VERSION: u32 = 1;

/// The zones every plan has without declaring them.
pub const INTERNET: &str = "internet";
pub const UNMANAGED: &str = "unmanaged";
pub const UNASSIGNED: &str = "unassigned";
pub const PSEUDO_ZONES: [&str; 3] = [INTERNET, UNMANAGED, UNASSIGNED];

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    Allow,
    Deny,
}

impl Policy {
    pub fn allows(self) -> bool {
        self == Policy::Allow
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Allow => "allow",
            Policy::Deny => "deny",
        }
    }
}

/// What applies where no rule says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Defaults {
    /// Between different zones.
    pub east_west: Policy,
    /// Within a zone, unless the zone says otherwise.
    pub intra_zone: Policy,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            east_west: Policy::Deny,
            intra_zone: Policy::Allow,
        }
    }
}

/// How much a breach of a zone would hurt.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Sensitivity {
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Low => "low",
            Sensitivity::Medium => "medium",
            Sensitivity::High => "high",
            Sensitivity::Critical => "critical",
        }
    }
}

/// One way to pick workloads (and, for `cidr`, unresolved addresses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selector {
    /// Every listed label equal (attributes count as labels).
    Labels(BTreeMap<String, String>),
    /// A workload by name (case-insensitively).
    Workload(String),
    /// Workloads whose `app` is this.
    App(String),
    /// Kubernetes workloads in this namespace.
    Namespace(String),
    /// Kubernetes workloads running as this service account, `NAMESPACE/NAME`.
    ServiceAccount(String),
    /// Workloads with exactly this identity (a SPIFFE ID, an instance profile…).
    Identity(String),
    /// Workloads with an address inside, and unresolved addresses inside.
    Cidr(IpNet),
    /// Workloads in an imported network, named by its id, its name, or `PARENT/ID`.
    Network(String),
}

impl Selector {
    /// The selector's kind, as the plan file spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Selector::Labels(_) => "labels",
            Selector::Workload(_) => "workload",
            Selector::App(_) => "app",
            Selector::Namespace(_) => "namespace",
            Selector::ServiceAccount(_) => "service_account",
            Selector::Identity(_) => "identity",
            Selector::Cidr(_) => "cidr",
            Selector::Network(_) => "network",
        }
    }
}

/// A trust zone. A workload belongs to the first zone (in plan order) with a matching member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    pub name: String,
    pub sensitivity: Sensitivity,
    /// Overrides `defaults.intra_zone` for this zone.
    pub intra_zone: Option<Policy>,
    pub description: Option<String>,
    pub note: Option<String>,
    pub members: Vec<Selector>,
}

/// One side of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Peer {
    /// Anything: every workload and every address.
    Any,
    /// Every endpoint in a zone (pseudo-zones included).
    Zone(String),
    /// Endpoints a selector picks.
    Selector(Selector),
}

/// Which traffic a rule allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PortSpec {
    /// Every protocol and port.
    Any,
    /// A protocol (IANA number) and an inclusive port range; ICMP and ICMPv6 have range 0–65535.
    Range { protocol: u8, first: u16, last: u16 },
}

impl PortSpec {
    /// Whether the spec covers a service port and protocol.
    pub fn matches(self, port: u16, protocol: u8) -> bool {
        match self {
            PortSpec::Any => true,
            PortSpec::Range {
                protocol: p,
                first,
                last,
            } => p == protocol && (first..=last).contains(&port),
        }
    }
}

/// A selector in the plan file's flow form: `{app: billing}`, `{labels: {tier: data}}`.
impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind();
        match self {
            Selector::Labels(labels) => {
                let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                write!(f, "{{{kind}: {{{}}}}}", pairs.join(", "))
            }
            Selector::Cidr(net) => write!(f, "{{{kind}: {net}}}"),
            Selector::Workload(v)
            | Selector::App(v)
            | Selector::Namespace(v)
            | Selector::ServiceAccount(v)
            | Selector::Identity(v)
            | Selector::Network(v) => write!(f, "{{{kind}: {v}}}"),
        }
    }
}

/// A rule side as the plan file writes it: `any`, `{zone: app}`, `{cidr: 10.0.0.0/8}`.
impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Any => f.write_str("any"),
            Peer::Zone(name) => write!(f, "{{zone: {name}}}"),
            Peer::Selector(selector) => selector.fmt(f),
        }
    }
}

/// A port spec in its short form: `tcp/8443`, `udp/8000-8100`, `icmp`, `icmpv6`, `any`. A spec
/// the plan file cannot express (another protocol, a partial ICMP range) is written
/// `protocol-N/FIRST-LAST`, which the parser refuses rather than misread.
impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let PortSpec::Range {
            protocol,
            first,
            last,
        } = *self
        else {
            return f.write_str("any");
        };
        let name = match (protocol, first, last) {
            (1, 0, u16::MAX) => return f.write_str("icmp"),
            (58, 0, u16::MAX) => return f.write_str("icmpv6"),
            (6, ..) => "tcp",
            (17, ..) => "udp",
            (132, ..) => "sctp",
            _ => return write!(f, "protocol-{protocol}/{first}-{last}"),
        };
        if first == last {
            write!(f, "{name}/{first}")
        } else {
            write!(f, "{name}/{first}-{last}")
        }
    }
}

/// Whether a rule has been agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    #[default]
    Approved,
    Proposed,
}

/// What a rule was codified from (informational).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Evidence {
    pub edges: Option<u64>,
    pub records: Option<u64>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// The flow sources that saw it (`aws-vpc`, `zeek`…).
    pub sources: Vec<String>,
}

/// An allow rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Unique; an unnamed rule is called `rule-N`, N its 1-based position.
    pub name: Option<String>,
    pub from: Peer,
    pub to: Peer,
    pub ports: Vec<PortSpec>,
    pub justification: Option<String>,
    pub owner: Option<String>,
    pub status: RuleStatus,
    /// A disabled rule stays in the plan and is ignored by the simulation.
    pub enabled: bool,
    /// A baseline service (DNS, NTP, metadata, identity…) that enforcement breaks without.
    pub baseline: bool,
    pub note: Option<String>,
    pub evidence: Option<Evidence>,
}

/// A segmentation plan.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub defaults: Defaults,
    pub zones: Vec<Zone>,
    pub rules: Vec<Rule>,
    /// Rollout phases, in order.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Flows no rule may allow.
    #[serde(default)]
    pub guardrails: Vec<Guardrail>,
}

impl Plan {
    /// The name of the rule at `index`: its own, else `rule-N`.
    pub fn rule_name(&self, index: usize) -> String {
        self.rules
            .get(index)
            .and_then(|r| r.name.clone())
            .unwrap_or_else(|| format!("rule-{}", index + 1))
    }

    /// The name of the guardrail at `index`: its own, else `guardrail-N`.
    pub fn guardrail_name(&self, index: usize) -> String {
        self.guardrails
            .get(index)
            .and_then(|g| g.name.clone())
            .unwrap_or_else(|| format!("guardrail-{}", index + 1))
    }

    pub fn zone(&self, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.name == name)
    }

    /// The intra-zone policy of a zone (pseudo-zones and unknown names take the default).
    pub fn intra_zone(&self, zone: &str) -> Policy {
        self.zone(zone)
            .and_then(|z| z.intra_zone)
            .unwrap_or(self.defaults.intra_zone)
    }
}
