//! Tests of the resolution order.
use super::*;
use crate::model::{EdgeKey, PodRecord, WorkloadRecord};

fn k8s(name: &str, kind: WorkloadKind, addresses: &[&str]) -> (u64, WorkloadRecord) {
    let namespace = name.split('/').next().unwrap_or_default().to_string();
    let record = WorkloadRecord {
        name: name.into(),
        kind: Some(kind),
        namespace: Some(namespace),
        addresses: addresses
            .iter()
            .filter_map(|a| a.parse::<IpAddr>().ok())
            .map(IpNet::from)
            .collect(),
        ..WorkloadRecord::default()
    };
    (1, record)
}

fn pod(namespace: &str, pod_name: &str, owner: Option<&str>) -> EndpointHint {
    EndpointHint {
        namespace: namespace.into(),
        pod_name: pod_name.into(),
        owner: owner.map(|o| ("Deployment".to_string(), o.to_string())),
        labels: vec![("app".into(), "from-labels".into())],
        service_account: None,
    }
}

/// Resolves an estate with one edge per hint, each from 10.0.0.1 to 10.9.9.9.
fn resolved(
    workloads: Vec<(u64, WorkloadRecord)>,
    pods: Vec<PodRecord>,
    hints: Vec<EndpointHint>,
) -> ResolvedEstate {
    let mut estate = Estate {
        workloads,
        pods,
        hints: vec![EndpointHint::default()],
        ..Estate::default()
    };
    for (i, hint) in hints.into_iter().enumerate() {
        estate.hints.push(hint);
        let key = EdgeKey {
            client: IpAddr::from([10, 0, 0, 1]),
            server: IpAddr::from([10, 9, 9, 9]),
            port: 1000 + i as u16,
            protocol: Protocol::TCP,
            client_hint: HintId(i as u32 + 1),
            server_hint: HintId::NONE,
        };
        estate.edges.push((
            key,
            EdgeStats {
                records: 1,
                accepted: 1,
                ..EdgeStats::default()
            },
        ));
    }
    resolve_estate(&estate)
}

/// The names the client ends resolve to, one per hint.
fn resolve_clients(
    workloads: Vec<(u64, WorkloadRecord)>,
    pods: Vec<PodRecord>,
    hints: Vec<EndpointHint>,
) -> Vec<String> {
    let resolved = resolved(workloads, pods, hints);
    resolved
        .edges
        .iter()
        .map(|e| resolved.endpoint_label(e.client_endpoint))
        .collect()
}

#[test]
fn the_pod_list_comes_first() {
    let pods = vec![PodRecord {
        namespace: "web".into(),
        pod_name: "shop-abc12-x7k2p".into(),
        workload: "web/shop".into(),
    }];
    let clients = resolve_clients(
        vec![k8s("web/shop", WorkloadKind::Deployment, &[])],
        pods,
        vec![pod("web", "shop-abc12-x7k2p", Some("elsewhere"))],
    );
    assert_eq!(clients, ["web/shop"]);
}

#[test]
fn then_the_owner_the_flow_names() {
    let clients = resolve_clients(
        vec![k8s("web/shop", WorkloadKind::Deployment, &[])],
        Vec::new(),
        vec![
            pod("web", "shop-old12-q7w2x", Some("shop")),
            pod("web", "gone-old12-q7w2x", Some("cart")),
        ],
    );
    assert_eq!(
        clients,
        ["web/shop", "web/cart"],
        "a named owner no inventory has is observed only"
    );
}

#[test]
fn then_the_name_of_a_known_owner_of_the_right_kind() {
    let workloads = vec![
        k8s("mon/node", WorkloadKind::Deployment, &[]),
        k8s("mon/node-exporter", WorkloadKind::DaemonSet, &[]),
        k8s("db/pg", WorkloadKind::StatefulSet, &[]),
    ];
    let hints = vec![
        pod("mon", "node-exporter-x7k2p", None),
        pod("db", "pg-3", None),
        pod("mon", "node-9f8e7d6c5-abcde", None),
    ];
    let clients = resolve_clients(workloads, Vec::new(), hints);
    assert_eq!(clients, ["mon/node-exporter", "db/pg", "mon/node"]);
}

#[test]
fn then_the_address_and_last_a_new_observed_workload() {
    let workloads = vec![k8s("web/legacy", WorkloadKind::Pod, &["10.0.0.1"])];
    let clients = resolve_clients(
        workloads.clone(),
        Vec::new(),
        vec![pod("web", "legacy", None)],
    );
    assert_eq!(clients, ["web/legacy"]);
    let estate_without = resolve_clients(
        Vec::new(),
        Vec::new(),
        vec![pod("batch", "etl-7c9d8b4f6-q7w2x", None)],
    );
    assert_eq!(estate_without, ["batch/etl"]);
}

#[test]
fn observed_workloads_take_their_app_from_the_pod_labels() {
    let resolved = resolved(
        Vec::new(),
        Vec::new(),
        vec![pod("web", "cart-7c9d8b4f6-q7w2x", None)],
    );
    assert_eq!(resolved.workloads.len(), 1);
    assert!(resolved.workloads[0].observed_only);
    assert_eq!(resolved.workloads[0].app(), "from-labels");
    assert_eq!(
        resolved.blind_spots.len(),
        1,
        "the server address is a blind spot"
    );
    assert_eq!(resolved.blind_spots[0].class, BlindSpot::Unmanaged);
}
