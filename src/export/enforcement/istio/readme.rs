//! `enforcement/istio/README.md`: how to apply the policies, what is dry-run, and everything
//! the mesh could not express.

use std::fmt::Write as _;

use super::{ALLOW_NOTHING, DRY_RUN, MAX_RANGE, MeshPolicies, TRUST_DOMAIN, mesh_policies};
use crate::export::deliverables::markdown::{cell, code};
use crate::export::deliverables::{Context, markdown_digests};
use crate::model::rollout::PhaseMode;

const INTRO: &str = "\
`authorization-policies.yaml` holds Istio `AuthorizationPolicy` objects (`security.istio.io/v1`,
Istio 1.22 or later; older meshes take `security.istio.io/v1beta1` with the same spec):

- one **ALLOW policy per destination workload** (`allow-NAME`), selecting its pods by their own
  pod-template labels (never the attribute labels Blastwall adds, and never labels that would
  also select another workload's pods), letting in the SPIFFE principals of the service accounts
  the plan allows, on the TCP ports the plan allows;
- then, kept apart, one **allow-nothing policy per namespace** (`default-deny`, `spec: {}`): every
  workload of the namespace without an ALLOW policy of its own is denied everything.

Apply the file as a whole (`kubectl apply -f authorization-policies.yaml`): the ALLOW policies
come first, so no workload is ever cut off between the two steps. The annotations
`blastwall.io/workload`, `blastwall.io/zone` and `blastwall.io/reasons` give the original
workload name, its zone and the plan rules behind each policy; `blastwall.io/estate-digest` and
`blastwall.io/plan-digest` the data and plan it was made from.

## Before applying

- Principals need **mutual TLS**: set `PeerAuthentication` to `STRICT` in these namespaces;
  a plaintext peer has no principal and matches no rule. Pods without a sidecar (or outside
  ambient mode) are not enforced at all.
";

const LIMITS: &str = "\
## What a mesh cannot express (left out, so denied or not enforced here)

Never broader than the plan: whatever could not be expressed exactly is left out.

- **Hosts, instances, addresses** (`cidr` selectors, `internet`, `unmanaged`, workloads outside
  the cluster): a mesh knows its peers by principal, not by address, and `ipBlocks` match pod
  addresses that change and addresses seen after proxies and NAT, so they are not used. Such
  peers are denied by these policies; enforce them with NetworkPolicy `ipBlock`, security groups
  or host firewalls.
- **UDP and ICMP** never reach the mesh's proxies: these policies neither allow nor deny them
  (`udp/53` to DNS, for example). A rule on `any` allows every TCP port here.
- **Port ranges** of more than {MAX_RANGE} ports: a policy lists single ports, so wider ranges are
  left out.
- **Shared service accounts**: a service account is let in only when every workload running as
  it is allowed; otherwise it is left out and those workloads are denied.
- **Workloads whose pods cannot be selected** (no pod labels, or labels that also select another
  workload's pods) get no ALLOW policy: only the namespace's `default-deny` applies to them.
- Pods the inventory does not list (run by the same service account, or carrying the same
  labels) are invisible to Blastwall: review the selectors against the cluster.
";

/// `enforcement/istio/README.md`.
pub fn readme(ctx: &Context) -> String {
    let mesh = mesh_policies(ctx);
    let mut out = String::from("# Istio authorization policies\n\n");
    out.push_str(&markdown_digests(ctx));
    out.push('\n');
    let namespaces: Vec<String> = mesh.namespaces.iter().map(|n| code(&n.namespace)).collect();
    let _ = writeln!(
        out,
        "{} ALLOW policies, and a `{ALLOW_NOTHING}` policy in each of {} namespaces: {}.\n",
        mesh.policies.len(),
        mesh.namespaces.len(),
        namespaces.join(", ")
    );
    out.push_str(INTRO);
    let _ = writeln!(
        out,
        "- Principals are written in the trust domain `{TRUST_DOMAIN}` \
         (`{TRUST_DOMAIN}/ns/NAMESPACE/sa/ACCOUNT`); if `meshConfig.trustDomain` differs, \
         replace it.\n"
    );
    dry_run(ctx, &mesh, &mut out);
    out.push_str(&LIMITS.replace("{MAX_RANGE}", &MAX_RANGE.to_string()));
    gaps(&mesh, &mut out);
    out
}

fn dry_run(ctx: &Context, mesh: &MeshPolicies, out: &mut String) {
    out.push_str("## Dry-run (observe phases)\n\n");
    if mesh.dry_run_zones.is_empty() {
        out.push_str("No phase observes a zone: every policy enforces.\n\n");
        return;
    }
    let _ = writeln!(
        out,
        "Workloads of zones an `observe` phase names get the annotation `{DRY_RUN}: \"true\"`: \
         Istio evaluates the policy and logs its decision (proxy RBAC debug logs, metrics) but \
         enforces nothing. Remove the annotation when the zone's `enforce` phase begins.\n"
    );
    out.push_str("| zone | enforced by phase |\n|---|---|\n");
    for zone in &mesh.dry_run_zones {
        let enforcing: Vec<String> = ctx
            .plan
            .phases
            .iter()
            .filter(|p| p.mode == PhaseMode::Enforce && p.zones.contains(zone))
            .map(|p| cell(&p.name))
            .collect();
        let phases = if enforcing.is_empty() {
            "none yet".to_string()
        } else {
            enforcing.join(", ")
        };
        let _ = writeln!(out, "| {} | {phases} |", cell(zone));
    }
    out.push('\n');
    let dry: Vec<String> = mesh
        .namespaces
        .iter()
        .filter(|n| n.dry_run)
        .map(|n| code(&n.namespace))
        .collect();
    if !dry.is_empty() {
        let _ = writeln!(
            out,
            "The `{ALLOW_NOTHING}` policies of namespaces holding only dry-run workloads are \
             dry-run too: {}.\n",
            dry.join(", ")
        );
    }
    let mixed: Vec<String> = mesh
        .namespaces
        .iter()
        .filter(|n| n.mixed)
        .map(|n| code(&n.namespace))
        .collect();
    if !mixed.is_empty() {
        let _ = writeln!(
            out,
            "**Namespaces mixing dry-run and enforced workloads** keep an enforcing \
             `{ALLOW_NOTHING}` (erring on the side of denying), so their dry-run workloads are \
             denied what their own policies would allow: {}.\n",
            mixed.join(", ")
        );
    }
}

fn gaps(mesh: &MeshPolicies, out: &mut String) {
    out.push_str("\n## Left out, in detail\n\n");
    if mesh.gaps.is_empty() {
        out.push_str("Nothing: the policies express the plan exactly.\n");
        return;
    }
    out.push_str("| what | destination workloads |\n|---|---|\n");
    for (what, workloads) in &mesh.gaps {
        let names: Vec<String> = workloads.iter().map(|w| cell(w)).collect();
        let _ = writeln!(out, "| {} | {} |", cell(what), names.join(", "));
    }
}
