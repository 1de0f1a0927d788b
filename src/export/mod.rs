//! Deliverables out: one module per file format. Pure: model in, text out.
pub mod plan_yaml;
