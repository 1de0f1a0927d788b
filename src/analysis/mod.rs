//! Pure analysis over an [`Estate`](crate::model::Estate): merging inventory records into
//! workloads, resolving flow endpoints to workloads, and the figures. No I/O.

pub mod address;
pub mod blast;
pub mod enforce;
pub mod figures;
pub mod guardrails;
pub mod lint;
pub mod merge;
pub mod podname;
pub mod references;
pub mod resolve;
pub mod rollout;
pub mod scenario;
pub mod simulate;
pub mod suggest;
#[cfg(test)]
pub(crate) mod testkit;
pub mod zones;

pub use figures::{Figures, applications};
pub use merge::{Conflict, Inventory, Workload, merge_inventory};
pub use resolve::{
    BlindSpot, Endpoint, ResolvedEdge, ResolvedEstate, ServiceEdge, resolve_estate,
    resolve_estate_owned,
};
