//! Observed flows (service edges) whose verdict differs between two plans, with the enabled
//! rules that match each flow under either plan. Rule sides are matched for one plan at a time,
//! and only for the flows that changed.

use serde::Serialize;

use super::Analyzed;
use crate::analysis::resolve::{ResolvedEstate, ServiceEdge};
use crate::analysis::simulate::{RuleSides, Verdict};
use crate::model::Protocol;

/// A flow whose verdict changed. JSON keys: `client`, `server` (a workload's name, or an
/// address marked with its blind-spot class: `203.0.113.5 (internet)`), `service` (`tcp/5432`,
/// `icmp`), `verdict_a`, `verdict_b` (`intra-zone`, `east-west`, `rule`, `denied`,
/// `already-blocked`), `rules_a`, `rules_b` (names of the enabled rules that match the flow, in
/// plan order; they may match even where a default allows it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowChange {
    pub client: String,
    pub server: String,
    pub service: String,
    pub verdict_a: Verdict,
    pub verdict_b: Verdict,
    pub rules_a: Vec<String>,
    pub rules_b: Vec<String>,
}

/// A service port as rules write it: `tcp/5432`, `udp/53`; ICMP and ICMPv6 by name alone.
pub fn service_label(port: u16, protocol: Protocol) -> String {
    match protocol.0 {
        1 | 58 => protocol.name(),
        _ => format!("{}/{port}", protocol.name()),
    }
}

/// Names of the matching rules of each listed edge, under one plan.
fn matching(estate: &ResolvedEstate, scenario: &Analyzed, edges: &[usize]) -> Vec<Vec<String>> {
    if edges.is_empty() {
        return Vec::new();
    }
    let mut sides = RuleSides::new(scenario.plan, estate, scenario.zones);
    edges
        .iter()
        .map(|&i| match estate.service_edges.get(i) {
            Some(edge) => sides
                .matching_rules(edge)
                .into_iter()
                .map(|r| scenario.plan.rule_name(r))
                .collect(),
            None => Vec::new(),
        })
        .collect()
}

/// Every observed flow whose verdict differs, sorted by client, server, port and protocol.
pub fn verdict_changes(estate: &ResolvedEstate, a: &Analyzed, b: &Analyzed) -> Vec<FlowChange> {
    let pairs = a.simulation.verdicts.iter().zip(&b.simulation.verdicts);
    let changed: Vec<usize> = pairs
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, _)| i)
        .collect();
    let (rules_a, rules_b) = (matching(estate, a, &changed), matching(estate, b, &changed));
    let mut rows: Vec<(&ServiceEdge, FlowChange)> = changed
        .iter()
        .zip(rules_a.into_iter().zip(rules_b))
        .filter_map(|(&i, (rules_a, rules_b))| {
            let edge = estate.service_edges.get(i)?;
            let change = FlowChange {
                client: estate.marked_endpoint_label(edge.client),
                server: estate.marked_endpoint_label(edge.server),
                service: service_label(edge.port, edge.protocol),
                verdict_a: *a.simulation.verdicts.get(i)?,
                verdict_b: *b.simulation.verdicts.get(i)?,
                rules_a,
                rules_b,
            };
            Some((edge, change))
        })
        .collect();
    rows.sort_by(|(e, x), (f, y)| {
        (&x.client, &x.server, e.port, e.protocol.0).cmp(&(
            &y.client,
            &y.server,
            f.port,
            f.protocol.0,
        ))
    });
    rows.into_iter().map(|(_, change)| change).collect()
}
