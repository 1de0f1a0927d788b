//! Tests of the rollout part of the plan file: phases, exit criteria and guardrails.

use super::*;
use crate::model::network::Enforcement;
use crate::model::plan::Peer;
use crate::model::rollout::{Check, Criterion, PhaseMode, Tick};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ZONES: &str = "version: 1
zones:
  - name: pci
    members:
      - app: vault
  - name: app
    members:
      - app: shop
";

fn refused(text: &str, start: &str) -> TestResult {
    let error = parse_plan(text, "plan.yaml")
        .err()
        .ok_or("expected an error")?;
    let headline = error.headline();
    assert!(
        headline.starts_with(start),
        "\n  got:  {headline}\n  want: {start}…\n{text}"
    );
    Ok(())
}

fn with_phase(body: &str) -> String {
    format!("{ZONES}phases:\n  - name: one\n{body}")
}

#[test]
fn reads_phases_with_every_criterion() -> TestResult {
    let text = format!(
        "{ZONES}phases:
  - name: Protect regulated data
    zones: [pci, unassigned]
    enforcement: [security-group, networkpolicy, service-mesh, mesh]
    mode: enforce
    target_date: 2027-02-01
    owner: platform-team
    exit_criteria:
      - every rule in scope has an owner
      - {{check: no_denied_flows}}
      - {{check: rules_owned}}
      - {{check: no_blind_spots}}
      - {{check: observation_days, min: 14}}
      - {{check: max_planned_blast, max: 50}}
      - {{checkbox: CISO signed off, ticked_by: alice, ticked_at: \"2026-11-23T10:00:00Z\"}}
  - name: two
guardrails:
  - {{from: {{zone: internet}}, to: {{zone: pci}}}}
  - name: no-ssh
    from: any
    to: {{app: vault}}
    ports: [tcp/22]
"
    );
    let plan = parse_plan(&text, "plan.yaml")?;
    let phase = &plan.phases[0];
    assert_eq!(phase.zones, ["pci", "unassigned"]);
    assert_eq!(
        phase.enforcement,
        [
            Enforcement::SecurityGroup,
            Enforcement::Networkpolicy,
            Enforcement::ServiceMesh
        ]
    );
    assert_eq!(phase.mode, PhaseMode::Enforce);
    assert_eq!(phase.target_date.as_deref(), Some("2027-02-01"));
    assert_eq!(
        phase.exit_criteria,
        [
            Criterion::Checkbox {
                text: "every rule in scope has an owner".into(),
                ticked: None
            },
            Criterion::Check(Check::NoDeniedFlows),
            Criterion::Check(Check::RulesOwned),
            Criterion::Check(Check::NoBlindSpots),
            Criterion::Check(Check::ObservationDays { min: 14 }),
            Criterion::Check(Check::MaxPlannedBlast { max: 50 }),
            Criterion::Checkbox {
                text: "CISO signed off".into(),
                ticked: Some(Tick {
                    by: "alice".into(),
                    at: "2026-11-23T10:00:00Z".into()
                })
            },
        ]
    );
    let second = &plan.phases[1];
    assert_eq!(second.mode, PhaseMode::Observe, "observe unless told");
    assert!(second.zones.is_empty() && second.exit_criteria.is_empty());
    assert_eq!(plan.guardrails[0].from, Peer::Zone("internet".into()));
    assert!(plan.guardrails[0].ports.is_empty(), "every port by default");
    assert_eq!(plan.guardrail_name(0), "guardrail-1");
    assert_eq!(plan.guardrail_name(1), "no-ssh");
    assert!(plan.guardrails[1].covers_port(22, 6));
    assert!(!plan.guardrails[1].covers_port(443, 6));
    Ok(())
}

#[test]
fn refuses_bad_phases_with_their_line() -> TestResult {
    refused(
        &with_phase("    zones: [pci, dta]\n"),
        "plan.yaml:11: field phases[0].zones[1]: expected a zone declared under zones",
    )?;
    refused(
        &with_phase("    zones: [pci, pci]\n"),
        "plan.yaml:11: field phases[0].zones[1]: expected each zone once per phase",
    )?;
    refused(
        &with_phase("    mode: enforcing\n"),
        "plan.yaml:11: field phases[0].mode: expected observe or enforce, found \"enforcing\"",
    )?;
    refused(
        &with_phase("    enforcement: [firewall]\n"),
        "plan.yaml:11: field phases[0].enforcement[0]: expected security-group, networkpolicy",
    )?;
    refused(
        &with_phase("    target_date: 2027-02-30\n"),
        "plan.yaml:11: field phases[0].target_date: expected a date as YYYY-MM-DD",
    )?;
    refused(
        &with_phase("    zone: [pci]\n"),
        "plan.yaml:11: field phases[0]: expected one of name, zones, enforcement",
    )?;
    refused(
        &format!("{ZONES}phases:\n  - name: a\n  - name: a\n"),
        "plan.yaml:11: field phases[1].name: expected a unique phase name, found \"a\" used twice \
         (first on line 10)",
    )?;
    refused(
        &format!("{ZONES}phases:\n  - name: \" \"\n"),
        "plan.yaml:10: field phases[0].name: expected a phase name, found an empty name",
    )?;
    Ok(())
}

#[test]
fn refuses_bad_criteria() -> TestResult {
    let criteria = |item: &str| with_phase(&format!("    exit_criteria:\n      - {item}\n"));
    refused(
        &criteria("{check: no_denied}"),
        "plan.yaml:12: field phases[0].exit_criteria[0].check: expected no_denied_flows, \
         rules_owned",
    )?;
    refused(
        &criteria("{check: observation_days}"),
        "plan.yaml:12: field phases[0].exit_criteria[0]: expected the key min, found none",
    )?;
    refused(
        &criteria("{check: observation_days, min: 0}"),
        "plan.yaml:12: field phases[0].exit_criteria[0].min: expected a whole number of days",
    )?;
    refused(
        &criteria("{check: max_planned_blast, max: -1}"),
        "plan.yaml:12: field phases[0].exit_criteria[0].max: expected a whole number of workloads",
    )?;
    refused(
        &criteria("{check: rules_owned, min: 3}"),
        "plan.yaml:12: field phases[0].exit_criteria[0].min: expected only check",
    )?;
    refused(
        &criteria("{checkbox: signed, ticked_by: bob}"),
        "plan.yaml:12: field phases[0].exit_criteria[0]: expected both ticked_by and ticked_at",
    )?;
    refused(
        &criteria("{owner: bob}"),
        "plan.yaml:12: field phases[0].exit_criteria[0]: expected a mapping with check or checkbox",
    )?;
    refused(
        &criteria("\"\""),
        "plan.yaml:12: field phases[0].exit_criteria[0]: expected a statement (text)",
    )?;
    Ok(())
}

#[test]
fn refuses_bad_guardrails() -> TestResult {
    refused(
        &format!("{ZONES}guardrails:\n  - {{from: {{zone: web}}, to: any}}\n"),
        "plan.yaml:10: field guardrails[0].from.zone: expected a zone declared under zones",
    )?;
    refused(
        &format!("{ZONES}guardrails:\n  - {{from: any}}\n"),
        "plan.yaml:10: field guardrails[0]: expected the required key to",
    )?;
    refused(
        &format!("{ZONES}guardrails:\n  - {{from: any, to: any, ports: [443]}}\n"),
        "plan.yaml:10: field guardrails[0].ports[0]: expected a port",
    )?;
    refused(
        &format!(
            "{ZONES}guardrails:\n  - {{name: g, from: any, to: any}}\n  - {{name: g, from: any, \
             to: any}}\n"
        ),
        "plan.yaml:11: field guardrails[1].name: expected a unique guardrail name",
    )?;
    Ok(())
}
