//! What the plan lets each workload send: for every workload, the grants (destinations, ports,
//! reason) it may connect to — the mirror of [`super::grants`], including destinations that are
//! addresses (`{zone: internet}`, a `cidr`, `any`). Enforcement points that filter on the
//! client's side (a NetworkPolicy's egress, a security group's outbound rules) render these.

use super::Grant;
use crate::analysis::resolve::ResolvedEstate;
use crate::analysis::zones::ZoneMap;
use crate::model::plan::Plan;

/// The grants out of every workload (by workload index), rules first in plan order, then the
/// intra-zone allow, then east-west. A grant's `peers` are the destinations; for
/// `Reason::EastWest`, every endpoint outside `except_zone` (the workload's own zone).
pub fn egress_grants(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Vec<Vec<Grant>> {
    super::directed(plan, estate, zones, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::enforce::allows;
    use crate::analysis::resolve::{Endpoint, resolve_estate};
    use crate::analysis::simulate::RuleSides;
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
  - {from: {workload: db-01}, to: {zone: unassigned}, ports: [tcp/5432]}
",
    ];

    /// Some egress grant of the client covers the server exactly when the plan allows the
    /// connection, for every workload client and every workload or address server.
    #[test]
    fn egress_grants_cover_exactly_what_the_plan_allows() -> TestResult {
        let estate = resolve_estate(&estate());
        let servers: Vec<Endpoint> = (0..estate.workloads.len() as u32)
            .map(Endpoint::Workload)
            .chain(
                ["203.0.113.5", "10.9.9.9", "10.0.3.77", "198.51.100.1"]
                    .map(|a| Endpoint::Address(ip(a))),
            )
            .collect();
        let services: [(u16, u8); 8] = [
            (443, 6),
            (80, 6),
            (8443, 6),
            (5432, 6),
            (53, 17),
            (123, 17),
            (0, 1),
            (22, 6),
        ];
        for text in PLANS {
            let plan = parse_plan(&format!("version: 1\n{text}"), "plan.yaml")?;
            let zones = assign_zones(&plan, &estate);
            let mut sides = RuleSides::new(&plan, &estate, &zones);
            let egress = egress_grants(&plan, &estate, &zones);
            for (c, grants) in egress.iter().enumerate() {
                let client = Endpoint::Workload(c as u32);
                for &server in &servers {
                    let server_zone = zones.zone_of(server);
                    for (port, protocol) in services {
                        let expected =
                            allows(&plan, &mut sides, &zones, client, server, port, protocol);
                        let covered = grants
                            .iter()
                            .any(|g| g.covers(server, server_zone, &zones, port, protocol));
                        assert_eq!(
                            covered, expected,
                            "{client:?} -> {server:?} {port}/{protocol}"
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
