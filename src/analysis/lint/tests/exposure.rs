//! east-west-allow, any-to-any, any-port-any-peer, internet-to-critical, blind-spot-to-critical.

use super::*;

const DATA: &str =
    "zones: [{name: data, sensitivity: critical, members: [{labels: {tier: data}}]}]\n";

#[test]
fn east_west_allow_is_reported_on_the_defaults() -> TestResult {
    let flat = run(&estate(), "defaults: {east_west: allow}\n")?;
    assert_eq!(subjects(&flat, "east-west-allow"), ["defaults"]);
    assert_eq!(flat[0].subject, Subject::Defaults);
    let walled = run(
        &estate(),
        "defaults: {east_west: deny, intra_zone: allow}\n",
    )?;
    assert!(subjects(&walled, "east-west-allow").is_empty());
    Ok(())
}

#[test]
fn any_on_both_sides_is_any_to_any_and_not_also_any_port() -> TestResult {
    let findings = run(
        &estate(),
        "rules:\n\
         - {name: everything, from: any, to: any, ports: [any]}\n\
         - {name: ssh-anywhere, from: any, to: any, ports: [tcp/22]}\n\
         - {name: to-any-port, from: {app: shop}, to: any, ports: [tcp/443, any]}\n\
         - {name: from-any, from: any, to: {app: dns}, ports: [any]}\n\
         - {name: web-out, from: {app: shop}, to: any, ports: [tcp/443]}\n\
         - {name: off, from: any, to: any, ports: [any], enabled: false}\n",
    )?;
    assert_eq!(
        subjects(&findings, "any-to-any"),
        ["everything", "ssh-anywhere"]
    );
    assert_eq!(
        subjects(&findings, "any-port-any-peer"),
        ["to-any-port", "from-any"]
    );
    let message = message(&findings, "any-port-any-peer", "to-any-port");
    assert!(
        message.contains("to is any (from: {app: shop})"),
        "{message}"
    );
    Ok(())
}

#[test]
fn internet_to_critical_names_the_rules_that_open_it() -> TestResult {
    let findings = run(
        &estate(),
        &format!(
            "{DATA}rules:\n\
             - {{name: inet-db, from: {{zone: internet}}, to: {{zone: data}}, ports: [tcp/5432]}}\n\
             - {{name: wide-cidr, from: {{cidr: 0.0.0.0/0}}, to: {{app: shop}}, ports: [tcp/5432]}}\n\
             - {{name: private, from: {{cidr: 10.0.0.0/8}}, to: {{zone: data}}, ports: [tcp/5432]}}\n\
             - {{name: inet-web, from: {{zone: internet}}, to: {{workload: web-01}}, ports: [tcp/443]}}\n\
             - {{name: off, from: any, to: {{zone: data}}, ports: [tcp/22], enabled: false}}\n"
        ),
    )?;
    assert_eq!(subjects(&findings, "internet-to-critical"), ["data"]);
    assert_eq!(
        message(&findings, "internet-to-critical", "data"),
        "critical zone reachable from the internet in one step through rules inet-db and wide-cidr"
    );
    Ok(())
}

#[test]
fn internet_to_critical_through_east_west_allow_or_a_cidr_of_the_zone() -> TestResult {
    let flat = run(
        &estate(),
        &format!("defaults: {{east_west: allow}}\n{DATA}"),
    )?;
    let message = message(&flat, "internet-to-critical", "data");
    assert!(
        message.ends_with("through defaults.east_west: allow"),
        "{message}"
    );
    // A CIDR that selects only an unresolved address of the zone still reaches it.
    let spot = run(
        &estate(),
        "zones: [{name: vault, sensitivity: critical, members: [{cidr: 10.9.9.0/24}]}]\n\
         rules: [{name: in, from: any, to: {cidr: 10.9.9.9/32}, ports: [tcp/443]}]\n",
    )?;
    assert_eq!(subjects(&spot, "internet-to-critical"), ["vault"]);
    let safe = run(&estate(), DATA)?;
    assert!(subjects(&safe, "internet-to-critical").is_empty());
    Ok(())
}

#[test]
fn unmanaged_devices_talking_to_a_critical_zone_are_blind_spots() -> TestResult {
    let findings = run(&estate(), DATA)?;
    assert_eq!(
        message(&findings, "blind-spot-to-critical", "data"),
        "accepted traffic with 1 unmanaged address: 1 edge, 10 records (10.9.9.9)"
    );
    let high = run(
        &estate(),
        "zones: [{name: data, sensitivity: high, members: [{labels: {tier: data}}]}]\n",
    )?;
    assert!(subjects(&high, "blind-spot-to-critical").is_empty());
    // Only ever rejected, or claimed by a zone's CIDR: not a blind spot of the zone.
    let mut rejected = estate();
    rejected
        .edges
        .retain(|(key, _)| key.client != ip("10.9.9.9"));
    edge(
        &mut rejected,
        "10.9.9.9",
        "10.0.3.1",
        5432,
        Protocol::TCP,
        false,
    );
    assert!(subjects(&run(&rejected, DATA)?, "blind-spot-to-critical").is_empty());
    let claimed = run(
        &estate(),
        "zones:\n\
         - {name: data, sensitivity: critical, members: [{labels: {tier: data}}]}\n\
         - {name: lab, members: [{cidr: 10.9.0.0/16}]}\n",
    )?;
    assert!(subjects(&claimed, "blind-spot-to-critical").is_empty());
    Ok(())
}
