//! The headline figures of a workspace (`blastwall stats`).

use std::collections::BTreeSet;

use serde::Serialize;

use super::resolve::ResolvedEstate;

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
        let applications: BTreeSet<&str> = estate
            .workloads
            .iter()
            .map(|w| w.app())
            .filter(|a| !a.is_empty())
            .collect();
        Figures {
            workloads: estate.workloads.len() as u64,
            applications: applications.len() as u64,
            networks: estate.networks.len() as u64,
            flow_records: estate.flow_records,
            flow_records_skipped: estate.flow_records_skipped,
            edges: estate.edges.len() as u64,
            workload_edges: estate.service_edges.len() as u64,
            unresolved_addresses: estate.blind_spots.len() as u64,
        }
    }
}
