//! `enforcement/cilium/`: `cilium.io/v2` CiliumNetworkPolicies, the same rules as the
//! Kubernetes target ([`super::kubernetes::policy`]) in Cilium's terms: per namespace a
//! `default-deny`, per workload one policy whose `endpointSelector` holds its own pod labels and
//! namespace, with `fromEndpoints`/`toEndpoints`, `fromCIDRSet`/`toCIDRSet` (with `except`),
//! `fromEntities`/`toEntities` (`all` for `any`, `world` only where it is exactly the plan's
//! peers) and `toPorts`. Each kind of peer is a rule of its own, with the same ports.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::kubernetes::policy::{Block, L4, PolicyRule, WorkloadPolicy, policies};
use super::kubernetes::{documents, metadata, policy_name, readme_parts};
use crate::export::deliverables::Context;
use crate::export::yaml::{Node, entry, number, text};

/// Cilium's label of a pod's namespace.
pub const NAMESPACE_LABEL: &str = "k8s:io.kubernetes.pod.namespace";

/// `policies.yaml`: per namespace a default deny, then per workload its policy.
pub fn policies_yaml(ctx: &Context) -> String {
    let policies = policies(ctx);
    let mut docs = Vec::new();
    for namespace in &policies.scope.namespaces {
        let spec = vec![
            entry("endpointSelector", Node::Map(Vec::new())),
            entry("enableDefaultDeny", default_deny()),
            entry("ingress", Node::List(vec![Node::Map(Vec::new())])),
            entry("egress", Node::List(vec![Node::Map(Vec::new())])),
        ];
        docs.push(cilium_policy(
            metadata(ctx, "default-deny", namespace, None),
            spec,
        ));
    }
    for policy in &policies.workloads {
        docs.push(workload_policy(ctx, policy));
    }
    let header = format!(
        "# CiliumNetworkPolicies: a default deny per namespace, then exactly what the plan \
         allows per workload (README.md).\n# Written by `blastwall export` · estate digest {} · \
         plan digest {} (xxh3-64).\n",
        ctx.digests.estate, ctx.digests.plan
    );
    documents(&header, &docs)
}

fn default_deny() -> Node {
    Node::FlowMap(vec![
        entry("ingress", number("true")),
        entry("egress", number("true")),
    ])
}

fn cilium_policy(metadata: Node, spec: Vec<(String, Node)>) -> Vec<(String, Node)> {
    vec![
        entry("apiVersion", text("cilium.io/v2")),
        entry("kind", text("CiliumNetworkPolicy")),
        entry("metadata", metadata),
        entry("spec", Node::Map(spec)),
    ]
}

/// An endpoint's labels in Cilium's form: the namespace, then its pod labels (`k8s:` source).
fn endpoint(namespace: &str, labels: Option<&BTreeMap<String, String>>) -> Node {
    let mut entries = vec![entry(NAMESPACE_LABEL, text(namespace))];
    for (k, v) in labels.into_iter().flatten() {
        entries.push(entry(&format!("k8s:{k}"), text(v)));
    }
    Node::Map(vec![entry("matchLabels", Node::Map(entries))])
}

fn workload_policy(ctx: &Context, policy: &WorkloadPolicy) -> Vec<(String, Node)> {
    let workload = &ctx.estate.workloads[policy.workload as usize];
    let name = policy_name(&workload.name, "");
    let ingress: Vec<Node> = policy
        .ingress
        .iter()
        .flat_map(|r| rules(ctx, r, "from"))
        .collect();
    let egress: Vec<Node> = policy
        .egress
        .iter()
        .flat_map(|r| rules(ctx, r, "to"))
        .collect();
    let spec = vec![
        entry(
            "endpointSelector",
            endpoint(&policy.namespace, Some(&workload.pod_labels)),
        ),
        entry("enableDefaultDeny", default_deny()),
        entry("ingress", Node::List(ingress)),
        entry("egress", Node::List(egress)),
    ];
    let meta = metadata(ctx, &name, &policy.namespace, Some(&workload.name));
    cilium_policy(meta, spec)
}

