//! Pure domain types: networks, workloads, identity sources and observed service edges.
//! No I/O lives here (a test in `tests/layering.rs` keeps it that way).

pub mod application;
pub mod edge;
pub mod edge_table;
pub mod estate;
pub mod network;
pub mod number;
pub mod plan;
pub mod rollout;
pub mod time;
pub mod workload;

pub use application::Application;
pub use edge::{
    EdgeKey, EdgeStats, EndpointHint, HintId, Outcome, Protocol, SourceKind, SourceSet,
};
pub use edge_table::{EdgeTable, FlowSample};
pub use estate::{Estate, IdentitySource, PodRecord};
pub use network::{Enforcement, Network, NetworkKind, NetworkRef};
pub use workload::{
    Attribute, CHURNING_POD_LABELS, JOB_RUN_LABELS, WorkloadKind, WorkloadRecord, kubernetes_app,
};
