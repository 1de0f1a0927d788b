//! Guardrails on a small hand-built estate: what opens them (rules, defaults) and which observed
//! flows break them. Plans are written as YAML, as users write them.

use super::{GuardrailStatus, Opener, check_guardrails};
use crate::analysis::resolve::resolve_estate;
use crate::analysis::simulate::simulate;
use crate::analysis::testkit::{TestResult, edge, host};
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;
use crate::model::{Estate, Protocol};

/// `shop` (web, api, db) and `pay` (api, db); flows from the internet to the web, web to api,
/// api to db, and a shop api to pay db flow that was only ever rejected.
fn estate() -> Estate {
    let mut estate = Estate {
        workloads: vec![
            host("web-01", "10.0.1.1", "shop", "web"),
            host("api-01", "10.0.2.1", "shop", "app"),
            host("db-01", "10.0.3.1", "shop", "data"),
            host("pay-api-01", "10.1.2.1", "pay", "app"),
            host("pay-db-01", "10.1.3.1", "pay", "data"),
        ]
        .into_iter()
        .map(|w| (1, w))
        .collect(),
        ..Estate::default()
    };
    edge(
        &mut estate,
        "203.0.113.5",
        "10.0.1.1",
        443,
        Protocol::TCP,
        true,
    );
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
        "10.0.2.1",
        "10.1.3.1",
        5432,
        Protocol::TCP,
        false,
    );
    edge(
        &mut estate,
        "10.1.2.1",
        "10.1.3.1",
        5432,
        Protocol::TCP,
        true,
    );
    estate
}

const ZONES: &str = "zones:\n\
  - {name: web, members: [{labels: {tier: web}}]}\n\
  - {name: shop, members: [{app: shop}]}\n\
  - {name: pay, sensitivity: critical, members: [{app: pay}]}\n";

/// The plan (YAML after `version: 1` and the zones) and what its guardrails find.
struct Checked {
    plan: crate::model::plan::Plan,
    zones: crate::analysis::zones::ZoneMap,
    statuses: Vec<GuardrailStatus>,
    /// `client -> server:port` of every service edge, by index.
    edges: Vec<String>,
}

