//! Shared by the read-back tests of the cluster targets: estates and plans (the demo, the small
//! fixture, generated ones), the rendered files, the ports to probe, and the pods as an
//! evaluator sees them. Nothing here knows how the policies are generated.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use blastwall::analysis::ResolvedEstate;
use blastwall::analysis::enforce::allows;
use blastwall::analysis::resolve::{Endpoint, resolve_estate};
use blastwall::analysis::simulate::{RuleSides, simulate};
use blastwall::analysis::zones::{ZoneMap, assign_zones};
use blastwall::export::deliverables::{Context, render_file};
use blastwall::ingest::plan::parse_plan;
use blastwall::model::plan::{Plan, PortSpec};
use blastwall::model::{
    EdgeKey, EdgeStats, Estate, HintId, Protocol, WorkloadKind, WorkloadRecord,
};
use blastwall::ops::import::{ImportOptions, ImportProgress, import_paths};
use blastwall::ops::plan_view::{PlanView, load_plan_view};
use blastwall::store::Workspace;
use proptest::prelude::*;
use serde_yaml_ng::Value;

pub type Error = Box<dyn std::error::Error>;

/// An estate with its plan and zones.
pub struct Case {
    pub estate: ResolvedEstate,
    pub plan: Plan,
    pub zones: ZoneMap,
}

impl Case {
    pub fn new(estate: ResolvedEstate, plan: Plan) -> Case {
        let zones = assign_zones(&plan, &estate);
        Case {
            estate,
            plan,
            zones,
        }
    }

    /// The case as the workspace's plan view.
    pub fn view(self) -> PlanView {
        PlanView {
            estate: self.estate,
            plan: Some(self.plan),
            zones: self.zones,
        }
    }

    /// A rendered file by its registry name.
    pub fn render(&self, name: &str) -> Result<String, Error> {
        let simulation = simulate(&self.plan, &self.estate, &self.zones);
        let ctx = Context::new(&self.plan, &self.estate, &self.zones, &simulation);
        render_file(name, &ctx).ok_or_else(|| format!("no file {name}").into())
    }

    /// The pods: every Kubernetes workload with a namespace, by index.
    pub fn pods(&self) -> Vec<Pod> {
        let workloads = self.estate.workloads.iter().enumerate();
        workloads
            .filter(|(_, w)| w.kind.is_kubernetes())
            .filter_map(|(i, w)| {
                let namespace = w.namespace.clone().filter(|n| !n.is_empty())?;
                Some(Pod {
                    index: i as u32,
                    name: w.name.clone(),
                    namespace,
                    labels: w.pod_labels.clone(),
                    addresses: w.addresses.iter().map(|a| a.addr()).collect(),
                })
            })
            .collect()
    }

    /// Pods whose labels do not single them out in their namespace: another pod's labels
    /// include all of theirs.
    pub fn ambiguous(&self) -> BTreeSet<u32> {
        let pods = self.pods();
        pods.iter()
            .filter(|p| {
                pods.iter().any(|o| {
                    o.index != p.index
                        && o.namespace == p.namespace
                        && p.labels.iter().all(|(k, v)| o.labels.get(k) == Some(v))
                })
            })
            .map(|p| p.index)
            .collect()
    }

    /// Services to probe: every port the plan's rules name (and its neighbours), every
    /// observed port, and a few others, for TCP, UDP and SCTP.
    pub fn services(&self) -> Vec<(u16, u8)> {
        let mut ports: BTreeSet<u16> = [1, 22, 53, 80, 443, 5432, 8050, 8443, 65535].into();
        for rule in &self.plan.rules {
            for spec in &rule.ports {
                if let PortSpec::Range { first, last, .. } = *spec {
                    ports.extend([first, last, first.saturating_sub(1), last.saturating_add(1)]);
                    ports.insert(first / 2 + last / 2);
                }
            }
        }
        ports.extend(self.estate.service_edges.iter().map(|e| e.port));
        ports.remove(&0);
        let mut out = Vec::new();
        for port in ports {
            for protocol in [6, 17, 132] {
                out.push((port, protocol));
            }
        }
        out
    }

    /// The plan's verdict for pod to pod on one service.
    pub fn verdict(&self) -> impl FnMut(u32, u32, u16, u8) -> bool + '_ {
        let mut sides = RuleSides::new(&self.plan, &self.estate, &self.zones);
        move |client, server, port, protocol| {
            allows(
                &self.plan,
                &mut sides,
                &self.zones,
                Endpoint::Workload(client),
                Endpoint::Workload(server),
                port,
                protocol,
            )
        }
    }
}

