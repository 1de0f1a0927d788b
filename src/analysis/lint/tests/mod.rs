//! Every check on small hand-built estates, positive and negative. Plans are written as YAML, as
//! users write them.

mod exposure;
mod guardrails;
mod rules;
mod zoning;

use super::{Finding, Severity, Subject, examples, lint};
use crate::analysis::resolve::resolve_estate;
use crate::analysis::simulate::simulate;
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;
use crate::model::{Estate, Protocol};

pub(super) use crate::analysis::testkit::{T0, TestResult, edge, estate, ip};

/// Lints a plan (YAML, `version: 1` added) against an estate.
fn run(estate: &Estate, plan: &str) -> Result<Vec<Finding>, Box<dyn std::error::Error>> {
    let plan = parse_plan(&format!("version: 1\n{plan}"), "plan.yaml")?;
    let estate = resolve_estate(estate);
    let zones = assign_zones(&plan, &estate);
    let simulation = simulate(&plan, &estate, &zones);
    Ok(lint(&plan, &estate, &zones, &simulation))
}

/// The subjects of the findings of one kind, in order.
fn subjects(findings: &[Finding], kind: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.subject_name.clone())
        .collect()
}

/// The message of the only finding of a kind about a subject.
fn message(findings: &[Finding], kind: &str, subject: &str) -> String {
    let found: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == kind && f.subject_name == subject)
        .collect();
    assert_eq!(found.len(), 1, "one {kind} on {subject} in {findings:#?}");
    found[0].message.clone()
}

#[test]
fn findings_are_sorted_and_every_kind_is_listed() -> TestResult {
    let findings = run(
        &estate(),
        "defaults: {east_west: allow}\n\
         zones: [{name: data, sensitivity: critical, members: [{labels: {tier: data}}]}]\n\
         rules:\n\
         - {from: {workload: db-01}, to: any, ports: [any]}\n\
         - {name: flat, from: any, to: any, ports: [tcp/22]}\n\
         - {from: {workload: db-01}, to: {workload: web-01}, ports: [tcp/22]}\n",
    )?;
    let keys: Vec<(Severity, &str, String)> = findings
        .iter()
        .map(|f| (f.severity, f.kind, f.subject_name.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    assert_eq!(keys, sorted);
    assert_eq!(findings[0].severity, Severity::High);
    assert_eq!(
        (findings[0].kind, findings[0].subject),
        ("any-port-any-peer", Subject::Rule(0))
    );
    assert_eq!(
        subjects(&findings, "unused-rule"),
        ["rule-1", "flat", "rule-3"]
    );
    for finding in &findings {
        assert_eq!(super::severity_of(finding.kind), Some(finding.severity));
        assert!(!finding.message.contains('\n') && !finding.hint.is_empty());
    }
    Ok(())
}

#[test]
fn examples_stop_at_three() {
    let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
    assert_eq!(examples(&names[..1], 1), "a");
    assert_eq!(examples(&names[..2], 2), "a and b");
    assert_eq!(examples(&names[..3], 3), "a, b and c");
    assert_eq!(examples(&names, 4), "a, b, c and 1 more");
    assert_eq!(examples(&names[..3], 10), "a, b, c and 7 more");
}
