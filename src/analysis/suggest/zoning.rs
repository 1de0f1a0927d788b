//! Zones from the flow graph: units that talk mostly among themselves (Louvain over the unit
//! graph, weighted by records) form a community; a community is split by tier, so that a zone
//! never mixes web, application and data tiers; each zone is named by the application and tier
//! its workloads agree on, and takes the highest sensitivity its data classes and criticality
//! call for.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap, FxHashSet};

use super::community::louvain;
use super::units::Units;
use crate::analysis::resolve::{Endpoint, ResolvedEstate};
use crate::model::Attribute;
use crate::model::plan::{PSEUDO_ZONES, Policy, Sensitivity, Zone};

/// A proposed zone and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedZone {
    pub zone: Zone,
    /// Units it holds.
    pub units: Vec<u32>,
    pub workloads: u64,
    /// Accepted records with both ends in the zone.
    pub internal_records: u64,
    /// Accepted records with one end in the zone.
    pub external_records: u64,
    /// Its members talk among themselves, so rules may name the zone whole.
    pub cohesive: bool,
}

/// How much a data class says a breach would hurt.
pub fn data_class_sensitivity(class: &str) -> Option<Sensitivity> {
    let class = class.trim().to_ascii_lowercase();
    Some(match class.as_str() {
        "restricted" | "secret" | "top-secret" | "top secret" | "pci" | "phi" | "cardholder" => {
            Sensitivity::Critical
        }
        "confidential" | "pii" | "sensitive" | "private" => Sensitivity::High,
        "internal" | "internal-use" | "internal use" => Sensitivity::Medium,
        "public" | "unclassified" => Sensitivity::Low,
        _ => return None,
    })
}

/// How much a criticality says a breach would hurt.
pub fn criticality_sensitivity(criticality: &str) -> Option<Sensitivity> {
    let value = criticality.trim().to_ascii_lowercase();
    Some(match value.as_str() {
        "critical" | "tier-0" | "tier0" | "mission-critical" => Sensitivity::Critical,
        "high" | "tier-1" | "tier1" => Sensitivity::High,
        "medium" | "moderate" | "tier-2" | "tier2" => Sensitivity::Medium,
        "low" | "tier-3" | "tier3" => Sensitivity::Low,
        _ => return None,
    })
}

/// Groups units into zones. Returned in plan order: most sensitive first, then by name.
pub fn propose_zones(estate: &ResolvedEstate, units: &Units) -> Vec<ProposedZone> {
    let (community, kinds) = communities(estate, units);
    let mut groups: BTreeMap<(u32, &str), Vec<u32>> = BTreeMap::new();
    for (u, unit) in units.units.iter().enumerate() {
        groups
            .entry((community[u], unit.tier.as_str()))
            .or_default()
            .push(u as u32);
    }
    let mut zones: Vec<ProposedZone> = groups
        .into_iter()
        .map(|((c, _), members)| describe(estate, units, members, kinds[c as usize]))
        .collect();
    name_uniquely(&mut zones);
    traffic(estate, units, &mut zones);
    for zone in &mut zones {
        let why = zone.zone.description.take().unwrap_or_default();
        zone.zone.description = Some(format!("{why}; {}", traffic_text(zone)));
    }
    zones.sort_by(|a, b| {
        (b.zone.sensitivity, &a.zone.name).cmp(&(a.zone.sensitivity, &b.zone.name))
    });
    zones
}

/// Why units share a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// They talk mostly among themselves (Louvain).
    Traffic,
    /// A hub: a shared service.
    Shared,
    /// Units of one tier that talk to hubs only.
    Other,
}

