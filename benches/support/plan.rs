//! The bench plan: a zone for card data, one per business domain, infrastructure, monitoring and
//! partners (40 zones); rules for the hubs, for the internet and partners to web tiers, for each
//! card-data application to its database, a few zone-to-zone rules, and dependencies between
//! applications of different domains until the rule budget is spent (one in a hundred disabled).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use blastwall::model::plan::{
    Defaults, Peer, Plan, Policy, PortSpec, Rule, RuleStatus, Selector, Sensitivity, Zone,
};

use super::estate::{DOMAINS, Layout, PARTNERS, ipv4};

fn zone(name: &str, sensitivity: Sensitivity, members: Vec<Selector>) -> Zone {
    Zone {
        name: name.into(),
        sensitivity,
        intra_zone: None,
        description: None,
        note: None,
        members,
    }
}

fn labels(pairs: &[(&str, &str)]) -> Selector {
    Selector::Labels(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    )
}

pub fn tcp(port: u16) -> PortSpec {
    PortSpec::Range {
        protocol: 6,
        first: port,
        last: port,
    }
}

pub fn udp(port: u16) -> PortSpec {
    PortSpec::Range {
        protocol: 17,
        first: port,
        last: port,
    }
}

pub fn rule(from: Peer, to: Peer, ports: Vec<PortSpec>) -> Rule {
    Rule {
        name: None,
        from,
        to,
        ports,
        justification: None,
        owner: None,
        status: RuleStatus::Approved,
        enabled: true,
        baseline: false,
        note: None,
        evidence: None,
    }
}

fn partners() -> IpNet {
    Ipv4Net::new(Ipv4Addr::from(PARTNERS), 24)
        .map_or_else(|_| IpNet::from(ipv4(PARTNERS)), IpNet::V4)
}

pub fn zones() -> Vec<Zone> {
    let mut zones = vec![zone(
        "pci-data",
        Sensitivity::Critical,
        vec![labels(&[("data_class", "pci")])],
    )];
    for d in 0..DOMAINS {
        let name = format!("d{d:02}");
        zones.push(zone(
            &format!("domain-{name}"),
            Sensitivity::Medium,
            vec![labels(&[("domain", &name)])],
        ));
    }
    zones.push(zone(
        "infra",
        Sensitivity::High,
        vec![Selector::App("infra".into())],
    ));
    zones.push(zone(
        "monitoring",
        Sensitivity::High,
        vec![Selector::App("monitoring".into())],
    ));
    zones.push(zone(
        "partners",
        Sensitivity::Low,
        vec![Selector::Cidr(partners())],
    ));
    zones
}

fn selector(pairs: &[(&str, &str)]) -> Peer {
    Peer::Selector(labels(pairs))
}

fn baseline_rules() -> Vec<Rule> {
    let mut rules = vec![
        rule(Peer::Any, selector(&[("role", "dns")]), vec![udp(53)]),
        rule(Peer::Any, selector(&[("role", "ntp")]), vec![udp(123)]),
        rule(Peer::Any, selector(&[("role", "logs")]), vec![tcp(6514)]),
        rule(Peer::Any, selector(&[("role", "ldap")]), vec![tcp(636)]),
        rule(Peer::Zone("monitoring".into()), Peer::Any, vec![tcp(9100)]),
        rule(Peer::Any, Peer::Zone("monitoring".into()), vec![tcp(10051)]),
        rule(
            Peer::Zone("internet".into()),
            selector(&[("tier", "web")]),
            vec![tcp(443)],
        ),
        rule(
            Peer::Selector(Selector::Cidr(partners())),
            selector(&[("tier", "web")]),
            vec![tcp(443), tcp(8443)],
        ),
    ];
    for r in &mut rules {
        r.baseline = true;
    }
    rules
}

/// The plan at about `budget` rules.
pub fn plan(layout: &Layout, budget: usize) -> Plan {
    let mut rules = baseline_rules();
    for app in layout.apps.iter().filter(|a| a.pci) {
        rules.push(rule(
            selector(&[("app", &app.name), ("tier", "app")]),
            selector(&[("app", &app.name), ("tier", "data")]),
            vec![tcp(5432), tcp(5433)],
        ));
    }
    for d in (0..DOMAINS).step_by(3) {
        rules.push(rule(
            Peer::Zone(format!("domain-d{d:02}")),
            Peer::Zone(format!("domain-d{:02}", (d + 1) % DOMAINS)),
            vec![tcp(8443)],
        ));
    }
    rules.truncate(budget);
    let mut seen = std::collections::HashSet::new();
    for &(a, b) in &layout.dependencies {
        if rules.len() >= budget {
            break;
        }
        let (client, server) = (&layout.apps[a], &layout.apps[b]);
        if client.domain == server.domain || !seen.insert((a, b)) {
            continue;
        }
        let mut r = rule(
            Peer::Selector(Selector::App(client.name.clone())),
            Peer::Selector(Selector::App(server.name.clone())),
            vec![tcp(8443)],
        );
        r.enabled = rules.len() % 100 != 50;
        rules.push(r);
    }
    Plan {
        defaults: Defaults {
            east_west: Policy::Deny,
            intra_zone: Policy::Allow,
        },
        zones: zones(),
        rules,
        phases: Vec::new(),
        guardrails: Vec::new(),
    }
}
