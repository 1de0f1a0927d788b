//! Pods of the prod-k8s workloads: current ones (pods.json), churned ones of
//! older ReplicaSets and the Hubble-only canary (neither is in pods.json).

use crate::catalog::{K8S, Kind};
use crate::k8s::{Cluster, Phase, Pod};
use crate::model::{Model, Res};
use crate::net::{T0, v4u};
use crate::rng::Rng;

const CHURN: &[&str] = &[
    "payments-api",
    "storefront-web",
    "orders-api",
    "catalog-api",
    "storefront-bff",
];

fn alloc_pod_ip(c: &mut Cluster, node: usize, rng: &mut Rng) -> Res<u128> {
    let n = &mut c.nodes[node];
    if n.next > 254 {
        return Err(format!("node {} has no free pod addresses", n.name).into());
    }
    let ip = v4u(n.pod_base + n.next);
    n.next += 1 + u32::from(rng.chance(10, 100));
    Ok(ip)
}

fn next_worker(c: &mut Cluster) -> usize {
    let cps = c.nodes.iter().filter(|n| n.cp).count();
    let workers = c.nodes.len() - cps;
    let n = cps + c.rr % workers.max(1);
    c.rr += 1;
    n.min(c.nodes.len().saturating_sub(1))
}

struct NewPod {
    name: String,
    owner_kind: &'static str,
    owner_name: String,
    owner_uid: String,
    phase: Phase,
    node: Option<usize>,
    in_dump: bool,
    created: i64,
    extra_labels: Vec<(String, String)>,
}

fn push_pod(m: &mut Model, k: usize, p: NewPod, rng: &mut Rng) -> Res<usize> {
    let c = &mut m.k8s;
    let ns = c.wls[k].ns.clone();
    if !c.names.insert((ns, p.name.clone())) {
        return Err(format!("duplicate pod name {}", p.name).into());
    }
    let ip = match (p.phase, p.node) {
        (Phase::Pending, _) | (_, None) => None,
        (_, Some(n)) if c.wls[k].host_network => Some(c.nodes[n].ip),
        (_, Some(n)) => Some(alloc_pod_ip(c, n, rng)?),
    };
    c.pods.push(Pod {
        name: p.name,
        k,
        owner_kind: p.owner_kind,
        owner_name: p.owner_name,
        owner_uid: p.owner_uid,
        phase: p.phase,
        ip,
        node: p.node,
        in_dump: p.in_dump,
        uid: rng.uuid(),
        created: p.created,
        ep_id: rng.range(100, 4000) as u32,
        extra_labels: p.extra_labels,
    });
    let idx = c.pods.len() - 1;
    c.wls[k].pods.push(idx);
    Ok(idx)
}

fn rs_pods(m: &mut Model, k: usize, n: usize, in_dump: bool, rng: &mut Rng) -> Res<()> {
    let name = m.k8s.wls[k].name.clone();
    let len = if rng.chance(1, 2) { 9 } else { 10 };
    let hash = rng.k8s_hash(len);
    let rs_uid = rng.uuid();
    let age = if in_dump {
        rng.range(3_600, 30 * 86_400)
    } else {
        rng.range(31 * 86_400, 90 * 86_400)
    };
    for _ in 0..n {
        let node = next_worker(&mut m.k8s);
        let pod = NewPod {
            name: format!("{name}-{hash}-{}", rng.k8s_hash(5)),
            owner_kind: "ReplicaSet",
            owner_name: format!("{name}-{hash}"),
            owner_uid: rs_uid.clone(),
            phase: Phase::Running,
            node: Some(node),
            in_dump,
            created: T0 - age as i64,
            extra_labels: vec![("pod-template-hash".into(), hash.clone())],
        };
        push_pod(m, k, pod, rng)?;
    }
    let w = &m.k8s.wls[k];
    if in_dump && w.key == "k/storefront-web" && n >= 2 {
        let pod = NewPod {
            name: format!("{name}-{hash}-{}", rng.k8s_hash(5)),
            owner_kind: "ReplicaSet",
            owner_name: format!("{name}-{hash}"),
            owner_uid: rs_uid,
            phase: Phase::Pending,
            node: None,
            in_dump,
            created: T0 + 6 * 3600 - 120,
            extra_labels: vec![("pod-template-hash".into(), hash)],
        };
        push_pod(m, k, pod, rng)?;
    }
    Ok(())
}

