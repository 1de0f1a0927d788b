//! Deliverables out: one module per file format. Pure: model in, text out.
