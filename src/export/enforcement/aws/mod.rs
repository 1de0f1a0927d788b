//! `enforcement/aws/`: the plan as Terraform security groups for EC2 instances in VPCs. One
//! `aws_security_group` per VPC and set of instances the plan treats alike (same zone, same
//! rules in and out), with standalone `aws_vpc_security_group_ingress_rule` and `_egress_rule`
//! resources (never inline blocks). Peers are other groups of the file where both ends are
//! instances in one VPC, else CIDRs: host addresses of workloads, the plan's ranges.
//!
//! Security groups only allow, so a group never allows more than the plan: what it cannot
//! express exactly (the internet zone, large address ranges) is left out and listed in the
//! README, which errs on the side of denying.

pub mod hcl;

use crate::export::enforcement::comment;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use ipnet::IpNet;

use super::address_plan::{AddressPlan, Allow, Group, merge_ports, observe_only, reason_text};
use super::address_set::AddressSet;
use crate::analysis::Workload;
use crate::export::deliverables::Context;
use crate::export::deliverables::markdown::cell;
use crate::model::plan::PortSpec;
use crate::model::{NetworkKind, WorkloadKind};

/// The rules AWS allows per security group and direction by default.
pub const RULE_QUOTA: usize = 60;

/// A side's ranges with more prefixes than this are left out (they would not fit the quota).
pub const SPACE_LIMIT: usize = 16;

/// Where a rule's traffic comes from or goes to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RulePeer {
    /// Another security group of the file, by its Terraform name.
    Group(String),
    Cidr(IpNet),
}

/// A security group of the file.
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    /// Terraform resource name.
    pub ident: String,
    /// The group's AWS name.
    pub name: String,
    pub vpc: String,
    pub zone: String,
    pub members: Vec<u32>,
    /// (peer, service) → description.
    pub ingress: BTreeMap<(RulePeer, PortSpec), String>,
    pub egress: BTreeMap<(RulePeer, PortSpec), String>,
    /// What the plan allows that the group leaves out.
    pub notes: BTreeSet<String>,
    pub observe_only: bool,
}

/// Every security group, and the instances no group covers (no VPC known).
pub struct SecurityGroups {
    pub groups: Vec<SecurityGroup>,
    pub uncovered: Vec<u32>,
}

/// The VPC an instance is in: a VPC network, else the VPC of one of its subnets.
fn vpc_of(workload: &Workload, ctx: &Context) -> Option<String> {
    if workload.kind != WorkloadKind::Instance {
        return None;
    }
    let direct = workload
        .networks
        .iter()
        .find(|n| n.kind == NetworkKind::Vpc);
    if let Some(vpc) = direct {
        return Some(vpc.id.clone());
    }
    let subnets = workload
        .networks
        .iter()
        .filter(|n| n.kind == NetworkKind::Subnet);
    subnets
        .filter_map(|s| ctx.estate.networks.iter().find(|n| &n.key == s))
        .filter_map(|n| n.parent.as_ref())
        .find(|p| p.kind == NetworkKind::Vpc)
        .map(|p| p.id.clone())
}

/// Builds the security groups of a plan.
pub fn security_groups(ctx: &Context) -> SecurityGroups {
    let plan = AddressPlan::new(ctx);
    let workloads = &ctx.estate.workloads;
    let groups = plan.groups(|w| vpc_of(&workloads[w as usize], ctx));
    let mut member_of: BTreeMap<u32, (usize, &str)> = BTreeMap::new();
    let mut out: Vec<SecurityGroup> = Vec::with_capacity(groups.len());
    for (i, group) in groups.iter().enumerate() {
        for &w in &group.members {
            member_of.insert(w, (i, group.key.as_str()));
        }
        out.push(new_group(ctx, group));
    }
    let idents: Vec<String> = out.iter().map(|g| g.ident.clone()).collect();
    let refs = |w: u32, vpc: &str| {
        member_of
            .get(&w)
            .filter(|(_, v)| *v == vpc)
            .map(|(i, _)| idents[*i].clone())
    };
    for (sg, group) in out.iter_mut().zip(&groups) {
        let Some(&first) = group.members.first() else {
            continue;
        };
        for allow in plan.ingress(first) {
            let rules = rules_for(&plan, &allow, &|w| refs(w, &group.key), &mut sg.notes);
            sg.ingress.extend(rules);
        }
        for allow in plan.egress(first) {
            let rules = rules_for(&plan, &allow, &|w| refs(w, &group.key), &mut sg.notes);
            for (key, description) in rules {
                sg.egress.entry(key).or_insert(description);
            }
        }
    }
    let uncovered = (0..workloads.len() as u32)
        .filter(|&w| workloads[w as usize].kind == WorkloadKind::Instance)
        .filter(|w| !member_of.contains_key(w))
        .collect();
    SecurityGroups {
        groups: out,
        uncovered,
    }
}

