//! Merging inventory records into workloads.
//!
//! Records with the same name (case-insensitively) are one workload; a host or instance record
//! that shares an address with another host or instance record is the same workload too.
//! Kubernetes workloads merge by name only. Where records disagree on an attribute, the record of
//! the later import wins and the disagreement is reported as a [`Conflict`].

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::address::is_host;
use crate::model::{Attribute, JOB_RUN_LABELS, NetworkRef, WorkloadKind, WorkloadRecord};

/// A merged workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workload {
    pub name: String,
    pub kind: WorkloadKind,
    pub attributes: BTreeMap<Attribute, String>,
    /// Own labels plus the attributes as labels.
    pub labels: BTreeMap<String, String>,
    /// For Kubernetes workloads, the pods' own (pod-template) labels, without the attributes
    /// Blastwall adds: what a NetworkPolicy selects them by. Empty for other workloads.
    #[serde(skip)]
    pub pod_labels: BTreeMap<String, String>,
    pub addresses: Vec<IpNet>,
    pub identity: Option<String>,
    pub networks: Vec<NetworkRef>,
    pub namespace: Option<String>,
    /// Known only from flows: no inventory lists it.
    pub observed_only: bool,
    /// How many inventory records were merged into it.
    pub records: usize,
}

impl Workload {
    pub fn attribute(&self, attribute: Attribute) -> &str {
        self.attributes.get(&attribute).map_or("", String::as_str)
    }

    pub fn app(&self) -> &str {
        self.attribute(Attribute::App)
    }
}

/// Two records of one workload disagreeing on an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub workload: String,
    pub attribute: String,
    pub kept: String,
    pub replaced: String,
    /// Sequence number of the import whose value won.
    #[serde(skip)]
    pub winner_seq: u64,
}

/// The merged inventory.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Sorted by lower-cased name.
    pub workloads: Vec<Workload>,
    pub conflicts: Vec<Conflict>,
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (low, high) = (ra.min(rb), ra.max(rb));
            self.0[high] = low;
        }
    }
}

/// Merges records (with the sequence number of their import) into workloads.
/// Joins records with the same name (case-insensitively), and a host with an instance when they
/// share an address. An overlapping address alone never joins two hosts, or two instances of VPCs
/// with overlapping ranges.
fn join_records(records: &[(u64, WorkloadRecord)], order: &[usize], sets: &mut UnionFind) {
    let mut by_name: FxHashMap<String, usize> = FxHashMap::default();
    let mut by_address: FxHashMap<(IpAddr, bool), usize> = FxHashMap::default();
    let mut ranges: Vec<(IpNet, usize, bool)> = Vec::new();
    for &i in order {
        let record = &records[i].1;
        let name = record.name.to_lowercase();
        match by_name.get(&name) {
            Some(&j) => sets.union(i, j),
            None => {
                by_name.insert(name, i);
            }
        }
        if record.is_kubernetes() {
            continue;
        }
        let instance = record.kind == Some(WorkloadKind::Instance);
        for net in &record.addresses {
            if is_host(net) {
                by_address.entry((net.addr(), instance)).or_insert(i);
                if let Some(&j) = by_address.get(&(net.addr(), !instance)) {
                    sets.union(i, j);
                }
            } else {
                ranges.push((*net, i, instance));
            }
        }
    }
    for &(range, i, instance) in &ranges {
        for (&(address, other_instance), &j) in &by_address {
            if other_instance != instance && range.contains(&address) {
                sets.union(i, j);
            }
        }
    }
    for (a, &(range_a, i, instance_a)) in ranges.iter().enumerate() {
        for &(range_b, j, instance_b) in &ranges[a + 1..] {
            let overlap =
                range_a.contains(&range_b.network()) || range_b.contains(&range_a.network());
            if instance_a != instance_b && overlap {
                sets.union(i, j);
            }
        }
    }
}

pub fn merge_inventory(records: &[(u64, WorkloadRecord)]) -> Inventory {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| records[i].0);
    let mut sets = UnionFind((0..records.len()).collect());
    join_records(records, &order, &mut sets);
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        groups.entry(sets.find(i)).or_default().push(i);
    }
    let mut inventory = Inventory::default();
    for members in groups.values() {
        let (workload, conflicts) = merge_group(records, members);
        inventory.workloads.push(workload);
        inventory.conflicts.extend(conflicts);
    }
    inventory.workloads.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.name.cmp(&b.name))
    });
    inventory
}

