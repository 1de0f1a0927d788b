//! Tests of the plan parser: what a good file becomes, and every refusal with its line.

use std::collections::BTreeMap;

use super::*;
use crate::model::plan::{Defaults, Peer, Policy, RuleStatus, Selector, Sensitivity};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ZONES: &str = "version: 1
zones:
  - name: web
    members:
      - app: shop
  - name: db
    members:
      - workload: db-01
";

/// The whole error (headline and hint) for a file.
fn error_of(text: &str) -> Result<InputError, Box<dyn std::error::Error>> {
    Ok(parse_plan(text, "plan.yaml")
        .err()
        .ok_or("expected an error")?)
}

/// Asserts the headline starts with `start` (and returns the error for more checks).
fn refused(text: &str, start: &str) -> Result<InputError, Box<dyn std::error::Error>> {
    let error = error_of(text)?;
    let headline = error.headline();
    assert!(
        headline.starts_with(start),
        "\n  got:  {headline}\n  want: {start}…\n{text}"
    );
    Ok(error)
}

/// A file with the two zones above and these rules.
fn with_rules(rules: &str) -> String {
    format!("{ZONES}rules:\n{rules}")
}

#[test]
fn reads_a_full_plan() -> TestResult {
    let text = format!(
        "{ZONES}rules:
  - name: shop-to-db
    from: {{zone: web}}
    to: {{labels: {{tier: data, pci-scope: \"true\"}}}}
    ports: [tcp/5432, TCP/8000-8100, icmp, icmpv6, any, udp/53, sctp/9]
    status: proposed
    enabled: false
    evidence: {{edges: 2}}
  - from: any
    to: {{zone: internet}}
    ports: [tcp/443]
phases: [{{name: one, zones: [db]}}]
"
    );
    let plan = parse_plan(&text, "plan.yaml")?;
    assert_eq!(plan.defaults, Defaults::default());
    assert_eq!(plan.zones.len(), 2);
    assert_eq!(plan.zones[0].sensitivity, Sensitivity::Medium);
    assert_eq!(plan.zones[1].members, [Selector::Workload("db-01".into())]);
    let rule = &plan.rules[0];
    assert_eq!(rule.from, Peer::Zone("web".into()));
    let labels = BTreeMap::from([
        ("pci-scope".to_string(), "true".to_string()),
        ("tier".to_string(), "data".to_string()),
    ]);
    assert_eq!(rule.to, Peer::Selector(Selector::Labels(labels)));
    let range = |protocol, first, last| PortSpec::Range {
        protocol,
        first,
        last,
    };
    assert_eq!(
        rule.ports,
        [
            range(6, 5432, 5432),
            range(6, 8000, 8100),
            range(1, 0, 65535),
            range(58, 0, 65535),
            PortSpec::Any,
            range(17, 53, 53),
            range(132, 9, 9),
        ]
    );
    assert_eq!((rule.status, rule.enabled), (RuleStatus::Proposed, false));
    assert_eq!(rule.evidence.as_ref().and_then(|e| e.edges), Some(2));
    let second = &plan.rules[1];
    assert_eq!(
        (second.status, second.enabled),
        (RuleStatus::Approved, true)
    );
    assert_eq!(plan.rule_name(1), "rule-2");
    assert_eq!(plan.phases[0].zones, ["db"]);
    Ok(())
}

#[test]
fn defaults_and_lists_may_be_left_out() -> TestResult {
    let plan = parse_plan("\u{feff}version: 1\ndefaults: {east_west: allow}\n", "p")?;
    assert_eq!(plan.defaults.east_west, Policy::Allow);
    assert_eq!(plan.defaults.intra_zone, Policy::Allow);
    assert!(plan.zones.is_empty() && plan.rules.is_empty() && plan.phases.is_empty());
    let plan = parse_plan("version: 1\ndefaults:\nzones:\nrules: []\n", "p")?;
    assert_eq!(plan.defaults, Defaults::default());
    Ok(())
}

#[test]
fn the_version_comes_first() -> TestResult {
    refused("", "plan.yaml:1: expected a Blastwall plan file")?;
    refused("- a\n", "plan.yaml:1: expected a Blastwall plan file")?;
    let error = refused(
        "zones: []\n",
        "plan.yaml:1: field version: expected version: 1, found no version",
    )?;
    assert!(error.hint.is_some());
    refused(
        "zones: []\nversion: 2\n",
        "plan.yaml:2: field version: expected version 1, found 2",
    )?;
    refused(
        "version: \"1\"\n",
        "plan.yaml:1: field version: expected version 1, found \"1\"",
    )?;
    refused("version: 1\nzones: [\n", "plan.yaml:3: expected valid YAML")?;
    refused(
        "version: 1\nversion: 1\n",
        "plan.yaml:1: expected valid YAML, found duplicate entry",
    )?;
    Ok(())
}

#[test]
fn unknown_keys_are_refused_everywhere() -> TestResult {
    refused(
        "version: 1\nzone: []\n",
        "plan.yaml:2: expected one of version, defaults, zones, rules, phases, guardrails, found unknown key \"zone\"",
    )?;
    refused(
        "version: 1\ndefaults: {east_west: deny, default: deny}\n",
        "plan.yaml:2: field defaults: expected east_west or intra_zone, found unknown key \"default\"",
    )?;
    let text = format!("{ZONES}  - name: x\n    colour: red\n");
    let error = refused(
        &text,
        "plan.yaml:10: field zones[2]: expected one of name, sensitivity",
    )?;
    assert!(error.headline().ends_with("found unknown key \"colour\""));
    refused(
        &with_rules("  - from: any\n    to: any\n    ports: [any]\n    owners: me\n"),
        "plan.yaml:13: field rules[0]: expected one of name, from, to, ports",
    )?;
    refused(
        &with_rules("  - from: any\n    to: any\n    ports: [any]\n    evidence: {edge: 1}\n"),
        "plan.yaml:13: field rules[0].evidence: expected one of edges, records",
    )?;
    refused(
        &format!("{ZONES}      - wrkload: db-02\n"),
        "plan.yaml:9: field zones[1].members[1].wrkload: expected a selector kind: labels, workload, \
         app, namespace, service_account, identity, cidr or network, found unknown key \"wrkload\"",
    )?;
    refused(
        &with_rules("  - from: {zones: web}\n    to: any\n    ports: [any]\n"),
        "plan.yaml:10: field rules[0].from.zones: expected zone or a selector kind: labels,",
    )?;
    Ok(())
}

#[test]
fn zone_names_are_required_unique_and_not_pseudo_zones() -> TestResult {
    refused(
        "version: 1\nzones:\n  - members: []\n",
        "plan.yaml:3: field zones[0]: expected the required key name, found none",
    )?;
    refused(
        "version: 1\nzones:\n  - name: \" \"\n",
        "plan.yaml:3: field zones[0].name: expected a zone name, found an empty name",
    )?;
    refused(
        &format!("{ZONES}  - name: web\n"),
        "plan.yaml:9: field zones[2].name: expected a unique zone name, found \"web\" declared \
         twice (first on line 3)",
    )?;
    let error = refused(
        &format!("{ZONES}  - name: Internet\n"),
        "plan.yaml:9: field zones[2].name: expected a zone name other than internet, unmanaged \
         and unassigned, found \"Internet\", the name of a pseudo-zone",
    )?;
    assert!(error.hint.unwrap_or_default().contains("{zone: internet}"));
    Ok(())
}

#[test]
fn enumerations_are_checked() -> TestResult {
    refused(
        "version: 1\ndefaults:\n  east_west: block\n",
        "plan.yaml:3: field defaults.east_west: expected allow or deny, found \"block\"",
    )?;
    refused(
        "version: 1\nzones:\n  - name: a\n    sensitivity: severe\n",
        "plan.yaml:4: field zones[0].sensitivity: expected low, medium, high or critical, found \"severe\"",
    )?;
    refused(
        "version: 1\nzones:\n  - name: a\n    intra_zone: maybe\n",
        "plan.yaml:4: field zones[0].intra_zone: expected allow or deny, found \"maybe\"",
    )?;
    refused(
        &with_rules("  - from: any\n    to: any\n    ports: [any]\n    status: draft\n"),
        "plan.yaml:13: field rules[0].status: expected approved or proposed, found \"draft\"",
    )?;
    refused(
        &with_rules("  - from: any\n    to: any\n    ports: [any]\n    enabled: yes\n"),
        "plan.yaml:13: field rules[0].enabled: expected a boolean, found string \"yes\"",
    )?;
    Ok(())
}

#[test]
fn a_member_is_one_selector() -> TestResult {
    let error = refused(
        &format!("{ZONES}      - {{workload: db-02, app: billing}}\n"),
        "plan.yaml:9: field zones[1].members[1]: expected one selector kind per member, found \
         workload and app",
    )?;
    assert!(error.hint.is_some());
    refused(
        &format!("{ZONES}      - {{}}\n"),
        "plan.yaml:9: field zones[1].members[1]: expected one selector kind per member, found none",
    )?;
    refused(
        &format!("{ZONES}      - db-02\n"),
        "plan.yaml:9: field zones[1].members[1]: expected a selector: a mapping with one of labels",
    )?;
    refused(
        &format!("{ZONES}      - workload: \"\"\n"),
        "plan.yaml:9: field zones[1].members[1].workload: expected a workload name, found nothing",
    )?;
    refused(
        &format!("{ZONES}      - app: 42\n"),
        "plan.yaml:9: field zones[1].members[1].app: expected an application name as text, found \
         42, a number",
    )?;
    Ok(())
}

#[test]
fn label_values_are_text() -> TestResult {
    let error = refused(
        &format!("{ZONES}      - labels:\n          tier: web\n          pci-scope: true\n"),
        "plan.yaml:11: field zones[1].members[1].labels.pci-scope: expected a label value as \
         text, found true, a boolean",
    )?;
    assert!(
        error
            .hint
            .unwrap_or_default()
            .contains("pci-scope: \"true\"")
    );
    refused(
        &format!("{ZONES}      - labels: {{port: 8080}}\n"),
        "plan.yaml:9: field zones[1].members[1].labels.port: expected a label value as text, \
         found 8080, a number",
    )?;
    refused(
        &format!("{ZONES}      - labels: {{}}\n"),
        "plan.yaml:9: field zones[1].members[1].labels: expected at least one label, found an \
         empty mapping",
    )?;
    refused(
        &format!("{ZONES}      - labels: [a]\n"),
        "plan.yaml:9: field zones[1].members[1].labels: expected labels as a mapping",
    )?;
    Ok(())
}

#[test]
fn cidrs_and_service_accounts_are_checked() -> TestResult {
    let error = refused(
        &format!("{ZONES}      - cidr: 10.40.20.7/24\n"),
        "plan.yaml:9: field zones[1].members[1].cidr: expected a CIDR such as 10.40.20.0/24, \
         found \"10.40.20.7/24\", which has host bits set",
    )?;
    assert_eq!(error.hint.as_deref(), Some("did you mean 10.40.20.0/24?"));
    let error = refused(
        &format!("{ZONES}      - cidr: 10.40.20.7\n"),
        "plan.yaml:9: field zones[1].members[1].cidr: expected a CIDR such as 10.40.20.0/24, \
         found \"10.40.20.7\"",
    )?;
    assert_eq!(error.hint.as_deref(), Some("one address is 10.40.20.7/32"));
    refused(
        &format!("{ZONES}      - cidr: 10.300.0.0/16\n"),
        "plan.yaml:9: field zones[1].members[1].cidr: expected a CIDR",
    )?;
    refused(
        &format!("{ZONES}      - service_account: vault\n"),
        "plan.yaml:9: field zones[1].members[1].service_account: expected a service account as \
         NAMESPACE/NAME, found \"vault\"",
    )?;
    refused(
        &format!("{ZONES}      - service_account: a/b/c\n"),
        "plan.yaml:9: field zones[1].members[1].service_account: expected a service account",
    )?;
    Ok(())
}

#[test]
fn rule_sides_name_known_zones() -> TestResult {
    let error = refused(
        &with_rules("  - from: {zone: web}\n    to: {zone: dmz}\n    ports: [any]\n"),
        "plan.yaml:11: field rules[0].to.zone: expected a zone declared under zones, or internet, \
         unmanaged or unassigned, found unknown zone \"dmz\"",
    )?;
    assert!(error.hint.unwrap_or_default().contains("web, db"));
    refused(
        &with_rules("  - from: all\n    to: any\n    ports: [any]\n"),
        "plan.yaml:10: field rules[0].from: expected any, {zone: NAME} or a selector",
    )?;
    refused(
        &with_rules("  - from: {zone: web, app: shop}\n    to: any\n    ports: [any]\n"),
        "plan.yaml:10: field rules[0].from: expected one zone or selector kind per rule side, \
         found zone and app",
    )?;
    refused(
        &with_rules("  - from: any\n    ports: [any]\n"),
        "plan.yaml:10: field rules[0]: expected the required key to, found none",
    )?;
    let plan = parse_plan(
        &with_rules("  - from: {zone: unmanaged}\n    to: {zone: unassigned}\n    ports: [any]\n"),
        "p",
    )?;
    assert_eq!(plan.rules[0].from, Peer::Zone("unmanaged".into()));
    Ok(())
}

#[test]
fn ports_are_required_and_well_formed() -> TestResult {
    let cases = [
        (
            "",
            "plan.yaml:10: field rules[0]: expected the required key ports, found none",
        ),
        (
            "    ports: []\n",
            "plan.yaml:12: field rules[0].ports: expected at least one port, found an empty list",
        ),
        (
            "    ports: [tcp/443, 443]\n",
            "plan.yaml:12: field rules[0].ports[1]: expected a port: tcp/N, udp/N, sctp/N, tcp/N-M, icmp, icmpv6 or any, found \"443\"",
        ),
        (
            "    ports: [tcp/70000]\n",
            "plan.yaml:12: field rules[0].ports[0]: expected a port: tcp/N, udp/N, sctp/N, tcp/N-M, icmp, icmpv6 or any, found \"tcp/70000\", a port above 65535",
        ),
        (
            "    ports: [tcp/9000-8000]\n",
            "plan.yaml:12: field rules[0].ports[0]: expected a port: tcp/N, udp/N, sctp/N, tcp/N-M, icmp, icmpv6 or any, found \"tcp/9000-8000\", a range that runs backwards",
        ),
        (
            "    ports:\n      - icmp/8\n",
            "plan.yaml:13: field rules[0].ports[0]: expected a port",
        ),
        (
            "    ports: [gre/1]\n",
            "plan.yaml:12: field rules[0].ports[0]: expected a port",
        ),
        (
            "    ports: [tcp/]\n",
            "plan.yaml:12: field rules[0].ports[0]: expected a port: tcp/N, udp/N, sctp/N, tcp/N-M, icmp, icmpv6 or any, found \"tcp/\"",
        ),
        (
            "    ports: tcp/443\n",
            "plan.yaml:12: field rules[0].ports: expected a sequence, found string \"tcp/443\"",
        ),
    ];
    for (ports, start) in cases {
        refused(
            &with_rules(&format!("  - from: any\n    to: any\n{ports}")),
            start,
        )?;
    }
    let error = error_of(&with_rules(
        "  - from: any\n    to: any\n    ports: [443]\n",
    ))?;
    assert_eq!(
        error.hint.as_deref(),
        Some("a port needs its protocol: tcp/443 or udp/443")
    );
    Ok(())
}

#[test]
fn rule_names_are_unique_and_not_another_rules_number() -> TestResult {
    let rule = |name: &str| format!("  - {name}from: any\n    to: any\n    ports: [any]\n");
    refused(
        &with_rules(&(rule("name: a\n    ") + &rule("name: a\n    "))),
        "plan.yaml:14: field rules[1].name: expected a unique rule name, found \"a\" used twice \
         (first on line 10)",
    )?;
    refused(
        &with_rules(&(rule("") + &rule("name: rule-1\n    "))),
        "plan.yaml:13: field rules[1].name: expected a rule name unlike the implicit name of an \
         unnamed rule, found \"rule-1\", the name unnamed rule 1 goes by",
    )?;
    refused(
        &with_rules(&rule("name: \"\"\n    ")),
        "plan.yaml:10: field rules[0].name: expected a rule name, found an empty name",
    )?;
    // Its own number, a named rule's number and a number past the end are fine.
    let plan = parse_plan(
        &with_rules(
            &(rule("name: rule-1\n    ")
                + &rule("name: rule-1x\n    ")
                + &rule("name: rule-9\n    ")),
        ),
        "p",
    )?;
    assert_eq!(plan.rule_name(2), "rule-9");
    Ok(())
}

#[test]
fn errors_render_with_file_line_field_and_hint() -> TestResult {
    let error = error_of(&format!("{ZONES}      - cidr: 10.0.0.1/8\n"))?;
    assert_eq!(
        error.to_string(),
        "plan.yaml:9: field zones[1].members[1].cidr: expected a CIDR such as 10.40.20.0/24, \
         found \"10.0.0.1/8\", which has host bits set\n  hint: did you mean 10.0.0.0/8?"
    );
    Ok(())
}
