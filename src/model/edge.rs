//! Observed service edges: who talked to whom, on which service port, and what came of it.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// An IANA IP protocol number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Protocol(pub u8);

impl Protocol {
    pub const ICMP: Protocol = Protocol(1);
    pub const TCP: Protocol = Protocol(6);
    pub const UDP: Protocol = Protocol(17);
    pub const ICMPV6: Protocol = Protocol(58);

    /// Parses a protocol name (`tcp`, `T`, `icmpv6`…) or number, case-insensitively.
    pub fn parse(text: &str) -> Option<Protocol> {
        if let Ok(number) = text.parse::<u8>() {
            return Some(Protocol(number));
        }
        let number = match text.to_ascii_lowercase().as_str() {
            "tcp" | "t" => 6,
            "udp" | "u" => 17,
            "icmp" => 1,
            "icmpv6" | "ipv6-icmp" | "icmp6" => 58,
            "sctp" => 132,
            "gre" => 47,
            "esp" => 50,
            "ah" => 51,
            _ => return None,
        };
        Some(Protocol(number))
    }

    pub fn is_icmp(self) -> bool {
        self == Protocol::ICMP || self == Protocol::ICMPV6
    }

    /// Whether the protocol has ports at all.
    pub fn has_ports(self) -> bool {
        matches!(self.0, 6 | 17 | 132 | 33)
    }

    pub fn name(self) -> String {
        match self.0 {
            1 => "icmp".into(),
            6 => "tcp".into(),
            17 => "udp".into(),
            58 => "icmpv6".into(),
            132 => "sctp".into(),
            47 => "gre".into(),
            50 => "esp".into(),
            51 => "ah".into(),
            other => other.to_string(),
        }
    }
}

/// The flow sources Blastwall reads; a [`SourceSet`] records which saw an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    AwsVpc,
    Zeek,
    Hubble,
    AzureNsg,
    AzureVnet,
    GcpVpc,
    Nfdump,
    Goflow2,
    /// Pre-aggregated edges (Blastwall's edges CSV).
    Edges,
}

impl SourceKind {
    pub const ALL: [SourceKind; 9] = [
        SourceKind::AwsVpc,
        SourceKind::Zeek,
        SourceKind::Hubble,
        SourceKind::AzureNsg,
        SourceKind::AzureVnet,
        SourceKind::GcpVpc,
        SourceKind::Nfdump,
        SourceKind::Goflow2,
        SourceKind::Edges,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::AwsVpc => "aws-vpc",
            SourceKind::Zeek => "zeek",
            SourceKind::Hubble => "hubble",
            SourceKind::AzureNsg => "azure-nsg",
            SourceKind::AzureVnet => "azure-vnet",
            SourceKind::GcpVpc => "gcp-vpc",
            SourceKind::Nfdump => "nfdump",
            SourceKind::Goflow2 => "goflow2",
            SourceKind::Edges => "edges",
        }
    }

    /// Parses a name as [`SourceKind::as_str`] gives it.
    pub fn parse(text: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// A small set of [`SourceKind`]s, stored as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct SourceSet(pub u32);

impl SourceSet {
    pub fn of(kind: SourceKind) -> SourceSet {
        SourceSet(kind.bit())
    }

    pub fn insert(&mut self, kind: SourceKind) {
        self.0 |= kind.bit();
    }

    pub fn union(self, other: SourceSet) -> SourceSet {
        SourceSet(self.0 | other.0)
    }

    pub fn contains(self, kind: SourceKind) -> bool {
        self.0 & kind.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = SourceKind> {
        SourceKind::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }

    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(SourceKind::as_str).collect()
    }
}

/// Identity evidence a flow source gives about an endpoint beyond its address (a Hubble pod).
/// Interned per workspace; [`HintId::NONE`] means "address only".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct EndpointHint {
    pub namespace: String,
    pub pod_name: String,
    /// The owner the source names (Hubble `workloads`): (kind, name).
    pub owner: Option<(String, String)>,
    /// Pod labels as the source reports them, `k8s:` prefix removed, churning labels dropped.
    pub labels: Vec<(String, String)>,
    pub service_account: Option<String>,
}

/// Index of an interned [`EndpointHint`]; 0 means none.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct HintId(pub u32);

impl HintId {
    pub const NONE: HintId = HintId(0);

    pub fn is_none(self) -> bool {
        self.0 == 0
    }
}

/// One observed service edge as stored: client and server addresses, the service port and
/// protocol, and the identity hints of both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeKey {
    pub client: IpAddr,
    pub server: IpAddr,
    pub port: u16,
    pub protocol: Protocol,
    pub client_hint: HintId,
    pub server_hint: HintId,
}

/// Whether an edge was ever accepted, or only ever rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Accepted,
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Rejected => "rejected",
        }
    }
}

/// What was observed on an edge. Times are Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EdgeStats {
    pub records: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub bytes: u64,
    pub packets: u64,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    pub sources: SourceSet,
}

impl EdgeStats {
    pub fn outcome(&self) -> Outcome {
        if self.accepted > 0 {
            Outcome::Accepted
        } else {
            Outcome::Rejected
        }
    }

    /// Folds another observation of the same edge into this one.
    pub fn merge(&mut self, other: &EdgeStats) {
        self.records += other.records;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.packets = self.packets.saturating_add(other.packets);
        self.first_seen = min_opt(self.first_seen, other.first_seen);
        self.last_seen = max_opt(self.last_seen, other.last_seen);
        self.sources = self.sources.union(other.sources);
    }

    /// Records the time span of one observation.
    pub fn see(&mut self, start: Option<i64>, end: Option<i64>) {
        self.first_seen = min_opt(self.first_seen, start.or(end));
        self.last_seen = max_opt(self.last_seen, end.or(start));
    }
}

fn min_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}
