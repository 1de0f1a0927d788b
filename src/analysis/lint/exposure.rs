//! Exposure: flat interiors, `any` on both sides or on all ports, and critical zones the internet
//! or unmanaged devices reach.

use std::collections::BTreeSet;
use std::net::IpAddr;

use ipnet::IpNet;

use super::sides::has;
use super::{Context, Finding, Subject, examples, plural, ports_text};
use crate::analysis::address::is_private;
use crate::analysis::resolve::Endpoint;
use crate::model::plan::{INTERNET, Peer, PortSpec, Selector, Sensitivity};

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    east_west_allow(cx, out);
    any_rules(cx, out);
    internet_to_critical(cx, out);
    blind_spot_to_critical(cx, out);
}

fn east_west_allow(cx: &Context, out: &mut Vec<Finding>) {
    if !cx.plan.defaults.east_west.allows() {
        return;
    }
    let message = format!(
        "defaults.east_west is allow: every endpoint may open any connection to every other zone \
         ({} declared, {} in the estate)",
        plural(cx.plan.zones.len(), "zone"),
        plural(cx.estate.workloads.len(), "workload")
    );
    out.push(cx.finding(
        "east-west-allow",
        Subject::Defaults,
        message,
        "set defaults: {east_west: deny} and write allow rules for the flows that blastwall simulate then lists as denied",
    ));
}

/// `any-to-any` and `any-port-any-peer`.
fn any_rules(cx: &Context, out: &mut Vec<Finding>) {
    for r in cx.enabled_rules() {
        let rule = &cx.plan.rules[r];
        let ports = rule.ports.contains(&PortSpec::Any);
        match (&rule.from, &rule.to) {
            (Peer::Any, Peer::Any) => out.push(cx.finding(
                "any-to-any",
                Subject::Rule(r),
                format!(
                    "from: any, to: any on [{}]: every endpoint may reach every other",
                    ports_text(&rule.ports)
                ),
                "name zones or selectors on both sides and only the ports in use, or delete the rule",
            )),
            (Peer::Any, other) | (other, Peer::Any) if ports => {
                let (side, named) = if rule.from == Peer::Any {
                    ("from", format!("to: {}", other))
                } else {
                    ("to", format!("from: {}", other))
                };
                out.push(cx.finding(
                    "any-port-any-peer",
                    Subject::Rule(r),
                    format!(
                        "ports include any and {side} is any ({named}): every protocol and port, with every endpoint"
                    ),
                    "list the ports the service uses (tcp/443, udp/53…) and name the peers instead of any",
                ));
            }
            _ => {}
        }
    }
}

/// Whether a CIDR lies wholly in private space. Private ranges are aligned network blocks that
/// never abut one another, so a block whose first and last addresses are private lies inside one.
pub(super) fn wholly_private(net: &IpNet) -> bool {
    is_private(net.network()) && is_private(net.broadcast())
}

/// Whether a rule side can hold an internet address.
fn holds_internet(peer: &Peer) -> bool {
    match peer {
        Peer::Any => true,
        Peer::Zone(name) => name == INTERNET,
        Peer::Selector(Selector::Cidr(net)) => !wholly_private(net),
        Peer::Selector(_) => false,
    }
}

/// Plan indices of the critical zones, with their zone index.
fn critical_zones(cx: &Context) -> Vec<(usize, u32)> {
    (cx.plan.zones.iter().enumerate())
        .filter(|(_, zone)| zone.sensitivity == Sensitivity::Critical)
        .filter_map(|(i, zone)| cx.zones.index(&zone.name).map(|z| (i, z)))
        .collect()
}