/// The community of every unit, and each community's kind. Hubs — units that call, or are
/// called by, many other units (monitoring, backup, jump hosts, directory, log collectors) —
/// would glue every community together: they are left out of the community detection and each
/// is a zone of its own (a shared service). The rest are grouped by Louvain over accepted
/// workload-to-workload traffic, weighted by records; units that talk to hubs only are grouped
/// by tier.
fn communities(estate: &ResolvedEstate, units: &Units) -> (Vec<u32>, Vec<Kind>) {
    let n = units.units.len();
    let mut weights: FxHashMap<(u32, u32), f64> = FxHashMap::default();
    let mut calls: FxHashSet<(u32, u32)> = FxHashSet::default();
    for edge in estate.service_edges.iter().filter(|e| e.stats.accepted > 0) {
        if let (Endpoint::Workload(c), Endpoint::Workload(s)) = (edge.client, edge.server) {
            let (a, b) = (units.of[c as usize], units.of[s as usize]);
            *weights.entry((a.min(b), a.max(b))).or_default() += edge.stats.records as f64;
            if a != b {
                calls.insert((a, b));
            }
        }
    }
    let (mut out_degree, mut in_degree) = (vec![0usize; n], vec![0usize; n]);
    for &(a, b) in &calls {
        out_degree[a as usize] += 1;
        in_degree[b as usize] += 1;
    }
    let threshold = hub_threshold(n);
    let hub: Vec<bool> = (0..n)
        .map(|u| out_degree[u] >= threshold || in_degree[u] >= threshold)
        .collect();
    let mut edges: Vec<(u32, u32, f64)> = weights
        .into_iter()
        .filter(|((a, b), _)| !hub[*a as usize] && !hub[*b as usize])
        .map(|((a, b), w)| (a, b, w))
        .collect();
    edges.sort_by_key(|e| (e.0, e.1));
    let mut community = louvain(n, &edges);
    let mut linked = vec![false; n];
    for &(a, b, _) in edges.iter().filter(|(a, b, _)| a != b) {
        linked[a as usize] = true;
        linked[b as usize] = true;
    }
    let mut kinds = vec![Kind::Traffic; community.iter().max().map_or(0, |m| *m as usize + 1)];
    let mut grouped: BTreeMap<(Kind, &str), u32> = BTreeMap::new();
    for (u, c) in community.iter_mut().enumerate() {
        let kind = match (hub[u], linked[u]) {
            (true, _) => Kind::Shared,
            (false, false) => Kind::Other,
            (false, true) => continue,
        };
        if kind == Kind::Shared {
            kinds.push(kind);
            *c = kinds.len() as u32 - 1;
            continue;
        }
        *c = *grouped
            .entry((kind, units.units[u].tier.as_str()))
            .or_insert_with(|| {
                kinds.push(kind);
                kinds.len() as u32 - 1
            });
    }
    (community, kinds)
}

/// How many distinct units a hub calls or is called by: a twentieth of all units, at least 5.
fn hub_threshold(units: usize) -> usize {
    (units / 20).max(5)
}

/// Counts of attribute values among a zone's workloads, most common first, then by value.
fn tally<'a>(values: impl Iterator<Item = &'a str>) -> Vec<(&'a str, u64)> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for value in values.filter(|v| !v.is_empty()) {
        *counts.entry(value).or_default() += 1;
    }
    let mut out: Vec<_> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    out
}

fn listed(counts: &[(&str, u64)]) -> String {
    let mut parts: Vec<String> = counts
        .iter()
        .take(4)
        .map(|(v, n)| format!("{v} ({n})"))
        .collect();
    if counts.len() > 4 {
        parts.push(format!("{} more", counts.len() - 4));
    }
    parts.join(", ")
}

