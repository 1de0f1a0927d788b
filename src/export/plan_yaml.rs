//! The canonical plan file: the stored plan written back as YAML in a stable form, so that it
//! re-applies to the same plan and diffs cleanly.
//!
//! Keys come in the documented order, optional fields are left out when unset, small mappings
//! and port lists are written in flow style (`{zone: web}`, `[tcp/443, icmp]`) as the format's
//! documentation shows them, and ports in their short form. A string is written plain only when
//! it is plainly safe: when both YAML 1.2 and YAML 1.1 readers would take it as that very string
//! (`yes`, `null`, `1.0`, `2024-03-01`, `*x`, `a: b` are quoted); otherwise it is double-quoted
//! with YAML escapes, or, for multi-line text, written as a literal block when that is exact
//! (the writer is [`super::yaml`], shared with the other YAML deliverables).

use super::yaml::{Node, entry, text, to_yaml};
use crate::model::plan::{PLAN_VERSION, Peer, Plan, Rule, Selector, Zone};
use crate::model::rollout::{Check, Criterion, Guardrail, Phase};

/// The plan as canonical YAML. Deterministic: the same plan gives the same bytes.
pub fn plan_to_yaml(plan: &Plan) -> String {
    let mut entries = vec![
        ("version".to_string(), Node::Word(PLAN_VERSION.to_string())),
        (
            "defaults".to_string(),
            Node::FlowMap(vec![
                entry("east_west", text(plan.defaults.east_west.as_str())),
                entry("intra_zone", text(plan.defaults.intra_zone.as_str())),
            ]),
        ),
        entry("zones", Node::List(plan.zones.iter().map(zone).collect())),
        entry("rules", Node::List(plan.rules.iter().map(rule).collect())),
    ];
    if !plan.phases.is_empty() {
        entries.push(entry(
            "phases",
            Node::List(plan.phases.iter().map(phase).collect()),
        ));
    }
    if !plan.guardrails.is_empty() {
        let guardrails = plan.guardrails.iter().map(guardrail);
        entries.push(entry("guardrails", Node::List(guardrails.collect())));
    }
    to_yaml(&entries)
}

/// One phase as canonical YAML: the block mapping the plan writes under `phases:` (without the
/// list dash), so the workbench can edit it on its own.
pub fn phase_to_yaml(one: &Phase) -> String {
    match phase(one) {
        Node::Map(entries) => to_yaml(&entries),
        _ => String::new(),
    }
}

/// Adds `key: value` when the value is set.
fn optional(entries: &mut Vec<(String, Node)>, key: &str, value: Option<&String>) {
    if let Some(value) = value {
        entries.push(entry(key, text(value)));
    }
}

fn zone(zone: &Zone) -> Node {
    let mut entries = vec![
        entry("name", text(&zone.name)),
        entry("sensitivity", text(zone.sensitivity.as_str())),
    ];
    if let Some(policy) = zone.intra_zone {
        entries.push(entry("intra_zone", text(policy.as_str())));
    }
    optional(&mut entries, "description", zone.description.as_ref());
    optional(&mut entries, "note", zone.note.as_ref());
    let members = zone.members.iter().map(|s| Node::Map(vec![selector(s)]));
    entries.push(entry("members", Node::List(members.collect())));
    Node::Map(entries)
}

