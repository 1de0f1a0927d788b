//! Everything imported into a workspace, before merging and resolution.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::edge::{EdgeKey, EdgeStats, EndpointHint};
use super::network::{Network, NetworkRef};
use super::workload::WorkloadRecord;

/// A pod from a pod list: which workload owns it, so flows from pods that have since been
/// replaced still land on their owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PodRecord {
    pub namespace: String,
    pub pod_name: String,
    /// The owning workload's full name (`NAMESPACE/NAME`).
    pub workload: String,
}

/// A source of workload or user identity (a directory, Kubernetes service accounts, SPIFFE…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySource {
    pub name: String,
    pub kind: String,
    pub covers: Vec<NetworkRef>,
    pub description: Option<String>,
}

/// The raw material of a workspace. Records keep import order (`seq`, ascending), which decides
/// attribute conflicts; figures never depend on it.
#[derive(Debug, Clone, Default)]
pub struct Estate {
    pub networks: Vec<Network>,
    /// Workload records with the sequence number of the import that brought them.
    pub workloads: Vec<(u64, WorkloadRecord)>,
    pub pods: Vec<PodRecord>,
    pub identity_sources: Vec<IdentitySource>,
    /// Ranges the organisation declares internal, beyond the private ranges.
    pub internal_ranges: Vec<IpNet>,
    /// Interned endpoint hints; index 0 is the empty hint.
    pub hints: Vec<EndpointHint>,
    pub edges: Vec<(EdgeKey, EdgeStats)>,
    pub flow_records: u64,
    pub flow_records_skipped: u64,
}
