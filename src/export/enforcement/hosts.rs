//! `enforcement/hosts/`: the plan as nftables rulesets for hosts (bare metal and VMs), one file
//! per group of hosts the plan treats alike (same zone, same rules in and out). Each file
//! replaces only its own table, `inet blastwall`: allowed peers in interval sets (IPv4 and IPv6
//! apart), `input` and `output` chains that accept established traffic, loopback, IPv6
//! neighbour discovery and what the plan allows, log the rest with the prefix
//! `blastwall-deny: ` and drop it — or, for zones only observed so far, accept it (log only).

use crate::export::enforcement::comment;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use ipnet::IpNet;

use super::address_plan::{AddressPlan, Allow, Group, merge_ports, observe_only, reason_text};
use super::address_set::AddressSet;
use super::aws::hcl::short_hash;
use super::aws::nameless_note;
use crate::export::deliverables::Context;
use crate::export::deliverables::markdown::cell;
use crate::model::WorkloadKind;
use crate::model::plan::PortSpec;

/// The prefix of every log line for a packet the plan denies.
pub const LOG_PREFIX: &str = "blastwall-deny: ";

/// One accept: peers, services, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accept {
    pub peers: AddressSet,
    pub ports: Vec<PortSpec>,
    pub reasons: Vec<String>,
}

/// The ruleset of one group of hosts.
#[derive(Debug, Clone)]
pub struct HostGroup {
    /// The file name without `.nft`.
    pub name: String,
    pub zone: String,
    pub members: Vec<u32>,
    pub observe_only: bool,
    pub input: Vec<Accept>,
    pub output: Vec<Accept>,
    /// What the plan allows that the ruleset leaves out or narrows.
    pub notes: Vec<String>,
}

/// The rulesets of every group of hosts.
pub fn host_groups(ctx: &Context) -> Vec<HostGroup> {
    let plan = AddressPlan::new(ctx);
    let workloads = &ctx.estate.workloads;
    let is_host = |w: u32| (workloads[w as usize].kind == WorkloadKind::Host).then(String::new);
    plan.groups(is_host)
        .iter()
        .map(|group| host_group(ctx, &plan, group))
        .collect()
}

fn host_group(ctx: &Context, plan: &AddressPlan, group: &Group) -> HostGroup {
    let zone = ctx.zones.name(group.signature.zone).to_string();
    let names: Vec<&str> = group
        .members
        .iter()
        .map(|&w| ctx.estate.workloads[w as usize].name.as_str())
        .collect();
    let stem: String = zone
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '_') => c,
            _ => '-',
        })
        .take(40)
        .collect();
    let name = format!(
        "{stem}-{}",
        short_hash(&format!("{zone}\0{}", names.join("\0")))
    );
    let mut notes = Vec::new();
    let first = group.members.first().copied().unwrap_or_default();
    let input = accepts(plan, plan.ingress(first), &mut notes);
    let output = accepts(plan, plan.egress(first), &mut notes);
    notes.sort();
    notes.dedup();
    HostGroup {
        name,
        zone,
        members: group.members.clone(),
        observe_only: observe_only(ctx, group.signature.zone),
        input,
        output,
        notes,
    }
}

/// Allows as accepts: peers as addresses, merged where the peers or the services are equal.
fn accepts(plan: &AddressPlan, allows: Vec<Allow>, notes: &mut Vec<String>) -> Vec<Accept> {
    let ctx = plan.ctx;
    let mut by_peers: BTreeMap<AddressSet, (Vec<PortSpec>, Vec<String>)> = BTreeMap::new();
    for allow in allows {
        let reason = reason_text(ctx, allow.reason);
        let mut nets: Vec<IpNet> = allow.side.space.nets().to_vec();
        let mut nameless = Vec::new();
        for &w in &allow.side.workloads {
            if plan.is_narrowed(w) {
                nameless.push(ctx.estate.workloads[w as usize].name.as_str());
            }
            nets.extend(plan.addresses(w).nets());
        }
        let peers = AddressSet::new(nets);
        if !nameless.is_empty() {
            notes.push(nameless_note(&reason, &nameless));
        }
        if let Some(why) = &allow.side.narrowed {
            notes.push(format!("{reason}: {why}"));
        }
        if peers.is_empty() {
            continue;
        }
        let entry = by_peers.entry(peers).or_default();
        entry.0.extend(allow.ports.iter().copied());
        entry.1.push(reason);
    }
    let mut by_ports: BTreeMap<Vec<PortSpec>, (AddressSet, Vec<String>)> = BTreeMap::new();
    for (peers, (ports, reasons)) in by_peers {
        let entry = by_ports.entry(merge_ports(ports)).or_default();
        entry.0 = entry.0.union(&peers);
        entry.1.extend(reasons);
    }
    by_ports
        .into_iter()
        .map(|(ports, (peers, mut reasons))| {
            reasons.sort();
            reasons.dedup();
            Accept {
                peers,
                ports,
                reasons,
            }
        })
        .collect()
}

