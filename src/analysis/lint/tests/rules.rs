//! undocumented-rule, shadowed-rule, unused-rule, rule-without-traffic, no-flows,
//! short-observation-window.

use super::*;

const OWNED: &str = "owner: team, justification: why";

#[test]
fn rules_without_owner_or_justification() -> TestResult {
    let findings = run(
        &estate(),
        &format!(
            "rules:\n\
             - {{name: bare, from: any, to: {{app: dns}}, ports: [udp/53]}}\n\
             - {{name: owned, from: any, to: {{app: dns}}, ports: [udp/53], owner: team}}\n\
             - {{name: blank, from: any, to: {{app: dns}}, ports: [udp/53], owner: \" \", justification: dns}}\n\
             - {{name: fine, from: any, to: {{app: dns}}, ports: [udp/53], {OWNED}}}\n\
             - {{name: off, from: any, to: {{app: dns}}, ports: [udp/53], enabled: false}}\n"
        ),
    )?;
    assert_eq!(
        subjects(&findings, "undocumented-rule"),
        ["bare", "owned", "blank"]
    );
    assert!(
        message(&findings, "undocumented-rule", "bare")
            .starts_with("no owner and no justification")
    );
    assert!(message(&findings, "undocumented-rule", "owned").starts_with("no justification:"));
    assert!(message(&findings, "undocumented-rule", "blank").starts_with("no owner:"));
    Ok(())
}

#[test]
fn a_narrower_rule_is_shadowed_and_the_broader_one_is_not() -> TestResult {
    let findings = run(
        &estate(),
        "rules:\n\
         - {name: narrow, from: {workload: web-01}, to: {workload: api-01}, ports: [tcp/8443]}\n\
         - {name: broad, from: {app: shop}, to: {app: shop}, ports: [tcp/8000-8499, tcp/8500-9000]}\n\
         - {name: other-port, from: {workload: web-01}, to: {workload: api-01}, ports: [tcp/8443, udp/53]}\n\
         - {name: ghost, from: {workload: gone-01}, to: {workload: api-01}, ports: [tcp/8443]}\n\
         - {name: off, from: any, to: any, ports: [any], enabled: false}\n",
    )?;
    assert_eq!(subjects(&findings, "shadowed-rule"), ["narrow"]);
    assert_eq!(
        message(&findings, "shadowed-rule", "narrow"),
        "everything it allows is also allowed by broad and other-port"
    );
    Ok(())
}

#[test]
fn of_two_identical_rules_only_the_later_is_shadowed() -> TestResult {
    let findings = run(
        &estate(),
        "rules:\n\
         - {name: first, from: {zone: web}, to: {app: shop}, ports: [tcp/443, tcp/444]}\n\
         - {name: second, from: {labels: {tier: web}}, to: {app: shop}, ports: [tcp/443-444]}\n\
         - {name: third, from: {zone: web}, to: {app: shop}, ports: [tcp/443-444]}\n\
         zones: [{name: web, members: [{labels: {tier: web}}]}]\n",
    )?;
    assert_eq!(subjects(&findings, "shadowed-rule"), ["second", "third"]);
    assert_eq!(
        message(&findings, "shadowed-rule", "third"),
        "everything it allows is also allowed by first and second"
    );
    Ok(())
}

#[test]
fn any_is_only_inside_any_and_ports_compare_per_protocol() -> TestResult {
    let findings = run(
        &estate(),
        "rules:\n\
         - {name: from-any, from: any, to: {app: dns}, ports: [udp/53]}\n\
         - {name: all-v4, from: {cidr: 0.0.0.0/0}, to: {app: dns}, ports: [udp/53, tcp/53]}\n\
         - {name: tcp-only, from: {app: shop}, to: {app: dns}, ports: [tcp/1-1000]}\n\
         - {name: any-port, from: {app: shop}, to: {app: dns}, ports: [any]}\n\
         - {name: udp-icmp, from: {app: shop}, to: {app: dns}, ports: [udp/53, icmp]}\n",
    )?;
    // 0.0.0.0/0 holds every endpoint of this estate, yet from-any is not inside all-v4: any is
    // only inside any. all-v4 is not inside from-any either (tcp/53), and udp-icmp sits inside
    // any-port, not inside all-v4 (icmp).
    assert_eq!(
        subjects(&findings, "shadowed-rule"),
        ["tcp-only", "udp-icmp"]
    );
    assert_eq!(
        message(&findings, "shadowed-rule", "tcp-only"),
        "everything it allows is also allowed by any-port"
    );
    let covered = message(&findings, "shadowed-rule", "udp-icmp");
    assert_eq!(covered, "everything it allows is also allowed by any-port");
    Ok(())
}

