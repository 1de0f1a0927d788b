//! cidr-on-dynamic, mixed-zone, zone-without-dns.

use super::*;

#[test]
fn cidr_selectors_on_pods_and_autoscaled_instances() -> TestResult {
    let findings = run(
        &estate(),
        "zones:\n\
         - {name: k8s, members: [{cidr: 10.244.0.0/16}, {namespace: web}]}\n\
         - {name: hosts, members: [{cidr: 10.0.1.0/24}]}\n\
         rules:\n\
         - {name: asg-out, from: {cidr: 10.0.5.0/24}, to: {cidr: 10.0.1.1/32}, ports: [tcp/443]}\n\
         - {name: both, from: {cidr: 10.0.0.0/8}, to: {zone: hosts}, ports: [tcp/443]}\n\
         - {name: off, from: {cidr: 10.244.0.0/16}, to: any, ports: [tcp/443], enabled: false}\n",
    )?;
    assert_eq!(
        subjects(&findings, "cidr-on-dynamic"),
        ["k8s", "asg-out", "both"]
    );
    assert_eq!(
        message(&findings, "cidr-on-dynamic", "k8s"),
        "member {cidr: 10.244.0.0/16} matches 1 Kubernetes workload, whose addresses change (web/frontend)"
    );
    assert_eq!(
        message(&findings, "cidr-on-dynamic", "asg-out"),
        "from: {cidr: 10.0.5.0/24} matches 1 autoscaled instance, whose addresses change (i-0asg)"
    );
    assert_eq!(
        message(&findings, "cidr-on-dynamic", "both"),
        "from: {cidr: 10.0.0.0/8} matches 1 Kubernetes workload and 1 autoscaled instance, whose addresses change (i-0asg and web/frontend)"
    );
    let hint = &findings
        .iter()
        .find(|f| f.kind == "cidr-on-dynamic")
        .ok_or("a finding")?
        .hint;
    assert!(
        hint.contains("namespace, service_account, labels or app"),
        "{hint}"
    );
    Ok(())
}

#[test]
fn a_zone_mixing_tiers_or_apps_behind_intra_zone_allow() -> TestResult {
    let findings = run(
        &estate(),
        "zones:\n\
         - {name: shop, members: [{app: shop}]}\n\
         - {name: web, members: [{labels: {tier: web}}]}\n\
         - {name: mixed-but-walled, intra_zone: deny, members: [{app: dns}, {namespace: web}, {cidr: 10.0.0.0/8}]}\n",
    )?;
    assert_eq!(subjects(&findings, "mixed-zone"), ["shop"]);
    assert_eq!(
        message(&findings, "mixed-zone", "shop"),
        "3 workloads with intra-zone allow span 3 tiers (app 1, data 1 and web 1)"
    );
    let both = run(
        &estate(),
        "zones: [{name: all, members: [{cidr: 10.0.0.0/8}]}]\n",
    )?;
    assert_eq!(
        message(&both, "mixed-zone", "all"),
        "6 workloads with intra-zone allow span 4 tiers (web 2, app 1, data 1 and 1 more) and 2 apps (shop 3 and dns 1)"
    );
    Ok(())
}

#[test]
fn workloads_no_rule_lets_resolve_names() -> TestResult {
    let web = "zones: [{name: web, members: [{labels: {tier: web}}]}]\n";
    let findings = run(&estate(), web)?;
    assert_eq!(
        message(&findings, "zone-without-dns", "web"),
        "2 of 2 workloads are on the from side of no enabled rule allowing udp/53 (i-0asg and web-01): under enforcement they cannot resolve names"
    );
    let one = run(
        &estate(),
        &format!(
            "{web}rules: [{{from: {{workload: web-01}}, to: {{app: dns}}, ports: [udp/53-54]}}]\n"
        ),
    )?;
    assert!(message(&one, "zone-without-dns", "web").starts_with("1 of 2 workloads"));
    let all = run(
        &estate(),
        &format!("{web}rules: [{{from: {{zone: web}}, to: any, ports: [tcp/53, any]}}]\n"),
    )?;
    assert!(subjects(&all, "zone-without-dns").is_empty());
    let flat = run(&estate(), &format!("defaults: {{east_west: allow}}\n{web}"))?;
    assert!(subjects(&flat, "zone-without-dns").is_empty());
    Ok(())
}

#[test]
fn a_zone_with_its_own_resolver_needs_no_dns_rule_unless_it_is_walled_inside() -> TestResult {
    let open = run(
        &estate(),
        "zones: [{name: infra, members: [{app: dns}, {app: shop}]}, {name: empty, members: [{app: none}]}]\n",
    )?;
    assert!(subjects(&open, "zone-without-dns").is_empty());
    let walled = run(
        &estate(),
        "zones: [{name: infra, intra_zone: deny, members: [{app: dns}, {app: shop}]}]\n",
    )?;
    assert_eq!(subjects(&walled, "zone-without-dns"), ["infra"]);
    Ok(())
}
