//! Grants say exactly what the plan allows: for every ordered pair of endpoints of the shop
//! estate and a spread of services, some grant into the server (and some grant out of the
//! client) covers the connection exactly when the plan allows it.

use super::*;
use crate::analysis::resolve::resolve_estate;
use crate::analysis::testkit::{TestResult, estate, ip};
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;

const PLANS: [&str; 6] = [
    "zones:
  - {name: data, intra_zone: deny, members: [{labels: {tier: data}}, {cidr: 10.0.3.0/24}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: web, members: [{labels: {tier: web}}, {namespace: web}]}
rules:
  - {from: {zone: web}, to: {zone: app}, ports: [tcp/8443]}
  - {from: {app: shop}, to: {cidr: 10.0.3.0/24}, ports: [tcp/5432, icmp]}
  - {from: {zone: internet}, to: {zone: web}, ports: [tcp/443, tcp/80-81]}
  - {from: {zone: unmanaged}, to: {workload: dns-01}, ports: [udp/53]}
  - {from: any, to: {zone: unassigned}, ports: [any], enabled: false}
",
    "zones:
  - {name: data, intra_zone: deny, members: [{labels: {tier: data}}, {cidr: 10.0.3.0/24}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: web, members: [{labels: {tier: web}}, {namespace: web}]}
rules:
  - {from: {zone: web}, to: {zone: app}, ports: [tcp/8443]}
  - {from: {app: shop}, to: {cidr: 10.0.3.0/24}, ports: [tcp/5432, icmp]}
  - {from: {zone: web}, to: {zone: internet}, ports: [tcp/443, tcp/80-81]}
  - {from: {zone: app}, to: {zone: unmanaged}, ports: [udp/53]}
  - {from: {zone: data}, to: any, ports: [udp/123]}
  - {from: any, to: {zone: unassigned}, ports: [any], enabled: false}
",
    "defaults: {east_west: allow, intra_zone: deny}
zones:
  - {name: data, members: [{labels: {tier: data}}]}
  - {name: rest, intra_zone: allow, members: [{app: shop}]}
",
    "zones: []
rules:
  - {from: {zone: unassigned}, to: {workload: db-01}, ports: [tcp/5432]}
",
    "zones: []
rules:
  - {from: {workload: db-01}, to: {zone: unassigned}, ports: [tcp/5432]}
",
    "zones:
  - {name: shop, members: [{app: shop}]}
rules:
  - {from: any, to: {zone: shop}, ports: [tcp/22]}
",
];

const SERVICES: [(u16, u8); 9] = [
    (443, 6),
    (80, 6),
    (81, 6),
    (8443, 6),
    (5432, 6),
    (53, 17),
    (123, 17),
    (0, 1),
    (22, 6),
];

/// Every workload, and addresses: public, unmanaged, inside a zone's cidr, unseen.
fn endpoints(estate: &ResolvedEstate) -> Vec<Endpoint> {
    (0..estate.workloads.len() as u32)
        .map(Endpoint::Workload)
        .chain(
            ["203.0.113.5", "10.9.9.9", "10.0.3.77", "198.51.100.1"]
                .map(|a| Endpoint::Address(ip(a))),
        )
        .collect()
}

/// For every plan, every connection between a workload and an endpoint (both ways) and every
/// service: whether some grant into the server, and some grant out of the client, covers it.
/// Each must equal the plan's verdict.
#[test]
fn grants_cover_exactly_what_the_plan_allows() -> TestResult {
    let estate = resolve_estate(&estate());
    let endpoints = endpoints(&estate);
    for text in PLANS {
        let plan = parse_plan(&format!("version: 1\n{text}"), "plan.yaml")?;
        let zones = assign_zones(&plan, &estate);
        let mut sides = RuleSides::new(&plan, &estate, &zones);
        let (inbound, outbound) = (
            grants(&plan, &estate, &zones),
            egress_grants(&plan, &estate, &zones),
        );
        let covered = |list: &[Grant], peer: Endpoint, port, protocol| {
            let zone = zones.zone_of(peer);
            list.iter()
                .any(|g| g.covers(peer, zone, &zones, port, protocol))
        };
        for w in 0..estate.workloads.len() as u32 {
            let workload = Endpoint::Workload(w);
            for &other in &endpoints {
                for (port, protocol) in SERVICES {
                    let into = allows(&plan, &mut sides, &zones, other, workload, port, protocol);
                    let granted = covered(&inbound[w as usize], other, port, protocol);
                    assert_eq!(granted, into, "{other:?} -> {w} {port}/{protocol}\n{text}");
                    let out = allows(&plan, &mut sides, &zones, workload, other, port, protocol);
                    let granted = covered(&outbound[w as usize], other, port, protocol);
                    assert_eq!(granted, out, "{w} -> {other:?} {port}/{protocol}\n{text}");
                }
            }
        }
    }
    Ok(())
}
