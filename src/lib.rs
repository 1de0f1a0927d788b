//! Blastwall: plan zero-trust network micro-segmentation from observed flows.
//!
//! Layers, dependencies pointing one way: [`model`] ← [`analysis`] ← [`ingest`] / [`store`] ←
//! [`ops`] ← [`cli`] / [`tui`].

pub mod analysis;
pub mod cli;
pub mod export;
pub mod ingest;
pub mod model;
pub mod ops;
pub mod store;
pub mod tui;
