//! Applications: the business services workloads belong to (their `app` attribute).

use serde::Serialize;

/// An application and what its workloads say about it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Application {
    pub name: String,
    /// How many workloads carry it.
    pub workloads: usize,
    /// Distinct owners, tiers and environments of those workloads, sorted.
    pub owners: Vec<String>,
    pub tiers: Vec<String>,
    pub envs: Vec<String>,
}
