//! `enforcement/istio/`: Istio `AuthorizationPolicy` (security.istio.io/v1) from workload
//! identities. Per namespace an allow-nothing policy (`spec: {}`), kept apart; per destination
//! workload an ALLOW policy selecting its pods by their own pod-template labels, letting in the
//! SPIFFE principals of the service accounts the plan allows, on the TCP ports it allows.
//!
//! Only what a mesh can enforce exactly, never broader than the plan: sources are mesh
//! workloads (Kubernetes workloads with a service account), and a service account is let in only
//! when every workload running as it is allowed; a rule from `any` admits every source. Hosts
//! and addresses, UDP and ICMP, port ranges of more than [`MAX_RANGE`] ports are left out (denied
//! by the mesh, or not mesh traffic at all) and listed in the README.

mod readme;

use std::collections::{BTreeMap, BTreeSet};

use super::names::{dns_label, is_dns_label};
use crate::analysis::enforce::{Grant, Reason, grants};
use crate::analysis::resolve::Endpoint;
use crate::analysis::{ResolvedEstate, Workload};
use crate::export::deliverables::Context;
use crate::export::yaml::{Node, entry, text, to_yaml};
use crate::model::plan::PortSpec;
use crate::model::rollout::PhaseMode;

pub use readme::readme;

/// The trust domain of the principals (Istio's default; `meshConfig.trustDomain`).
pub const TRUST_DOMAIN: &str = "cluster.local";
/// The largest TCP port range expanded into single ports.
pub const MAX_RANGE: u32 = 64;
/// The annotation marking a policy as dry-run.
pub const DRY_RUN: &str = "istio.io/dry-run";
/// The name of each namespace's allow-nothing policy.
pub const ALLOW_NOTHING: &str = "default-deny";

/// The policies for the whole estate, and what they could not express.
#[derive(Debug, Default)]
pub struct MeshPolicies {
    /// One allow-nothing policy per namespace, sorted by namespace.
    pub namespaces: Vec<NamespacePolicy>,
    /// One ALLOW policy per destination workload with something to let in, by namespace and name.
    pub policies: Vec<WorkloadPolicy>,
    /// What was left out → the destination workloads it concerns (sorted names).
    pub gaps: BTreeMap<String, BTreeSet<String>>,
    /// Zones whose workloads' policies are dry-run.
    pub dry_run_zones: Vec<String>,
}

/// A namespace's allow-nothing policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespacePolicy {
    pub namespace: String,
    /// Every Kubernetes workload of the namespace is in a dry-run zone.
    pub dry_run: bool,
    /// Some workloads of the namespace are dry-run and some are not.
    pub mixed: bool,
}

/// The ALLOW policy of one workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadPolicy {
    pub workload: String,
    pub namespace: String,
    pub name: String,
    pub zone: String,
    pub selector: BTreeMap<String, String>,
    pub dry_run: bool,
    pub rules: Vec<MeshRule>,
}

/// One rule: sources (principals; `None` is every source) and TCP ports (`None` is every port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeshRule {
    pub principals: Option<Vec<String>>,
    pub ports: Option<Vec<u16>>,
    /// Why: `rule NAME`, `intra-zone ZONE`, `east-west default`.
    pub reasons: Vec<String>,
}

/// The SPIFFE principal of a mesh workload: a Kubernetes workload whose identity is a service
/// account of its own namespace.
pub fn principal(workload: &Workload) -> Option<String> {
    let namespace = workload.namespace.as_deref()?;
    let (account_ns, account) = workload.identity.as_deref()?.split_once('/')?;
    let valid = workload.kind.is_kubernetes()
        && account_ns == namespace
        && is_dns_label(namespace)
        && !account.is_empty()
        && account
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.'));
    valid.then(|| format!("{TRUST_DOMAIN}/ns/{namespace}/sa/{account}"))
}

/// The zones named by an `observe` phase: their workloads' policies are dry-run.
pub fn dry_run_zones(ctx: &Context) -> Vec<String> {
    let mut zones: Vec<String> = Vec::new();
    let observing = ctx
        .plan
        .phases
        .iter()
        .filter(|p| p.mode == PhaseMode::Observe);
    for zone in observing.flat_map(|p| p.zones.iter()) {
        if !zones.contains(zone) {
            zones.push(zone.clone());
        }
    }
    zones
}

