//! Workloads as inventories describe them, one record per source row.

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::network::NetworkRef;

/// What runs: a host, a cloud instance, or a Kubernetes owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadKind {
    Host,
    Instance,
    Deployment,
    StatefulSet,
    DaemonSet,
    CronJob,
    Job,
    Pod,
    /// Seen only in flows (a pod whose owner no inventory lists).
    Observed,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Host => "host",
            WorkloadKind::Instance => "instance",
            WorkloadKind::Deployment => "deployment",
            WorkloadKind::StatefulSet => "statefulset",
            WorkloadKind::DaemonSet => "daemonset",
            WorkloadKind::CronJob => "cronjob",
            WorkloadKind::Job => "job",
            WorkloadKind::Pod => "pod",
            WorkloadKind::Observed => "observed",
        }
    }

    pub fn parse(text: &str) -> Option<WorkloadKind> {
        [
            WorkloadKind::Host,
            WorkloadKind::Instance,
            WorkloadKind::Deployment,
            WorkloadKind::StatefulSet,
            WorkloadKind::DaemonSet,
            WorkloadKind::CronJob,
            WorkloadKind::Job,
            WorkloadKind::Pod,
            WorkloadKind::Observed,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    /// Kubernetes workloads merge with others by name only, never by address.
    pub fn is_kubernetes(self) -> bool {
        !matches!(self, WorkloadKind::Host | WorkloadKind::Instance)
    }
}

/// The attributes every workload may carry; each also appears among its labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    App,
    Tier,
    Env,
    Owner,
    Criticality,
    DataClass,
}

impl Attribute {
    pub const ALL: [Attribute; 6] = [
        Attribute::App,
        Attribute::Tier,
        Attribute::Env,
        Attribute::Owner,
        Attribute::Criticality,
        Attribute::DataClass,
    ];

    /// The label key the attribute is exposed under.
    pub fn label(self) -> &'static str {
        match self {
            Attribute::App => "app",
            Attribute::Tier => "tier",
            Attribute::Env => "env",
            Attribute::Owner => "owner",
            Attribute::Criticality => "criticality",
            Attribute::DataClass => "data_class",
        }
    }
}

/// One workload as one inventory row describes it (a CMDB row, an instance, a Kubernetes owner).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkloadRecord {
    /// `NAMESPACE/NAME` for Kubernetes workloads.
    pub name: String,
    pub kind: Option<WorkloadKind>,
    pub attributes: BTreeMap<Attribute, String>,
    /// The workload's own labels (tags, pod-template labels, CMDB labels), without attributes.
    pub labels: BTreeMap<String, String>,
    /// Addresses the workload owns: hosts as /32 or /128, ranges as wider prefixes.
    pub addresses: Vec<IpNet>,
    /// Workload identity: a service account (`NAMESPACE/NAME`), a SPIFFE ID, an instance profile.
    pub identity: Option<String>,
    pub networks: Vec<NetworkRef>,
    /// Kubernetes namespace, for Kubernetes workloads.
    pub namespace: Option<String>,
}

impl WorkloadRecord {
    pub fn attribute(&self, attribute: Attribute) -> Option<&str> {
        self.attributes.get(&attribute).map(String::as_str)
    }

    /// Sets an attribute unless the value is blank.
    pub fn set_attribute(&mut self, attribute: Attribute, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.attributes.insert(attribute, value.to_string());
        }
    }

    pub fn is_kubernetes(&self) -> bool {
        self.kind.is_some_and(WorkloadKind::is_kubernetes)
    }
}

/// Label keys Kubernetes controllers add to pods that churn with every rollout and mean nothing
/// for policy; they are not a workload's labels.
pub const CHURNING_POD_LABELS: [&str; 5] = [
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
];

/// Labels the Job controller puts on the pods of each run (a CronJob's runs each have their
/// own): a CronJob's pods cannot be selected by them.
pub const JOB_RUN_LABELS: [&str; 4] = [
    "controller-uid",
    "batch.kubernetes.io/controller-uid",
    "job-name",
    "batch.kubernetes.io/job-name",
];

/// The `app` of a Kubernetes workload: the label `app.kubernetes.io/name`, else `app`, else
/// `k8s-app`, else the owner's name.
pub fn kubernetes_app<'a>(
    labels: impl Fn(&str) -> Option<&'a str>,
    owner_name: &'a str,
) -> &'a str {
    ["app.kubernetes.io/name", "app", "k8s-app"]
        .into_iter()
        .find_map(|key| labels(key).filter(|v| !v.is_empty()))
        .unwrap_or(owner_name)
}
