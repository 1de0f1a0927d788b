//! Small hand-built estates for the analysis tests: six workloads of a shop (web, app, data),
//! a resolver, a Kubernetes Deployment and an autoscaled instance, with six hours of flows.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::model::{
    Attribute, EdgeKey, EdgeStats, EndpointHint, Estate, HintId, Protocol, WorkloadKind,
    WorkloadRecord,
};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// 2025-11-17 08:00 UTC.
pub const T0: i64 = 1_763_366_400;

pub fn ip(text: &str) -> IpAddr {
    text.parse().unwrap_or_else(|_| unreachable!())
}

pub fn workload(name: &str, kind: WorkloadKind, address: &str) -> WorkloadRecord {
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

pub fn host(name: &str, address: &str, app: &str, tier: &str) -> WorkloadRecord {
    let mut record = workload(name, WorkloadKind::Host, address);
    record.set_attribute(Attribute::App, app);
    record.set_attribute(Attribute::Tier, tier);
    record
}

/// A small estate: a web, an app and a data host of `shop`, a resolver, a Kubernetes
/// Deployment and an autoscaled instance; six hours of flows, one from an unmanaged device.
pub fn estate() -> Estate {
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
pub fn edge(
    estate: &mut Estate,
    client: &str,
    server: &str,
    port: u16,
    protocol: Protocol,
    ok: bool,
) {
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
