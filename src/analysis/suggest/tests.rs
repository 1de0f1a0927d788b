//! The draft's guarantees on random estates, and its choices on small hand-built ones.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;
use proptest::prelude::*;

use super::baseline::PLATFORM_ZONE;
use super::{Granularity, suggest};
use crate::analysis::resolve::{ResolvedEstate, resolve_estate};
use crate::analysis::simulate::simulate;
use crate::analysis::zones::assign_zones;
use crate::export::plan_yaml::plan_to_yaml;
use crate::ingest::plan::parse_plan;
use crate::model::plan::{Peer, Plan, PortSpec, Selector, Sensitivity};
use crate::model::{
    Attribute, EdgeKey, EdgeStats, Estate, HintId, Protocol, SourceKind, SourceSet, WorkloadKind,
    WorkloadRecord,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const T0: i64 = 1_763_366_400;

fn v4(n: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(n))
}

fn record(
    name: &str,
    kind: WorkloadKind,
    address: IpAddr,
    attrs: &[(Attribute, &str)],
) -> WorkloadRecord {
    let mut record = WorkloadRecord {
        name: name.into(),
        kind: Some(kind),
        addresses: vec![IpNet::from(address)],
        ..WorkloadRecord::default()
    };
    if kind.is_kubernetes() {
        record.namespace = name.split('/').next().map(str::to_string);
    }
    for &(attribute, value) in attrs {
        record.set_attribute(attribute, value);
    }
    record
}

