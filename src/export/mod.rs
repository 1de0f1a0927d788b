//! Deliverables out: one module per file format. Pure: model in, text out.
pub mod deliverables;
pub mod enforcement;
pub mod plan_yaml;
pub mod scenario_diff;
pub mod validation;
pub(crate) mod yaml;
