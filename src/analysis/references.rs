//! Plan selectors that name nothing in the estate: a `workload:` no workload is called
//! (case-insensitively) or an `app:` no workload has. Warnings, not errors: the estate may not be
//! imported yet, or the plan may be written ahead of it.

use std::collections::HashSet;

use super::ResolvedEstate;
use crate::model::plan::{Peer, Plan, Selector};

/// One warning per selector that names an unknown workload or application, naming its zone or
/// rule, in plan order.
pub fn unknown_references(plan: &Plan, estate: &ResolvedEstate) -> Vec<String> {
    let workloads: HashSet<String> = estate
        .workloads
        .iter()
        .map(|w| w.name.to_lowercase())
        .collect();
    let apps: HashSet<&str> = estate.workloads.iter().map(|w| w.app()).collect();
    let unknown = |selector: &Selector| match selector {
        Selector::Workload(name) if !workloads.contains(&name.to_lowercase()) => {
            Some(format!("workload: {name} matches no workload"))
        }
        Selector::App(app) if !apps.contains(app.as_str()) => {
            Some(format!("app: {app} matches no workload's application"))
        }
        _ => None,
    };
    let mut warnings = Vec::new();
    for zone in &plan.zones {
        for (n, member) in zone.members.iter().enumerate() {
            if let Some(problem) = unknown(member) {
                warnings.push(format!("zone {}, member {}: {problem}", zone.name, n + 1));
            }
        }
    }
    for (index, rule) in plan.rules.iter().enumerate() {
        for (side, peer) in [("from", &rule.from), ("to", &rule.to)] {
            if let Some(problem) = match peer {
                Peer::Selector(selector) => unknown(selector),
                Peer::Any | Peer::Zone(_) => None,
            } {
                let name = plan.rule_name(index);
                warnings.push(format!("rule {name}, {side}: {problem}"));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::merge::Workload;
    use crate::model::plan::{PortSpec, Rule, RuleStatus, Sensitivity, Zone};
    use crate::model::{Attribute, WorkloadKind};

    fn workload(name: &str, app: &str) -> Workload {
        Workload {
            name: name.into(),
            kind: WorkloadKind::Host,
            attributes: [(Attribute::App, app.to_string())].into_iter().collect(),
            labels: Default::default(),
            pod_labels: Default::default(),
            addresses: Vec::new(),
            identity: None,
            networks: Vec::new(),
            namespace: None,
            observed_only: false,
            records: 1,
        }
    }

    fn rule(name: Option<&str>, to: Selector) -> Rule {
        Rule {
            name: name.map(str::to_string),
            from: Peer::Any,
            to: Peer::Selector(to),
            ports: vec![PortSpec::Any],
            justification: None,
            owner: None,
            status: RuleStatus::Approved,
            enabled: true,
            baseline: false,
            note: None,
            evidence: None,
        }
    }

    #[test]
    fn names_selectors_that_match_nothing() {
        let estate = ResolvedEstate {
            workloads: vec![workload("PAY-DB-01", "payments")],
            ..ResolvedEstate::default()
        };
        let plan = Plan {
            zones: vec![Zone {
                name: "pci".into(),
                sensitivity: Sensitivity::Critical,
                intra_zone: None,
                description: None,
                note: None,
                members: vec![
                    Selector::Workload("pay-db-01".into()),
                    Selector::Workload("pay-db-02".into()),
                    Selector::App("payments".into()),
                    Selector::App("Payments".into()),
                    Selector::Namespace("nowhere".into()),
                ],
            }],
            rules: vec![
                rule(None, Selector::App("billing".into())),
                rule(Some("ok"), Selector::Workload("Pay-Db-01".into())),
            ],
            ..Plan::default()
        };
        assert_eq!(
            unknown_references(&plan, &estate),
            [
                "zone pci, member 2: workload: pay-db-02 matches no workload",
                "zone pci, member 4: app: Payments matches no workload's application",
                "rule rule-1, to: app: billing matches no workload's application",
            ]
        );
    }
}
