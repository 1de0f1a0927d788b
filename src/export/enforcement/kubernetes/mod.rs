//! `enforcement/kubernetes/`: `networking.k8s.io/v1` NetworkPolicies. Per namespace in scope a
//! `default-deny` (ingress and egress), kept apart in `default-deny.yaml` so enforcement can be
//! staged; in `allow.yaml`, per workload whose own pod labels single it out, one policy per
//! direction (`<name>-ingress`, `<name>-egress`) with exactly the plan's grants. Peers are pods
//! by `namespaceSelector` AND `podSelector` in one element, address blocks with exceptions for
//! the rest; ICMP is left out (denied). See [`policy`] for the translation and `readme` for what
//! cannot be expressed.

pub mod policy;
mod readme;
pub mod scope;

use std::collections::BTreeMap;

use crate::export::deliverables::Context;
use crate::export::enforcement::names::dns_label;
use crate::export::yaml::{Node, entry, number, text, to_yaml};
use policy::{Block, L4, PolicyRule, WorkloadPolicy, policies};

pub use readme::readme;

/// The label every namespace carries with its name.
pub const NAMESPACE_LABEL: &str = "kubernetes.io/metadata.name";

/// A workload's policy name: its name without the namespace, with a direction suffix (if
/// any), as a DNS-1123 label.
pub fn policy_name(workload: &str, suffix: &str) -> String {
    let short = workload.rsplit_once('/').map_or(workload, |(_, name)| name);
    dns_label(&format!("{short}{suffix}"))
}

/// `metadata` with the provenance annotations.
pub(crate) fn metadata(ctx: &Context, name: &str, namespace: &str, workload: Option<&str>) -> Node {
    let mut annotations = Vec::new();
    if let Some(workload) = workload {
        annotations.push(entry("blastwall.io/workload", text(workload)));
    }
    annotations.push(entry("blastwall.io/plan-digest", text(&ctx.digests.plan)));
    annotations.push(entry(
        "blastwall.io/estate-digest",
        text(&ctx.digests.estate),
    ));
    Node::Map(vec![
        entry("name", text(name)),
        entry("namespace", text(namespace)),
        entry("annotations", Node::Map(annotations)),
    ])
}

/// A `matchLabels` mapping.
pub(crate) fn match_labels(labels: &BTreeMap<String, String>) -> Node {
    let entries = labels.iter().map(|(k, v)| entry(k, text(v))).collect();
    Node::Map(vec![entry("matchLabels", Node::Map(entries))])
}

/// Documents joined into one multi-document file, with a header comment.
pub(crate) fn documents(header: &str, docs: &[Vec<(String, Node)>]) -> String {
    let mut out = String::from(header);
    for (n, doc) in docs.iter().enumerate() {
        if n > 0 {
            out.push_str("---\n");
        }
        out.push_str(&to_yaml(doc));
    }
    out
}

fn header(ctx: &Context, what: &str) -> String {
    format!(
        "# {what}\n# Written by `blastwall export` · estate digest {} · plan digest {} (xxh3-64).\n",
        ctx.digests.estate, ctx.digests.plan
    )
}

fn network_policy(metadata: Node, spec: Vec<(String, Node)>) -> Vec<(String, Node)> {
    vec![
        entry("apiVersion", text("networking.k8s.io/v1")),
        entry("kind", text("NetworkPolicy")),
        entry("metadata", metadata),
        entry("spec", Node::Map(spec)),
    ]
}

/// `default-deny.yaml`: per namespace in scope, a policy selecting every pod for ingress and
/// egress with no allow.
pub fn default_deny(ctx: &Context) -> String {
    let scope = scope::Scope::new(ctx.estate);
    let docs: Vec<_> = scope
        .namespaces
        .iter()
        .map(|namespace| {
            let spec = vec![
                entry("podSelector", Node::Map(Vec::new())),
                entry("policyTypes", policy_types(&["Ingress", "Egress"])),
            ];
            network_policy(metadata(ctx, "default-deny", namespace, None), spec)
        })
        .collect();
    let what = "Default deny, ingress and egress, per namespace: apply last, per namespace, \
                when its phase enforces (README.md).";
    documents(&header(ctx, what), &docs)
}