pub fn add_pods(m: &mut Model, k: usize, rng: &mut Rng) -> Res<()> {
    let w = &m.k8s.wls[k];
    let (kind, name, uid) = (w.kind, w.name.clone(), w.uid.clone());
    let filler = w.key.starts_with("f/");
    let observed = w.observed_only;
    let template = K8S.iter().find(|t| t.ns == w.ns && t.name == w.name);
    let replicas = match template {
        Some(t) => t.replicas,
        None => 1 + rng.idx(3),
    };
    let churn = kind == Kind::Deployment
        && !observed
        && (CHURN.contains(&name.as_str()) || filler && k % 5 == 2);
    match kind {
        Kind::Deployment => {
            if churn {
                let n = 1 + rng.idx(2);
                rs_pods(m, k, n, false, rng)?;
            }
            rs_pods(m, k, replicas, !observed, rng)?;
        }
        Kind::StatefulSet => {
            let rev = format!("{name}-{}", rng.k8s_hash(10));
            for i in 0..replicas {
                let node = next_worker(&mut m.k8s);
                let pod_name = format!("{name}-{i}");
                let labels = vec![
                    ("apps.kubernetes.io/pod-index".into(), i.to_string()),
                    ("controller-revision-hash".into(), rev.clone()),
                    (
                        "statefulset.kubernetes.io/pod-name".into(),
                        pod_name.clone(),
                    ),
                ];
                let created = T0 - rng.range(86_400, 60 * 86_400) as i64;
                let p = NewPod {
                    name: pod_name,
                    owner_kind: "StatefulSet",
                    owner_name: name.clone(),
                    owner_uid: uid.clone(),
                    phase: Phase::Running,
                    node: Some(node),
                    in_dump: true,
                    created,
                    extra_labels: labels,
                };
                push_pod(m, k, p, rng)?;
            }
        }
        Kind::DaemonSet => {
            let rev = rng.k8s_hash(10);
            for node in 0..m.k8s.nodes.len() {
                let labels = vec![
                    ("controller-revision-hash".into(), rev.clone()),
                    ("pod-template-generation".into(), "3".into()),
                ];
                let created = T0 - rng.range(86_400, 60 * 86_400) as i64;
                let p = NewPod {
                    name: format!("{name}-{}", rng.k8s_hash(5)),
                    owner_kind: "DaemonSet",
                    owner_name: name.clone(),
                    owner_uid: uid.clone(),
                    phase: Phase::Running,
                    node: Some(node),
                    in_dump: true,
                    created,
                    extra_labels: labels,
                };
                push_pod(m, k, p, rng)?;
            }
        }
        Kind::CronJob | Kind::Job => {
            let runs = if kind == Kind::Job { 1 } else { replicas };
            for r in 0..runs {
                let start = T0 + 300 + 3600 * (r % 6) as i64;
                let job = if kind == Kind::Job {
                    name.clone()
                } else {
                    format!("{name}-{}", start / 60)
                };
                let job_uid = rng.uuid();
                let labels = vec![
                    ("batch.kubernetes.io/controller-uid".into(), job_uid.clone()),
                    ("batch.kubernetes.io/job-name".into(), job.clone()),
                    ("controller-uid".into(), job_uid.clone()),
                    ("job-name".into(), job.clone()),
                ];
                let node = next_worker(&mut m.k8s);
                let p = NewPod {
                    name: format!("{job}-{}", rng.k8s_hash(5)),
                    owner_kind: "Job",
                    owner_name: job,
                    owner_uid: job_uid,
                    phase: Phase::Succeeded,
                    node: Some(node),
                    in_dump: true,
                    created: start,
                    extra_labels: labels,
                };
                push_pod(m, k, p, rng)?;
            }
        }
        Kind::Bare => {
            let node = next_worker(&mut m.k8s);
            let created = T0 - rng.range(3_600, 86_400) as i64;
            let p = NewPod {
                name,
                owner_kind: "",
                owner_name: String::new(),
                owner_uid: String::new(),
                phase: Phase::Running,
                node: Some(node),
                in_dump: true,
                created,
                extra_labels: Vec::new(),
            };
            push_pod(m, k, p, rng)?;
        }
    }
    Ok(())
}
