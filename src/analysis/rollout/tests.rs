//! Tests of the rollout: the effect of each phase, exit criteria, proposed controls and order,
//! on the small shop estate (web-01 → api-01 → db-01, an unmanaged client of db-01, DNS).

use super::*;
use crate::analysis::resolve::resolve_estate;
use crate::analysis::simulate::simulate;
use crate::analysis::testkit::{TestResult, estate};
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;
use crate::model::network::Enforcement;

const PLAN: &str = "version: 1
zones:
  - {name: data, sensitivity: critical, members: [{labels: {tier: data}}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: web, sensitivity: high, members: [{labels: {tier: web}}]}
  - {name: infra, members: [{app: dns}]}
  - {name: k8s, members: [{namespace: web}]}
rules:
  - {name: web-to-app, from: {zone: web}, to: {zone: app}, ports: [tcp/8443], owner: shop-team}
  - {name: app-to-db, from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
  - {name: dns, from: any, to: {zone: infra}, ports: [udp/53], owner: net-team}
  - {name: shop, from: {zone: internet}, to: {zone: web}, ports: [tcp/443], owner: web-team}
phases:
  - name: observe everything
    zones: [data, app, web, infra]
    mode: observe
  - name: app and web
    zones: [app, web]
    mode: enforce
    exit_criteria:
      - {check: no_denied_flows}
      - {check: rules_owned}
  - name: data
    zones: [data]
    mode: enforce
    enforcement: [host-firewall]
    exit_criteria:
      - {check: no_denied_flows}
      - {check: rules_owned}
      - {check: no_blind_spots}
      - {check: observation_days, min: 1}
      - {check: max_planned_blast, max: 5}
      - CISO signed off
      - {checkbox: change approved, ticked_by: alice, ticked_at: \"2026-11-23T10:00:00Z\"}
";

fn evaluated(plan: &str) -> Result<(Plan, Rollout), Box<dyn std::error::Error>> {
    let plan = parse_plan(plan, "plan.yaml")?;
    let estate = resolve_estate(&estate());
    let zones = assign_zones(&plan, &estate);
    let simulation = simulate(&plan, &estate, &zones);
    let rollout = evaluate(&plan, &estate, &zones, &simulation);
    Ok((plan, rollout))
}

#[test]
fn each_enforce_phase_shrinks_the_blast_radius() -> TestResult {
    let (_, rollout) = evaluated(PLAN)?;
    // Six workloads: before any phase every one reaches the five others.
    assert_eq!((rollout.before.blast_max, rollout.before.denied), (5, 0));
    assert!((rollout.before.blast_mean - 5.0).abs() < 1e-9);
    let observe = &rollout.phases[0].after;
    assert_eq!(
        observe.enforced,
        Vec::<String>::new(),
        "observe enforces nothing"
    );
    assert_eq!((observe.blast_max, observe.denied), (5, 0));
    let app_web = &rollout.phases[1].after;
    assert_eq!(app_web.enforced, ["app", "web"]);
    let data = &rollout.phases[2].after;
    assert_eq!(data.enforced, ["app", "web", "data"]);
    assert!(app_web.blast_mean < observe.blast_mean);
    assert!(data.blast_mean <= app_web.blast_mean);
    // The unmanaged client of db-01 breaks once data is enforced, and nothing else does.
    assert_eq!((app_web.denied, data.denied), (0, 1));
    assert_eq!(rollout.never_enforced, ["infra", "k8s"]);
    Ok(())
}

#[test]
fn exit_criteria_are_checked_against_the_data() -> TestResult {
    let (_, rollout) = evaluated(PLAN)?;
    let states = |phase: usize| -> Vec<State> {
        rollout.phases[phase]
            .criteria
            .iter()
            .map(|c| c.state)
            .collect()
    };
    assert_eq!(states(1), [State::Met, State::Met]);
    assert!(rollout.phases[1].ready());
    assert_eq!(
        states(2),
        [
            State::Unmet,
            State::Unmet,
            State::Unmet,
            State::Unmet,
            State::Met,
            State::Open,
            State::Ticked
        ]
    );
    let data = &rollout.phases[2];
    assert!(!data.ready());
    let detail = |n: usize| data.criteria[n].detail.as_str();
    assert!(
        detail(0).starts_with(
            "1 observed flows into data would be denied, such as 10.9.9.9 → db-01 5432/tcp"
        ),
        "{}",
        detail(0)
    );
    assert!(
        detail(1).contains("have no owner: app-to-db"),
        "{}",
        detail(1)
    );
    assert!(
        detail(2).contains("unresolved private addresses"),
        "{}",
        detail(2)
    );
    assert!(
        detail(3).contains("observed over 0.2 days"),
        "{}",
        detail(3)
    );
    assert_eq!(detail(6), "ticked by alice at 2026-11-23T10:00:00Z");
    assert_eq!(data.breaks.len(), 1);
    assert_eq!(data.enforcement, [Enforcement::HostFirewall]);
    assert!(!data.proposed);
    Ok(())
}

#[test]
fn controls_are_proposed_from_the_workloads() -> TestResult {
    let plan = "version: 1
zones:
  - {name: k8s, members: [{namespace: web}]}
  - {name: cloud, members: [{workload: i-0asg}]}
  - {name: hosts, members: [{app: shop}]}
phases:
  - {name: all, zones: [k8s, cloud, hosts], mode: enforce}
";
    let (_, rollout) = evaluated(plan)?;
    let phase = &rollout.phases[0];
    assert!(phase.proposed);
    assert_eq!(
        phase.enforcement,
        [
            Enforcement::SecurityGroup,
            Enforcement::Networkpolicy,
            Enforcement::HostFirewall
        ]
    );
    Ok(())
}

#[test]
fn the_suggested_order_puts_observation_then_the_most_valuable_data_first() -> TestResult {
    let (plan, rollout) = evaluated(PLAN)?;
    let estate = resolve_estate(&estate());
    let zones = assign_zones(&plan, &estate);
    let advice = suggest_order(&plan, &estate, &zones, &rollout);
    assert_eq!(advice.order, [0, 2, 1]);
    assert_eq!(advice.reasons.len(), 3);
    assert!(advice.reasons[0].starts_with("observe everything: observe first"));
    assert!(
        advice.reasons[1].starts_with("data: critical sensitivity; 1 observed flows would break"),
        "{}",
        advice.reasons[1]
    );
    Ok(())
}

/// The plan with one rule from `any` to every zone not enforced: what a step means.
fn enforced_plan(
    plan: &Plan,
    zones: &crate::analysis::zones::ZoneMap,
    enforced: &[String],
) -> Plan {
    use crate::model::plan::{Peer, PortSpec, Rule, RuleStatus};
    let mut effective = plan.clone();
    for name in zones.names.iter().filter(|n| !enforced.contains(n)) {
        effective.rules.push(Rule {
            name: Some(format!("(not enforced yet: {name})")),
            from: Peer::Any,
            to: Peer::Zone(name.clone()),
            ports: vec![PortSpec::Any],
            justification: None,
            owner: None,
            status: RuleStatus::Approved,
            enabled: true,
            baseline: false,
            note: None,
            evidence: None,
        });
    }
    effective
}

/// Every step equals the plan with the not-enforced zones opened by rules, simulated and
/// measured from scratch.
#[test]
fn a_step_is_the_plan_with_the_other_zones_open() -> TestResult {
    let plan = parse_plan(PLAN, "plan.yaml")?;
    let estate = resolve_estate(&estate());
    let zones = assign_zones(&plan, &estate);
    let simulation = simulate(&plan, &estate, &zones);
    let mut stepper = Stepper::new(&plan, &estate, &zones, &simulation);
    for phases in 0..=plan.phases.len() {
        let enforced = enforced_zones(&plan, phases);
        let step = stepper.step(&enforced);
        let effective = enforced_plan(&plan, &zones, &enforced);
        let expected = simulate(&effective, &estate, &zones);
        assert_eq!(step.denied, expected.denied, "after {phases} phases");
        let ranking =
            crate::analysis::blast::Blast::new(&effective, &estate, &zones).planned_ranking();
        let total: u64 = ranking.iter().map(|r| r.1).sum();
        assert_eq!(step.blast_max, ranking[0].1, "after {phases} phases");
        assert!((step.blast_mean - total as f64 / ranking.len() as f64).abs() < 1e-9);
        assert_eq!(step.worst, Some(ranking[0].0));
    }
    assert_eq!(enforced_zones(&plan, 2), ["app", "web"]);
    Ok(())
}
