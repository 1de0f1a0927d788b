//! The prod-k8s cluster: nodes (CMDB hosts), workloads and pods, including
//! pods that Hubble saw but `kubectl get pods` no longer lists.

use std::collections::HashSet;

use crate::catalog::{FILLER_ROLES, FILLER_WORDS, K8S, Kind, Label, METRICS_PORT, Role};
use crate::model::{CLUSTER, Counts, Host, Model, Res};
use crate::net::cidr4;
use crate::rng::Rng;

#[derive(Debug)]
pub struct Node {
    pub name: String,
    pub ip: u128,
    pub pod_base: u32,
    pub cp: bool,
    pub(crate) next: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    Running,
    Pending,
    Succeeded,
}

#[derive(Debug)]
pub struct Wl {
    pub ns: String,
    pub name: String,
    pub kind: Kind,
    pub label: Label,
    pub value: String,
    pub ports: Vec<(u16, &'static str, &'static str)>,
    pub image: String,
    pub host_network: bool,
    pub wl: u32,
    pub identity: u32,
    pub uid: String,
    pub sa: String,
    /// Dependency-group key: `k/<name>` for catalog workloads, `f/<ns>/<name>` for fillers.
    pub key: String,
    /// Server port of a filler (0: client only).
    pub filler_port: u16,
    pub observed_only: bool,
    pub pods: Vec<usize>,
}

#[derive(Debug)]
pub struct Pod {
    pub name: String,
    pub k: usize,
    pub owner_kind: &'static str,
    pub owner_name: String,
    pub owner_uid: String,
    pub phase: Phase,
    pub ip: Option<u128>,
    pub node: Option<usize>,
    /// Listed in pods.json (false: churned or observed-only).
    pub in_dump: bool,
    pub uid: String,
    pub created: i64,
    pub ep_id: u32,
    pub extra_labels: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Cluster {
    pub nodes: Vec<Node>,
    pub wls: Vec<Wl>,
    pub pods: Vec<Pod>,
    pub pod_cidr: String,
    pub(crate) rr: usize,
    pub(crate) names: HashSet<(String, String)>,
}

impl Wl {
    /// The app label key and value on this workload's pods (None: no app label).
    pub fn app_label(&self) -> Option<(&'static str, &str)> {
        let key = match self.label {
            Label::Name => "app.kubernetes.io/name",
            Label::App => "app",
            Label::K8sApp => "k8s-app",
            Label::Nothing => return None,
        };
        Some((
            key,
            if self.value.is_empty() {
                &self.name
            } else {
                &self.value
            },
        ))
    }