/// `enforcement/hosts/`: one `GROUP.nft` per group of hosts.
pub fn rulesets(ctx: &Context) -> Vec<(String, String)> {
    host_groups(ctx)
        .iter()
        .map(|g| (format!("{}.nft", g.name), ruleset(ctx, g)))
        .collect()
}

/// One group's ruleset.
pub fn ruleset(ctx: &Context, group: &HostGroup) -> String {
    let mut out = String::from("#!/usr/sbin/nft -f\n");
    write_header(&mut out, ctx, group);
    out.push_str("table inet blastwall {}\nflush table inet blastwall\n\ntable inet blastwall {\n");
    for (chain, accepts) in [("in", &group.input), ("out", &group.output)] {
        for (i, accept) in accepts.iter().enumerate() {
            write_sets(&mut out, chain, i, &accept.peers);
        }
    }
    let policy = if group.observe_only { "accept" } else { "drop" };
    for (chain, hook, accepts) in [
        ("in", "input", &group.input),
        ("out", "output", &group.output),
    ] {
        let _ = writeln!(out, "\tchain {hook} {{");
        let _ = writeln!(
            out,
            "\t\ttype filter hook {hook} priority filter; policy {policy};"
        );
        out.push_str("\t\tct state established,related accept\n");
        let lo = if chain == "in" { "iif" } else { "oif" };
        let _ = writeln!(out, "\t\t{lo} \"lo\" accept");
        out.push_str(
            "\t\tip6 hoplimit 255 icmpv6 type { nd-router-solicit, nd-router-advert, \
             nd-neighbor-solicit, nd-neighbor-advert } accept\n",
        );
        for (i, accept) in accepts.iter().enumerate() {
            write_accepts(&mut out, chain, i, accept);
        }
        let _ = writeln!(out, "\t\tlog prefix \"{LOG_PREFIX}\"\n\t}}");
    }
    out.push_str("}\n");
    out
}

fn write_header(out: &mut String, ctx: &Context, group: &HostGroup) {
    let _ = writeln!(
        out,
        "# Blastwall host firewall for host group {}, zone {}.\n\
         # Estate digest {} · plan digest {} (xxh3-64). Written by `blastwall export`.",
        group.name,
        comment(&group.zone),
        ctx.digests.estate,
        ctx.digests.plan
    );
    if group.observe_only {
        out.push_str(
            "# Mode: observe only (the zone's phases observe it): the chains accept every packet\n\
             # and log those enforcement would drop with the prefix \"blastwall-deny: \".\n",
        );
    } else {
        out.push_str(
            "# Mode: enforce: packets no rule accepts are logged with the prefix\n\
             # \"blastwall-deny: \" and dropped.\n",
        );
    }
    out.push_str("# Hosts:\n");
    for &w in &group.members {
        let workload = &ctx.estate.workloads[w as usize];
        let addresses: Vec<String> = workload.addresses.iter().map(|a| a.to_string()).collect();
        let _ = writeln!(
            out,
            "#   {} ({})",
            comment(&workload.name),
            addresses.join(", ")
        );
    }
    for note in &group.notes {
        let _ = writeln!(out, "# Narrower than the plan: {}", comment(note));
    }
    out.push_str(
        "# Load with `nft -f FILE` (check with `nft -c -f FILE`); only table inet blastwall is \
         replaced.\n\n",
    );
}

fn write_sets(out: &mut String, chain: &str, index: usize, peers: &AddressSet) {
    for (family, kind, nets) in [
        ("v4", "ipv4_addr", peers.v4().collect::<Vec<_>>()),
        ("v6", "ipv6_addr", peers.v6().collect::<Vec<_>>()),
    ] {
        if nets.is_empty() {
            continue;
        }
        let elements: Vec<String> = nets.iter().map(|n| element(n)).collect();
        let _ = writeln!(
            out,
            "\tset {chain}_{index}_{family} {{\n\t\ttype {kind}\n\t\tflags interval\n\t\t\
             elements = {{\n\t\t\t{}\n\t\t}}\n\t}}\n",
            elements.join(",\n\t\t\t")
        );
    }
}

/// A set element: a host address bare, a range as a prefix.
fn element(net: &IpNet) -> String {
    if net.prefix_len() == net.max_prefix_len() {
        net.addr().to_string()
    } else {
        net.to_string()
    }
}

fn write_accepts(out: &mut String, chain: &str, index: usize, accept: &Accept) {
    let direction = if chain == "in" { "saddr" } else { "daddr" };
    let text = accept.reasons.join(", ");
    let note = rule_comment(&text);
    for (family, match_family) in [("v4", "ip"), ("v6", "ip6")] {
        let has = if family == "v4" {
            accept.peers.v4().next().is_some()
        } else {
            accept.peers.v6().next().is_some()
        };
        if !has {
            continue;
        }
        let peer = format!("{match_family} {direction} @{chain}_{index}_{family}");
        for service in services(&accept.ports, family == "v4") {
            let _ = writeln!(out, "\t\t{peer}{service} accept comment \"{note}\"");
        }
    }
}