/// A selector as its one `kind: value` entry.
fn selector(selector: &Selector) -> (String, Node) {
    let value = match selector {
        Selector::Labels(labels) => {
            Node::FlowMap(labels.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        }
        Selector::Workload(v)
        | Selector::App(v)
        | Selector::Namespace(v)
        | Selector::ServiceAccount(v)
        | Selector::Identity(v)
        | Selector::Network(v) => text(v),
        Selector::Cidr(net) => Node::Text(net.to_string()),
    };
    entry(selector.kind(), value)
}

fn peer(peer: &Peer) -> Node {
    match peer {
        Peer::Any => text("any"),
        Peer::Zone(name) => Node::FlowMap(vec![entry("zone", text(name))]),
        Peer::Selector(s) => Node::FlowMap(vec![selector(s)]),
    }
}

fn rule(rule: &Rule) -> Node {
    let mut entries = Vec::new();
    optional(&mut entries, "name", rule.name.as_ref());
    entries.push(entry("from", peer(&rule.from)));
    entries.push(entry("to", peer(&rule.to)));
    let ports = rule.ports.iter().map(|&p| Node::Text(p.to_string()));
    entries.push(entry("ports", Node::FlowList(ports.collect())));
    optional(&mut entries, "justification", rule.justification.as_ref());
    optional(&mut entries, "owner", rule.owner.as_ref());
    let status = match rule.status {
        crate::model::plan::RuleStatus::Approved => "approved",
        crate::model::plan::RuleStatus::Proposed => "proposed",
    };
    entries.push(entry("status", text(status)));
    entries.push(entry("enabled", Node::Word(rule.enabled.to_string())));
    if rule.baseline {
        entries.push(entry("baseline", Node::Word("true".into())));
    }
    optional(&mut entries, "note", rule.note.as_ref());
    if let Some(evidence) = &rule.evidence {
        let mut fields = Vec::new();
        let count = |n: Option<u64>| n.map(|n| Node::Word(n.to_string()));
        for (key, node) in [
            ("edges", count(evidence.edges)),
            ("records", count(evidence.records)),
        ] {
            fields.extend(node.map(|node| entry(key, node)));
        }
        optional(&mut fields, "first_seen", evidence.first_seen.as_ref());
        optional(&mut fields, "last_seen", evidence.last_seen.as_ref());
        if !evidence.sources.is_empty() {
            let sources = evidence.sources.iter().map(|s| text(s));
            fields.push(entry("sources", Node::FlowList(sources.collect())));
        }
        entries.push(entry("evidence", Node::FlowMap(fields)));
    }
    Node::Map(entries)
}

fn phase(phase: &Phase) -> Node {
    let mut entries = vec![entry("name", text(&phase.name))];
    let zones = phase.zones.iter().map(|z| text(z));
    entries.push(entry("zones", Node::FlowList(zones.collect())));
    if !phase.enforcement.is_empty() {
        let controls = phase.enforcement.iter().map(|e| text(e.as_str()));
        entries.push(entry("enforcement", Node::FlowList(controls.collect())));
    }
    entries.push(entry("mode", text(phase.mode.as_str())));
    optional(&mut entries, "target_date", phase.target_date.as_ref());
    optional(&mut entries, "owner", phase.owner.as_ref());
    optional(&mut entries, "description", phase.description.as_ref());
    let criteria = phase.exit_criteria.iter().map(criterion);
    entries.push(entry("exit_criteria", Node::List(criteria.collect())));
    Node::Map(entries)
}

fn criterion(criterion: &Criterion) -> Node {
    match criterion {
        Criterion::Checkbox { text: t, ticked } => match ticked {
            None => text(t),
            Some(tick) => Node::FlowMap(vec![
                entry("checkbox", text(t)),
                entry("ticked_by", text(&tick.by)),
                entry("ticked_at", text(&tick.at)),
            ]),
        },
        Criterion::Check(check) => {
            let mut fields = vec![entry("check", text(check.name()))];
            match check {
                Check::ObservationDays { min } => {
                    fields.push(entry("min", Node::Word(min.to_string())));
                }
                Check::MaxPlannedBlast { max } => {
                    fields.push(entry("max", Node::Word(max.to_string())));
                }
                Check::NoDeniedFlows | Check::RulesOwned | Check::NoBlindSpots => {}
            }
            Node::FlowMap(fields)
        }
    }
}

fn guardrail(guardrail: &Guardrail) -> Node {
    let mut entries = Vec::new();
    optional(&mut entries, "name", guardrail.name.as_ref());
    entries.push(entry("from", peer(&guardrail.from)));
    entries.push(entry("to", peer(&guardrail.to)));
    if !guardrail.ports.is_empty() {
        let ports = guardrail.ports.iter().map(|&p| Node::Text(p.to_string()));
        entries.push(entry("ports", Node::FlowList(ports.collect())));
    }
    optional(&mut entries, "note", guardrail.note.as_ref());
    Node::Map(entries)
}

#[cfg(test)]
mod tests;
