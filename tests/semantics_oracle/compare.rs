//! Blastwall against the oracle: each function appends one line per disagreement.

use std::collections::BTreeMap;

use blastwall::analysis::Endpoint;
use blastwall::analysis::blast::{Blast, Mode};
use blastwall::analysis::simulate::{Simulation, Verdict};
use blastwall::analysis::zones::ZoneMap;
use blastwall::model::plan::Plan;

use super::oracle::{Oracle, Sim};

fn zone_name(zones: &ZoneMap, zone: Option<&u32>) -> String {
    zone.map_or("(none)".into(), |&z| zones.name(z).to_string())
}

/// Every workload's zone and every unresolved address's zone.
pub fn compare_zones(oracle: &Oracle, zones: &ZoneMap, out: &mut Vec<String>) {
    for (i, w) in oracle.estate.workloads.iter().enumerate() {
        let (b, o) = (
            zone_name(zones, zones.workload_zone.get(i)),
            &oracle.workload_zone[i],
        );
        if &b != o {
            out.push(format!(
                "zone of workload {}: blastwall {b}, oracle {o}",
                w.name
            ));
        }
    }
    for (address, o) in &oracle.address_zone {
        let b = zone_name(zones, zones.address_zone.get(address));
        if &b != o {
            out.push(format!(
                "zone of address {address}: blastwall {b}, oracle {o}"
            ));
        }
    }
    if zones.address_zone.len() != oracle.address_zone.len() {
        let (b, o) = (zones.address_zone.len(), oracle.address_zone.len());
        out.push(format!("zoned addresses: blastwall {b}, oracle {o}"));
    }
    let edges = oracle.estate.service_edges.iter();
    for endpoint in edges.flat_map(|e| [e.client, e.server]) {
        match endpoint {
            Endpoint::Address(a) if !oracle.address_zone.contains_key(&a) => {
                out.push(format!("address {a} is on an edge but is no blind spot"));
            }
            _ => {}
        }
    }
}

/// Totals, each edge's verdict, the denied edges, per-rule counts and the unused rules.
pub fn compare_simulation(
    oracle: &Oracle,
    theirs: &Plan,
    sim: &Simulation,
    mine: &Sim,
    out: &mut Vec<String>,
) {
    let count = |v: Option<bool>| mine.allowed.iter().filter(|a| **a == v).count() as u64;
    for (what, b, o) in [
        ("evaluated", sim.evaluated, mine.evaluated),
        ("allowed", sim.allowed, count(Some(true))),
        ("denied", sim.denied, count(Some(false))),
        ("already_blocked", sim.already_blocked, count(None)),
    ] {
        if b != o {
            out.push(format!("{what}: blastwall {b}, oracle {o}"));
        }
    }
    let mut their_denied: BTreeMap<(String, String, u16, u8), u64> = BTreeMap::new();
    for (i, edge) in oracle.estate.service_edges.iter().enumerate() {
        let verdict = sim.verdicts.get(i).copied();
        let b = match verdict {
            Some(Verdict::AlreadyBlocked) | None => None,
            Some(v) => Some(v.is_allowed()),
        };
        let (client, server) = (oracle.label(edge.client), oracle.label(edge.server));
        if b == Some(false) {
            *their_denied
                .entry((client.clone(), server.clone(), edge.port, edge.protocol.0))
                .or_default() += 1;
        }
        if b != mine.allowed[i] || verdict.is_none() {
            let rules = oracle.rules_for(edge.client, edge.server, edge.port, edge.protocol.0);
            let names: Vec<String> = rules.iter().map(|&r| theirs.rule_name(r)).collect();
            let zones = (oracle.zone(edge.client), oracle.zone(edge.server));
            out.push(format!(
                "edge {client} -> {server} port {} protocol {} (zones {zones:?}, accepted {}): \
                 blastwall {verdict:?}, oracle allowed {:?} (rules {names:?})",
                edge.port, edge.protocol.0, edge.stats.accepted, mine.allowed[i]
            ));
        }
    }
    let only = |a: &BTreeMap<_, u64>, b: &BTreeMap<_, u64>| -> Vec<String> {
        a.iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, v)| format!("{k:?}x{v}"))
            .collect()
    };
    if their_denied != mine.denied {
        let (b, o) = (
            only(&their_denied, &mine.denied),
            only(&mine.denied, &their_denied),
        );
        out.push(format!(
            "denied edges: blastwall only {b:?}, oracle only {o:?}"
        ));
    }
    for (r, o) in mine.rule_edges.iter().enumerate() {
        let b = sim.rule_edges.get(r).copied();
        if b != Some(*o) {
            out.push(format!(
                "edges of rule {}: blastwall {b:?}, oracle {o}",
                theirs.rule_name(r)
            ));
        }
    }
    let unused: Vec<usize> = (0..oracle.plan.rules.len())
        .filter(|&r| oracle.plan.rules[r].enabled && mine.rule_edges[r] == 0)
        .collect();
    if sim.unused_rules(theirs) != unused {
        out.push(format!(
            "unused rules: blastwall {:?}, oracle {unused:?}",
            sim.unused_rules(theirs)
        ));
    }
}