fn new_group(ctx: &Context, group: &Group) -> SecurityGroup {
    let zone = ctx.zones.name(group.signature.zone).to_string();
    let names: Vec<&str> = group
        .members
        .iter()
        .map(|&w| ctx.estate.workloads[w as usize].name.as_str())
        .collect();
    let seed = format!("{}\0{zone}\0{}", group.key, names.join("\0"));
    let ident = hcl::identifier("sg", &zone, &seed);
    let name = hcl::aws_text(&format!("blastwall-{zone}-{}", hcl::short_hash(&seed)), 255);
    SecurityGroup {
        ident,
        name,
        vpc: group.key.clone(),
        observe_only: observe_only(ctx, group.signature.zone),
        zone,
        members: group.members.clone(),
        ingress: BTreeMap::new(),
        egress: BTreeMap::new(),
        notes: BTreeSet::new(),
    }
}

/// The rules one allow becomes: (peer, service) → description. What cannot be expressed is
/// noted and left out.
fn rules_for(
    plan: &AddressPlan,
    allow: &Allow,
    group_of: &dyn Fn(u32) -> Option<String>,
    notes: &mut BTreeSet<String>,
) -> Vec<((RulePeer, PortSpec), String)> {
    let ctx = plan.ctx;
    let reason = reason_text(ctx, allow.reason);
    let side = &allow.side;
    let everything = AddressSet::new(
        side.workloads
            .iter()
            .flat_map(|&w| plan.addresses(w).nets())
            .chain(side.space.nets())
            .copied(),
    );
    let mut peers: BTreeSet<RulePeer> = BTreeSet::new();
    let mut named: Vec<IpNet> = Vec::new();
    let mut nameless = Vec::new();
    let few = everything.nets().len() <= SPACE_LIMIT;
    for &w in &side.workloads {
        match group_of(w) {
            Some(ident) if !few => {
                peers.insert(RulePeer::Group(ident));
            }
            Some(_) => {}
            None => {
                if plan.is_narrowed(w) {
                    nameless.push(ctx.estate.workloads[w as usize].name.as_str());
                }
                named.extend(plan.addresses(w).nets());
            }
        }
    }
    let mut addresses = AddressSet::new(named);
    if few {
        addresses = everything;
    } else {
        let with_space = addresses.union(&side.space);
        if with_space.nets().len() <= addresses.nets().len() + SPACE_LIMIT {
            addresses = with_space;
        } else {
            let what = if side.narrowed.is_some() {
                "its addresses"
            } else {
                "address ranges"
            };
            let count = side.space.nets().len();
            notes.insert(format!(
                "{reason}: {what} ({count} prefixes) not expressed; left out"
            ));
        }
    }
    let kept = addresses
        .nets()
        .iter()
        .any(|n| side.space.nets().first().is_some_and(|s| n.contains(s)));
    if let Some(why) = side.narrowed.as_ref().filter(|_| kept) {
        notes.insert(format!("{reason}: {why}"));
    }
    if !nameless.is_empty() {
        notes.insert(nameless_note(&reason, &nameless));
    }
    peers.extend(addresses.nets().iter().map(|n| RulePeer::Cidr(*n)));
    let mut out = Vec::new();
    for port in merge_ports(allow.ports.iter().copied()) {
        if protocol_fields(port).is_none() {
            notes.insert(format!("{reason}: {port} cannot be expressed; left out"));
            continue;
        }
        for peer in &peers {
            if family_fits(peer, port) {
                out.push(((peer.clone(), port), reason.clone()));
            }
        }
    }
    out
}

