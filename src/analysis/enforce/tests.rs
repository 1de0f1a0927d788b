//! The grants into each workload say exactly what the plan allows: for every ordered pair of
//! endpoints of the shop estate and a spread of services, some grant covers the connection
//! exactly when the plan allows it.

use super::*;
use crate::analysis::resolve::resolve_estate;
use crate::analysis::testkit::{TestResult, estate, ip};
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;

const PLANS: [&str; 3] = [
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
    "defaults: {east_west: allow, intra_zone: deny}
zones:
  - {name: data, members: [{labels: {tier: data}}]}
  - {name: rest, intra_zone: allow, members: [{app: shop}]}
",
    "zones: []
rules:
  - {from: {zone: unassigned}, to: {workload: db-01}, ports: [tcp/5432]}
",
];

#[test]
fn grants_cover_exactly_what_the_plan_allows() -> TestResult {
    let estate = resolve_estate(&estate());
    let endpoints: Vec<Endpoint> = (0..estate.workloads.len() as u32)
        .map(Endpoint::Workload)
        .chain(
            ["203.0.113.5", "10.9.9.9", "10.0.3.77", "198.51.100.1"]
                .map(|a| Endpoint::Address(ip(a))),
        )
        .collect();
    let services: [(u16, u8); 7] = [
        (443, 6),
        (80, 6),
        (8443, 6),
        (5432, 6),
        (53, 17),
        (0, 1),
        (81, 6),
    ];
    for text in PLANS {
        let plan = parse_plan(&format!("version: 1\n{text}"), "plan.yaml")?;
        let zones = assign_zones(&plan, &estate);
        let grants = grants(&plan, &estate, &zones);
        let mut sides = RuleSides::new(&plan, &estate, &zones);
        for &client in &endpoints {
            let client_zone = zones.zone_of(client);
            for server in 0..estate.workloads.len() as u32 {
                for &(port, protocol) in &services {
                    let expected = allows(
                        &plan,
                        &mut sides,
                        &zones,
                        client,
                        Endpoint::Workload(server),
                        port,
                        protocol,
                    );
                    let granted = grants[server as usize]
                        .iter()
                        .any(|g| g.covers(client, client_zone, &zones, port, protocol));
                    assert_eq!(
                        granted, expected,
                        "{client:?} -> workload {server} {port}/{protocol} under\n{text}"
                    );
                }
            }
        }
    }
    Ok(())
}
