//! Zones, simulation and blast radius on the small hand-checked estate, with a plan worked out
//! by hand (the comments give the reasoning for every expected value).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use blastwall::analysis::blast::{Blast, Mode};
use blastwall::analysis::simulate::{Verdict, simulate};
use blastwall::analysis::zones::assign_zones;
use blastwall::analysis::{ResolvedEstate, ServiceEdge};
use blastwall::model::plan::{
    Defaults, Peer, Plan, Policy, PortSpec, Rule, RuleStatus, Selector, Sensitivity, Zone,
};
use blastwall::ops::{self, ImportOptions, ImportProgress};
use blastwall::store::Workspace;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn estate() -> Result<ResolvedEstate, Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/estate-small");
    let paths: Vec<PathBuf> = vec![root.join("inventory"), root.join("flows")];
    let mut workspace = Workspace::in_memory()?;
    ops::import_paths(
        &mut workspace,
        &paths,
        ImportOptions::default(),
        &ImportProgress::default(),
    )?;
    Ok(ops::load_resolved(&workspace)?)
}

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

fn rule(name: Option<&str>, from: Peer, to: Peer, ports: Vec<PortSpec>, enabled: bool) -> Rule {
    Rule {
        name: name.map(str::to_string),
        from,
        to,
        ports,
        justification: None,
        owner: None,
        status: RuleStatus::Approved,
        enabled,
        baseline: false,
        note: None,
        evidence: None,
    }
}

fn tcp(port: u16) -> PortSpec {
    PortSpec::Range {
        protocol: 6,
        first: port,
        last: port,
    }
}

fn plan() -> Plan {
    let tier = BTreeMap::from([("tier".to_string(), "data".to_string())]);
    Plan {
        defaults: Defaults {
            east_west: Policy::Deny,
            intra_zone: Policy::Allow,
        },
        zones: vec![
            zone("data", Sensitivity::Critical, vec![Selector::Labels(tier)]),
            zone(
                "k8s",
                Sensitivity::Medium,
                ["web", "payments", "kube-system"]
                    .iter()
                    .map(|n| Selector::Namespace(n.to_string()))
                    .collect(),
            ),
            zone(
                "apps",
                Sensitivity::High,
                vec![
                    Selector::App("billing".into()),
                    Selector::Cidr("10.0.12.0/24".parse().unwrap_or_else(|_| unreachable!())),
                ],
            ),
        ],
        rules: vec![
            rule(
                Some("apps-to-data"),
                Peer::Zone("apps".into()),
                Peer::Zone("data".into()),
                vec![tcp(5432)],
                true,
            ),
            rule(
                Some("frontend-to-api"),
                Peer::Selector(Selector::Namespace("web".into())),
                Peer::Selector(Selector::App("payments-api".into())),
                vec![tcp(8443)],
                true,
            ),
            rule(
                None,
                Peer::Any,
                Peer::Zone("k8s".into()),
                vec![PortSpec::Range {
                    protocol: 17,
                    first: 53,
                    last: 53,
                }],
                true,
            ),
            rule(
                Some("unused-rdp"),
                Peer::Zone("internet".into()),
                Peer::Zone("data".into()),
                vec![tcp(3389)],
                true,
            ),
            rule(
                Some("disabled-ssh"),
                Peer::Any,
                Peer::Any,
                vec![PortSpec::Any],
                false,
            ),
        ],
        phases: Vec::new(),
        guardrails: Vec::new(),
    }
}

#[test]
fn zones_take_the_first_matching_member() -> TestResult {
    let estate = estate()?;
    let zones = assign_zones(&plan(), &estate);
    let of = |name: &str| {
        estate
            .workloads
            .iter()
            .position(|w| w.name == name)
            .map(|i| zones.name(zones.workload_zone[i]).to_string())
    };
    // tier=data (an attribute label) → data; namespaces → k8s; app billing or 10.0.12.0/24 → apps.
    for (workload, expected) in [
        ("db-01", "data"),
        ("pay-db-01", "data"),
        ("app-01", "apps"),
        ("api-01", "apps"),
        ("i-0aaaaaaaaaaaaaaa3", "apps"),
        ("kube-system/coredns", "k8s"),
        ("web/frontend", "k8s"),
        ("payments/payments-api", "k8s"),
        ("batch/report-job", "unassigned"),
    ] {
        assert_eq!(of(workload).as_deref(), Some(expected), "{workload}");
    }
    let address = |a: &str| {
        a.parse()
            .ok()
            .and_then(|a| zones.address_zone.get(&a))
            .map(|&z| zones.name(z).to_string())
    };
    assert_eq!(
        address("10.0.12.10").as_deref(),
        Some("apps"),
        "a cidr member claims unresolved addresses"
    );
    assert_eq!(address("10.1.0.2").as_deref(), Some("unmanaged"));
    assert_eq!(address("198.51.100.9").as_deref(), Some("internet"));
    Ok(())
}

