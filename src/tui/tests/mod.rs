//! Shared test fixtures: a small, hand-made resolved estate, and an app loaded with it.

mod config;
mod overlays;
mod screens;
mod themes;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use ratatui::layout::Size;

use crate::analysis::resolve::BlindSpotAddress;
use crate::analysis::{BlindSpot, Endpoint, ResolvedEdge, ResolvedEstate, ServiceEdge, Workload};
use crate::model::{
    Attribute, EdgeStats, NetworkKind, NetworkRef, Protocol, SourceKind, SourceSet, WorkloadKind,
};
use crate::tui::app::{App, AppEvent, LoadedEstate};
use crate::tui::ui::layout;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

fn workload(
    name: &str,
    kind: WorkloadKind,
    attributes: &[(Attribute, &str)],
    addresses: &[&str],
) -> Workload {
    let attributes: BTreeMap<Attribute, String> = attributes
        .iter()
        .map(|(a, v)| (*a, v.to_string()))
        .collect();
    let labels = attributes
        .iter()
        .map(|(a, v)| (a.label().to_string(), v.clone()))
        .collect();
    Workload {
        name: name.into(),
        kind,
        attributes,
        labels,
        pod_labels: BTreeMap::new(),
        addresses: addresses.iter().map(|a| IpNet::from(ip(a))).collect(),
        identity: None,
        networks: Vec::new(),
        namespace: None,
        observed_only: kind == WorkloadKind::Observed,
        records: 1,
    }
}

fn stats(records: u64, accepted: u64, bytes: u64, sources: &[SourceKind]) -> EdgeStats {
    let mut set = SourceSet::default();
    sources.iter().for_each(|s| set.insert(*s));
    EdgeStats {
        records,
        accepted,
        rejected: records - accepted,
        bytes,
        packets: bytes / 500,
        first_seen: Some(1_714_557_600),
        last_seen: Some(1_714_644_000 + records as i64),
        sources: set,
    }
}

fn workloads() -> Vec<Workload> {
    use Attribute::{App, Criticality, Env, Owner, Tier};
    let mut billing = workload(
        "billing/billing-api",
        WorkloadKind::Deployment,
        &[
            (App, "billing"),
            (Tier, "api"),
            (Env, "prod"),
            (Owner, "team-billing"),
        ],
        &["10.1.0.10", "10.1.0.11", "10.1.0.12"],
    );
    billing.identity = Some("billing/billing-api".into());
    billing.namespace = Some("billing".into());
    billing.networks = vec![NetworkRef::new(NetworkKind::Namespace, "billing")];
    billing.labels.insert("team".into(), "payments".into());
    let mut db = workload(
        "pay-db-01",
        WorkloadKind::Host,
        &[
            (App, "payments"),
            (Tier, "db"),
            (Env, "prod"),
            (Owner, "dba"),
            (Criticality, "high"),
        ],
        &["10.0.2.15"],
    );
    db.networks = vec![NetworkRef::new(NetworkKind::Vlan, "20")];
    let web = |name: &str, address: &str| {
        let mut w = workload(
            name,
            WorkloadKind::Instance,
            &[(App, "shop"), (Tier, "web"), (Env, "prod")],
            &[address],
        );
        w.networks = vec![NetworkRef::new(NetworkKind::Subnet, "subnet-0a1")];
        w
    };
    let mut cart = workload(
        "checkout/cart",
        WorkloadKind::Observed,
        &[(App, "cart")],
        &[],
    );
    cart.networks = vec![NetworkRef::new(NetworkKind::Namespace, "checkout")];
    vec![
        billing,
        db,
        web("web-01", "10.0.1.5"),
        web("web-02", "10.0.1.6"),
        cart,
    ]
}

/// Client, server, port, protocol, stats, and the address pairs behind it.
type Flow = (
    Endpoint,
    Endpoint,
    u16,
    Protocol,
    EdgeStats,
    Vec<(&'static str, &'static str)>,
);

fn flows() -> Vec<Flow> {
    use SourceKind::{AwsVpc, Hubble, Zeek};
    let w = Endpoint::Workload;
    let a = |text: &str| Endpoint::Address(ip(text));
    vec![
        (
            w(2),
            w(1),
            5432,
            Protocol::TCP,
            stats(1200, 1200, 3_400_000, &[AwsVpc, Zeek]),
            vec![("10.0.1.5", "10.0.2.15")],
        ),
        (
            w(3),
            w(1),
            5432,
            Protocol::TCP,
            stats(800, 800, 2_100_000, &[AwsVpc]),
            vec![("10.0.1.6", "10.0.2.15")],
        ),
        (
            w(0),
            w(1),
            5432,
            Protocol::TCP,
            stats(40, 0, 2400, &[Zeek]),
            vec![("10.1.0.10", "10.0.2.15"), ("10.1.0.11", "10.0.2.15")],
        ),
        (
            a("203.0.113.9"),
            w(2),
            443,
            Protocol::TCP,
            stats(5000, 5000, 12_500_000, &[AwsVpc]),
            vec![("203.0.113.9", "10.0.1.5")],
        ),
        (
            w(2),
            a("10.9.9.9"),
            53,
            Protocol::UDP,
            stats(300, 300, 30_000, &[Zeek]),
            vec![("10.0.1.5", "10.9.9.9")],
        ),
        (
            w(4),
            w(0),
            8080,
            Protocol::TCP,
            stats(150, 150, 90_000, &[Hubble]),
            vec![("10.2.0.7", "10.1.0.10")],
        ),
        (
            w(2),
            a("198.51.100.7"),
            0,
            Protocol::ICMP,
            stats(12, 0, 1000, &[AwsVpc]),
            vec![("10.0.1.5", "198.51.100.7")],
        ),
    ]
}