/// A note for workloads that have no address of their own to name.
pub(crate) fn nameless_note(reason: &str, names: &[&str]) -> String {
    let shown: Vec<&str> = names.iter().take(5).copied().collect();
    let more = if names.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    format!(
        "{reason}: {} workload(s) without an address of their own to name, left out ({}{more})",
        names.len(),
        shown.join(", ")
    )
}

/// ICMP rules name IPv4 peers only, ICMPv6 rules IPv6 peers only.
fn family_fits(peer: &RulePeer, port: PortSpec) -> bool {
    !matches!(
        (peer, port),
        (
            RulePeer::Cidr(IpNet::V6(_)),
            PortSpec::Range { protocol: 1, .. }
        ) | (
            RulePeer::Cidr(IpNet::V4(_)),
            PortSpec::Range { protocol: 58, .. }
        )
    )
}

/// `ip_protocol` and the port range (`None` for none) of a service, if a rule can express it.
pub fn protocol_fields(port: PortSpec) -> Option<(String, Option<(i32, i32)>)> {
    match port {
        PortSpec::Any => Some(("-1".to_string(), None)),
        PortSpec::Range {
            protocol: protocol @ (6 | 17),
            first,
            last,
        } => {
            let name = if protocol == 6 { "tcp" } else { "udp" };
            Some((name.to_string(), Some((i32::from(first), i32::from(last)))))
        }
        PortSpec::Range {
            protocol: protocol @ (1 | 58),
            first: 0,
            last: u16::MAX,
        } => {
            let name = if protocol == 1 { "icmp" } else { "icmpv6" };
            Some((name.to_string(), Some((-1, -1))))
        }
        PortSpec::Range {
            protocol,
            first: 0,
            last: u16::MAX,
        } if protocol != 1 && protocol != 58 => Some((protocol.to_string(), None)),
        PortSpec::Range { .. } => None,
    }
}

/// `enforcement/aws/security_groups.tf`.
pub fn terraform(ctx: &Context) -> String {
    let built = security_groups(ctx);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Blastwall security groups: the plan's zones for EC2 instances in VPCs.\n\
         # Estate digest {} · plan digest {} (xxh3-64). Written by `blastwall export`.\n\
         # Attach each group to the instances its output lists, and no other group to them.\n\
         # What the plan allows that these groups cannot express is in README.md.",
        ctx.digests.estate, ctx.digests.plan
    );
    for sg in &built.groups {
        write_group(&mut out, ctx, sg);
        for (direction, rules) in [("ingress", &sg.ingress), ("egress", &sg.egress)] {
            for ((peer, port), description) in rules {
                write_rule(&mut out, sg, direction, peer, *port, description);
            }
        }
    }
    out
}