fn policy_types(types: &[&str]) -> Node {
    Node::FlowList(types.iter().map(|t| text(t)).collect())
}

/// `allow.yaml`: per selectable workload, an ingress and an egress policy.
pub fn allow(ctx: &Context) -> String {
    let policies = policies(ctx);
    let mut docs = Vec::new();
    for policy in &policies.workloads {
        for (direction, suffix, key, peers) in [
            ("Ingress", "-ingress", "ingress", "from"),
            ("Egress", "-egress", "egress", "to"),
        ] {
            docs.push(workload_policy(ctx, policy, direction, suffix, key, peers));
        }
    }
    let what = "Allows exactly what the plan allows, per workload and direction (README.md).";
    documents(&header(ctx, what), &docs)
}

fn workload_policy(
    ctx: &Context,
    policy: &WorkloadPolicy,
    direction: &str,
    suffix: &str,
    key: &str,
    peers_key: &str,
) -> Vec<(String, Node)> {
    let workload = &ctx.estate.workloads[policy.workload as usize];
    let name = policy_name(&workload.name, suffix);
    let rules = if key == "ingress" {
        &policy.ingress
    } else {
        &policy.egress
    };
    let rules: Vec<Node> = rules.iter().map(|r| rule(ctx, r, peers_key)).collect();
    let spec = vec![
        entry("podSelector", match_labels(&workload.pod_labels)),
        entry("policyTypes", policy_types(&[direction])),
        entry(key, Node::List(rules)),
    ];
    let meta = metadata(ctx, &name, &policy.namespace, Some(&workload.name));
    network_policy(meta, spec)
}

/// One `ingress`/`egress` element.
fn rule(ctx: &Context, rule: &PolicyRule, peers_key: &str) -> Node {
    let mut out = Vec::new();
    if !rule.all {
        let mut peers = Vec::new();
        for namespace in &rule.namespaces {
            peers.push(Node::Map(vec![namespace_selector(namespace)]));
        }
        for &w in &rule.pods {
            let peer = &ctx.estate.workloads[w as usize];
            let namespace = peer.namespace.as_deref().unwrap_or_default();
            peers.push(Node::Map(vec![
                namespace_selector(namespace),
                entry("podSelector", match_labels(&peer.pod_labels)),
            ]));
        }
        peers.extend(rule.blocks.iter().map(ip_block));
        out.push(entry(peers_key, Node::List(peers)));
    }
    if let Some(ports) = &rule.ports {
        out.push(entry("ports", Node::List(ports.iter().map(port).collect())));
    }
    Node::Map(out)
}

fn namespace_selector(namespace: &str) -> (String, Node) {
    let labels = BTreeMap::from([(NAMESPACE_LABEL.to_string(), namespace.to_string())]);
    entry("namespaceSelector", match_labels(&labels))
}

fn ip_block(block: &Block) -> Node {
    let mut fields = vec![entry("cidr", text(&block.cidr.to_string()))];
    if !block.except.is_empty() {
        let except = block.except.iter().map(|e| text(&e.to_string())).collect();
        fields.push(entry("except", Node::List(except)));
    }
    Node::Map(vec![entry("ipBlock", Node::Map(fields))])
}

fn port(l4: &L4) -> Node {
    let mut fields = vec![
        entry("protocol", text(l4.protocol)),
        entry("port", number(l4.first)),
    ];
    if l4.last > l4.first {
        fields.push(entry("endPort", number(l4.last)));
    }
    Node::FlowMap(fields)
}

/// The README sections both cluster targets share: the phases with the namespaces they touch,
/// and what the policies do not express.
pub fn readme_parts(ctx: &Context, policies: &policy::Policies, out: &mut String, dialect: &str) {
    readme::phases(ctx, policies, out);
    readme::limits(ctx, policies, out, dialect);
}