/// Merges one group of records, given in import order.
fn merge_group(records: &[(u64, WorkloadRecord)], members: &[usize]) -> (Workload, Vec<Conflict>) {
    let mut conflicts = Vec::new();
    let mut attributes: BTreeMap<Attribute, (String, u64)> = BTreeMap::new();
    let mut own_labels = BTreeMap::new();
    let mut pod_labels = BTreeMap::new();
    let mut addresses = BTreeSet::new();
    let mut networks = BTreeSet::new();
    let (mut name, mut kind, mut identity, mut namespace) = (String::new(), None, None, None);
    for &i in members {
        let (seq, record) = &records[i];
        name.clone_from(&record.name);
        kind = record.kind.or(kind);
        identity = record.identity.clone().or(identity);
        namespace = record.namespace.clone().or(namespace);
        for (attribute, value) in &record.attributes {
            if let Some((old, _)) = attributes.get(attribute)
                && old != value
            {
                conflicts.push(Conflict {
                    workload: String::new(),
                    attribute: attribute.label().to_string(),
                    kept: value.clone(),
                    replaced: old.clone(),
                    winner_seq: *seq,
                });
            }
            attributes.insert(*attribute, (value.clone(), *seq));
        }
        own_labels.extend(record.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        if record.is_kubernetes() {
            pod_labels.extend(record.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        addresses.extend(record.addresses.iter().copied());
        networks.extend(record.networks.iter().cloned());
    }
    if kind == Some(WorkloadKind::CronJob) {
        pod_labels.retain(|k: &String, _| !JOB_RUN_LABELS.contains(&k.as_str()));
    }
    for conflict in &mut conflicts {
        conflict.workload.clone_from(&name);
    }
    let attributes: BTreeMap<Attribute, String> =
        attributes.into_iter().map(|(k, (v, _))| (k, v)).collect();
    let mut labels = own_labels;
    for (attribute, value) in &attributes {
        labels.insert(attribute.label().to_string(), value.clone());
    }
    let workload = Workload {
        name,
        kind: kind.unwrap_or(WorkloadKind::Host),
        attributes,
        labels,
        pod_labels,
        addresses: addresses.into_iter().collect(),
        identity,
        networks: networks.into_iter().collect(),
        namespace,
        observed_only: false,
        records: members.len(),
    };
    (workload, conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, kind: WorkloadKind, addresses: &[&str]) -> WorkloadRecord {
        WorkloadRecord {
            name: name.into(),
            kind: Some(kind),
            addresses: addresses
                .iter()
                .map(|a| IpNet::from(a.parse::<IpAddr>().unwrap_or_else(|_| unreachable!())))
                .collect(),
            ..WorkloadRecord::default()
        }
    }

    #[test]
    fn same_name_merges_case_insensitively() {
        let records = vec![
            (1, record("PAY-DB-01", WorkloadKind::Host, &["10.0.0.1"])),
            (
                2,
                record("pay-db-01", WorkloadKind::Instance, &["10.0.0.2"]),
            ),
        ];
        let inventory = merge_inventory(&records);
        assert_eq!(inventory.workloads.len(), 1);
        assert_eq!(inventory.workloads[0].name, "pay-db-01");
        assert_eq!(inventory.workloads[0].addresses.len(), 2);
    }

    #[test]
    fn overlapping_address_merges_hosts_but_never_pods() {
        let records = vec![
            (1, record("db-host", WorkloadKind::Host, &["10.0.0.1"])),
            (2, record("i-0abc", WorkloadKind::Instance, &["10.0.0.1"])),
            (
                3,
                record("web/api", WorkloadKind::Deployment, &["10.0.0.1"]),
            ),
        ];
        let inventory = merge_inventory(&records);
        assert_eq!(inventory.workloads.len(), 2);
    }

    #[test]
    fn later_import_wins_and_the_conflict_is_reported() {
        let mut first = record("app1", WorkloadKind::Host, &["10.0.0.1"]);
        first.set_attribute(Attribute::Owner, "team-a");
        let mut second = record("APP1", WorkloadKind::Instance, &[]);
        second.set_attribute(Attribute::Owner, "team-b");
        // Import order is by sequence number, not by position in the list.
        let inventory = merge_inventory(&[(7, second), (3, first)]);
        assert_eq!(inventory.workloads[0].attribute(Attribute::Owner), "team-b");
        assert_eq!(
            inventory.workloads[0]
                .labels
                .get("owner")
                .map(String::as_str),
            Some("team-b")
        );
        assert_eq!(inventory.conflicts.len(), 1);
        assert_eq!(inventory.conflicts[0].replaced, "team-a");
        assert_eq!(inventory.conflicts[0].winner_seq, 7);
    }

    #[test]
    fn a_shared_address_alone_never_joins_two_hosts_or_two_instances() {
        let records = vec![
            (1, record("vip-a", WorkloadKind::Host, &["10.0.0.9"])),
            (1, record("vip-b", WorkloadKind::Host, &["10.0.0.9"])),
            (2, record("i-1", WorkloadKind::Instance, &["172.16.0.5"])),
            (2, record("i-2", WorkloadKind::Instance, &["172.16.0.5"])),
        ];
        assert_eq!(merge_inventory(&records).workloads.len(), 4);
    }

    #[test]
    fn merging_is_transitive() {
        let records = vec![
            (1, record("a", WorkloadKind::Host, &["10.0.0.1"])),
            (
                2,
                record("b", WorkloadKind::Instance, &["10.0.0.1", "10.0.0.2"]),
            ),
            (3, record("c", WorkloadKind::Host, &["10.0.0.2"])),
        ];
        assert_eq!(merge_inventory(&records).workloads.len(), 1);
    }
}
