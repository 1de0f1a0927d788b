//! Which workloads a cluster policy can select: Kubernetes workloads with a namespace, and among
//! them those whose own pod labels single them out in their namespace.

use std::collections::BTreeMap;

use ipnet::IpNet;

use crate::analysis::ResolvedEstate;
use crate::analysis::merge::Workload;

/// The Kubernetes side of an estate.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Kubernetes workloads with a namespace, by index, sorted by namespace then name.
    pub workloads: Vec<u32>,
    /// Their namespaces, sorted, each once.
    pub namespaces: Vec<String>,
    /// Per estate workload: whether it is in scope and its pod labels select it alone.
    pub selectable: Vec<bool>,
    /// Per estate workload: its namespace when it is in scope.
    pub namespace_of: Vec<Option<String>>,
    /// In-scope workloads a label selector cannot single out, each with the workloads of its
    /// namespace whose pod labels include all of its own.
    pub ambiguous: Vec<(u32, Vec<u32>)>,
    /// Kubernetes workloads without a namespace: no namespaced policy can select them.
    pub without_namespace: Vec<u32>,
    /// Every workload's single-host addresses with the workload, sorted by address.
    pub hosts: Vec<(IpNet, u32)>,
}

impl Scope {
    pub fn new(estate: &ResolvedEstate) -> Scope {
        let mut scope = Scope {
            selectable: vec![false; estate.workloads.len()],
            namespace_of: vec![None; estate.workloads.len()],
            ..Scope::default()
        };
        for (w, workload) in estate.workloads.iter().enumerate() {
            let hosts = workload.addresses.iter().map(IpNet::trunc);
            let hosts = hosts.filter(|n| n.prefix_len() == n.max_prefix_len());
            scope.hosts.extend(hosts.map(|n| (n, w as u32)));
        }
        scope.hosts.sort_unstable();
        let mut by_namespace: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (w, workload) in estate.workloads.iter().enumerate() {
            if !workload.kind.is_kubernetes() {
                continue;
            }
            match workload.namespace.as_deref() {
                Some(namespace) if !namespace.is_empty() => {
                    scope.namespace_of[w] = Some(namespace.to_string());
                    by_namespace.entry(namespace).or_default().push(w as u32);
                }
                _ => scope.without_namespace.push(w as u32),
            }
        }
        for (namespace, members) in &by_namespace {
            scope.namespaces.push((*namespace).to_string());
            let mut members = members.clone();
            members.sort_by(|&a, &b| {
                let name = |w: u32| &estate.workloads[w as usize].name;
                name(a).cmp(name(b))
            });
            for &w in &members {
                let own = &estate.workloads[w as usize];
                let shadows: Vec<u32> = members
                    .iter()
                    .copied()
                    .filter(|&o| o != w && includes(&estate.workloads[o as usize], own))
                    .collect();
                if shadows.is_empty() {
                    scope.selectable[w as usize] = true;
                } else {
                    scope.ambiguous.push((w, shadows));
                }
            }
            scope.workloads.extend(members);
        }
        scope
    }

    pub fn is_selectable(&self, w: u32) -> bool {
        self.selectable.get(w as usize).copied().unwrap_or(false)
    }
}

/// Whether `other`'s pod labels include every pod label of `own` (so a selector of `own`'s
/// labels would select `other`'s pods too).
fn includes(other: &Workload, own: &Workload) -> bool {
    own.pod_labels
        .iter()
        .all(|(k, v)| other.pod_labels.get(k) == Some(v))
}
