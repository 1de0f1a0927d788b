//! Lines of a Hubble export that are not flows (node status, lost events,
//! agent events). Importers must skip them and not count them.

use crate::json::quoted;
use crate::model::{CLUSTER, Model};
use crate::net::rfc3339_nanos;
use crate::rng::Rng;

/// (position in permille of the flow budget, kind)
const PLAN: &[(u64, u8)] = &[
    (0, 0),
    (100, 2),
    (250, 1),
    (330, 3),
    (400, 0),
    (550, 1),
    (660, 2),
    (800, 0),
    (900, 1),
    (950, 3),
];

pub struct Extras {
    pos: usize,
    nodes: Vec<String>,
    /// (namespace, pod name, labels) of a few pods, for ENDPOINT_CREATED events.
    pods: Vec<(String, String, Vec<String>)>,
}

pub fn schedule(m: &Model) -> Extras {
    let pods = m
        .k8s
        .pods
        .iter()
        .filter(|p| p.in_dump && p.ip.is_some() && !m.k8s.wls[p.k].host_network)
        .take(8)
        .map(|p| {
            let w = &m.k8s.wls[p.k];
            (w.ns.clone(), p.name.clone(), w.cilium_labels())
        })
        .collect();
    Extras {
        pos: 0,
        nodes: m
            .k8s
            .nodes
            .iter()
            .map(|n| format!("{CLUSTER}/{}", n.name))
            .collect(),
        pods,
    }
}

impl Extras {
    pub fn due(&self, records: u64, budget: u64) -> bool {
        PLAN.get(self.pos).is_some_and(|(at, _)| {
            records >= budget.saturating_mul(*at) / 1000 || records == u64::MAX
        })
    }

    pub fn line(&mut self, rng: &mut Rng, ns: u64) -> String {
        let kind = PLAN.get(self.pos).map_or(0, |p| p.1);
        self.pos += 1;
        let ns = ns + 1;
        let time = rfc3339_nanos((ns / 1_000_000_000) as i64, (ns % 1_000_000_000) as u32);
        let node = self
            .nodes
            .get(rng.idx(self.nodes.len()))
            .cloned()
            .unwrap_or_default();
        match kind {
            0 => format!(
                "{{\"node_status\":{{\"state_change\":\"NODE_CONNECTED\",\"node_names\":[{}],\"message\":\"peer connected\"}},\"time\":\"{time}\"}}\n",
                quoted(&node)
            ),
            1 => format!(
                "{{\"lost_events\":{{\"source\":\"HUBBLE_RING_BUFFER\",\"num_events_lost\":\"{}\",\"cpu\":{}}},\"node_name\":{},\"time\":\"{time}\"}}\n",
                rng.range(12, 900),
                rng.range(0, 7),
                quoted(&node)
            ),
            2 => {
                let (pns, pod, labels) = self
                    .pods
                    .get(rng.idx(self.pods.len()))
                    .cloned()
                    .unwrap_or_default();
                let labels: Vec<String> = labels.iter().map(|l| quoted(l)).collect();
                format!(
                    "{{\"agent_event\":{{\"type\":\"ENDPOINT_CREATED\",\"endpoint_update\":{{\"id\":\"{}\",\"labels\":[{}],\"pod_name\":{},\"namespace\":{}}}}},\"node_name\":{},\"time\":\"{time}\"}}\n",
                    rng.range(100, 4000),
                    labels.join(","),
                    quoted(&pod),
                    quoted(&pns),
                    quoted(&node)
                )
            }
            _ => format!(
                "{{\"agent_event\":{{\"type\":\"POLICY_UPDATED\",\"policy_update\":{{\"labels\":[\"k8s:io.cilium.k8s.policy.derived-from=CiliumNetworkPolicy\",\"k8s:io.cilium.k8s.policy.name=payments-ingress\",\"k8s:io.cilium.k8s.policy.namespace=payments\"],\"revision\":\"{}\",\"rule_count\":\"3\"}}}},\"node_name\":{},\"time\":\"{time}\"}}\n",
                rng.range(300, 500),
                quoted(&node)
            ),
        }
    }
}
