//! The README of the Kubernetes and Cilium targets: the files, how to stage them, what the
//! policies express and what they could not (left out, so denied).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::policy::{Policies, policies};
use crate::analysis::resolve::Endpoint;
use crate::export::deliverables::Context;
use crate::export::deliverables::markdown::{cell, code, count};
use crate::model::rollout::PhaseMode;

/// `enforcement/kubernetes/README.md`.
pub fn readme(ctx: &Context) -> String {
    let policies = policies(ctx);
    let mut out = String::from("# Kubernetes NetworkPolicies\n\n");
    out.push_str(&crate::export::deliverables::markdown_digests(ctx));
    let _ = write!(
        out,
        "\n`networking.k8s.io/v1` NetworkPolicies for the Kubernetes workloads of the estate: {} \
         in {}, {} with policies of their own.\n\n",
        count(policies.scope.workloads.len(), "workload"),
        count(policies.scope.namespaces.len(), "namespace"),
        policies.workloads.len(),
    );
    out.push_str(
        "## Files\n\n\
         - `default-deny.yaml`: per namespace, `default-deny` selects every pod for ingress and \
         egress and allows nothing.\n\
         - `allow.yaml`: per workload, `<name>-ingress` and `<name>-egress` select its pods by \
         their own pod-template labels and allow exactly what the plan allows: pods by \
         `namespaceSelector` (`kubernetes.io/metadata.name`) and `podSelector` in one peer (both \
         must match), other workloads and address ranges by `ipBlock`, the plan's ports (`TCP`, \
         `UDP`, `SCTP`, ranges as `port` + `endPort`; every port where the plan says `any`). \
         Traffic between two pods needs the client's egress and the server's ingress: both are \
         there. DNS is allowed only as the plan's own rules allow it (below).\n\
         - Names are DNS-1123 labels; a name that had to change carries an 8-hex suffix, and \
         `blastwall.io/workload` holds the original.\n\n",
    );
    out.push_str(
        "## Staging\n\n\
         NetworkPolicy has no audit mode, and any policy that selects a pod isolates it for its \
         policy types. Stage per namespace: when a phase enforces, apply the namespace's policies \
         from `allow.yaml` first, then its `default-deny` from `default-deny.yaml`. For an \
         `observe` phase apply nothing here; watch the flows (CNI flow logs, Hubble) and compare \
         them with the plan (`blastwall simulate`).\n\n",
    );
    phases(ctx, &policies, &mut out);
    limits(ctx, &policies, &mut out, "NetworkPolicy");
    out
}

/// Per phase: its mode and the namespaces its zones touch.
pub(crate) fn phases(ctx: &Context, policies: &Policies, out: &mut String) {
    out.push_str("## Phases\n\n");
    if ctx.plan.phases.is_empty() {
        out.push_str("The plan has no phases.\n\n");
        return;
    }
    for phase in &ctx.plan.phases {
        let zones: Vec<u32> = phase
            .zones
            .iter()
            .filter_map(|z| ctx.zones.index(z))
            .collect();
        let namespaces: BTreeSet<&str> = policies
            .scope
            .workloads
            .iter()
            .filter(|&&w| zones.contains(&ctx.zones.zone_of(Endpoint::Workload(w))))
            .filter_map(|&w| ctx.estate.workloads[w as usize].namespace.as_deref())
            .collect();
        let listed: Vec<String> = namespaces.iter().map(|n| code(n)).collect();
        let touched = if listed.is_empty() {
            "no namespace".to_string()
        } else {
            listed.join(", ")
        };
        let _ = writeln!(
            out,
            "- {} ({}{}): {touched}",
            cell(&phase.name),
            phase.mode.as_str(),
            if phase.mode == PhaseMode::Observe {
                ", observe only"
            } else {
                ""
            },
        );
    }
    out.push('\n');
}

/// What the policies cannot express; all of it is left out, so denied.
pub(crate) fn limits(ctx: &Context, policies: &Policies, out: &mut String, dialect: &str) {
    out.push_str("## What these policies do not express\n\n");
    out.push_str(
        "Where a rule cannot be expressed exactly it is left out or narrowed: the policies never \
         allow more than the plan.\n\n",
    );
    let name = |w: u32| cell(&ctx.estate.workloads[w as usize].name);
    if !policies.icmp.is_empty() {
        let _ = writeln!(
            out,
            "- **ICMP** (and protocols other than TCP, UDP and SCTP) cannot be expressed in \
             {dialect} here: left out of {}.",
            policies
                .icmp
                .iter()
                .map(|r| cell(r))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for (w, shadows) in &policies.scope.ambiguous {
        let mut others: Vec<String> = shadows.iter().take(5).map(|&o| name(o)).collect();
        if shadows.len() > others.len() {
            others.push(format!("{} more", shadows.len() - others.len()));
        }
        let _ = writeln!(
            out,
            "- **{}**: its pod labels also select {}, so no policy can single it out; it has no \
             allow policy and the default deny denies all its traffic. Give its pods a label \
             of their own.",
            name(*w),
            others.join(", ")
        );
    }
    for &w in &policies.scope.without_namespace {
        let _ = writeln!(
            out,
            "- **{}**: a Kubernetes workload without a namespace; no policy selects it.",
            name(w)
        );
    }
    if !policies.unmanaged.is_empty() {
        let _ = writeln!(
            out,
            "- The `unmanaged` zone in {} is narrowed to the unmanaged addresses observed in the \
             flows (one /32 or /128 each), not every private address.",
            policies
                .unmanaged
                .iter()
                .map(|r| cell(r))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out.push_str(
        "- Workloads outside the cluster (hosts, instances) are peers by their addresses only; \
         their own side needs another control (security groups, host firewalls). Whether address \
         blocks see pod addresses before or after NAT depends on the CNI; host-network pods \
         cannot be selected.\n",
    );
    dns(ctx, out);
    out.push('\n');
}

/// Which rules allow DNS.
fn dns(ctx: &Context, out: &mut String) {
    let rules: Vec<String> = ctx
        .plan
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.enabled && r.ports.iter().any(|p| p.matches(53, 17)))
        .map(|(i, _)| cell(&ctx.plan.rule_name(i)))
        .collect();
    if rules.is_empty() {
        out.push_str(
            "- **DNS**: no enabled rule allows `udp/53`; under the default deny, pods cannot \
             resolve names. Add a baseline rule to the cluster DNS.\n",
        );
    } else {
        let _ = writeln!(
            out,
            "- **DNS** egress is what the plan allows on `udp/53`: {}.",
            rules.join(", ")
        );
    }
}