impl Checked {
    /// The openers of a guardrail, as `Opener::describe` says them.
    fn openers(&self, guardrail: usize) -> Vec<String> {
        self.statuses
            .get(guardrail)
            .map(|s| {
                s.opened_by
                    .iter()
                    .map(|o| o.describe(&self.plan, &self.zones))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The allowed flows of a guardrail, as `client -> server:port`.
    fn flows(&self, guardrail: usize) -> Vec<String> {
        self.statuses
            .get(guardrail)
            .map(|s| {
                s.allowed_flows
                    .iter()
                    .filter_map(|&i| self.edges.get(i).cloned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn check(plan: &str) -> Result<Checked, Box<dyn std::error::Error>> {
    let plan = parse_plan(&format!("version: 1\n{plan}"), "plan.yaml")?;
    let estate = resolve_estate(&estate());
    let zones = assign_zones(&plan, &estate);
    let simulation = simulate(&plan, &estate, &zones);
    let statuses = check_guardrails(&plan, &estate, &zones, &simulation);
    let name = |e: crate::analysis::resolve::Endpoint| match e {
        crate::analysis::resolve::Endpoint::Workload(w) => estate
            .workloads
            .get(w as usize)
            .map_or_else(String::new, |w| w.name.clone()),
        crate::analysis::resolve::Endpoint::Address(a) => a.to_string(),
    };
    let edges = estate
        .service_edges
        .iter()
        .map(|e| format!("{} -> {}:{}", name(e.client), name(e.server), e.port))
        .collect();
    Ok(Checked {
        plan,
        zones,
        statuses,
        edges,
    })
}

fn with(rules: &str, guardrails: &str) -> String {
    format!("{ZONES}rules:\n{rules}guardrails:\n{guardrails}")
}

#[test]
fn a_rule_from_any_opens_an_internet_guardrail() -> TestResult {
    let checked = check(&with(
        "  - {name: open-pay, from: any, to: {zone: pay}, ports: [tcp/5432]}\n",
        "  - {name: no-internet-pay, from: {zone: internet}, to: {zone: pay}}\n",
    ))?;
    assert_eq!(checked.openers(0), ["rule open-pay"]);
    assert!(checked.statuses[0].is_broken());
    assert_eq!(checked.statuses[0].opened_by, [Opener::Rule(0)]);
    Ok(())
}

#[test]
fn a_rule_between_other_zones_does_not_open() -> TestResult {
    let checked = check(&with(
        "  - {name: web-shop, from: {zone: web}, to: {zone: shop}, ports: [tcp/8443]}\n",
        "  - {from: {zone: internet}, to: {zone: pay}}\n  - {from: {zone: shop}, to: {zone: pay}}\n",
    ))?;
    assert_eq!(checked.statuses.len(), 2);
    for status in &checked.statuses {
        assert!(!status.is_broken(), "{status:?}");
    }
    Ok(())
}

#[test]
fn guardrail_ports_must_overlap_the_rule_ports() -> TestResult {
    let checked = check(&with(
        "  - {name: db, from: {zone: shop}, to: {zone: pay}, ports: [tcp/5432]}\n\
         \x20 - {name: range, from: {zone: shop}, to: {zone: pay}, ports: [tcp/8000-8100]}\n",
        "  - {name: no-ssh, from: {zone: shop}, to: {zone: pay}, ports: [tcp/22]}\n\
         \x20 - {name: no-postgres, from: {zone: shop}, to: {zone: pay}, ports: [tcp/5432]}\n\
         \x20 - {name: no-8080, from: {zone: shop}, to: {zone: pay}, ports: [tcp/8080]}\n\
         \x20 - {name: no-udp, from: {zone: shop}, to: {zone: pay}, ports: [udp/5432]}\n",
    ))?;
    assert!(
        checked.openers(0).is_empty(),
        "tcp/22 against 5432 and 8000-8100"
    );
    assert_eq!(checked.openers(1), ["rule db"]);
    assert_eq!(checked.openers(2), ["rule range"]);
    assert!(checked.openers(3).is_empty(), "another protocol");
    Ok(())
}

#[test]
fn east_west_allow_opens_a_guardrail_between_zones() -> TestResult {
    let checked = check(&format!(
        "defaults: {{east_west: allow}}\n{ZONES}guardrails:\n\
         \x20 - {{from: {{zone: shop}}, to: {{zone: pay}}}}\n"
    ))?;
    assert_eq!(checked.openers(0), ["defaults.east_west: allow"]);
    let denied = check(&format!(
        "{ZONES}guardrails:\n  - {{from: {{zone: shop}}, to: {{zone: pay}}}}\n"
    ))?;
    assert!(!denied.statuses[0].is_broken());
    Ok(())
}

#[test]
fn intra_zone_allow_opens_a_guardrail_inside_one_zone() -> TestResult {
    let guardrail = "guardrails:\n  - {from: {app: pay}, to: {workload: pay-db-01}}\n";
    let checked = check(&format!("{ZONES}{guardrail}"))?;
    assert_eq!(checked.openers(0), ["intra-zone allow in zone pay"]);
    assert_eq!(checked.flows(0), ["pay-api-01 -> pay-db-01:5432"]);
    let zones = ZONES.replace(
        "sensitivity: critical,",
        "sensitivity: critical, intra_zone: deny,",
    );
    let checked = check(&format!("{zones}{guardrail}"))?;
    assert!(checked.openers(0).is_empty(), "{:?}", checked.openers(0));
    assert!(checked.flows(0).is_empty());
    Ok(())
}

#[test]
fn intra_zone_allow_opens_a_guardrail_between_two_apps_of_one_zone() -> TestResult {
    let zones = "zones: [{name: backend, members: [{app: shop}, {app: pay}]}]\n";
    let guardrail = "guardrails:\n  - {from: {app: shop}, to: {app: pay}}\n";
    let checked = check(&format!("{zones}{guardrail}"))?;
    assert_eq!(checked.openers(0), ["intra-zone allow in zone backend"]);
    assert!(
        checked.flows(0).is_empty(),
        "shop -> pay was only ever rejected"
    );
    let zones = zones.replace("name: backend,", "name: backend, intra_zone: deny,");
    let checked = check(&format!("{zones}{guardrail}"))?;
    assert!(!checked.statuses[0].is_broken());
    Ok(())
}

#[test]
fn a_disabled_rule_does_not_open() -> TestResult {
    let checked = check(&with(
        "  - {name: off, from: {zone: shop}, to: {zone: pay}, ports: [any], enabled: false}\n",
        "  - {from: {zone: shop}, to: {zone: pay}}\n",
    ))?;
    assert!(!checked.statuses[0].is_broken());
    Ok(())
}

#[test]
fn allowed_flows_are_listed_and_denied_ones_are_not() -> TestResult {
    // web -> shop is allowed by a rule; internet -> web is denied (no rule); the shop -> pay flow
    // was only ever rejected.
    let checked = check(&with(
        "  - {name: web-api, from: {zone: web}, to: {zone: shop}, ports: [tcp/8443]}\n",
        "  - {name: no-web-shop, from: {zone: web}, to: {zone: shop}}\n\
         \x20 - {name: no-internet-web, from: {zone: internet}, to: {zone: web}}\n\
         \x20 - {name: no-shop-pay, from: {zone: shop}, to: {zone: pay}}\n",
    ))?;
    assert_eq!(checked.openers(0), ["rule web-api"]);
    assert_eq!(checked.flows(0), ["web-01 -> api-01:8443"]);
    assert!(checked.flows(1).is_empty(), "denied by the plan");
    assert!(!checked.statuses[1].is_broken());
    assert!(checked.flows(2).is_empty(), "only ever rejected");
    assert!(!checked.statuses[2].is_broken());
    Ok(())
}

#[test]
fn a_guardrail_on_ports_lists_only_flows_on_them() -> TestResult {
    let checked = check(&with(
        "  - {name: web-api, from: {zone: web}, to: {zone: shop}, ports: [any]}\n",
        "  - {from: {zone: web}, to: {zone: shop}, ports: [tcp/22]}\n",
    ))?;
    assert_eq!(checked.openers(0), ["rule web-api"], "any overlaps tcp/22");
    assert!(checked.flows(0).is_empty(), "the observed flow is on 8443");
    Ok(())
}

#[test]
fn a_plan_without_guardrails_checks_nothing() -> TestResult {
    let checked = check(&format!(
        "defaults: {{east_west: allow}}\n{ZONES}rules:\n\
         \x20 - {{from: any, to: any, ports: [any]}}\n"
    ))?;
    assert!(checked.statuses.is_empty());
    Ok(())
}