/// Mesh workloads by principal, and the principal of each workload.
struct Identities {
    of: Vec<Option<String>>,
    holders: BTreeMap<String, Vec<u32>>,
}

impl Identities {
    fn new(estate: &ResolvedEstate) -> Identities {
        let of: Vec<Option<String>> = estate.workloads.iter().map(principal).collect();
        let mut holders: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (w, p) in of.iter().enumerate() {
            if let Some(p) = p {
                holders.entry(p.clone()).or_default().push(w as u32);
            }
        }
        Identities { of, holders }
    }
}

/// Builds the policies.
pub fn mesh_policies(ctx: &Context) -> MeshPolicies {
    let estate = ctx.estate;
    let identities = Identities::new(estate);
    let all_grants = grants(ctx.plan, estate, ctx.zones);
    let dry_zones = dry_run_zones(ctx);
    let mut out = MeshPolicies {
        dry_run_zones: dry_zones.clone(),
        ..MeshPolicies::default()
    };
    let mut namespaces: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for (w, workload) in estate.workloads.iter().enumerate() {
        let Some(namespace) = workload.namespace.as_deref() else {
            continue;
        };
        if !workload.kind.is_kubernetes() {
            continue;
        }
        if !is_dns_label(namespace) {
            out.gap(
                "namespace is not a DNS-1123 label: no policy",
                &workload.name,
            );
            continue;
        }
        let zone = ctx
            .zones
            .name(ctx.zones.zone_of(Endpoint::Workload(w as u32)));
        let dry_run = dry_zones.iter().any(|z| z == zone);
        let seen = namespaces
            .entry(namespace.to_string())
            .or_insert((false, false));
        (seen.0, seen.1) = (seen.0 || dry_run, seen.1 || !dry_run);
        let Some(selector) = selector(estate, w, &mut out) else {
            continue;
        };
        let mut rules: Vec<MeshRule> = Vec::new();
        for grant in &all_grants[w] {
            if let Some(rule) = mesh_rule(ctx, &identities, grant, &workload.name, &mut out) {
                match rules.iter_mut().find(|r| same_traffic(r, &rule)) {
                    Some(existing) => existing.reasons.extend(rule.reasons),
                    None => rules.push(rule),
                }
            }
        }
        if rules.is_empty() {
            continue;
        }
        let owner = workload.name.rsplit('/').next().unwrap_or(&workload.name);
        out.policies.push(WorkloadPolicy {
            workload: workload.name.clone(),
            namespace: namespace.to_string(),
            name: dns_label(&format!("allow-{owner}")),
            zone: zone.to_string(),
            selector,
            dry_run,
            rules,
        });
    }
    out.policies
        .sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    out.namespaces = namespaces
        .into_iter()
        .map(|(namespace, (dry, enforced))| NamespacePolicy {
            namespace,
            dry_run: dry && !enforced,
            mixed: dry && enforced,
        })
        .collect();
    out
}

impl MeshPolicies {
    fn gap(&mut self, what: &str, workload: &str) {
        let names = self.gaps.entry(what.to_string()).or_default();
        names.insert(workload.to_string());
    }
}

fn same_traffic(a: &MeshRule, b: &MeshRule) -> bool {
    a.principals == b.principals && a.ports == b.ports
}

/// The workload's own pod labels, when they select its pods and no other workload's pods of the
/// namespace.
fn selector(
    estate: &ResolvedEstate,
    w: usize,
    out: &mut MeshPolicies,
) -> Option<BTreeMap<String, String>> {
    let workload = &estate.workloads[w];
    let labels = &workload.pod_labels;
    if labels.is_empty() {
        let what = "no pod labels to select its pods by: only the namespace's allow-nothing \
                    applies (everything into it denied)";
        out.gap(what, &workload.name);
        return None;
    }
    let selects = |other: &Workload| {
        other.kind.is_kubernetes()
            && other.namespace == workload.namespace
            && labels
                .iter()
                .all(|(k, v)| other.pod_labels.get(k) == Some(v))
    };
    let ambiguous = estate
        .workloads
        .iter()
        .enumerate()
        .any(|(v, other)| v != w && selects(other));
    if ambiguous {
        let what = "its pod labels also select another workload's pods: only the namespace's \
                    allow-nothing applies (everything into it denied)";
        out.gap(what, &workload.name);
        return None;
    }
    Some(labels.clone())
}