    /// Cilium's label list for this workload's endpoints.
    pub fn cilium_labels(&self) -> Vec<String> {
        let mut v = vec![
            format!(
                "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name={}",
                self.ns
            ),
            format!("k8s:io.cilium.k8s.policy.cluster={CLUSTER}"),
            format!("k8s:io.cilium.k8s.policy.serviceaccount={}", self.sa),
            format!("k8s:io.kubernetes.pod.namespace={}", self.ns),
        ];
        if let Some((k, val)) = self.app_label() {
            v.push(format!("k8s:{k}={val}"));
        }
        if self.label == Label::Name {
            v.push(format!("k8s:app.kubernetes.io/component={}", self.name));
        }
        v.sort();
        v
    }
}

pub fn build_nodes(m: &mut Model, c: Counts, rng: &mut Rng) -> Res<()> {
    let total = c.cp + c.workers;
    let (base, cidr) = if total <= 250 {
        (u32::from_be_bytes([10, 244, 0, 0]), 16)
    } else {
        (u32::from_be_bytes([10, 128, 0, 0]), 10)
    };
    m.k8s.pod_cidr = cidr4(base, cidr);
    for i in 0..total {
        let cp = i < c.cp;
        let name = if cp {
            format!("k8s-cp-{:02}", i + 1)
        } else {
            format!("k8s-worker-{:02}", i + 1 - c.cp)
        };
        let (ip, vlan) = m.alloc_host_ip(Role::Nodes, rng)?;
        let wl = m.add_workload(name.clone(), Some("k8s-platform".into()), false);
        m.own(ip, wl)?;
        let role = if cp { "control-plane" } else { "worker" };
        m.hosts.push(Host {
            name: name.clone(),
            addrs: vec![(ip, Some(vlan))],
            app: "k8s-platform".into(),
            owner: "team-platform".into(),
            tier: "infra".into(),
            env: "prod".into(),
            crit: "critical".into(),
            dclass: "internal".into(),
            labels: format!("cluster={CLUSTER};role={role};os=linux"),
            key: "nodes",
        });
        m.k8s.nodes.push(Node {
            name,
            ip,
            pod_base: base + (i as u32) * 256,
            cp,
            next: 2,
        });
    }
    Ok(())
}

pub fn build(m: &mut Model, c: Counts, rng: &mut Rng) -> Res<()> {
    let n_t = c.k8s.min(K8S.len());
    for t in &K8S[..n_t] {
        let spec = WlSpec {
            ns: t.ns,
            name: t.name,
            kind: t.kind,
            label: (t.label, t.value),
            ports: t.ports.to_vec(),
            image: t.image,
            host_network: t.host_network,
        };
        add_wl(m, spec, rng);
    }
    add_fillers(m, c.k8s - n_t, rng);
    let canary = WlSpec {
        ns: "web",
        name: "checkout-canary",
        kind: Kind::Deployment,
        label: (Label::Name, ""),
        ports: vec![(8443, "TCP", "https")],
        image: "",
        host_network: false,
    };
    add_wl(m, canary, rng);
    if let Some(w) = m.k8s.wls.last_mut() {
        w.observed_only = true;
    }
    if let Some(w) = m.k8s.wls.last().map(|w| w.wl) {
        m.workloads[w as usize].observed_only = true;
    }
    for k in 0..m.k8s.wls.len() {
        crate::k8s_pods::add_pods(m, k, rng)?;
    }
    for p in 0..m.k8s.pods.len() {
        let pod = &m.k8s.pods[p];
        let w = &m.k8s.wls[pod.k];
        let live = matches!(pod.phase, Phase::Running | Phase::Pending);
        if let (true, true, false, Some(ip)) = (pod.in_dump, live, w.host_network, pod.ip) {
            let wl = w.wl;
            m.own(ip, wl)?;
        }
    }
    Ok(())
}

struct WlSpec<'a> {
    ns: &'a str,
    name: &'a str,
    kind: Kind,
    label: (Label, &'a str),
    ports: Vec<(u16, &'static str, &'static str)>,
    image: &'a str,
    host_network: bool,
}

fn add_wl(m: &mut Model, spec: WlSpec, rng: &mut Rng) {
    let WlSpec {
        ns,
        name,
        kind,
        label,
        mut ports,
        image,
        host_network,
    } = spec;
    if !host_network && !ports.iter().any(|p| p.2 == "metrics") && kind != Kind::Bare {
        ports.push((METRICS_PORT, "TCP", "metrics"));
    }
    let idx = m.k8s.wls.len();
    let sa = match kind {
        Kind::Bare | Kind::Job => "default".to_string(),
        _ => name.to_string(),
    };
    let image = if image.is_empty() {
        format!(
            "registry.northwind.example/{ns}/{name}:1.{}.{}",
            rng.range(0, 40),
            rng.range(0, 9)
        )
    } else {
        image.to_string()
    };
    let mut w = Wl {
        ns: ns.into(),
        name: name.into(),
        kind,
        label: label.0,
        value: label.1.to_string(),
        ports,
        image,
        host_network,
        wl: 0,
        identity: 20_000 + 3 * idx as u32,
        uid: rng.uuid(),
        sa,
        key: format!("k/{name}"),
        filler_port: 0,
        observed_only: false,
        pods: Vec::new(),
    };
    let app = w
        .app_label()
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| name.to_string());
    w.wl = m.add_workload(format!("{ns}/{name}"), Some(app), false);
    m.k8s.wls.push(w);
}

fn add_fillers(m: &mut Model, n: usize, rng: &mut Rng) {
    let mut made = 0usize;
    let mut i = 0usize;
    let mut seen: HashSet<String> = m
        .k8s
        .wls
        .iter()
        .map(|w| format!("{}/{}", w.ns, w.name))
        .collect();
    while made < n {
        let (ns, words) = FILLER_WORDS[i % FILLER_WORDS.len()];
        let j = i / FILLER_WORDS.len();
        i += 1;
        let word = words[j % words.len()];
        let (role, port) = FILLER_ROLES[(j / words.len()) % FILLER_ROLES.len()];
        let round = j / (words.len() * FILLER_ROLES.len());
        let stem = if round == 0 {
            word.to_string()
        } else {
            format!("{word}{}", round + 1)
        };
        let (name, kind, port) = if ns == "batch" {
            let name = if j < words.len() {
                word.to_string()
            } else {
                format!("{word}{}", j / words.len() + 1)
            };
            (name, Kind::CronJob, 0)
        } else if role == "cache" {
            (format!("{stem}-{role}"), Kind::StatefulSet, port)
        } else {
            (format!("{stem}-{role}"), Kind::Deployment, port)
        };
        if !seen.insert(format!("{ns}/{name}")) {
            continue;
        }
        // Most fillers carry their business app as app.kubernetes.io/name; every
        // fifth is a legacy one labelled `app: <its own name>`.
        let (label, value) = if made % 5 == 4 {
            (Label::App, "")
        } else {
            (Label::Name, business_app(ns))
        };
        let ports = if port > 0 {
            vec![(port, "TCP", if port == 6379 { "redis" } else { "http" })]
        } else {
            Vec::new()
        };
        let spec = WlSpec {
            ns,
            name: &name,
            kind,
            label: (label, value),
            ports,
            image: "",
            host_network: false,
        };
        add_wl(m, spec, rng);
        if let Some(w) = m.k8s.wls.last_mut() {
            w.key = format!("f/{ns}/{name}");
            w.filler_port = port;
        }
        made += 1;
    }
}

fn business_app(ns: &str) -> &'static str {
    match ns {
        "web" => "storefront",
        "payments" => "payments",
        "orders" => "orders",
        "catalog" => "catalog",
        _ => "reporting",
    }
}
