//! Zone design: addresses used to pick workloads whose addresses change, zones that mix tiers or
//! applications behind intra-zone allow, and zones left without DNS.

use std::collections::BTreeMap;

use super::sides::has;
use super::{Context, Finding, Subject, examples, plural};
use crate::analysis::resolve::Endpoint;
use crate::analysis::zones::Matcher;
use crate::model::Attribute;
use crate::model::plan::{Peer, Selector};

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let members = zone_members(cx);
    cidr_on_dynamic(cx, &members, out);
    mixed_zone(cx, &members, out);
    zone_without_dns(cx, &members, out);
}

/// The workloads of each declared zone (by plan index), in estate order.
fn zone_members(cx: &Context) -> Vec<Vec<usize>> {
    let mut plan_zone = vec![None; cx.zones.names.len()];
    for (i, zone) in cx.plan.zones.iter().enumerate() {
        if let Some(z) = cx.zones.index(&zone.name) {
            plan_zone[z as usize] = Some(i);
        }
    }
    let mut members = vec![Vec::new(); cx.plan.zones.len()];
    for (w, &z) in cx.zones.workload_zone.iter().enumerate() {
        if let Some(i) = plan_zone.get(z as usize).copied().flatten() {
            members[i].push(w);
        }
    }
    members
}

/// Label keys that mark an instance of an autoscaling group, node group, scale set or fleet.
const AUTOSCALED: [&str; 4] = ["autoscaling", "nodegroup", "scaleset", "fleet-id"];

/// Why a workload's addresses change: it is a Kubernetes workload, or an autoscaled instance.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dynamic {
    Kubernetes,
    Autoscaled,
}

fn dynamic(cx: &Context, w: usize) -> Option<Dynamic> {
    let workload = cx.estate.workloads.get(w)?;
    if workload.kind.is_kubernetes() {
        return Some(Dynamic::Kubernetes);
    }
    let autoscaled = workload.labels.keys().any(|key| {
        let key = key.to_lowercase();
        AUTOSCALED.iter().any(|marker| key.contains(marker))
    });
    autoscaled.then_some(Dynamic::Autoscaled)
}

/// `cidr-on-dynamic`: the message for the workloads a CIDR selector matches, if some are dynamic.
fn dynamic_matches(
    cx: &Context,
    what: &str,
    matched: impl Iterator<Item = usize>,
) -> Option<String> {
    let (mut kubernetes, mut autoscaled, mut names) = (0, 0, Vec::new());
    for w in matched {
        match dynamic(cx, w) {
            Some(Dynamic::Kubernetes) => kubernetes += 1,
            Some(Dynamic::Autoscaled) => autoscaled += 1,
            None => continue,
        }
        if names.len() < 3 {
            names.push(cx.estate.endpoint_label(Endpoint::Workload(w as u32)));
        }
    }
    let counts = match (kubernetes, autoscaled) {
        (0, 0) => return None,
        (k, 0) => plural(k, "Kubernetes workload"),
        (0, a) => plural(a, "autoscaled instance"),
        (k, a) => format!(
            "{} and {}",
            plural(k, "Kubernetes workload"),
            plural(a, "autoscaled instance")
        ),
    };
    Some(format!(
        "{what} matches {counts}, whose addresses change ({})",
        examples(&names, kubernetes + autoscaled)
    ))
}

const CIDR_HINT: &str =
    "select them by identity instead: namespace, service_account, labels or app";

fn cidr_on_dynamic(cx: &Context, members: &[Vec<usize>], out: &mut Vec<Finding>) {
    let matcher = Matcher::new(cx.estate);
    for (i, zone) in cx.plan.zones.iter().enumerate() {
        for member in &zone.members {
            if !matches!(member, Selector::Cidr(_)) {
                continue;
            }
            let workloads = &cx.estate.workloads;
            let matched = members[i].iter().copied().filter(|&w| {
                workloads
                    .get(w)
                    .is_some_and(|wl| matcher.workload(member, wl))
            });
            let what = format!("member {}", member);
            if let Some(message) = dynamic_matches(cx, &what, matched) {
                out.push(cx.finding("cidr-on-dynamic", Subject::Zone(i), message, CIDR_HINT));
            }
        }
    }
    let workloads = cx.sides.workloads;
    for r in cx.enabled_rules() {
        let rule = &cx.plan.rules[r];
        for (side, peer, to) in [("from", &rule.from, false), ("to", &rule.to, true)] {
            if !matches!(peer, Peer::Selector(Selector::Cidr(_))) {
                continue;
            }
            let matched = (0..workloads).filter(|&w| {
                let bits = if to { cx.sides.to(w) } else { cx.sides.from(w) };
                has(bits, r)
            });
            let what = format!("{side}: {}", peer);
            if let Some(message) = dynamic_matches(cx, &what, matched) {
                out.push(cx.finding("cidr-on-dynamic", Subject::Rule(r), message, CIDR_HINT));
            }
        }
    }
}

