//! The digests every deliverable's header states: one of the estate, one of the plan, so that a
//! reader can tell which data and which plan a file was made from. xxh3-64, 16 hex digits.

use std::fmt::Write as _;

use xxhash_rust::xxh3::xxh3_64;

use crate::analysis::ResolvedEstate;
use crate::export::plan_yaml::plan_to_yaml;
use crate::model::plan::Plan;

/// The two digests of a deliverable's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub estate: String,
    pub plan: String,
}

impl Digests {
    pub fn new(plan: &Plan, estate: &ResolvedEstate) -> Digests {
        Digests {
            estate: estate_digest(estate),
            plan: plan_digest(plan),
        }
    }
}

/// xxh3-64 of the canonical plan YAML, as 16 hex digits.
pub fn plan_digest(plan: &Plan) -> String {
    hex(xxh3_64(plan_to_yaml(plan).as_bytes()))
}

/// xxh3-64 of [`estate_text`], as 16 hex digits.
pub fn estate_digest(estate: &ResolvedEstate) -> String {
    hex(xxh3_64(estate_text(estate).as_bytes()))
}

fn hex(value: u64) -> String {
    format!("{value:016x}")
}

/// A canonical text of the resolved estate: every workload (name, kind, sorted addresses,
/// labels) and every service edge (client, server, port, protocol, records, accepted, first and
/// last seen), in the estate's own (sorted) order. Fields are tab-separated and escaped, so no
/// two estates share a text.
pub fn estate_text(estate: &ResolvedEstate) -> String {
    let mut out = String::new();
    for workload in &estate.workloads {
        let mut addresses: Vec<String> = workload.addresses.iter().map(|a| a.to_string()).collect();
        addresses.sort();
        let labels: Vec<String> = workload
            .labels
            .iter()
            .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
            .collect();
        let _ = writeln!(
            out,
            "workload\t{}\t{}\t{}\t{}",
            escape(&workload.name),
            workload.kind.as_str(),
            addresses.join(","),
            labels.join(",")
        );
    }
    let time = |t: Option<i64>| t.map_or_else(String::new, |t| t.to_string());
    for edge in &estate.service_edges {
        let _ = writeln!(
            out,
            "edge\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            escape(&estate.endpoint_label(edge.client)),
            escape(&estate.endpoint_label(edge.server)),
            edge.port,
            edge.protocol.0,
            edge.stats.records,
            edge.stats.accepted,
            time(edge.stats.first_seen),
            time(edge.stats.last_seen)
        );
    }
    out
}

/// Backslash, tab, line breaks, `=` and `,` escaped, so fields and lists cannot run together.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '=' => out.push_str("\\="),
            ',' => out.push_str("\\,"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_sixteen_hex_digits_and_follow_the_plan() {
        let plan = Plan::default();
        let digest = plan_digest(&plan);
        assert_eq!(digest.len(), 16);
        assert!(digest.chars().all(|c| c.is_ascii_hexdigit()));
        let mut other = Plan::default();
        other.defaults.east_west = crate::model::plan::Policy::Allow;
        assert_ne!(plan_digest(&other), digest);
        let estate = ResolvedEstate::default();
        assert_eq!(estate_digest(&estate), estate_digest(&estate.clone()));
    }

    #[test]
    fn escaping_keeps_fields_apart() {
        assert_eq!(escape("a,b=c\td\\"), "a\\,b\\=c\\td\\\\");
    }
}