/// One policy rule as Cilium rules: one per kind of peer, each with the rule's ports.
fn rules(ctx: &Context, rule: &PolicyRule, side: &str) -> Vec<Node> {
    let mut peers: Vec<(String, Node)> = Vec::new();
    if rule.all {
        peers.push(entry(&format!("{side}Entities"), entities("all")));
    } else {
        let mut endpoints: Vec<Node> = rule.namespaces.iter().map(|n| endpoint(n, None)).collect();
        for &w in &rule.pods {
            let peer = &ctx.estate.workloads[w as usize];
            let namespace = peer.namespace.as_deref().unwrap_or_default();
            endpoints.push(endpoint(namespace, Some(&peer.pod_labels)));
        }
        if !endpoints.is_empty() {
            peers.push(entry(&format!("{side}Endpoints"), Node::List(endpoints)));
        }
        if rule.world {
            peers.push(entry(&format!("{side}Entities"), entities("world")));
        } else if !rule.blocks.is_empty() {
            let set = rule.blocks.iter().map(cidr_rule).collect();
            peers.push(entry(&format!("{side}CIDRSet"), Node::List(set)));
        }
    }
    peers
        .into_iter()
        .map(|peer| {
            let mut fields = vec![peer];
            if let Some(ports) = &rule.ports {
                fields.push(entry("toPorts", to_ports(ports)));
            }
            Node::Map(fields)
        })
        .collect()
}

fn entities(name: &str) -> Node {
    Node::FlowList(vec![text(name)])
}

fn cidr_rule(block: &Block) -> Node {
    let mut fields = vec![entry("cidr", text(&block.cidr.to_string()))];
    if !block.except.is_empty() {
        let except = block.except.iter().map(|e| text(&e.to_string())).collect();
        fields.push(entry("except", Node::List(except)));
    }
    Node::Map(fields)
}

fn to_ports(ports: &[L4]) -> Node {
    let list = ports
        .iter()
        .map(|l4| {
            let mut fields = vec![entry("port", text(&l4.first.to_string()))];
            if l4.last > l4.first {
                fields.push(entry("endPort", number(l4.last)));
            }
            fields.push(entry("protocol", text(l4.protocol)));
            Node::FlowMap(fields)
        })
        .collect();
    Node::List(vec![Node::Map(vec![entry("ports", Node::List(list))])])
}

/// `README.md` of the Cilium target.
pub fn readme(ctx: &Context) -> String {
    let policies = policies(ctx);
    let mut out = String::from("# Cilium network policies\n\n");
    out.push_str(&crate::export::deliverables::markdown_digests(ctx));
    let _ = write!(
        out,
        "\n`cilium.io/v2` CiliumNetworkPolicies in `policies.yaml`: per namespace a \
         `default-deny` (every endpoint, ingress and egress), then one policy per workload whose \
         own pod labels single it out ({} of {}), selecting it by those labels and \
         `{NAMESPACE_LABEL}`. Peers are endpoints by labels (with their namespace), CIDR sets \
         with `except` for addresses, `world` only where it is exactly the plan's peers, `all` \
         for `any`; ports in `toPorts` (`endPort` for ranges). Every policy sets \
         `enableDefaultDeny` explicitly.\n\n",
        policies.workloads.len(),
        policies.scope.workloads.len(),
    );
    out.push_str(
        "## Observe phases: policy audit mode\n\n\
         For an `observe` phase, apply the policies with policy audit mode on, so that Cilium \
         reports what they would drop (`verdict: AUDIT`, `hubble observe --verdict AUDIT`) and \
         enforces nothing: cluster-wide with the agent option `policy-audit-mode` (Helm \
         `policyAuditMode: true`), or per endpoint with `cilium-dbg endpoint config ID \
         PolicyAuditMode=Enabled`. Review the audited flows against the plan, then turn audit \
         mode off when the phase enforces. Audit mode covers layers 3 and 4 only.\n\n",
    );
    readme_parts(ctx, &policies, &mut out, "CiliumNetworkPolicy");
    out
}