/// A pod as the evaluators see it.
#[derive(Debug, Clone)]
pub struct Pod {
    pub index: u32,
    pub name: String,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub addresses: Vec<IpAddr>,
}

/// Every document of a multi-document YAML text.
pub fn documents(text: &str) -> Result<Vec<Value>, Error> {
    let mut out = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        let value = Value::deserialize(document)?;
        if !value.is_null() {
            out.push(value);
        }
    }
    Ok(out)
}

use serde::Deserialize as _;

fn path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn from_workspace(workspace: &Workspace) -> Result<Case, Error> {
    let view = load_plan_view(workspace)?;
    let plan = view.plan.ok_or("no plan")?;
    Ok(Case::new(view.estate, plan))
}

/// The bundled demo estate with its plan.
pub fn demo() -> Result<Case, Error> {
    let mut workspace = Workspace::in_memory()?;
    blastwall::ops::demo::import_demo(&mut workspace)?;
    from_workspace(&workspace)
}

/// `tests/fixtures/estate-small` with `tests/fixtures/plans/small.yaml`.
pub fn small() -> Result<Case, Error> {
    let mut workspace = Workspace::in_memory()?;
    let paths = [
        path("tests/fixtures/estate-small/inventory"),
        path("tests/fixtures/estate-small/flows"),
    ];
    import_paths(
        &mut workspace,
        &paths,
        ImportOptions::default(),
        &ImportProgress::default(),
    )?;
    let estate = load_plan_view(&workspace)?.estate;
    let text = std::fs::read_to_string(path("tests/fixtures/plans/small.yaml"))?;
    Ok(Case::new(estate, parse_plan(&text, "small.yaml")?))
}

// ---- generated estates and plans ----

const NAMESPACES: [&str; 3] = ["web", "pay", "data"];
const KEYS: [&str; 3] = ["app", "tier", "role"];
const VALUES: [&str; 3] = ["a", "b", "c"];

/// A generated workload: a pod owner (namespace index, labels) or a host (address).
#[derive(Debug, Clone)]
pub enum Spec {
    Pod(usize, Vec<(usize, usize)>),
    Host(bool),
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        4 => (0..NAMESPACES.len(), prop::collection::vec((0..3usize, 0..3usize), 0..3))
            .prop_map(|(ns, labels)| Spec::Pod(ns, labels)),
        1 => any::<bool>().prop_map(Spec::Host),
    ]
}

/// An estate of a few pods in a few namespaces and some hosts, with flows between them and to
/// an unmanaged and an internet address.
pub fn estate() -> impl Strategy<Value = Estate> {
    let specs = prop::collection::vec(spec(), 2..9);
    let edges = prop::collection::vec((0..10usize, 0..10usize, 0..6usize), 0..8);
    (specs, edges).prop_map(|(specs, edges)| build_estate(&specs, &edges))
}

fn build_estate(specs: &[Spec], edges: &[(usize, usize, usize)]) -> Estate {
    let mut estate = Estate::default();
    let mut addresses: Vec<IpAddr> = Vec::new();
    for (n, spec) in specs.iter().enumerate() {
        let mut record = WorkloadRecord::default();
        let address: IpAddr = match spec {
            Spec::Pod(ns, labels) => {
                let namespace = NAMESPACES[*ns];
                record.name = format!("{namespace}/w{n}");
                record.kind = Some(WorkloadKind::Deployment);
                record.namespace = Some(namespace.to_string());
                // Service accounts, some shared by two workloads of a namespace (for the mesh).
                record.identity = Some(format!("{namespace}/sa{}", n % 4));
                for &(k, v) in labels {
                    record
                        .labels
                        .insert(KEYS[k].to_string(), VALUES[v].to_string());
                }
                let app = record.labels.get("app").cloned().unwrap_or(format!("w{n}"));
                record.set_attribute(blastwall::model::Attribute::App, &app);
                std::net::Ipv4Addr::new(10, 244, 0, n as u8 + 1).into()
            }
            Spec::Host(public) => {
                record.name = format!("h{n}");
                record.kind = Some(WorkloadKind::Host);
                record.set_attribute(blastwall::model::Attribute::App, &format!("h{n}"));
                if *public {
                    std::net::Ipv4Addr::new(203, 0, 113, n as u8 + 1).into()
                } else {
                    std::net::Ipv4Addr::new(10, 0, 0, n as u8 + 1).into()
                }
            }
        };
        record.addresses.push(address.into());
        addresses.push(address);
        estate.workloads.push((1, record));
    }
    addresses.push(std::net::Ipv4Addr::new(10, 9, 9, 9).into());
    addresses.push(std::net::Ipv4Addr::new(198, 51, 100, 7).into());
    let ports = [(80, 6), (443, 6), (53, 17), (5432, 6), (8080, 6), (9, 132)];
    for &(c, s, p) in edges {
        let (client, server) = (
            addresses[c % addresses.len()],
            addresses[s % addresses.len()],
        );
        let key = EdgeKey {
            client,
            server,
            port: ports[p].0,
            protocol: Protocol(ports[p].1),
            client_hint: HintId::NONE,
            server_hint: HintId::NONE,
        };
        let stats = EdgeStats {
            records: 1,
            accepted: 1,
            ..EdgeStats::default()
        };
        estate.edges.push((key, stats));
    }
    estate.edges.sort_by_key(|(k, _)| *k);
    estate.edges.dedup_by_key(|(k, _)| *k);
    estate
}

