//! Zoning differences between two plans: the defaults, the zones (matched by name), and the
//! workloads that land in another zone.
//!
//! A zone present in both plans has changed when its members (as a set), its sensitivity, its
//! intra-zone setting or its place in the order differ. Order matters because a workload belongs
//! to the first zone that matches it; a zone has moved when it is not on the longest common
//! subsequence of the two orders (of the zones both plans have), so inserting or removing a zone
//! does not mark every later zone as moved.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analysis::resolve::ResolvedEstate;
use crate::analysis::zones::ZoneMap;
use crate::model::plan::{Plan, Policy, Sensitivity, Zone};

/// A workload in another zone. JSON keys: `workload`, `from`, `to` (zone names as the zone map
/// names them, `unassigned` included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    pub workload: String,
    pub from: String,
    pub to: String,
}

/// A default that differs. JSON keys: `setting` (`east_west` or `intra_zone`), `a`, `b`
/// (`allow` or `deny`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingChange {
    pub setting: &'static str,
    pub a: Policy,
    pub b: Policy,
}

/// A zone as the plan declares it. JSON keys: `name`, `position` (1-based, in plan order),
/// `sensitivity` (`low`…`critical`), `intra_zone` (`allow`, `deny`, or `null` for the default),
/// `members` (selectors in the plan file's flow form, plan order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneText {
    pub name: String,
    pub position: usize,
    pub sensitivity: Sensitivity,
    pub intra_zone: Option<Policy>,
    pub members: Vec<String>,
}

/// A zone both plans have, declared differently. JSON keys: `name`, `changes` (any of
/// `members`, `sensitivity`, `intra_zone`, `order`), `a`, `b` ([`ZoneText`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneChange {
    pub name: String,
    pub changes: Vec<&'static str>,
    pub a: ZoneText,
    pub b: ZoneText,
}

/// Zones only in A, only in B, and in both but different; each sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoneDiff {
    pub added: Vec<ZoneText>,
    pub removed: Vec<ZoneText>,
    pub changed: Vec<ZoneChange>,
}

impl ZoneText {
    fn new(zone: &Zone, position: usize) -> ZoneText {
        ZoneText {
            name: zone.name.clone(),
            position: position + 1,
            sensitivity: zone.sensitivity,
            intra_zone: zone.intra_zone,
            members: zone.members.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The defaults that differ, `east_west` first.
pub fn defaults(a: &Plan, b: &Plan) -> Vec<SettingChange> {
    let (da, db) = (a.defaults, b.defaults);
    [
        ("east_west", da.east_west, db.east_west),
        ("intra_zone", da.intra_zone, db.intra_zone),
    ]
    .into_iter()
    .filter(|(_, x, y)| x != y)
    .map(|(setting, a, b)| SettingChange { setting, a, b })
    .collect()
}

/// Workloads whose zone differs, sorted by workload name.
pub fn moved(estate: &ResolvedEstate, a: &ZoneMap, b: &ZoneMap) -> Vec<Move> {
    let zone = |map: &ZoneMap, w: usize| {
        let index = map
            .workload_zone
            .get(w)
            .copied()
            .unwrap_or(map.unassigned());
        map.name(index).to_string()
    };
    let mut out: Vec<Move> = (0..estate.workloads.len())
        .filter_map(|w| {
            let (from, to) = (zone(a, w), zone(b, w));
            (from != to).then(|| Move {
                workload: estate.workloads[w].name.clone(),
                from,
                to,
            })
        })
        .collect();
    out.sort_by(|x, y| x.workload.cmp(&y.workload));
    out
}

/// Zones added, removed and changed between two plans.
pub fn zone_diff(a: &Plan, b: &Plan) -> ZoneDiff {
    let position = |plan: &Plan| -> FxHashMap<String, usize> {
        let mut map = FxHashMap::default();
        for (i, zone) in plan.zones.iter().enumerate() {
            map.entry(zone.name.clone()).or_insert(i);
        }
        map
    };
    let (in_a, in_b) = (position(a), position(b));
    let (order_a, order_b) = (common_order(a, &in_b), common_order(b, &in_a));
    let kept = longest_common(&order_a, &order_b);
    let mut diff = ZoneDiff::default();
    for (i, zone) in b.zones.iter().enumerate() {
        if !in_a.contains_key(&zone.name) && in_b.get(&zone.name) == Some(&i) {
            diff.added.push(ZoneText::new(zone, i));
        }
    }
    for (i, zone) in a.zones.iter().enumerate() {
        if in_a.get(&zone.name) != Some(&i) {
            continue;
        }
        let Some(&j) = in_b.get(&zone.name) else {
            diff.removed.push(ZoneText::new(zone, i));
            continue;
        };
        let other = &b.zones[j];
        let mut changes = Vec::new();
        if sorted(&zone.members) != sorted(&other.members) {
            changes.push("members");
        }
        if zone.sensitivity != other.sensitivity {
            changes.push("sensitivity");
        }
        if zone.intra_zone != other.intra_zone {
            changes.push("intra_zone");
        }
        if !kept.contains(zone.name.as_str()) {
            changes.push("order");
        }
        if !changes.is_empty() {
            diff.changed.push(ZoneChange {
                name: zone.name.clone(),
                changes,
                a: ZoneText::new(zone, i),
                b: ZoneText::new(other, j),
            });
        }
    }
    diff.added.sort_by(|x, y| x.name.cmp(&y.name));
    diff.removed.sort_by(|x, y| x.name.cmp(&y.name));
    diff.changed.sort_by(|x, y| x.name.cmp(&y.name));
    diff
}

/// The plan's zone names (first declarations) that the other plan has too, in plan order.
fn common_order<'a>(plan: &'a Plan, other: &FxHashMap<String, usize>) -> Vec<&'a str> {
    let mut seen = rustc_hash::FxHashSet::default();
    plan.zones
        .iter()
        .map(|z| z.name.as_str())
        .filter(|name| other.contains_key(*name) && seen.insert(*name))
        .collect()
}

fn sorted<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut out = items.to_vec();
    out.sort();
    out.dedup();
    out
}

/// The names on a longest common subsequence of two orders (dynamic programming; zones are
/// tens to hundreds, so the square table is small).
fn longest_common<'a>(a: &[&'a str], b: &[&str]) -> rustc_hash::FxHashSet<&'a str> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i] == b[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let mut kept = rustc_hash::FxHashSet::default();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            kept.insert(a[i]);
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_zones_off_the_common_order_have_moved() {
        let kept = longest_common(&["x", "y", "z"], &["z", "x", "y"]);
        let mut kept: Vec<&str> = kept.into_iter().collect();
        kept.sort_unstable();
        assert_eq!(kept, ["x", "y"]);
        assert!(longest_common(&[], &["a"]).is_empty());
    }
}
