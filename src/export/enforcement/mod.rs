//! Enforcement targets: the plan rendered for the controls that enforce it, each covering only
//! what it can express and never allowing more than the plan.
pub mod address_plan;
pub mod address_set;
pub mod aws;
pub mod cilium;
pub mod hosts;
pub mod istio;
pub mod kubernetes;
pub mod names;