#[test]
fn simulation_counts_and_denied_edges() -> TestResult {
    let estate = estate()?;
    let plan = plan();
    let zones = assign_zones(&plan, &estate);
    let sim = simulate(&plan, &estate, &zones);
    // 14 service edges, 3 only ever rejected (the ICMP probe, the SSH scan, the dropped pod).
    assert_eq!((sim.evaluated, sim.already_blocked), (11, 3));
    // Allowed: apps→data on 5432 twice (rule), two internet→internet (intra-zone default), two
    // k8s→k8s (intra-zone). Denied: unmanaged→data 5432, app-01→unmanaged DNS and syslog,
    // app-01→db-01 ICMP (the rule says tcp/5432), frontend→internet ICMPv6 (east-west deny).
    assert_eq!((sim.allowed, sim.denied), (6, 5));
    let label = |e: &ServiceEdge| {
        (
            estate.endpoint_label(e.client),
            estate.endpoint_label(e.server),
            e.port,
        )
    };
    let mut denied: Vec<(String, String, u16)> = estate
        .service_edges
        .iter()
        .zip(&sim.verdicts)
        .filter(|(_, v)| **v == Verdict::Denied)
        .map(|(e, _)| label(e))
        .collect();
    denied.sort();
    let expected: Vec<(String, String, u16)> = [
        ("10.0.77.7", "pay-db-01", 5432),
        ("app-01", "10.1.0.2", 53),
        ("app-01", "10.1.9.40", 514),
        ("app-01", "db-01", 0),
        ("web/frontend", "2001:db8:ff::10", 0),
    ]
    .iter()
    .map(|(a, b, p)| (a.to_string(), b.to_string(), *p))
    .collect();
    assert_eq!(denied, expected);
    // Rules count every evaluated edge they match, even where the defaults already allow it.
    assert_eq!(sim.rule_edges, vec![2, 1, 1, 0, 0]);
    let unused: Vec<String> = sim
        .unused_rules(&plan)
        .into_iter()
        .map(|r| plan.rule_name(r))
        .collect();
    assert_eq!(
        unused,
        ["unused-rdp"],
        "disabled rules are not unused, they are ignored"
    );
    assert_eq!(plan.rule_name(2), "rule-3");
    Ok(())
}

fn names(estate: &ResolvedEstate, path: &[u32]) -> Vec<String> {
    path.iter()
        .map(|&w| estate.workloads[w as usize].name.clone())
        .collect()
}

#[test]
fn blast_radius_in_each_mode() -> TestResult {
    let estate = estate()?;
    let plan = plan();
    let zones = assign_zones(&plan, &estate);
    let blast = Blast::new(&plan, &estate, &zones);
    let index = |name: &str| {
        estate
            .workloads
            .iter()
            .position(|w| w.name == name)
            .map(|i| i as u32)
            .ok_or("workload")
    };
    let app = index("app-01")?;

    // Observed: app-01 only ever talked to db-01 (a crown jewel: critical zone).
    let observed = blast.reach(app, Mode::Observed);
    assert_eq!((observed.reachable, observed.hops), (1, 1));
    assert_eq!(observed.crown_jewels.len(), 1);
    assert_eq!(
        names(&estate, &observed.crown_jewels[0].path),
        ["app-01", "db-01"]
    );

    // Planned: the rest of apps (intra-zone), data (apps-to-data), k8s (rule-3 from any).
    let planned = blast.reach(app, Mode::Planned);
    assert_eq!((planned.reachable, planned.hops), (7, 1));
    let zones_reached = blast.zone_counts(&planned);
    assert_eq!(zones_reached.get("apps"), Some(&2));
    assert_eq!(zones_reached.get("data"), Some(&2));
    assert_eq!(zones_reached.get("k8s"), Some(&3));
    let jewels: Vec<Vec<String>> = planned
        .crown_jewels
        .iter()
        .map(|j| names(&estate, &j.path))
        .collect();
    assert_eq!(
        jewels,
        [vec!["app-01", "db-01"], vec!["app-01", "pay-db-01"]]
    );

    // The observed-only pod is unassigned; only rule-3 (any → k8s DNS) lets it out.
    let pod = index("batch/report-job")?;
    assert_eq!(blast.reach(pod, Mode::Planned).reachable, 3);
    assert_eq!(
        blast.reach(pod, Mode::Observed).reachable,
        0,
        "its only flow was dropped"
    );

    let flat = blast.reach(app, Mode::Flat);
    assert_eq!((flat.reachable, flat.hops), (8, 1));

    let ranking = blast.planned_ranking();
    assert_eq!(ranking.len(), 9);
    assert!(
        ranking.windows(2).all(|w| w[0].1 >= w[1].1),
        "largest reach first"
    );
    Ok(())
}

#[test]
fn planned_paths_take_the_first_names_among_shortest_paths() -> TestResult {
    // No rule leads from k8s to data. Add one from k8s to apps: data is then two hops from
    // frontend, through any of three apps workloads, and the tie-break picks the first by name.
    let estate = estate()?;
    let mut plan = plan();
    plan.rules.push(rule(
        Some("k8s-to-apps"),
        Peer::Zone("k8s".into()),
        Peer::Zone("apps".into()),
        vec![tcp(443)],
        true,
    ));
    let zones = assign_zones(&plan, &estate);
    let blast = Blast::new(&plan, &estate, &zones);
    let frontend = estate
        .workloads
        .iter()
        .position(|w| w.name == "web/frontend")
        .ok_or("frontend")? as u32;
    let reach = blast.reach(frontend, Mode::Planned);
    // Hop 1: k8s (intra) and apps (k8s-to-apps); hop 2: data, through apps.
    assert_eq!(reach.hops, 2);
    let to_db: Vec<String> = reach
        .crown_jewels
        .iter()
        .find(|j| estate.workloads[j.workload as usize].name == "db-01")
        .map(|j| names(&estate, &j.path))
        .ok_or("db-01 in reach")?;
    // api-01, app-01 and i-0… all lead to data; api-01 comes first by name.
    assert_eq!(to_db, ["web/frontend", "api-01", "db-01"]);
    Ok(())
}