fn internet_to_critical(cx: &Context, out: &mut Vec<Finding>) {
    let critical = critical_zones(cx);
    if critical.is_empty() {
        return;
    }
    // Per zone, the enabled rules whose `to` matches one of its endpoints.
    let words = cx.sides.words;
    let mut zone_to = vec![0u64; cx.zones.names.len() * words];
    for e in 0..cx.sides.len() {
        let z = cx.sides.zone[e] as usize;
        if let Some(bits) = zone_to.get_mut(z * words..(z + 1) * words) {
            for (acc, bit) in bits.iter_mut().zip(cx.sides.to(e)) {
                *acc |= bit;
            }
        }
    }
    let east_west = cx.plan.defaults.east_west.allows();
    for (i, z) in critical {
        let name = &cx.plan.zones[i].name;
        let reached = zone_to.get(z as usize * words..(z as usize + 1) * words);
        let rules: Vec<String> = cx
            .enabled_rules()
            .filter(|&r| holds_internet(&cx.plan.rules[r].from))
            .filter(|&r| match &cx.plan.rules[r].to {
                Peer::Any => true,
                Peer::Zone(zone) if zone == name => true,
                _ => reached.is_some_and(|bits| has(bits, r)),
            })
            .map(|r| cx.plan.rule_name(r))
            .collect();
        let mut through = Vec::new();
        if east_west {
            through.push("defaults.east_west: allow".to_string());
        }
        if !rules.is_empty() {
            let noun = if rules.len() == 1 { "rule" } else { "rules" };
            through.push(format!("{noun} {}", examples(&rules, rules.len())));
        }
        if through.is_empty() {
            continue;
        }
        out.push(cx.finding(
            "internet-to-critical",
            Subject::Zone(i),
            format!(
                "critical zone reachable from the internet in one step through {}",
                through.join(" and ")
            ),
            "let the internet reach a front-end zone only, and narrow these rules to named partners on named ports",
        ));
    }
}

/// Accepted traffic between unmanaged addresses and one critical zone.
#[derive(Default)]
struct Contact {
    addresses: BTreeSet<IpAddr>,
    edges: u64,
    records: u64,
}

fn blind_spot_to_critical(cx: &Context, out: &mut Vec<Finding>) {
    let critical = critical_zones(cx);
    if critical.is_empty() {
        return;
    }
    let mut plan_zone = vec![None; cx.zones.names.len()];
    for &(i, z) in &critical {
        plan_zone[z as usize] = Some(i);
    }
    let mut contacts: Vec<Contact> = (0..cx.plan.zones.len())
        .map(|_| Contact::default())
        .collect();
    let unmanaged = cx.zones.unmanaged();
    for edge in cx
        .estate
        .service_edges
        .iter()
        .filter(|e| e.stats.accepted > 0)
    {
        for (near, far) in [(edge.client, edge.server), (edge.server, edge.client)] {
            let (Endpoint::Address(address), Endpoint::Workload(_)) = (near, far) else {
                continue;
            };
            if cx.zones.zone_of(near) != unmanaged {
                continue;
            }
            let Some(i) = plan_zone
                .get(cx.zones.zone_of(far) as usize)
                .copied()
                .flatten()
            else {
                continue;
            };
            let contact = &mut contacts[i];
            contact.addresses.insert(address);
            contact.edges += 1;
            contact.records += edge.stats.records;
        }
    }
    for (i, contact) in contacts.iter().enumerate() {
        if contact.addresses.is_empty() {
            continue;
        }
        let shown: Vec<String> = contact
            .addresses
            .iter()
            .take(3)
            .map(|a| a.to_string())
            .collect();
        out.push(cx.finding(
            "blind-spot-to-critical",
            Subject::Zone(i),
            format!(
                "accepted traffic with {}: {}, {} ({})",
                plural(contact.addresses.len(), "unmanaged address"),
                plural(contact.edges as usize, "edge"),
                plural(contact.records as usize, "record"),
                examples(&shown, contact.addresses.len())
            ),
            "identify these devices (import the inventory that knows them) or quarantine them; rules cannot name what the inventory does not know",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(text: &str) -> IpNet {
        text.parse().unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn private_blocks_are_wholly_private_and_wider_ones_are_not() {
        for private in [
            "10.0.0.0/8",
            "10.20.0.2/32",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "fd00::/8",
            "fc00::/7",
            "fe80::/10",
        ] {
            assert!(wholly_private(&net(private)), "{private}");
        }
        for public in [
            "0.0.0.0/0",
            "10.0.0.0/7",
            "172.0.0.0/8",
            "192.168.0.0/15",
            "100.0.0.0/8",
            "8.8.8.0/24",
            "::/0",
            "fc00::/6",
        ] {
            assert!(!wholly_private(&net(public)), "{public}");
        }
    }
}