/// Five workloads, seven service edges, three blind spots.
pub fn estate() -> ResolvedEstate {
    let mut estate = ResolvedEstate {
        workloads: workloads(),
        ..ResolvedEstate::default()
    };
    for (client, server, port, protocol, stats, pairs) in flows() {
        let share = stats.records / pairs.len() as u64;
        for (c, s) in &pairs {
            let mut pair_stats = stats;
            pair_stats.records = share;
            estate.edges.push(ResolvedEdge {
                client: ip(c),
                server: ip(s),
                port,
                protocol,
                client_endpoint: client,
                server_endpoint: server,
                stats: pair_stats,
            });
        }
        let address_pairs = pairs.len() as u64;
        estate.service_edges.push(ServiceEdge {
            client,
            server,
            port,
            protocol,
            stats,
            address_pairs,
        });
    }
    estate.flow_records = estate.service_edges.iter().map(|e| e.stats.records).sum();
    let spot = |address: &str, class, network: Option<NetworkRef>, records| BlindSpotAddress {
        address: ip(address),
        class,
        network,
        records,
        edges: 1,
    };
    estate.blind_spots = vec![
        spot(
            "10.9.9.9",
            BlindSpot::Unmanaged,
            Some(NetworkRef::new(NetworkKind::Vlan, "99")),
            300,
        ),
        spot("198.51.100.7", BlindSpot::Internet, None, 12),
        spot("203.0.113.9", BlindSpot::Internet, None, 5000),
    ];
    estate
}

/// An app sized for a `width` × `height` terminal with `estate` loaded.
pub fn app_with(estate: ResolvedEstate, width: u16, height: u16) -> App {
    let mut app = App::new("/tmp/test.blastwall", None);
    app.set_commands(crate::tui::keymap::Keymap::default().commands());
    app.on_event(AppEvent::Viewport(layout::viewport(Size::new(
        width, height,
    ))));
    app.start();
    let loaded = LoadedEstate::new(Arc::new(estate));
    app.on_event(AppEvent::EstateLoaded {
        generation: app.load_generation,
        result: Ok(Box::new(loaded)),
    });
    app
}

/// The fixture app at 100 × 30.
pub fn app() -> App {
    app_with(estate(), 100, 30)
}

/// Three zones (web, data — critical —, billing), the cart unassigned, one rule: web → data on
/// tcp/5432.
pub fn plan() -> crate::model::plan::Plan {
    use crate::model::plan::{Peer, Plan, PortSpec, Rule, RuleStatus, Selector, Sensitivity, Zone};
    let zone = |name: &str, sensitivity, app: &str| Zone {
        name: name.into(),
        sensitivity,
        intra_zone: None,
        description: None,
        note: None,
        members: vec![Selector::App(app.into())],
    };
    Plan {
        zones: vec![
            zone("web", Sensitivity::Low, "shop"),
            zone("data", Sensitivity::Critical, "payments"),
            zone("billing", Sensitivity::High, "billing"),
        ],
        rules: vec![Rule {
            name: Some("web-to-db".into()),
            from: Peer::Zone("web".into()),
            to: Peer::Zone("data".into()),
            ports: vec![PortSpec::Range {
                protocol: 6,
                first: 5432,
                last: 5432,
            }],
            justification: Some("orders".into()),
            owner: None,
            status: RuleStatus::Approved,
            enabled: true,
            baseline: false,
            note: None,
            evidence: None,
        }],
        ..Plan::default()
    }
}

/// The fixture app with the fixture plan, sized `width` × `height`.
pub fn app_with_plan(width: u16, height: u16) -> App {
    let mut app = app_with(estate(), width, height);
    let estate = Arc::new(estate());
    let analysis =
        crate::tui::app::PlanAnalysis::compute(&estate, Some(plan()), Some("plan.yaml".into()));
    app.start();
    app.on_event(AppEvent::EstateLoaded {
        generation: app.load_generation,
        result: Ok(Box::new(LoadedEstate::with_plan(estate, analysis))),
    });
    app
}

