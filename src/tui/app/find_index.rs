//! What the `/` finder searches: workloads, apps, addresses and ports of the estate (built once
//! per load, on the loading worker), zones and rules of the plan (taken as they are at search
//! time), ranked by `fuzzy-matcher`'s skim algorithm. Searching runs on a worker.

use std::collections::BTreeMap;
use std::net::IpAddr;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::analysis::{Endpoint, ResolvedEstate};
use crate::model::Protocol;
use crate::model::plan::Plan;

use super::lint::peer_text;

/// Where Enter on a hit goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindTarget {
    Workload(u32),
    App(String),
    Zone(usize),
    Rule(usize),
    /// An address: its workload's, or a blind spot.
    Address(IpAddr),
    Port(Protocol, u16),
}

impl FindTarget {
    /// The kind, as the finder's first column shows it.
    pub fn kind(&self) -> &'static str {
        match self {
            FindTarget::Workload(_) => "workload",
            FindTarget::App(_) => "app",
            FindTarget::Zone(_) => "zone",
            FindTarget::Rule(_) => "rule",
            FindTarget::Address(_) => "address",
            FindTarget::Port(..) => "port",
        }
    }
}

/// One thing the finder can find: the text matched, a detail shown beside it, and the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindItem {
    pub text: String,
    pub detail: String,
    pub target: FindTarget,
}

/// A match: the item, its score, and the positions (chars) of `text` that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindHit {
    pub item: FindItem,
    pub score: i64,
    pub positions: Vec<usize>,
}

/// The estate's searchable items: every workload, app, address and service port.
pub fn estate_items(estate: &ResolvedEstate) -> Vec<FindItem> {
    let mut items = Vec::new();
    let mut apps: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, workload) in estate.workloads.iter().enumerate() {
        let app = workload.app();
        if !app.is_empty() {
            *apps.entry(app).or_default() += 1;
        }
        items.push(FindItem {
            text: workload.name.clone(),
            detail: [workload.kind.as_str(), app]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
            target: FindTarget::Workload(i as u32),
        });
        for net in &workload.addresses {
            items.push(FindItem {
                text: net.addr().to_string(),
                detail: workload.name.clone(),
                target: FindTarget::Address(net.addr()),
            });
        }
    }
    for (app, workloads) in apps {
        items.push(FindItem {
            text: app.to_string(),
            detail: if workloads == 1 {
                "1 workload".to_string()
            } else {
                format!("{workloads} workloads")
            },
            target: FindTarget::App(app.to_string()),
        });
    }
    for spot in &estate.blind_spots {
        items.push(FindItem {
            text: spot.address.to_string(),
            detail: format!("blind spot · {} records", spot.records),
            target: FindTarget::Address(spot.address),
        });
    }
    let mut ports: BTreeMap<(u8, u16), (u64, u64)> = BTreeMap::new();
    for edge in &estate.service_edges {
        let entry = ports.entry((edge.protocol.0, edge.port)).or_default();
        entry.0 += 1;
        entry.1 += edge.stats.records;
    }
    for ((protocol, port), (edges, records)) in ports {
        let protocol = Protocol(protocol);
        items.push(FindItem {
            text: format!("{port}/{}", protocol.name()),
            detail: format!("{edges} service edges · {records} records"),
            target: FindTarget::Port(protocol, port),
        });
    }
    items
}

/// The plan's searchable items: zones and rules.
pub fn plan_items(plan: &Plan) -> Vec<FindItem> {
    let zones = plan.zones.iter().enumerate().map(|(i, zone)| FindItem {
        text: zone.name.clone(),
        detail: format!(
            "zone · {} · {} selectors",
            zone.sensitivity.as_str(),
            zone.members.len()
        ),
        target: FindTarget::Zone(i),
    });
    let rules = plan.rules.iter().enumerate().map(|(i, rule)| FindItem {
        text: plan.rule_name(i),
        detail: format!("{} → {}", peer_text(&rule.from), peer_text(&rule.to)),
        target: FindTarget::Rule(i),
    });
    zones.chain(rules).collect()
}

/// The best `limit` matches of `query` among `estate` and `plan` items, best first (ties by
/// kind, then text). An empty query matches nothing.
pub fn search(
    query: &str,
    estate: &[FindItem],
    plan: &[FindItem],
    limit: usize,
) -> (Vec<FindHit>, usize) {
    let query = query.trim();
    if query.is_empty() {
        return (Vec::new(), 0);
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut scored: Vec<(i64, &FindItem)> = estate
        .iter()
        .chain(plan)
        .filter_map(|item| Some((matcher.fuzzy_match(&item.text, query)?, item)))
        .collect();
    let total = scored.len();
    let rank = |(score, item): &(i64, &FindItem)| {
        (
            std::cmp::Reverse(*score),
            item.text.len(),
            item.target.kind(),
            item.text.clone(),
        )
    };
    if scored.len() > limit {
        scored.select_nth_unstable_by_key(limit, rank);
        scored.truncate(limit);
    }
    scored.sort_by_key(rank);
    let hits = scored
        .into_iter()
        .map(|(score, item)| FindHit {
            positions: matcher
                .fuzzy_indices(&item.text, query)
                .map(|(_, p)| p)
                .unwrap_or_default(),
            item: item.clone(),
            score,
        })
        .collect();
    (hits, total)
}

/// The endpoint's workload, when it is one.
pub fn endpoint_workload(endpoint: Endpoint) -> Option<u32> {
    match endpoint {
        Endpoint::Workload(w) => Some(w),
        Endpoint::Address(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::tests::{estate, plan};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn finds_workloads_apps_addresses_and_ports_best_first() -> TestResult {
        let estate = estate();
        let items = estate_items(&estate);
        let first = estate.workloads.first().ok_or("a workload")?;
        let (hits, total) = search(&first.name, &items, &[], 10);
        assert!(total >= 1);
        let best = hits.first().ok_or("a hit")?;
        assert_eq!(best.item.text, first.name);
        assert_eq!(best.item.target, FindTarget::Workload(0));
        assert_eq!(best.positions.len(), first.name.chars().count());
        let edge = estate.service_edges.first().ok_or("an edge")?;
        let port = format!("{}/{}", edge.port, edge.protocol.name());
        let (hits, _) = search(&port, &items, &[], 5);
        assert!(
            hits.iter()
                .any(|h| h.item.target == FindTarget::Port(edge.protocol, edge.port)),
            "{hits:?}"
        );
        Ok(())
    }

    #[test]
    fn finds_zones_and_rules_and_caps_the_hits() -> TestResult {
        let plan = plan();
        let items = plan_items(&plan);
        let zone = plan.zones.first().ok_or("a zone")?;
        let (hits, _) = search(&zone.name, &[], &items, 3);
        assert!(hits.len() <= 3);
        assert_eq!(
            hits.first().map(|h| &h.item.target),
            Some(&FindTarget::Zone(0))
        );
        assert_eq!(search("   ", &[], &items, 3).0, Vec::new());
        assert!(search("zzzzqqqq", &[], &items, 3).0.is_empty());
        Ok(())
    }
}