fn member() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..NAMESPACES.len()).prop_map(|n| format!("{{namespace: {}}}", NAMESPACES[n])),
        (0..3usize, 0..3usize)
            .prop_map(|(k, v)| format!("{{labels: {{{}: {}}}}}", KEYS[k], VALUES[v])),
        (0..3usize).prop_map(|v| format!("{{app: {}}}", VALUES[v])),
        Just("{cidr: 10.0.0.0/24}".to_string()),
        (0..9usize).prop_map(|n| format!("{{workload: web/w{n}}}")),
    ]
}

fn side(zones: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        Just("any".to_string()),
        (0..zones.max(1)).prop_map(|z| format!("{{zone: z{z}}}")),
        Just("{zone: internet}".to_string()),
        Just("{zone: unmanaged}".to_string()),
        Just("{zone: unassigned}".to_string()),
        member(),
    ]
}

const PORTS: [&str; 9] = [
    "tcp/80",
    "tcp/443",
    "udp/53",
    "tcp/53",
    "tcp/8000-8100",
    "sctp/9",
    "icmp",
    "any",
    "tcp/5432",
];

fn rule(zones: usize) -> impl Strategy<Value = String> {
    let ports = prop::collection::btree_set(0..PORTS.len(), 1..3);
    (side(zones), side(zones), ports).prop_map(|(from, to, ports)| {
        let ports: Vec<&str> = ports.iter().map(|&p| PORTS[p]).collect();
        format!(
            "  - {{from: {from}, to: {to}, ports: [{}]}}\n",
            ports.join(", ")
        )
    })
}

/// A plan text: zones by namespace, labels, app, cidr or workload; rules between zones and
/// selectors on random ports; intra-zone and east-west allow or deny.
pub fn plan() -> impl Strategy<Value = String> {
    let policy = || prop_oneof![Just("allow"), Just("deny")];
    (1..4usize)
        .prop_flat_map(move |zones| {
            let members = prop::collection::vec(prop::collection::vec(member(), 1..3), zones);
            let intra = prop::collection::vec(prop::option::of(policy()), zones);
            let rules = prop::collection::vec(rule(zones), 0..5);
            (policy(), policy(), members, intra, rules)
        })
        .prop_map(|(east_west, intra_zone, members, intra, rules)| {
            let mut text = format!(
                "version: 1\ndefaults: {{east_west: {east_west}, intra_zone: {intra_zone}}}\nzones:\n"
            );
            for (z, (members, intra)) in members.iter().zip(&intra).enumerate() {
                let intra = intra.map_or(String::new(), |p| format!(", intra_zone: {p}"));
                text += &format!("  - {{name: z{z}{intra}, members: [{}]}}\n", members.join(", "));
            }
            text += "rules:\n";
            if rules.is_empty() {
                text = text.replace("rules:\n", "rules: []\n");
            }
            for rule in rules {
                text += &rule;
            }
            text
        })
}

/// A generated case.
pub fn case(estate: &Estate, plan: &str) -> Result<Case, Error> {
    let plan = parse_plan(plan, "generated.yaml")?;
    Ok(Case::new(resolve_estate(estate), plan))
}
