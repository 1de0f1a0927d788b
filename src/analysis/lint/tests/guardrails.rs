//! `guardrail-broken`.

use super::{TestResult, estate, message, run, subjects};

const ZONES: &str = "zones:
  - {name: data, sensitivity: critical, members: [{labels: {tier: data}}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: web, members: [{labels: {tier: web}}]}
guardrails:
  - {name: no-web-to-data, from: {zone: web}, to: {zone: data}}
";

#[test]
fn a_rule_that_opens_a_guardrail_is_high() -> TestResult {
    let findings = run(
        &estate(),
        &format!(
            "{ZONES}rules:
  - {{name: app-db, from: {{zone: app}}, to: {{zone: data}}, ports: [tcp/5432]}}
  - {{name: wide, from: any, to: {{labels: {{tier: data}}}}, ports: [tcp/5432]}}
"
        ),
    )?;
    assert_eq!(subjects(&findings, "guardrail-broken"), ["wide"]);
    assert_eq!(
        message(&findings, "guardrail-broken", "wide"),
        "rule wide allows {zone: web} → {zone: data}, which guardrail no-web-to-data forbids"
    );
    Ok(())
}

#[test]
fn defaults_and_observed_flows_count() -> TestResult {
    let findings = run(
        &estate(),
        &format!("defaults: {{east_west: allow}}\n{ZONES}"),
    )?;
    assert_eq!(subjects(&findings, "guardrail-broken"), ["defaults"]);
    let findings = run(
        &estate(),
        "zones:
  - {name: shop, members: [{app: shop}]}
guardrails:
  - {from: {labels: {tier: app}}, to: {labels: {tier: data}}, ports: [tcp/5432]}
",
    )?;
    assert_eq!(
        message(&findings, "guardrail-broken", "shop"),
        "intra-zone allow in zone shop allows {labels: {tier: app}} → {labels: {tier: data}}, \
         which guardrail guardrail-1 forbids; 1 observed flow would go through"
    );
    Ok(())
}