/// The service matches of a port list for one family: ` tcp dport { 22, 80-81 }`,
/// ` meta l4proto icmp`, or empty for every service.
fn services(ports: &[PortSpec], v4: bool) -> Vec<String> {
    let mut by_protocol: BTreeMap<u8, Vec<String>> = BTreeMap::new();
    let mut out = Vec::new();
    for port in ports {
        match *port {
            PortSpec::Any => return vec![String::new()],
            PortSpec::Range {
                protocol: protocol @ (6 | 17 | 132),
                first,
                last,
            } => {
                let text = if first == last {
                    first.to_string()
                } else {
                    format!("{first}-{last}")
                };
                by_protocol.entry(protocol).or_default().push(text);
            }
            PortSpec::Range { protocol: 1, .. } if v4 => out.push(" meta l4proto icmp".into()),
            PortSpec::Range { protocol: 58, .. } if !v4 => {
                out.push(" meta l4proto icmpv6".into());
            }
            PortSpec::Range {
                protocol: 1 | 58, ..
            } => {}
            PortSpec::Range { protocol, .. } => out.push(format!(" meta l4proto {protocol}")),
        }
    }
    for (protocol, list) in by_protocol {
        let name = match protocol {
            6 => "tcp",
            17 => "udp",
            _ => "sctp",
        };
        let ports = if list.len() == 1 {
            list.join("")
        } else {
            format!("{{ {} }}", list.join(", "))
        };
        out.insert(0, format!(" {name} dport {ports}"));
    }
    out.sort();
    out
}

/// A rule comment: printable ASCII without quotes or backslashes, at most 120 bytes.
fn rule_comment(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    clean
}

/// `enforcement/hosts/README.md`.
pub fn readme(ctx: &Context) -> String {
    let groups = host_groups(ctx);
    let mut out = String::from("# Host firewalls (nftables)\n\n");
    out.push_str(&crate::export::deliverables::markdown_digests(ctx));
    out.push_str(README_INTRO);
    out.push_str("\n## Host groups\n\n");
    if groups.is_empty() {
        out.push_str("No host in the estate: no ruleset.\n");
    } else {
        out.push_str("| file | zone | mode | hosts | inbound accepts | outbound accepts |\n");
        out.push_str("|---|---|---|---|---|---|\n");
    }
    for group in &groups {
        let names: Vec<&str> = group
            .members
            .iter()
            .map(|&w| ctx.estate.workloads[w as usize].name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "| `{}.nft` | {} | {} | {} | {} | {} |",
            group.name,
            cell(&group.zone),
            if group.observe_only {
                "observe (log only)"
            } else {
                "enforce"
            },
            cell(&names.join(", ")),
            group.input.len(),
            group.output.len()
        );
    }
    out.push_str("\n## What the rulesets cannot express\n\n");
    out.push_str(README_CANNOT);
    for group in &groups {
        for note in &group.notes {
            let _ = writeln!(out, "- `{}.nft`: {}", group.name, cell(note));
        }
    }
    if groups.iter().all(|g| g.notes.is_empty()) {
        out.push_str("- nothing: every ruleset holds exactly what the plan allows its hosts.\n");
    }
    out
}

const README_INTRO: &str = "
One nftables ruleset per group of hosts (bare metal and VMs) the plan treats alike: same zone, \
same rules in and out. Load one on each of its hosts with `nft -f FILE` (check it first with \
`nft -c -f FILE`). A file replaces only its own table, `inet blastwall` (it declares the table, \
flushes it, and fills it in one transaction), so other tables (Docker, kube-proxy, firewalld) \
stay; a packet must be accepted by every table that hooks it.

Each table has interval sets of allowed peers, IPv4 and IPv6 apart, and two chains: `input` \
(who may connect to the host) and `output` (whom the host may connect to). Both accept \
established and related traffic, loopback and IPv6 neighbour discovery, then what the plan \
allows, and log every other packet with the prefix `blastwall-deny: `. In zones that an \
`enforce` phase names, or that no phase names, the policy is `drop`; in zones only `observe` \
phases name, it is `accept`: the ruleset logs what enforcement would drop and drops nothing.

Peers are exact where the plan names workloads, ranges or `any`: workloads by their \
addresses, ranges less the addresses of workloads outside the rule, the internet zone as every \
public address outside the plan's ranges and the workloads.
";

const README_CANNOT: &str = "Where a ruleset cannot hold exactly what the plan allows it \
allows less, never more:

- `internet` leaves out the private ranges (an address Blastwall never saw counts as internet \
  whatever its class);
- `unmanaged` holds only the unmanaged addresses the flows showed;
- a workload with no address, or whose range holds more specific workloads, is named by what \
  is left, if anything;
- ICMP is accepted from IPv4 peers only, ICMPv6 from IPv6 peers only.

Per ruleset:
";
