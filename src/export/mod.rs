//! Deliverables out: one module per file format. Pure: model in, text out.
pub mod deliverables;
pub mod plan_yaml;
pub(crate) mod yaml;