fn write_group(out: &mut String, ctx: &Context, sg: &SecurityGroup) {
    let workloads = &ctx.estate.workloads;
    let names: Vec<&str> = sg
        .members
        .iter()
        .map(|&w| workloads[w as usize].name.as_str())
        .collect();
    let count = names.len();
    let description = hcl::aws_text(
        &format!("Blastwall zone {}: {count} instance(s)", sg.zone),
        255,
    );
    let _ = write!(
        out,
        "\n# Zone {zone}, VPC {vpc}{mode}. Attach to:\n",
        zone = comment(&sg.zone),
        vpc = comment(&sg.vpc),
        mode = if sg.observe_only {
            " (the zone is only observed so far: apply when its phase enforces)"
        } else {
            ""
        },
    );
    for &w in &sg.members {
        let workload = &workloads[w as usize];
        let addresses: Vec<String> = workload.addresses.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(
            out,
            "#   {} ({})",
            comment(&workload.name),
            addresses.join(", ")
        );
    }
    let _ = writeln!(out, "resource \"aws_security_group\" \"{}\" {{", sg.ident);
    let _ = writeln!(out, "  name        = {}", hcl::string(&sg.name));
    let _ = writeln!(out, "  description = {}", hcl::string(&description));
    let _ = writeln!(out, "  vpc_id      = {}", hcl::string(&sg.vpc));
    let _ = writeln!(out, "  tags = {{");
    let listed = hcl::aws_text(&names.join(" "), 256);
    let tags = [
        ("Name", sg.name.clone()),
        ("blastwall_zone", hcl::aws_text(&sg.zone, 256)),
        ("blastwall_plan_digest", ctx.digests.plan.clone()),
        ("blastwall_instances", listed),
    ];
    for (key, value) in tags {
        let _ = writeln!(out, "    {key:<21} = {}", hcl::string(&value));
    }
    let _ = writeln!(out, "  }}\n}}\n");
    let list: Vec<String> = names.iter().map(|n| hcl::string(n)).collect();
    let _ = writeln!(out, "output \"{}_instances\" {{", sg.ident);
    let about = format!(
        "Instances (Name tag or instance id) to attach security group {} to",
        sg.name
    );
    let _ = writeln!(out, "  description = {}", hcl::string(&about));
    let _ = writeln!(out, "  value       = [{}]\n}}", list.join(", "));
}

fn write_rule(
    out: &mut String,
    sg: &SecurityGroup,
    direction: &str,
    peer: &RulePeer,
    port: PortSpec,
    description: &str,
) {
    let Some((protocol, ports)) = protocol_fields(port) else {
        return;
    };
    let (key, value) = match peer {
        RulePeer::Group(ident) => (
            "referenced_security_group_id",
            format!("aws_security_group.{ident}.id"),
        ),
        RulePeer::Cidr(net @ IpNet::V4(_)) => ("cidr_ipv4", hcl::string(&net.to_string())),
        RulePeer::Cidr(net @ IpNet::V6(_)) => ("cidr_ipv6", hcl::string(&net.to_string())),
    };
    let short = if direction == "ingress" { "in" } else { "out" };
    let seed = format!("{}\0{direction}\0{peer:?}\0{port}", sg.ident);
    let ident = hcl::identifier(&sg.ident, short, &seed);
    let _ = writeln!(
        out,
        "\nresource \"aws_vpc_security_group_{direction}_rule\" \"{ident}\" {{"
    );
    let _ = writeln!(
        out,
        "  security_group_id = aws_security_group.{}.id",
        sg.ident
    );
    let _ = writeln!(out, "  {key} = {value}");
    let _ = writeln!(out, "  ip_protocol = {}", hcl::string(&protocol));
    if let Some((from, to)) = ports {
        let _ = writeln!(out, "  from_port   = {from}\n  to_port     = {to}");
    }
    let description = hcl::aws_text(description, 255);
    let _ = writeln!(out, "  description = {}\n}}", hcl::string(&description));
}

/// `enforcement/aws/README.md`.
pub fn readme(ctx: &Context) -> String {
    let built = security_groups(ctx);
    let mut out = String::from("# AWS security groups\n\n");
    out.push_str(&crate::export::deliverables::markdown_digests(ctx));
    out.push_str(README_INTRO);
    out.push_str("\n## Security groups\n\n");
    if built.groups.is_empty() {
        out.push_str("No EC2 instance with a known VPC: no security group.\n");
    } else {
        out.push_str(
            "| security group | VPC | zone | instances | inbound rules | outbound rules |\n",
        );
        out.push_str("|---|---|---|---|---|---|\n");
    }
    let workloads = &ctx.estate.workloads;
    for sg in &built.groups {
        let names: Vec<&str> = sg
            .members
            .iter()
            .map(|&w| workloads[w as usize].name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "| `{}` ({}) | {} | {}{} | {} | {} | {} |",
            sg.ident,
            cell(&sg.name),
            cell(&sg.vpc),
            cell(&sg.zone),
            if sg.observe_only {
                " (observe only)"
            } else {
                ""
            },
            cell(&names.join(", ")),
            sg.ingress.len(),
            sg.egress.len()
        );
    }
    readme_limits(&mut out, ctx, &built);
    out
}