/// What the plan calls a grant's reason.
fn reason_name(ctx: &Context, reason: Reason) -> String {
    match reason {
        Reason::Rule(r) => format!("rule {}", ctx.plan.rule_name(r)),
        Reason::IntraZone(z) => format!("intra-zone {}", ctx.zones.name(z)),
        Reason::EastWest => "east-west default".to_string(),
    }
}

/// A grant as a mesh rule, or `None` when nothing of it can be expressed; what is left out is
/// recorded as a gap of the destination.
fn mesh_rule(
    ctx: &Context,
    identities: &Identities,
    grant: &Grant,
    destination: &str,
    out: &mut MeshPolicies,
) -> Option<MeshRule> {
    let reason = reason_name(ctx, grant.reason);
    let ports = tcp_ports(&grant.ports, &reason, destination, out)?;
    let principals = if grant.peers.any && grant.except_zone.is_none() {
        None
    } else {
        Some(principals(
            ctx,
            identities,
            grant,
            &reason,
            destination,
            out,
        )?)
    };
    Some(MeshRule {
        principals,
        ports,
        reasons: vec![reason],
    })
}

/// The TCP ports of a grant: `Some(None)` for every port, `Some(Some(ports))`, or `None` when
/// none can be expressed.
fn tcp_ports(
    specs: &[PortSpec],
    reason: &str,
    destination: &str,
    out: &mut MeshPolicies,
) -> Option<Option<Vec<u16>>> {
    if specs.contains(&PortSpec::Any) {
        return Some(None);
    }
    let mut ports = BTreeSet::new();
    for spec in specs {
        match *spec {
            PortSpec::Range {
                protocol: 6,
                first,
                last,
            } if u32::from(last) - u32::from(first) < MAX_RANGE => ports.extend(first..=last),
            PortSpec::Range { protocol: 6, .. } => {
                let what = format!(
                    "{reason}: {spec} spans more than {MAX_RANGE} ports (a policy lists single \
                     ports): left out"
                );
                out.gap(&what, destination);
            }
            _ => {
                let what = format!("{reason}: {spec} is not TCP; a mesh does not see it: left out");
                out.gap(&what, destination);
            }
        }
    }
    (!ports.is_empty()).then(|| Some(ports.into_iter().collect()))
}

/// The principals of a grant's mesh peers whose service account runs no workload outside the
/// grant; `None` when there are none.
fn principals(
    ctx: &Context,
    identities: &Identities,
    grant: &Grant,
    reason: &str,
    destination: &str,
    out: &mut MeshPolicies,
) -> Option<Vec<String>> {
    let zone_of = |w: u32| ctx.zones.zone_of(Endpoint::Workload(w));
    let holds = |w: u32| {
        grant.except_zone != Some(zone_of(w))
            && grant
                .peers
                .holds(Endpoint::Workload(w), zone_of(w), ctx.zones)
    };
    let candidates: Vec<u32> = if grant.peers.any {
        (0..ctx.estate.workloads.len() as u32)
            .filter(|&w| holds(w))
            .collect()
    } else {
        grant.peers.workloads.clone()
    };
    let mut found = BTreeSet::new();
    let mut others = 0;
    for &w in &candidates {
        match &identities.of[w as usize] {
            Some(p) => {
                found.insert(p.clone());
            }
            None => others += 1,
        }
    }
    let peers = &grant.peers;
    let addresses = peers.any || peers.internet || peers.unmanaged || !peers.cidrs.is_empty();
    if others > 0 || addresses {
        let what = format!(
            "{reason}: peers that are not mesh workloads (hosts, instances, pods without a \
             service account, addresses) left out"
        );
        out.gap(&what, destination);
    }
    let mut kept = Vec::new();
    for p in found {
        let holders = identities.holders.get(&p).map(Vec::as_slice);
        if holders.unwrap_or_default().iter().all(|&w| holds(w)) {
            kept.push(p);
        } else {
            let what = format!(
                "{reason}: service account {p} also runs workloads the plan does not allow \
                 here: left out"
            );
            out.gap(&what, destination);
        }
    }
    (!kept.is_empty()).then_some(kept)
}

