//! Small generated estates and plans for the read-back property tests: hosts, EC2 instances in
//! two VPCs (one only through a subnet) or none, Kubernetes Deployments, some with IPv6 or a
//! range address; flows that leave blind spots; plans whose zones use labels, apps, networks
//! and CIDRs, whose rules name zones, pseudo-zones, `any`, CIDRs and selectors with every kind
//! of port, under every combination of defaults, with observe and enforce phases.

use std::net::IpAddr;

use blastwall::analysis::resolve_estate;
use blastwall::ingest::plan::parse_plan;
use blastwall::model::{
    Attribute, EdgeKey, EdgeStats, EndpointHint, Estate, HintId, Network, NetworkKind, NetworkRef,
    Protocol, WorkloadKind, WorkloadRecord,
};
use ipnet::IpNet;
use proptest::prelude::*;

use super::harness::Case;

/// One generated workload: kind (0 host, 1 instance, 2 deployment), tier, app, network choice,
/// IPv6, and whether it owns a range instead of a host address.
type Spec = (u8, u8, u8, u8, bool, bool);

const TIERS: [&str; 3] = ["web", "app", "data"];
const APPS: [&str; 2] = ["shop", "dns"];
const SIDES: [&str; 11] = [
    "any",
    "{zone: z0}",
    "{zone: z1}",
    "{zone: z2}",
    "{zone: internet}",
    "{zone: unmanaged}",
    "{zone: unassigned}",
    "{cidr: 10.0.0.0/23}",
    "{app: dns}",
    "{workload: w1}",
    "{labels: {tier: data}}",
];
const PORTS: [&str; 7] = [
    "tcp/443",
    "tcp/8000-8100",
    "udp/53",
    "icmp",
    "icmpv6",
    "any",
    "tcp/22",
];

fn record(i: usize, spec: Spec) -> WorkloadRecord {
    let (kind, tier, app, network, v6, range) = spec;
    let kind = [
        WorkloadKind::Host,
        WorkloadKind::Instance,
        WorkloadKind::Deployment,
    ][usize::from(kind % 3)];
    let name = if kind.is_kubernetes() {
        format!("web/w{i}")
    } else {
        format!("w{i}")
    };
    let third = i % 4;
    let address = if range && !kind.is_kubernetes() {
        format!("10.0.{third}.{}/30", 64 + 4 * i)
    } else {
        format!("10.0.{third}.{}/32", i + 1)
    };
    let mut addresses: Vec<IpNet> = address.parse().into_iter().collect();
    if v6 {
        addresses.extend(format!("fd00::{}/128", i + 1).parse::<IpNet>());
    }
    let mut record = WorkloadRecord {
        name,
        kind: Some(kind),
        addresses,
        ..WorkloadRecord::default()
    };
    if kind.is_kubernetes() {
        record.namespace = Some("web".into());
    }
    record.set_attribute(Attribute::Tier, TIERS[usize::from(tier % 3)]);
    record.set_attribute(Attribute::App, APPS[usize::from(app % 2)]);
    if kind == WorkloadKind::Instance {
        match network % 3 {
            0 => record
                .networks
                .push(NetworkRef::new(NetworkKind::Vpc, "vpc-a")),
            1 => record
                .networks
                .push(NetworkRef::new(NetworkKind::Subnet, "subnet-b")),
            _ => {}
        }
    }
    record
}

