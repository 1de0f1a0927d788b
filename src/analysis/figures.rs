//! The headline figures of a workspace (`blastwall stats`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::merge::Workload;
use super::resolve::ResolvedEstate;
use crate::model::{Application, Attribute};

/// The applications of a set of workloads (distinct non-empty `app` values), sorted by name.
pub fn applications(workloads: &[Workload]) -> Vec<Application> {
    let mut apps: BTreeMap<&str, (usize, [BTreeSet<&str>; 3])> = BTreeMap::new();
    for workload in workloads.iter().filter(|w| !w.app().is_empty()) {
        let entry = apps.entry(workload.app()).or_default();
        entry.0 += 1;
        let attributes = [Attribute::Owner, Attribute::Tier, Attribute::Env];
        for (set, attribute) in entry.1.iter_mut().zip(attributes) {
            let value = workload.attribute(attribute);
            if !value.is_empty() {
                set.insert(value);
            }
        }
    }
    let list = |set: &BTreeSet<&str>| set.iter().map(|s| s.to_string()).collect();
    apps.into_iter()
        .map(|(name, (workloads, [owners, tiers, envs]))| Application {
            name: name.to_string(),
            workloads,
            owners: list(&owners),
            tiers: list(&tiers),
            envs: list(&envs),
        })
        .collect()
}

/// The figures `blastwall stats --json` prints; the keys are a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Figures {
    pub workloads: u64,
    pub applications: u64,
    pub networks: u64,
    pub flow_records: u64,
    pub flow_records_skipped: u64,
    pub edges: u64,
    pub workload_edges: u64,
    pub unresolved_addresses: u64,
}

impl Figures {
    pub fn of(estate: &ResolvedEstate) -> Figures {
        Figures {
            workloads: estate.workloads.len() as u64,
            applications: applications(&estate.workloads).len() as u64,
            networks: estate.networks.len() as u64,
            flow_records: estate.flow_records,
            flow_records_skipped: estate.flow_records_skipped,
            edges: estate.edges.len() as u64,
            workload_edges: estate.service_edges.len() as u64,
            unresolved_addresses: estate.blind_spots.len() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{WorkloadKind, WorkloadRecord};

    #[test]
    fn applications_collect_owners_tiers_and_envs() {
        let record = |name: &str, app: &str, tier: &str| {
            let mut r = WorkloadRecord {
                name: name.into(),
                kind: Some(WorkloadKind::Host),
                ..Default::default()
            };
            r.set_attribute(Attribute::App, app);
            r.set_attribute(Attribute::Tier, tier);
            r.set_attribute(Attribute::Owner, "team-a");
            (1, r)
        };
        let inventory = super::super::merge_inventory(&[
            record("web-1", "shop", "web"),
            record("db-1", "shop", "data"),
            record("tool", "", "infra"),
        ]);
        let apps = applications(&inventory.workloads);
        assert_eq!(
            apps.len(),
            1,
            "workloads without an app make no application"
        );
        assert_eq!(apps[0].name, "shop");
        assert_eq!(apps[0].workloads, 2);
        assert_eq!(apps[0].tiers, ["data", "web"]);
        assert_eq!(apps[0].owners, ["team-a"]);
    }
}