fn readme_limits(out: &mut String, ctx: &Context, built: &SecurityGroups) {
    out.push_str("\n## Over the rule quota\n\n");
    let over: Vec<&SecurityGroup> = built
        .groups
        .iter()
        .filter(|g| g.ingress.len() > RULE_QUOTA || g.egress.len() > RULE_QUOTA)
        .collect();
    if over.is_empty() {
        let _ = writeln!(
            out,
            "Every group stays within {RULE_QUOTA} rules per direction."
        );
    }
    for sg in over {
        let _ = writeln!(
            out,
            "- `{}`: {} inbound and {} outbound rules, above the default quota of {RULE_QUOTA} per \
             direction. Nothing was dropped: raise the quota, or narrow the plan's rules.",
            sg.ident,
            sg.ingress.len(),
            sg.egress.len()
        );
    }
    out.push_str("\n## Not covered\n\n");
    if built.uncovered.is_empty() {
        out.push_str("Every EC2 instance is in a security group above.\n");
    } else {
        let names: Vec<&str> = built
            .uncovered
            .iter()
            .map(|&w| ctx.estate.workloads[w as usize].name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "EC2 instances without a known VPC (import `describe-instances` with their VPC or \
             subnet): {}.",
            cell(&names.join(", "))
        );
    }
    out.push_str(
        "Hosts are covered by `enforcement/hosts/`, Kubernetes workloads by \
         `enforcement/kubernetes/` and `enforcement/cilium/`.\n",
    );
    out.push_str("\n## What the groups cannot express\n\n");
    out.push_str(README_CANNOT);
    for sg in &built.groups {
        for note in &sg.notes {
            let _ = writeln!(out, "- `{}`: {}", sg.ident, cell(note));
        }
    }
    if built.groups.iter().all(|g| g.notes.is_empty()) {
        out.push_str("- nothing: every group holds exactly what the plan allows its instances.\n");
    }
}

const README_INTRO: &str = "
`security_groups.tf` holds one `aws_security_group` per VPC and set of EC2 instances the plan \
treats alike (same zone, same rules in and out), and one standalone \
`aws_vpc_security_group_ingress_rule` or `aws_vpc_security_group_egress_rule` per peer and \
service (no inline `ingress`/`egress` blocks). Inbound rules are the plan's grants into the \
instances; outbound rules what the plan lets them reach (Terraform removes AWS's default \
allow-all egress from groups it creates). Security groups are stateful: replies need no rule.

Peers: another group of this file where the peer is an instance in the same VPC \
(`referenced_security_group_id`); other workloads by their host addresses (`/32`, `/128`); \
the plan's ranges (`cidr` selectors, zones' `cidr` members) less every address a workload \
outside the rule owns; `any` as `0.0.0.0/0` and `::/0`. ICMP rules name IPv4 peers, ICMPv6 \
rules IPv6 peers.

Terraform cannot attach a group to an instance it does not manage: each group's `output` lists \
its instances (Name tag or instance id). Attach the group to them and detach every other group: \
an instance's security groups add up, so another group would allow more than the plan.
";

const README_CANNOT: &str = "Security groups only allow: whatever the groups cannot express is \
left out, so they allow less than the plan, never more.

- `internet`: the internet zone is every public address outside the plan's ranges and the \
  workloads; that takes far more prefixes than a group holds, so rules from or to the internet \
  are left out (only `any` becomes `0.0.0.0/0`).
- `unmanaged`: only the unmanaged addresses the flows showed, as host addresses.
- `defaults.east_west: allow`: the workloads outside the zone are listed; the addresses outside \
  it are left out.
- SCTP port ranges other than all ports (a protocol number opens all its ports).
- Observe phases: a security group cannot log only; apply a zone's groups when its phase \
  enforces.

Left out, per group:
";