fn describe(estate: &ResolvedEstate, units: &Units, members: Vec<u32>, kind: Kind) -> ProposedZone {
    let workloads: Vec<_> = members
        .iter()
        .flat_map(|&u| &units.units[u as usize].members)
        .map(|&w| &estate.workloads[w as usize])
        .collect();
    let apps = tally(workloads.iter().map(|w| w.app()));
    let tiers = tally(workloads.iter().map(|w| w.attribute(Attribute::Tier)));
    let classes = tally(workloads.iter().map(|w| w.attribute(Attribute::DataClass)));
    let criticality = tally(
        workloads
            .iter()
            .map(|w| w.attribute(Attribute::Criticality)),
    );
    let sensitivity = workloads
        .iter()
        .flat_map(|w| {
            [
                data_class_sensitivity(w.attribute(Attribute::DataClass)),
                criticality_sensitivity(w.attribute(Attribute::Criticality)),
            ]
        })
        .flatten()
        .max()
        .unwrap_or_default();

    let total = workloads.len() as u64;
    let tier = tiers.first().map_or("", |t| t.0);
    let app = apps.first().filter(|(_, n)| n * 2 >= total).map(|a| a.0);
    let name = match (kind, app, tier) {
        (_, Some(app), "") => app.to_string(),
        (_, Some(app), tier) => format!("{app}-{tier}"),
        (_, None, "") => "other".to_string(),
        (_, None, tier) => format!("{tier}-other"),
    };
    let name = if workloads.len() == 1 && apps.is_empty() {
        workloads[0].name.clone()
    } else {
        name
    };
    let mut why = vec![format!(
        "{total} workload{}",
        if total == 1 { "" } else { "s" }
    )];
    for (what, counts) in [
        ("apps", &apps),
        ("tier", &tiers),
        ("data class", &classes),
        ("criticality", &criticality),
    ] {
        if !counts.is_empty() {
            why.push(format!("{what} {}", listed(counts)));
        }
    }
    let units_held = members.len();
    ProposedZone {
        zone: Zone {
            name: slug(&name),
            sensitivity,
            intra_zone: Some(Policy::Deny),
            description: Some(format!(
                "{}: {}",
                kind_text(kind, units_held),
                why.join("; ")
            )),
            note: None,
            members: members
                .iter()
                .flat_map(|&u| units.units[u as usize].selectors.iter().cloned())
                .collect(),
        },
        units: members,
        workloads: total,
        internal_records: 0,
        external_records: 0,
        cohesive: kind == Kind::Traffic,
    }
}

fn kind_text(kind: Kind, units: usize) -> String {
    let (groups, verb) = if units == 1 {
        ("1 group".to_string(), "talks")
    } else {
        (format!("{units} groups"), "talk")
    };
    match kind {
        Kind::Traffic => format!(
            "{groups} of a community that talks mostly among itself (Louvain over the flows, \
             split by tier)"
        ),
        Kind::Shared => {
            format!("{groups} that many others call or that calls many (a shared service)")
        }
        Kind::Other => format!("{groups} that {verb} to shared services only"),
    }
}

/// Lower case letters, digits and dashes; never empty, never a pseudo-zone's name.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "zone".to_string()
    } else {
        out
    }
}

/// Makes names unique (`-2`, `-3`…) in a stable order and keeps pseudo-zone names free.
fn name_uniquely(zones: &mut [ProposedZone]) {
    let mut order: Vec<usize> = (0..zones.len()).collect();
    order.sort_by(|&a, &b| {
        (
            &zones[a].zone.name,
            std::cmp::Reverse(zones[a].workloads),
            a,
        )
            .cmp(&(
                &zones[b].zone.name,
                std::cmp::Reverse(zones[b].workloads),
                b,
            ))
    });
    let mut taken: BTreeSet<String> = PSEUDO_ZONES.iter().map(|s| s.to_string()).collect();
    taken.insert(super::baseline::PLATFORM_ZONE.to_string());
    for i in order {
        let base = zones[i].zone.name.clone();
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(name.clone());
        zones[i].zone.name = name;
    }
}

/// Internal and external accepted records of each zone.
fn traffic(estate: &ResolvedEstate, units: &Units, zones: &mut [ProposedZone]) {
    let mut zone_of_unit = vec![u32::MAX; units.units.len()];
    for (z, zone) in zones.iter().enumerate() {
        for &u in &zone.units {
            zone_of_unit[u as usize] = z as u32;
        }
    }
    let zone_of = |endpoint: Endpoint| match endpoint {
        Endpoint::Workload(w) => zone_of_unit[units.of[w as usize] as usize],
        Endpoint::Address(_) => u32::MAX,
    };
    for edge in estate.service_edges.iter().filter(|e| e.stats.accepted > 0) {
        let (c, s) = (zone_of(edge.client), zone_of(edge.server));
        let records = edge.stats.records;
        if c == s {
            if let Some(zone) = zones.get_mut(c as usize) {
                zone.internal_records += records;
            }
            continue;
        }
        for z in [c, s] {
            if let Some(zone) = zones.get_mut(z as usize) {
                zone.external_records += records;
            }
        }
    }
}

fn traffic_text(zone: &ProposedZone) -> String {
    let total = zone.internal_records + zone.external_records;
    if total == 0 {
        return "no traffic seen".to_string();
    }
    format!(
        "{} of {} records stay inside ({}%)",
        zone.internal_records,
        total,
        zone.internal_records * 100 / total
    )
}
