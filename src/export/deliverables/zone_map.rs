//! The zone map: every zone (plan order, then the pseudo-zones that hold anything) with its
//! sensitivity, description, selectors, members and the controls proposed for its boundary; and
//! a Mermaid diagram of the zones and the zone-to-zone flows the plan allows.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::markdown::{cell, code, count, mermaid_label, table};
use super::{Context, markdown_digests};
use crate::analysis::rollout::zone_controls;
use crate::export::yaml::{Node, entry, number, text, to_yaml};
use crate::model::Protocol;

/// One zone of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneEntry {
    /// The zone's index in the [`ZoneMap`](crate::analysis::zones::ZoneMap).
    pub index: u32,
    pub name: String,
    /// Declared in the plan (not a pseudo-zone).
    pub declared: bool,
    pub sensitivity: String,
    pub intra_zone: String,
    pub description: Option<String>,
    /// The member selectors as the plan file writes them.
    pub selectors: Vec<String>,
    /// Workload names, sorted.
    pub members: Vec<String>,
    /// Unresolved addresses in the zone.
    pub addresses: usize,
    /// The controls proposed for its boundary.
    pub controls: Vec<String>,
}

/// The zones of the map, in order: the plan's, then the pseudo-zones that hold a workload or an
/// address, or that an observed flow touches.
pub fn zone_entries(ctx: &Context) -> Vec<ZoneEntry> {
    let (estate, zones, plan) = (ctx.estate, ctx.zones, ctx.plan);
    let mut members: Vec<Vec<String>> = vec![Vec::new(); zones.names.len()];
    for (w, &zone) in zones.workload_zone.iter().enumerate() {
        if let (Some(list), Some(workload)) =
            (members.get_mut(zone as usize), estate.workloads.get(w))
        {
            list.push(workload.name.clone());
        }
    }
    let mut addresses = vec![0usize; zones.names.len()];
    for &zone in zones.address_zone.values() {
        if let Some(n) = addresses.get_mut(zone as usize) {
            *n += 1;
        }
    }
    let touched: BTreeSet<u32> = estate
        .service_edges
        .iter()
        .flat_map(|e| [zones.zone_of(e.client), zones.zone_of(e.server)])
        .collect();
    let controls = zone_controls(estate, zones);
    let mut entries = Vec::new();
    for (index, name) in zones.names.iter().enumerate() {
        let declared = plan.zone(name);
        let mut names = std::mem::take(&mut members[index]);
        let holds = !names.is_empty() || addresses[index] > 0 || touched.contains(&(index as u32));
        if declared.is_none() && !holds {
            continue;
        }
        names.sort();
        entries.push(ZoneEntry {
            index: index as u32,
            name: name.clone(),
            declared: declared.is_some(),
            sensitivity: declared.map_or("-", |z| z.sensitivity.as_str()).to_string(),
            intra_zone: plan.intra_zone(name).as_str().to_string(),
            description: declared.and_then(|z| z.description.clone()),
            selectors: declared.map_or_else(Vec::new, |z| {
                z.members.iter().map(|s| s.to_string()).collect()
            }),
            members: names,
            addresses: addresses[index],
            controls: controls
                .get(index)
                .map(|c| c.iter().map(|e| e.as_str().to_string()).collect())
                .unwrap_or_default(),
        });
    }
    entries
}

/// Allowed zone-to-zone flows: (client zone, server zone) → services (`tcp/443`), intra-zone
/// flows left out. Services are sorted by protocol and port.
pub fn zone_flows(ctx: &Context) -> BTreeMap<(u32, u32), Vec<String>> {
    let zones = ctx.zones;
    let mut pairs: BTreeMap<(u32, u32), BTreeSet<(Protocol, u16)>> = BTreeMap::new();
    let edges = ctx
        .estate
        .service_edges
        .iter()
        .zip(&ctx.simulation.verdicts);
    for (edge, _) in edges.filter(|(e, v)| e.stats.accepted > 0 && v.is_allowed()) {
        let (from, to) = (zones.zone_of(edge.client), zones.zone_of(edge.server));
        if from != to {
            let port = if edge.protocol.has_ports() {
                edge.port
            } else {
                0
            };
            pairs
                .entry((from, to))
                .or_default()
                .insert((edge.protocol, port));
        }
    }
    let label = |(protocol, port): (Protocol, u16)| {
        if protocol.has_ports() {
            format!("{}/{port}", protocol.name())
        } else {
            protocol.name()
        }
    };
    pairs
        .into_iter()
        .map(|(pair, services)| (pair, services.into_iter().map(label).collect()))
        .collect()
}