fn edge(estate: &mut Estate, client: IpAddr, server: IpAddr, port: u16, protocol: u8, ok: bool) {
    let key = EdgeKey {
        client,
        server,
        port,
        protocol: Protocol(protocol),
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let stats = EdgeStats {
        records: 7,
        accepted: if ok { 7 } else { 0 },
        rejected: if ok { 0 } else { 7 },
        first_seen: Some(T0),
        last_seen: Some(T0 + 3600),
        sources: SourceSet::of(SourceKind::AwsVpc),
        ..EdgeStats::default()
    };
    estate.edges.push((key, stats));
}

/// The zone the draft meant for each workload: the zone whose unit selectors came from it.
fn check_guarantees(estate: &ResolvedEstate, plan: &Plan) -> Result<(), String> {
    let zones = assign_zones(plan, estate);
    let simulation = simulate(plan, estate, &zones);
    if simulation.denied != 0 {
        return Err(format!("{} observed flows denied", simulation.denied));
    }
    let unassigned = zones.unassigned();
    if let Some(w) = zones.workload_zone.iter().position(|&z| z == unassigned) {
        return Err(format!("{} is unassigned", estate.workloads[w].name));
    }
    let text = plan_to_yaml(plan);
    let parsed = parse_plan(&text, "draft.yaml").map_err(|e| format!("{e}\n{text}"))?;
    if &parsed != plan {
        return Err("the draft does not round-trip through its YAML".into());
    }
    let names: BTreeSet<String> = (0..plan.rules.len()).map(|r| plan.rule_name(r)).collect();
    if names.len() != plan.rules.len() {
        return Err("rule names repeat".into());
    }
    Ok(())
}

/// A random estate: hosts, instances and pods of a few apps and tiers, some without either,
/// and flows between them and unresolved addresses on assorted protocols and ports.
fn random_estate() -> impl Strategy<Value = Estate> {
    let workload = (0u8..4, 0u8..5, 0u8..4, 0u8..5);
    let flow = (0usize..40, 0usize..40, 0u8..8, 0u8..6, any::<bool>());
    (
        prop::collection::vec(workload, 1..24),
        prop::collection::vec(flow, 0..80),
    )
        .prop_map(|(workloads, flows)| {
            let apps = ["", "shop", "crm", "dns"];
            let tiers = ["", "web", "app", "data", "infra"];
            let classes = ["", "restricted", "confidential", "public"];
            let kinds = [
                WorkloadKind::Host,
                WorkloadKind::Instance,
                WorkloadKind::Deployment,
                WorkloadKind::StatefulSet,
                WorkloadKind::Host,
            ];
            let mut estate = Estate::default();
            let mut addresses = Vec::new();
            for (i, (app, tier, class, kind)) in workloads.into_iter().enumerate() {
                let kind = kinds[kind as usize];
                let name = if kind.is_kubernetes() {
                    format!("ns{}/w{i}", i % 2)
                } else {
                    format!("w{i}")
                };
                let address = v4(0x0a00_0000 + i as u32 + 1);
                addresses.push(address);
                let attrs = [
                    (Attribute::App, apps[app as usize]),
                    (Attribute::Tier, tiers[tier as usize]),
                    (Attribute::DataClass, classes[class as usize]),
                ];
                estate
                    .workloads
                    .push((1, record(&name, kind, address, &attrs)));
            }
            // Endpoints past the workloads are unresolved: private, public, link-local.
            let extra = [
                v4(0x0a09_0909),
                v4(0xcb00_7105),
                v4(0xa9fe_a9fe),
                v4(0xc0a8_0101),
            ];
            let endpoint = |i: usize| -> IpAddr {
                addresses.get(i).copied().unwrap_or(extra[i % extra.len()])
            };
            let ports = [
                (6, 443),
                (6, 5432),
                (17, 53),
                (6, 53),
                (17, 123),
                (6, 80),
                (1, 0),
                (47, 0),
            ];
            for (c, s, port, _, ok) in flows {
                let (protocol, port) = ports[port as usize];
                edge(&mut estate, endpoint(c), endpoint(s), port, protocol, ok);
            }
            estate
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the estate: every workload in a zone, no observed accepted flow denied, and a
    /// plan that applies as written.
    #[test]
    fn a_draft_zones_everything_denies_nothing_and_applies(estate in random_estate()) {
        let estate = resolve_estate(&estate);
        for granularity in [Granularity::Zone, Granularity::App] {
            let draft = suggest(&estate, granularity);
            if let Err(problem) = check_guarantees(&estate, &draft.plan) {
                prop_assert!(false, "{granularity:?}: {problem}");
            }
        }
    }
}

/// Two applications of three tiers each, a resolver, a monitoring host that scrapes everything,
/// and a cloud instance.
fn shops() -> Estate {
    let mut estate = Estate::default();
    let mut n = 0;
    let mut add = |estate: &mut Estate, name: &str, kind, attrs: &[(Attribute, &str)]| {
        n += 1;
        let address = v4(0x0a00_0000 + n);
        estate
            .workloads
            .push((1, record(name, kind, address, attrs)));
        address
    };
    use Attribute::{App, Criticality, DataClass, Owner, Tier};
    let mut stacks = Vec::new();
    for app in ["shop", "crm"] {
        let web = add(
            &mut estate,
            &format!("{app}-web"),
            WorkloadKind::Host,
            &[(App, app), (Tier, "web")],
        );
        let api = add(
            &mut estate,
            &format!("{app}-api"),
            WorkloadKind::Host,
            &[(App, app), (Tier, "app")],
        );
        let db = add(
            &mut estate,
            &format!("{app}-db"),
            WorkloadKind::Host,
            &[
                (App, app),
                (Tier, "data"),
                (DataClass, "restricted"),
                (Owner, "dba"),
            ],
        );
        stacks.push((web, api, db));
    }
    let dns = add(
        &mut estate,
        "dns-01",
        WorkloadKind::Host,
        &[(App, "dns"), (Tier, "infra"), (Criticality, "high")],
    );
    let monitor = add(
        &mut estate,
        "mon-01",
        WorkloadKind::Host,
        &[(App, "monitoring"), (Tier, "mgmt")],
    );
    let cloud = add(
        &mut estate,
        "i-0cloud",
        WorkloadKind::Instance,
        &[(App, "batch")],
    );
    for &(web, api, db) in &stacks {
        edge(&mut estate, web, api, 8443, 6, true);
        edge(&mut estate, api, db, 5432, 6, true);
        edge(&mut estate, api, dns, 53, 17, true);
        for target in [web, api, db] {
            edge(&mut estate, monitor, target, 9100, 6, true);
        }
    }
    for target in [dns, cloud] {
        edge(&mut estate, monitor, target, 9100, 6, true);
    }
    edge(&mut estate, v4(0xcb00_7105), stacks[0].0, 443, 6, true);
    estate
}

fn zone_of<'a>(plan: &'a Plan, estate: &ResolvedEstate, workload: &str) -> &'a str {
    let zones = assign_zones(plan, estate);
    let w = estate
        .workloads
        .iter()
        .position(|w| w.name == workload)
        .unwrap_or_else(|| unreachable!());
    plan.zones
        .get(zones.workload_zone[w] as usize)
        .map_or("", |z| z.name.as_str())
}

#[test]
fn zones_follow_tiers_and_hubs_stand_alone() -> TestResult {
    let estate = resolve_estate(&shops());
    let draft = suggest(&estate, Granularity::Zone);
    check_guarantees(&estate, &draft.plan)?;
    let plan = &draft.plan;
    // Tiers never share a zone; the data tier is critical by its data class.
    assert_ne!(
        zone_of(plan, &estate, "shop-web"),
        zone_of(plan, &estate, "shop-db")
    );
    assert_ne!(
        zone_of(plan, &estate, "shop-api"),
        zone_of(plan, &estate, "shop-db")
    );
    let data = plan
        .zone(zone_of(plan, &estate, "shop-db"))
        .ok_or("no data zone")?;
    assert_eq!(data.sensitivity, Sensitivity::Critical);
    // The monitoring host calls every other unit: a zone of its own, named after it.
    assert_eq!(zone_of(plan, &estate, "mon-01"), "monitoring-mgmt");
    // Every suggested zone denies within itself; descriptions say why.
    for zone in plan.zones.iter().filter(|z| z.name != PLATFORM_ZONE) {
        assert_eq!(zone.intra_zone, Some(crate::model::plan::Policy::Deny));
        assert!(
            zone.description
                .as_deref()
                .is_some_and(|d| d.contains("workload"))
        );
    }
    // Rules are proposed, carry evidence, and the data tier's rule names its owner.
    for rule in &plan.rules {
        assert_eq!(rule.status, crate::model::plan::RuleStatus::Proposed);
    }
    let to_db = plan
        .rules
        .iter()
        .find(|r| {
            r.ports
                == [PortSpec::Range {
                    protocol: 6,
                    first: 5432,
                    last: 5432,
                }]
        })
        .ok_or("no rule for the databases")?;
    assert_eq!(to_db.owner.as_deref(), Some("dba"));
    let evidence = to_db.evidence.as_ref().ok_or("no evidence")?;
    assert_eq!(evidence.records, Some(7));
    assert_eq!(evidence.first_seen.as_deref(), Some("2025-11-17T08:00:00Z"));
    assert_eq!(evidence.sources, ["aws-vpc"]);
    Ok(())
}

#[test]
fn baseline_services_reach_every_zone_that_needs_them() -> TestResult {
    let estate = resolve_estate(&shops());
    let draft = suggest(&estate, Granularity::App);
    let plan = &draft.plan;
    let baseline: Vec<_> = plan.rules.iter().filter(|r| r.baseline).collect();
    let dns = Peer::Selector(Selector::Labels(
        [("app", "dns"), ("tier", "infra")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    ));
    // DNS towards the resolver from every zone with hosts, seen or not, on both protocols.
    let web_zone = zone_of(plan, &estate, "crm-web");
    let to_dns = baseline
        .iter()
        .find(|r| r.to == dns && r.from == Peer::Zone(web_zone.to_string()))
        .ok_or("no DNS rule for the web zone")?;
    assert_eq!(to_dns.ports.len(), 2);
    assert!(
        to_dns.evidence.is_none(),
        "the web tier was never seen asking"
    );
    // The cloud instance gets the platform zone: resolver, time and metadata.
    let cloud_zone = zone_of(plan, &estate, "i-0cloud");
    let platform = baseline
        .iter()
        .find(|r| {
            r.from == Peer::Zone(cloud_zone.to_string()) && r.to == Peer::Zone(PLATFORM_ZONE.into())
        })
        .ok_or("no platform rule")?;
    assert_eq!(platform.ports.len(), 4);
    let platform_zone = plan.zone(PLATFORM_ZONE).ok_or("no platform zone")?;
    assert!(
        platform_zone
            .members
            .contains(&Selector::Cidr("169.254.169.254/32".parse()?))
    );
    // Hosts without instances get no platform rule.
    assert!(
        !baseline
            .iter()
            .any(|r| r.from == Peer::Zone(web_zone.to_string())
                && r.to == Peer::Zone(PLATFORM_ZONE.into()))
    );
    Ok(())
}

#[test]
fn app_granularity_names_units_and_zone_granularity_names_cohesive_zones() -> TestResult {
    let estate = resolve_estate(&shops());
    let by_zone = suggest(&estate, Granularity::Zone).plan;
    let by_app = suggest(&estate, Granularity::App).plan;
    let internet = |plan: &Plan| -> Vec<Peer> {
        plan.rules
            .iter()
            .filter(|r| r.from == Peer::Zone("internet".into()))
            .map(|r| r.to.clone())
            .collect()
    };
    let shop_web = Peer::Selector(Selector::Labels(
        [("app", "shop"), ("tier", "web")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    ));
    assert_eq!(internet(&by_app), [shop_web]);
    let web_zone = zone_of(&by_zone, &estate, "shop-web").to_string();
    let cohesive = by_zone.zones.iter().any(|z| {
        z.name == web_zone
            && z.description
                .as_deref()
                .is_some_and(|d| d.contains("community"))
    });
    let expected = if cohesive {
        Peer::Zone(web_zone)
    } else {
        internet(&by_app)[0].clone()
    };
    assert_eq!(internet(&by_zone), [expected]);
    Ok(())
}

#[test]
fn an_empty_estate_gives_an_empty_draft() {
    let draft = suggest(&ResolvedEstate::default(), Granularity::Zone);
    assert!(draft.plan.zones.is_empty() && draft.plan.rules.is_empty());
}
