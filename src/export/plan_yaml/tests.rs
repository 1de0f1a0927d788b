//! Tests of the canonical plan YAML.

use super::*;
use crate::export::yaml::{literal_block, scalar};
use crate::ingest::plan::parse_plan;
use crate::model::plan::PortSpec;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const EXAMPLE: &str = r#"version: 1
defaults: {east_west: deny, intra_zone: allow}
zones:
  - name: pci
    sensitivity: critical
    intra_zone: deny
    description: Card data environment
    note: agreed in the March workshop
    members:
      - labels: {pci-scope: "true"}
      - workload: billing-db
      - app: card-vault
      - namespace: payments
      - service_account: payments/vault
      - identity: spiffe://corp/ns/payments/sa/vault
      - cidr: 10.40.20.0/24
      - network: vpc-0a1b2c3d/subnet-0f00
  - name: app
    sensitivity: medium
    members: []
rules:
  - name: portal-to-payments
    from: {zone: app}
    to: {app: payment-api}
    ports: [tcp/8443, udp/53, tcp/8000-8100, icmp, icmpv6, any]
    justification: card payments
    owner: payments-team
    status: approved
    enabled: true
    evidence: {edges: 12, records: 3400, first_seen: "2024-03-01T10:00:00Z"}
  - from: any
    to: {cidr: "fd00::/8"}
    ports: [sctp/9]
    status: proposed
    enabled: false
    note: |-
      two
      lines
phases:
  - name: Protect regulated data
    zones: [pci]
    enforcement: [security-group, mesh]
    mode: enforce
    target_date: "2027-02-01"
    owner: platform-team
    description: data tier first
    exit_criteria:
      - every rule in scope has an owner
      - "{check: no_denied_flows}"
      - {checkbox: signed off by the CISO, ticked_by: alice, ticked_at: "2026-11-23T10:00:00Z"}
      - {check: no_denied_flows}
      - {check: rules_owned}
      - {check: no_blind_spots}
      - {check: observation_days, min: 14}
      - {check: max_planned_blast, max: 50}
  - name: app
    zones: []
    mode: observe
    exit_criteria: []
guardrails:
  - name: no-internet-to-pci
    from: {zone: internet}
    to: {zone: pci}
    note: never
  - from: any
    to: {app: card-vault}
    ports: [tcp/22]
"#;

#[test]
fn the_documented_example_is_canonical() -> TestResult {
    let plan = parse_plan(EXAMPLE, "plan.yaml")?;
    let text = plan_to_yaml(&plan);
    assert_eq!(text, EXAMPLE);
    assert_eq!(parse_plan(&text, "again.yaml")?, plan);
    Ok(())
}

#[test]
fn strings_are_quoted_when_yaml_would_read_something_else() {
    let cases = [
        ("billing-db", "billing-db", "billing-db"),
        (
            "Card data, and more; C#",
            "Card data, and more; C#",
            "\"Card data, and more; C#\"",
        ),
        (
            "spiffe://corp/sa/vault",
            "spiffe://corp/sa/vault",
            "\"spiffe://corp/sa/vault\"",
        ),
        ("日本語", "日本語", "日本語"),
        ("yes", "\"yes\"", "\"yes\""),
        ("No", "\"No\"", "\"No\""),
        ("null", "\"null\"", "\"null\""),
        ("~", "\"~\"", "\"~\""),
        ("1.0", "\"1.0\"", "\"1.0\""),
        ("0777", "\"0777\"", "\"0777\""),
        ("1_000", "\"1_000\"", "\"1_000\""),
        ("12:30", "\"12:30\"", "\"12:30\""),
        ("2024-03-01", "\"2024-03-01\"", "\"2024-03-01\""),
        ("*ref", "\"*ref\"", "\"*ref\""),
        (":x", "\":x\"", "\":x\""),
        ("a: b", "\"a: b\"", "\"a: b\""),
        ("a #b", "\"a #b\"", "\"a #b\""),
        ("- x", "\"- x\"", "\"- x\""),
        (" padded", "\" padded\"", "\" padded\""),
        ("", "\"\"", "\"\""),
        ("say \"hi\"", "say \"hi\"", "\"say \\\"hi\\\"\""),
        ("back\\slash", "\"back\\\\slash\"", "\"back\\\\slash\""),
        ("tab\there", "\"tab\\there\"", "\"tab\\there\""),
        (
            "bell\u{7}\u{85}\u{feff}",
            "\"bell\\u0007\\u0085\\uFEFF\"",
            "\"bell\\u0007\\u0085\\uFEFF\"",
        ),
    ];
    for (value, block, flow) in cases {
        assert_eq!(scalar(value, false), block, "{value:?} in block style");
        assert_eq!(scalar(value, true), flow, "{value:?} in flow style");
    }
}

#[test]
fn multi_line_text_is_a_literal_block_when_exact() {
    assert_eq!(
        literal_block("a\nb", 4).as_deref(),
        Some("|-\n    a\n    b")
    );
    assert_eq!(
        literal_block("a\n\nb\n", 2).as_deref(),
        Some("|\n  a\n\n  b")
    );
    assert_eq!(
        literal_block("a\nb\n\n", 2).as_deref(),
        Some("|+\n  a\n  b\n")
    );
    assert_eq!(literal_block("one line", 2), None);
    assert_eq!(literal_block(" a\nb", 2), None, "leading space");
    assert_eq!(literal_block("a \nb", 2), None, "trailing space");
    assert_eq!(literal_block("a\r\nb", 2), None, "carriage return");
    assert_eq!(scalar("a\r\nb", false), "\"a\\r\\nb\"");
}

#[test]
fn ports_are_written_short() {
    let range = |protocol, first, last| PortSpec::Range {
        protocol,
        first,
        last,
    };
    assert_eq!(PortSpec::Any.to_string(), "any");
    assert_eq!(range(6, 443, 443).to_string(), "tcp/443");
    assert_eq!(range(17, 8000, 8100).to_string(), "udp/8000-8100");
    assert_eq!(range(132, 0, 0).to_string(), "sctp/0");
    assert_eq!(range(1, 0, 65535).to_string(), "icmp");
    assert_eq!(range(58, 0, 65535).to_string(), "icmpv6");
    assert_eq!(range(47, 0, 65535).to_string(), "protocol-47/0-65535");
    assert_eq!(range(1, 8, 8).to_string(), "protocol-1/8-8");
}

#[test]
fn an_empty_plan_is_written_in_full() -> TestResult {
    let text = plan_to_yaml(&Plan::default());
    assert_eq!(
        text,
        "version: 1\ndefaults: {east_west: deny, intra_zone: allow}\nzones: []\nrules: []\n"
    );
    assert_eq!(parse_plan(&text, "empty.yaml")?, Plan::default());
    Ok(())
}
