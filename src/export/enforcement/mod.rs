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

/// Text safe inside a `#` comment line: control characters (line breaks included) become spaces.
pub(crate) fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