/// `enforcement/istio/authorization-policies.yaml`: the ALLOW policies, then each namespace's
/// allow-nothing policy, as one multi-document YAML file.
pub fn authorization_policies(ctx: &Context) -> String {
    let mesh = mesh_policies(ctx);
    let mut docs: Vec<String> = Vec::new();
    for policy in &mesh.policies {
        docs.push(to_yaml(&workload_document(ctx, policy)));
    }
    for namespace in &mesh.namespaces {
        docs.push(to_yaml(&namespace_document(ctx, namespace)));
    }
    let header = format!(
        "# Istio AuthorizationPolicies written by blastwall export.\n# estate_digest: {}\n# \
         plan_digest: {}\n",
        ctx.digests.estate, ctx.digests.plan
    );
    let mut out = header;
    for doc in docs {
        out.push_str("---\n");
        out.push_str(&doc);
    }
    out
}

fn head(kind_name: &str, namespace: &str, annotations: Vec<(String, Node)>) -> Vec<(String, Node)> {
    vec![
        entry("apiVersion", text("security.istio.io/v1")),
        entry("kind", text("AuthorizationPolicy")),
        entry(
            "metadata",
            Node::Map(vec![
                entry("name", text(kind_name)),
                entry("namespace", text(namespace)),
                entry("annotations", Node::Map(annotations)),
            ]),
        ),
    ]
}

fn digests(ctx: &Context, annotations: &mut Vec<(String, Node)>, dry_run: bool) {
    annotations.push(entry(
        "blastwall.io/estate-digest",
        text(&ctx.digests.estate),
    ));
    annotations.push(entry("blastwall.io/plan-digest", text(&ctx.digests.plan)));
    if dry_run {
        annotations.push(entry(DRY_RUN, text("true")));
    }
}

fn namespace_document(ctx: &Context, policy: &NamespacePolicy) -> Vec<(String, Node)> {
    let mut annotations = vec![entry(
        "blastwall.io/purpose",
        text("namespace default-deny: an ALLOW policy with no rules"),
    )];
    digests(ctx, &mut annotations, policy.dry_run);
    let mut doc = head(ALLOW_NOTHING, &policy.namespace, annotations);
    doc.push(entry("spec", Node::FlowMap(Vec::new())));
    doc
}

fn workload_document(ctx: &Context, policy: &WorkloadPolicy) -> Vec<(String, Node)> {
    let reasons: Vec<&str> = policy
        .rules
        .iter()
        .flat_map(|r| r.reasons.iter().map(String::as_str))
        .collect();
    let mut annotations = vec![
        entry("blastwall.io/workload", text(&policy.workload)),
        entry("blastwall.io/zone", text(&policy.zone)),
        entry("blastwall.io/reasons", text(&reasons.join(", "))),
    ];
    digests(ctx, &mut annotations, policy.dry_run);
    let mut doc = head(&policy.name, &policy.namespace, annotations);
    let labels = policy
        .selector
        .iter()
        .map(|(k, v)| (k.clone(), text(v)))
        .collect();
    let rules = policy.rules.iter().map(rule_node).collect();
    doc.push(entry(
        "spec",
        Node::Map(vec![
            entry(
                "selector",
                Node::Map(vec![entry("matchLabels", Node::Map(labels))]),
            ),
            entry("action", text("ALLOW")),
            entry("rules", Node::List(rules)),
        ]),
    ));
    doc
}

fn rule_node(rule: &MeshRule) -> Node {
    let mut entries = Vec::new();
    if let Some(principals) = &rule.principals {
        let list = principals.iter().map(|p| text(p)).collect();
        let source = Node::Map(vec![entry("principals", Node::List(list))]);
        entries.push(entry(
            "from",
            Node::List(vec![Node::Map(vec![entry("source", source)])]),
        ));
    }
    if let Some(ports) = &rule.ports {
        let list = ports.iter().map(|p| text(&p.to_string())).collect();
        let operation = Node::Map(vec![entry("ports", Node::FlowList(list))]);
        entries.push(entry(
            "to",
            Node::List(vec![Node::Map(vec![entry("operation", operation)])]),
        ));
    }
    if entries.is_empty() {
        // Every source, every port: `rules: [{}]`.
        return Node::FlowMap(Vec::new());
    }
    Node::Map(entries)
}

#[cfg(test)]
mod tests;