/// The ranking must give every workload its planned (reachable, crown jewels), largest first.
pub fn compare_ranking(
    oracle: &Oracle,
    ranking: &[(u32, u64, u64)],
    planned: &[(u64, u64)],
    out: &mut Vec<String>,
) {
    for (position, &(w, reachable, jewels)) in ranking.iter().enumerate() {
        let o = planned.get(w as usize).copied();
        if o != Some((reachable, jewels)) {
            let name = oracle.label(Endpoint::Workload(w));
            out.push(format!(
                "planned ranking of {name}: blastwall (reachable, crown jewels) = ({reachable}, {jewels}), \
                 oracle and Blast::reach {o:?}"
            ));
        }
        if position > 0 && ranking[position - 1].1 < reachable {
            out.push(format!(
                "planned ranking is not sorted at position {position}"
            ));
        }
    }
    if ranking.len() != planned.len() {
        out.push(format!(
            "planned ranking: {} entries for {} workloads",
            ranking.len(),
            planned.len()
        ));
    }
}

/// Compares one reach; returns the oracle's (reachable, crown jewels).
pub fn compare_reach(
    oracle: &Oracle,
    blast: &Blast,
    mode: Mode,
    start: usize,
    next: &[Vec<usize>],
    depth: &[Option<u32>],
    out: &mut Vec<String>,
) -> (u64, u64) {
    let reach = blast.reach(start as u32, mode);
    let name = |w: usize| oracle.label(Endpoint::Workload(w as u32));
    let at = format!("{} reach of {}", mode.as_str(), name(start));
    let reached: Vec<usize> = (0..depth.len())
        .filter(|&w| w != start && depth[w].is_some())
        .collect();
    let mut by_zone: BTreeMap<String, u64> = BTreeMap::new();
    let mut rings = vec![0u64];
    let mut jewels = BTreeMap::new();
    for &w in &reached {
        *by_zone.entry(oracle.workload_zone[w].clone()).or_default() += 1;
        let d = depth[w].unwrap_or(0) as usize;
        if rings.len() <= d {
            rings.resize(d + 1, 0);
        }
        rings[d] += 1;
        if oracle.is_jewel(w) {
            jewels.insert(name(w), d);
        }
    }
    let hops = rings.len() as u32 - 1;
    if reach.reachable != reached.len() as u64 {
        out.push(format!(
            "{at}: reachable blastwall {}, oracle {}",
            reach.reachable,
            reached.len()
        ));
    }
    if reach.hops != hops {
        out.push(format!(
            "{at}: hops blastwall {}, oracle {hops}",
            reach.hops
        ));
    }
    if blast.zone_counts(&reach) != by_zone {
        out.push(format!(
            "{at}: per zone blastwall {:?}, oracle {by_zone:?}",
            blast.zone_counts(&reach)
        ));
    }
    if reach.rings.get(1..) != rings.get(1..) {
        out.push(format!(
            "{at}: rings blastwall {:?}, oracle {rings:?}",
            reach.rings
        ));
    }
    let mut theirs = BTreeMap::new();
    for jewel in &reach.crown_jewels {
        let w = jewel.workload as usize;
        theirs.insert(name(w), jewel.path.len().saturating_sub(1));
        let walks = jewel.path.first() == Some(&(start as u32))
            && jewel.path.last() == Some(&jewel.workload)
            && jewel
                .path
                .windows(2)
                .all(|p| next[p[0] as usize].binary_search(&(p[1] as usize)).is_ok());
        if !walks {
            let path: Vec<String> = jewel.path.iter().map(|&p| name(p as usize)).collect();
            out.push(format!(
                "{at}: path to {} is not a walk of the relation: {path:?}",
                name(w)
            ));
        }
    }
    if theirs != jewels {
        let only_b: Vec<_> = theirs
            .iter()
            .filter(|(k, v)| jewels.get(*k) != Some(v))
            .collect();
        let only_o: Vec<_> = jewels
            .iter()
            .filter(|(k, v)| theirs.get(*k) != Some(v))
            .collect();
        out.push(format!(
            "{at}: crown jewels differ: blastwall only {only_b:?}, oracle only {only_o:?}"
        ));
    }
    (reached.len() as u64, jewels.len() as u64)
}
