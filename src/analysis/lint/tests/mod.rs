//! Every check on small hand-built estates, positive and negative. Plans are written as YAML, as
//! users write them.

mod exposure;
mod rules;
mod zoning;

use std::net::IpAddr;

use ipnet::IpNet;

use super::{Finding, Severity, Subject, examples, lint};
use crate::analysis::resolve::resolve_estate;
use crate::analysis::simulate::simulate;
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;
use crate::model::{
    Attribute, EdgeKey, EdgeStats, EndpointHint, Estate, HintId, Protocol, WorkloadKind,
    WorkloadRecord,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// 2025-11-17 08:00 UTC.
const T0: i64 = 1_763_366_400;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap_or_else(|_| unreachable!())
}

fn workload(name: &str, kind: WorkloadKind, address: &str) -> WorkloadRecord {
    let mut record = WorkloadRecord {
        name: name.into(),
        kind: Some(kind),
        addresses: vec![IpNet::from(ip(address))],
        ..WorkloadRecord::default()
    };
    if kind.is_kubernetes() {
        record.namespace = name.split('/').next().map(str::to_string);
    }
    record
}

fn host(name: &str, address: &str, app: &str, tier: &str) -> WorkloadRecord {
    let mut record = workload(name, WorkloadKind::Host, address);
    record.set_attribute(Attribute::App, app);
    record.set_attribute(Attribute::Tier, tier);
    record
}

/// A small estate: a web, an app and a data host of `shop`, a resolver, a Kubernetes
/// Deployment and an autoscaled instance; six hours of flows, one from an unmanaged device.
fn estate() -> Estate {
    let mut asg = workload("i-0asg", WorkloadKind::Instance, "10.0.5.5");
    asg.labels
        .insert("aws:autoscaling:groupName".into(), "web-asg".into());
    asg.set_attribute(Attribute::Tier, "web");
    let mut estate = Estate {
        workloads: vec![
            host("web-01", "10.0.1.1", "shop", "web"),
            host("api-01", "10.0.2.1", "shop", "app"),
            host("db-01", "10.0.3.1", "shop", "data"),
            host("dns-01", "10.0.4.1", "dns", "infra"),
            workload("web/frontend", WorkloadKind::Deployment, "10.244.1.5"),
            asg,
        ]
        .into_iter()
        .map(|w| (1, w))
        .collect(),
        hints: vec![EndpointHint::default()],
        ..Estate::default()
    };
    edge(
        &mut estate,
        "10.0.1.1",
        "10.0.2.1",
        8443,
        Protocol::TCP,
        true,
    );
    edge(
        &mut estate,
        "10.0.2.1",
        "10.0.3.1",
        5432,
        Protocol::TCP,
        true,
    );
    edge(
        &mut estate,
        "10.9.9.9",
        "10.0.3.1",
        5432,
        Protocol::TCP,
        true,
    );
    edge(
        &mut estate,
        "203.0.113.5",
        "10.0.1.1",
        443,
        Protocol::TCP,
        true,
    );
    edge(&mut estate, "10.0.1.1", "10.0.4.1", 53, Protocol::UDP, true);
    edge(&mut estate, "10.0.2.1", "10.0.4.1", 53, Protocol::UDP, true);
    estate
}

/// Adds an edge seen from T0 to T0 + 6 hours, accepted or only rejected.
fn edge(estate: &mut Estate, client: &str, server: &str, port: u16, protocol: Protocol, ok: bool) {
    let key = EdgeKey {
        client: ip(client),
        server: ip(server),
        port,
        protocol,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let stats = EdgeStats {
        records: 10,
        accepted: if ok { 10 } else { 0 },
        rejected: if ok { 0 } else { 10 },
        first_seen: Some(T0),
        last_seen: Some(T0 + 6 * 3600),
        ..EdgeStats::default()
    };
    estate.edges.push((key, stats));
}

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