/// `3 tiers (app 12, data 3, web 1)`: the distinct values, most frequent first.
fn distinct(counts: &BTreeMap<&str, usize>, noun: &str) -> String {
    let mut values: Vec<(&str, usize)> = counts.iter().map(|(v, n)| (*v, *n)).collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = values.iter().map(|(v, n)| format!("{v} {n}")).collect();
    format!(
        "{} ({})",
        plural(values.len(), noun),
        examples(&shown, values.len())
    )
}

fn mixed_zone(cx: &Context, members: &[Vec<usize>], out: &mut Vec<Finding>) {
    for (i, zone) in cx.plan.zones.iter().enumerate() {
        if !cx.plan.intra_zone(&zone.name).allows() {
            continue;
        }
        let mut tiers: BTreeMap<&str, usize> = BTreeMap::new();
        let mut apps: BTreeMap<&str, usize> = BTreeMap::new();
        for workload in members[i]
            .iter()
            .filter_map(|&w| cx.estate.workloads.get(w))
        {
            for (attribute, counts) in [(Attribute::Tier, &mut tiers), (Attribute::App, &mut apps)]
            {
                let value = workload.attribute(attribute);
                if !value.is_empty() {
                    *counts.entry(value).or_default() += 1;
                }
            }
        }
        let mut mixed = Vec::new();
        if tiers.len() > 1 {
            mixed.push(distinct(&tiers, "tier"));
        }
        if apps.len() > 1 {
            mixed.push(distinct(&apps, "app"));
        }
        if mixed.is_empty() {
            continue;
        }
        out.push(cx.finding(
            "mixed-zone",
            Subject::Zone(i),
            format!(
                "{} with intra-zone allow span {}",
                plural(members[i].len(), "workload"),
                mixed.join(" and ")
            ),
            "set intra_zone: deny on the zone and add rules for the flows seen inside it, or split the zone",
        ));
    }
}

const UDP: u8 = 17;
const TCP: u8 = 6;

fn zone_without_dns(cx: &Context, members: &[Vec<usize>], out: &mut Vec<Finding>) {
    if cx.plan.defaults.east_west.allows() {
        return;
    }
    let mut dns_rules = vec![0u64; cx.sides.words];
    for r in cx.enabled_rules() {
        if cx.plan.rules[r].ports.iter().any(|p| p.matches(53, UDP)) {
            super::sides::set(&mut dns_rules, r);
        }
    }
    let mut serves_dns = vec![false; cx.estate.workloads.len()];
    for edge in &cx.estate.service_edges {
        let dns = edge.port == 53 && matches!(edge.protocol.0, UDP | TCP);
        if let (true, true, Endpoint::Workload(w)) = (dns, edge.stats.accepted > 0, edge.server)
            && let Some(serves) = serves_dns.get_mut(w as usize)
        {
            *serves = true;
        }
    }
    for (i, zone) in cx.plan.zones.iter().enumerate() {
        let workloads = &members[i];
        if workloads.is_empty() {
            continue;
        }
        let own_resolver = workloads.iter().any(|&w| serves_dns[w]);
        if own_resolver && cx.plan.intra_zone(&zone.name).allows() {
            continue;
        }
        let without: Vec<usize> = workloads
            .iter()
            .copied()
            .filter(|&w| {
                let from = cx.sides.from(w);
                from.iter().zip(&dns_rules).all(|(f, d)| f & d == 0)
            })
            .collect();
        if without.is_empty() {
            continue;
        }
        let names: Vec<String> = without
            .iter()
            .take(3)
            .map(|&w| cx.estate.endpoint_label(Endpoint::Workload(w as u32)))
            .collect();
        out.push(cx.finding(
            "zone-without-dns",
            Subject::Zone(i),
            format!(
                "{} of {} {} on the from side of no enabled rule allowing udp/53 ({}): under enforcement {} cannot resolve names",
                without.len(),
                plural(workloads.len(), "workload"),
                if without.len() == 1 { "is" } else { "are" },
                examples(&names, without.len()),
                if without.len() == 1 { "it" } else { "they" }
            ),
            "add a baseline rule from the zone to its resolvers on udp/53 and tcp/53 (baseline: true)",
        ));
    }
}