#[test]
fn unused_rules_and_rules_without_any_traffic() -> TestResult {
    // db-01 asked dns-01 once and was refused: an edge, though never an accepted one.
    let mut estate = estate();
    edge(
        &mut estate,
        "10.0.3.1",
        "10.0.4.1",
        53,
        Protocol::UDP,
        false,
    );
    let findings = run(
        &estate,
        "rules:\n\
         - {name: used, from: {workload: web-01}, to: {workload: api-01}, ports: [tcp/8443]}\n\
         - {name: wrong-port, from: {workload: web-01}, to: {workload: api-01}, ports: [tcp/22]}\n\
         - {name: backwards, from: {workload: db-01}, to: {workload: web-01}, ports: [tcp/22]}\n\
         - {name: blocked-only, from: {workload: db-01}, to: {workload: dns-01}, ports: [udp/53]}\n\
         - {name: off, from: {workload: db-01}, to: any, ports: [tcp/1], enabled: false}\n\
         - {name: ntp, from: {workload: db-01}, to: {workload: web-01}, ports: [udp/123], baseline: true}\n",
    )?;
    // The baseline rule saw no traffic either, and is exempt from both.
    assert_eq!(
        subjects(&findings, "unused-rule"),
        ["wrong-port", "backwards", "blocked-only"]
    );
    assert_eq!(subjects(&findings, "rule-without-traffic"), ["backwards"]);
    assert_eq!(
        message(&findings, "rule-without-traffic", "backwards"),
        "no observed edge, on any port, goes from its from side (1 endpoint) to its to side (1 endpoint)"
    );
    Ok(())
}

#[test]
fn no_flows_replaces_the_traffic_checks() -> TestResult {
    let mut quiet = estate();
    quiet.edges.clear();
    let rules = "rules: [{name: r, from: {app: shop}, to: {app: dns}, ports: [udp/53]}]\n";
    let findings = run(&quiet, rules)?;
    assert_eq!(subjects(&findings, "no-flows"), ["estate"]);
    assert_eq!(
        findings
            .iter()
            .find(|f| f.kind == "no-flows")
            .map(|f| f.subject),
        Some(Subject::Estate)
    );
    assert!(subjects(&findings, "rule-without-traffic").is_empty());
    assert!(subjects(&findings, "short-observation-window").is_empty());
    assert_eq!(subjects(&findings, "unused-rule"), ["r"]);
    assert!(subjects(&run(&quiet, "")?, "no-flows").is_empty());
    assert!(subjects(&run(&estate(), rules)?, "no-flows").is_empty());
    Ok(())
}

#[test]
fn the_observation_window_is_short_long_or_unknown() -> TestResult {
    let findings = run(&estate(), "")?;
    assert_eq!(
        message(&findings, "short-observation-window", "estate"),
        "observed flows span 6 hours (2025-11-17 08:00 UTC to 2025-11-17 14:00 UTC), less than the 7 days that show weekly jobs"
    );
    let mut week = estate();
    week.edges[0].1.last_seen = Some(T0 + 7 * 86_400);
    assert!(subjects(&run(&week, "")?, "short-observation-window").is_empty());
    let mut unknown = estate();
    for (_, stats) in &mut unknown.edges {
        (stats.first_seen, stats.last_seen) = (None, None);
    }
    let message = message(&run(&unknown, "")?, "short-observation-window", "estate");
    assert!(message.contains("window is unknown"), "{message}");
    Ok(())
}