fn edge(estate: &mut Estate, client: &str, server: &str, port: u16, protocol: u8) {
    let (Ok(client), Ok(server)) = (client.parse::<IpAddr>(), server.parse::<IpAddr>()) else {
        return;
    };
    let key = EdgeKey {
        client,
        server,
        port,
        protocol: Protocol(protocol),
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let stats = EdgeStats {
        records: 1,
        accepted: 1,
        ..EdgeStats::default()
    };
    estate.edges.push((key, stats));
}

fn estate(specs: &[Spec]) -> Estate {
    let subnet = Network {
        key: NetworkRef::new(NetworkKind::Subnet, "subnet-b"),
        name: "subnet-b".into(),
        cidrs: Vec::new(),
        parent: Some(NetworkRef::new(NetworkKind::Vpc, "vpc-b")),
        vlan_id: None,
        enforcement: Vec::new(),
        declared: true,
    };
    let mut estate = Estate {
        networks: vec![subnet],
        workloads: specs
            .iter()
            .enumerate()
            .map(|(i, s)| (1, record(i, *s)))
            .collect(),
        hints: vec![EndpointHint::default()],
        ..Estate::default()
    };
    for (client, server, port, protocol) in [
        ("10.9.9.9", "10.0.1.2", 443, 6),
        ("10.0.0.77", "10.0.1.2", 53, 17),
        ("10.0.2.99", "10.0.0.1", 22, 6),
        ("203.0.113.5", "10.0.0.1", 443, 6),
        ("10.0.0.1", "198.51.100.7", 443, 6),
        ("10.0.0.1", "172.16.5.5", 8080, 6),
    ] {
        edge(&mut estate, client, server, port, protocol);
    }
    estate
}

/// A plan: zones (each optional), rules (side indices, port indices), defaults, phases.
fn plan(
    zones: [bool; 3],
    rules: &[(usize, usize, Vec<usize>, bool)],
    defaults: (bool, bool),
    phases: (u8, u8),
) -> String {
    let mut text = format!(
        "version: 1\ndefaults: {{east_west: {}, intra_zone: {}}}\nzones:\n",
        if defaults.0 { "allow" } else { "deny" },
        if defaults.1 { "allow" } else { "deny" }
    );
    let members = [
        "[{labels: {tier: web}}, {network: vpc-b}]",
        "[{cidr: 10.0.1.0/24}, {app: dns}]",
        "[{app: shop}, {cidr: 10.0.0.0/16}]",
    ];
    for (i, m) in members.iter().enumerate().filter(|(i, _)| zones[*i]) {
        let intra = if i == 1 { ", intra_zone: deny" } else { "" };
        text.push_str(&format!("  - {{name: z{i}{intra}, members: {m}}}\n"));
    }
    if !zones.iter().any(|z| *z) {
        text = text.replace("zones:\n", "zones: []\n");
    }
    let valid = |side: usize| {
        let s = SIDES[side % SIDES.len()];
        let declared = (0..3).all(|z| zones[z] || !s.contains(&format!("z{z}}}")));
        if declared { s } else { "any" }
    };
    text.push_str("rules:\n");
    if rules.is_empty() {
        text = text.replace("rules:\n", "rules: []\n");
    }
    for (from, to, ports, enabled) in rules {
        let ports: Vec<&str> = ports.iter().map(|p| PORTS[p % PORTS.len()]).collect();
        text.push_str(&format!(
            "  - {{from: {}, to: {}, ports: [{}], enabled: {enabled}}}\n",
            valid(*from),
            valid(*to),
            ports.join(", ")
        ));
    }
    let declared: Vec<usize> = (0..3).filter(|z| zones[*z]).collect();
    if let Some(&first) = declared.first() {
        let mode = |m: u8| if m % 2 == 0 { "observe" } else { "enforce" };
        text.push_str(&format!(
            "phases:\n  - {{name: p1, zones: [z{first}], mode: {}, exit_criteria: []}}\n",
            mode(phases.0)
        ));
        if let Some(&last) = declared.last().filter(|_| phases.1 % 3 == 0) {
            text.push_str(&format!(
                "  - {{name: p2, zones: [z{last}], mode: {}, exit_criteria: []}}\n",
                mode(phases.1)
            ));
        }
    }
    text
}

/// Generated cases; an error if a generated plan does not parse.
pub fn cases() -> impl Strategy<Value = Result<Case, String>> {
    let spec = (
        0u8..3,
        0u8..3,
        0u8..2,
        0u8..3,
        any::<bool>(),
        prop::bool::weighted(0.15),
    );
    let rule = (
        0usize..SIDES.len(),
        0usize..SIDES.len(),
        prop::collection::vec(0usize..PORTS.len(), 1..3),
        prop::bool::weighted(0.9),
    );
    (
        prop::collection::vec(spec, 2..8),
        any::<[bool; 3]>(),
        prop::collection::vec(rule, 0..5),
        any::<(bool, bool)>(),
        any::<(u8, u8)>(),
    )
        .prop_map(|(specs, zones, rules, defaults, phases)| {
            let text = plan(zones, &rules, defaults, phases);
            let plan = parse_plan(&text, "generated.yaml").map_err(|e| format!("{e}\n{text}"))?;
            Ok(Case::new(plan, resolve_estate(&estate(&specs))))
        })
}