/// `zone-map.md`.
pub fn markdown(ctx: &Context) -> String {
    let entries = zone_entries(ctx);
    let mut out = String::from("# Zone map\n\n");
    out.push_str(&markdown_digests(ctx));
    let workloads: usize = entries.iter().map(|e| e.members.len()).sum();
    let (zones, workloads) = (count(entries.len(), "zone"), count(workloads, "workload"));
    let _ = writeln!(out, "\n{zones}, {workloads}.\n");
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.name.clone(),
                e.sensitivity.clone(),
                e.intra_zone.clone(),
                e.members.len().to_string(),
                e.addresses.to_string(),
                e.controls.join(", "),
            ]
        })
        .collect();
    let header = [
        "zone",
        "sensitivity",
        "intra_zone",
        "workloads",
        "addresses",
        "proposed controls",
    ];
    table(&mut out, &header, &rows);
    for e in &entries {
        zone_section(&mut out, e);
    }
    out
}

fn zone_section(out: &mut String, e: &ZoneEntry) {
    let kind = if e.declared { "" } else { " (pseudo-zone)" };
    let _ = writeln!(out, "\n## {}{kind}\n", cell(&e.name));
    if let Some(description) = &e.description {
        let _ = writeln!(out, "{}\n", cell(description));
    }
    let list = |items: &[String]| -> String {
        let items: Vec<String> = items.iter().map(|s| code(s)).collect();
        if items.is_empty() {
            "none".into()
        } else {
            items.join(", ")
        }
    };
    let _ = writeln!(out, "- sensitivity: {}", cell(&e.sensitivity));
    let _ = writeln!(out, "- intra-zone: {}", e.intra_zone);
    let _ = writeln!(out, "- selectors: {}", list(&e.selectors));
    let _ = writeln!(out, "- proposed controls: {}", list(&e.controls));
    let _ = writeln!(out, "- workloads: {}", e.members.len());
    if e.addresses > 0 {
        let _ = writeln!(out, "- unresolved addresses: {}", e.addresses);
    }
    if !e.members.is_empty() {
        out.push('\n');
        let rows: Vec<Vec<String>> = e.members.iter().map(|m| vec![m.clone()]).collect();
        table(out, &["workload"], &rows);
    }
}

/// `zone-map.yaml`.
pub fn yaml(ctx: &Context) -> String {
    let zones = zone_entries(ctx).into_iter().map(zone_node).collect();
    to_yaml(&[
        entry("estate_digest", text(&ctx.digests.estate)),
        entry("plan_digest", text(&ctx.digests.plan)),
        entry("zones", Node::List(zones)),
    ])
}

fn zone_node(e: ZoneEntry) -> Node {
    let texts = |items: Vec<String>| Node::List(items.into_iter().map(Node::Text).collect());
    let mut entries = vec![
        entry("name", Node::Text(e.name)),
        entry("pseudo_zone", number(!e.declared)),
        entry("sensitivity", Node::Text(e.sensitivity)),
        entry("intra_zone", Node::Text(e.intra_zone)),
    ];
    if let Some(description) = e.description {
        entries.push(entry("description", Node::Text(description)));
    }
    let controls = e.controls.into_iter().map(Node::Text).collect();
    entries.extend([
        entry("selectors", texts(e.selectors)),
        entry("controls", Node::FlowList(controls)),
        entry("workload_count", number(e.members.len())),
        entry("unresolved_addresses", number(e.addresses)),
        entry("members", texts(e.members)),
    ]);
    Node::Map(entries)
}

/// `zone-map.mmd`: a Mermaid `flowchart LR`, zones as nodes (`z0`, `z1`…), allowed flows
/// between zones as edges labelled with their services.
pub fn mermaid(ctx: &Context) -> String {
    let entries = zone_entries(ctx);
    let mut out = format!(
        "%% Zone map. estate_digest {} plan_digest {}\nflowchart LR\n",
        ctx.digests.estate, ctx.digests.plan
    );
    let mut ids: BTreeMap<u32, String> = BTreeMap::new();
    for (n, e) in entries.iter().enumerate() {
        let id = format!("z{n}");
        let label = format!("{} ({})", e.name, count(e.members.len(), "workload"));
        let _ = writeln!(out, "    {id}[{}]", mermaid_label(&label));
        ids.insert(e.index, id);
    }
    for ((from, to), services) in zone_flows(ctx) {
        if let (Some(a), Some(b)) = (ids.get(&from), ids.get(&to)) {
            let label = mermaid_label(&services.join(", "));
            let _ = writeln!(out, "    {a} -->|{label}| {b}");
        }
    }
    out
}

#[cfg(test)]
#[path = "zone_map_tests.rs"]
mod tests;