/// The fixture plan with two phases (one observing everything, one enforcing `data`) and two
/// guardrails, one of which the rule web-to-db breaks.
pub fn rollout_plan() -> crate::model::plan::Plan {
    use crate::model::network::Enforcement;
    use crate::model::plan::{Peer, PortSpec};
    use crate::model::rollout::{Check, Criterion, Guardrail, Phase, PhaseMode};
    let statement = |text: &str| Criterion::Checkbox {
        text: text.into(),
        ticked: None,
    };
    let mut plan = plan();
    plan.phases = vec![
        Phase {
            name: "observe".into(),
            zones: vec!["web".into(), "data".into(), "billing".into()],
            enforcement: Vec::new(),
            mode: PhaseMode::Observe,
            target_date: None,
            owner: Some("team-secarch".into()),
            description: None,
            exit_criteria: vec![
                statement("flow logs on everywhere"),
                Criterion::Check(Check::ObservationDays { min: 1 }),
            ],
        },
        Phase {
            name: "protect-data".into(),
            zones: vec!["data".into()],
            enforcement: vec![Enforcement::SecurityGroup],
            mode: PhaseMode::Enforce,
            target_date: Some("2027-02-01".into()),
            owner: Some("team-platform".into()),
            description: None,
            exit_criteria: vec![
                Criterion::Check(Check::NoDeniedFlows),
                statement("DBA signed off"),
                Criterion::Check(Check::RulesOwned),
            ],
        },
    ];
    plan.guardrails = vec![
        Guardrail {
            name: Some("no-web-to-data".into()),
            from: Peer::Zone("web".into()),
            to: Peer::Zone("data".into()),
            ports: Vec::new(),
            note: None,
        },
        Guardrail {
            name: Some("no-ssh-to-billing".into()),
            from: Peer::Zone("web".into()),
            to: Peer::Zone("billing".into()),
            ports: vec![PortSpec::Range {
                protocol: 6,
                first: 22,
                last: 22,
            }],
            note: None,
        },
    ];
    plan
}

/// The fixture app with `plan` loaded, sized `width` × `height`.
pub fn app_with_a_plan(plan: crate::model::plan::Plan, width: u16, height: u16) -> App {
    let mut app = app_with(estate(), width, height);
    let estate = Arc::new(estate());
    let analysis =
        crate::tui::app::PlanAnalysis::compute(&estate, Some(plan), Some("plan.yaml".into()));
    app.start();
    app.on_event(AppEvent::EstateLoaded {
        generation: app.load_generation,
        result: Ok(Box::new(LoadedEstate::with_plan(estate, analysis))),
    });
    app
}

/// Applies actions, performing the effects a worker would (reach, plan saves) synchronously.
pub fn drive(app: &mut App, actions: &[crate::tui::app::Action]) {
    for action in actions {
        let effects = app.update(action.clone());
        perform(app, effects);
    }
}

/// Performs worker effects in the test thread and feeds their reports back.
pub fn perform(app: &mut App, effects: Vec<crate::tui::app::Effect>) {
    use crate::tui::app::{BlastReport, Effect};
    for effect in effects {
        let Some(loaded) = app.loaded.clone() else {
            continue;
        };
        let more = match effect {
            Effect::ComputeReach {
                generation,
                workload,
            } => {
                let report = BlastReport::compute(&loaded.estate, &loaded.plan, workload);
                app.on_event(AppEvent::ReachComputed {
                    generation,
                    result: Ok(Box::new(report)),
                })
            }
            Effect::SavePlan {
                generation,
                plan,
                source,
                ..
            } => {
                let analysis =
                    crate::tui::app::PlanAnalysis::compute(&loaded.estate, Some(*plan), source);
                app.on_event(AppEvent::PlanSaved {
                    generation,
                    result: Ok(Box::new(analysis)),
                })
            }
            Effect::PreviewExport {
                generation,
                name,
                plan,
            } => {
                let result =
                    crate::tui::runtime::workers::preview_export(&loaded.estate, *plan, &name);
                app.on_event(AppEvent::ExportPreviewed { generation, result })
            }
            Effect::Find {
                generation,
                query,
                plan,
            } => {
                let plan_items = plan
                    .as_deref()
                    .map(crate::tui::app::find_index::plan_items)
                    .unwrap_or_default();
                let (hits, total) = crate::tui::app::find_index::search(
                    &query,
                    &loaded.find_items,
                    &plan_items,
                    crate::tui::app::finder::FINDER_LIMIT,
                );
                app.on_event(AppEvent::Found {
                    generation,
                    hits,
                    total,
                })
            }
            Effect::WriteExport { out, names, plan } => {
                let result = crate::tui::runtime::workers::write_export(
                    &loaded.estate,
                    *plan,
                    &out,
                    &names,
                    &crate::tui::app::JobProgress::default(),
                );
                app.on_event(AppEvent::ExportWritten(result))
            }
            _ => Vec::new(),
        };
        perform(app, more);
    }
}
