//! What the plan lets each workload send: for every workload, the grants (destinations, ports,
//! reason) it may connect to — the mirror of [`super::grants`], including destinations that are
//! addresses (`{zone: internet}`, a `cidr`, `any`). Enforcement points that filter on the
//! client's side (a NetworkPolicy's egress, a security group's outbound rules) render these.

use super::{Grant, Peers, Reason, peers};
use crate::analysis::resolve::{Endpoint, ResolvedEstate};
use crate::analysis::zones::{Members, ZoneMap};
use crate::model::plan::{Peer, Plan, PortSpec};

/// The grants out of every workload (by workload index), rules first in plan order, then the
/// intra-zone allow, then east-west. A grant's `peers` are the destinations; for
/// `Reason::EastWest`, every endpoint outside `except_zone` (the workload's own zone).
pub fn egress_grants(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Vec<Vec<Grant>> {
    let members = Members::new(estate, zones);
    let mut out: Vec<Vec<Grant>> = vec![Vec::new(); estate.workloads.len()];
    for (r, rule) in plan.rules.iter().enumerate().filter(|(_, r)| r.enabled) {
        let to = peers(&rule.to, plan, &members);
        members.for_each(&rule.from, |w| {
            out[w as usize].push(Grant {
                peers: to.clone(),
                except_zone: None,
                ports: rule.ports.clone(),
                reason: Reason::Rule(r),
            });
        });
    }
    let zone_peers: Vec<Peers> = zones
        .names
        .iter()
        .map(|name| peers(&Peer::Zone(name.clone()), plan, &members))
        .collect();
    for (w, grants) in out.iter_mut().enumerate() {
        let zone = zones.zone_of(Endpoint::Workload(w as u32));
        if plan.intra_zone(zones.name(zone)).allows() {
            grants.push(Grant {
                peers: zone_peers[zone as usize].clone(),
                except_zone: None,
                ports: vec![PortSpec::Any],
                reason: Reason::IntraZone(zone),
            });
        }
        if plan.defaults.east_west.allows() {
            grants.push(Grant {
                peers: Peers {
                    any: true,
                    ..Peers::default()
                },
                except_zone: Some(zone),
                ports: vec![PortSpec::Any],
                reason: Reason::EastWest,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::enforce::allows;
    use crate::analysis::resolve::resolve_estate;
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
