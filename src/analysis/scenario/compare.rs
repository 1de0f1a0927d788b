//! Everything that differs between two analysed plans over one estate, as one value: printed as
//! JSON by `blastwall scenario diff --json` and as Markdown by
//! [`comparison_markdown`](crate::export::scenario_diff::comparison_markdown).

use serde::Serialize;

use super::flow_diff::{FlowChange, verdict_changes};
use super::rule_diff::{RuleChange, RuleText, rule_diff};
use super::zone_diff::{Move, SettingChange, ZoneChange, ZoneText, defaults, moved, zone_diff};
use super::{Analyzed, Metrics, metrics};
use crate::analysis::resolve::ResolvedEstate;

/// The planned reach of one workload under both plans. JSON keys: `workload` (name), `a`, `b`
/// (reachable workloads), `delta` (`b - a`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlastDelta {
    pub workload: String,
    pub a: u64,
    pub b: u64,
    pub delta: i64,
}

/// Everything that differs between scenario A and scenario B.
///
/// The JSON keys are the field names, a contract with `scenario diff --json`:
///
/// | key | value |
/// | --- | --- |
/// | `a`, `b` | [`Metrics`]: `denied_flows`, `unused_rules`, `mean_blast`, `max_blast`, `crown_jewels_exposed` |
/// | `defaults` | [`SettingChange`]: `setting`, `a`, `b` |
/// | `moved` | [`Move`]: `workload`, `from`, `to`; sorted by workload |
/// | `zones_added`, `zones_removed` | [`ZoneText`]: `name`, `position`, `sensitivity`, `intra_zone`, `members`; sorted by name |
/// | `zones_changed` | [`ZoneChange`]: `name`, `changes`, `a`, `b`; sorted by name |
/// | `rules_added`, `rules_removed` | [`RuleText`]: `name`, `from`, `to`, `ports`, `enabled`; sorted by name |
/// | `rules_changed` | [`RuleChange`]: `name`, `changes`, `a`, `b`; sorted by name |
/// | `verdicts` | [`FlowChange`]: `client`, `server`, `service`, `verdict_a`, `verdict_b`, `rules_a`, `rules_b`; every changed flow, sorted by client, server, port, protocol |
/// | `blast` | [`BlastDelta`]: `workload`, `a`, `b`, `delta`; sorted by the larger reach (descending), then name |
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub a: Metrics,
    pub b: Metrics,
    pub defaults: Vec<SettingChange>,
    pub moved: Vec<Move>,
    pub zones_added: Vec<ZoneText>,
    pub zones_removed: Vec<ZoneText>,
    pub zones_changed: Vec<ZoneChange>,
    pub rules_added: Vec<RuleText>,
    pub rules_removed: Vec<RuleText>,
    pub rules_changed: Vec<RuleChange>,
    pub verdicts: Vec<FlowChange>,
    pub blast: Vec<BlastDelta>,
}

impl Comparison {
    /// Whether the plans differ in nothing listed: defaults, zones, rules, membership, verdicts
    /// and blast radius all equal (the metrics then are equal too).
    pub fn is_empty(&self) -> bool {
        self.defaults.is_empty()
            && self.moved.is_empty()
            && self.zones_added.is_empty()
            && self.zones_removed.is_empty()
            && self.zones_changed.is_empty()
            && self.rules_added.is_empty()
            && self.rules_removed.is_empty()
            && self.rules_changed.is_empty()
            && self.verdicts.is_empty()
            && self.blast.iter().all(|row| row.delta == 0)
    }
}

/// Everything that differs between scenario A and B; `top` = how many most-exposed workloads get
/// a blast delta row.
pub fn compare(estate: &ResolvedEstate, a: &Analyzed, b: &Analyzed, top: usize) -> Comparison {
    let zones = zone_diff(a.plan, b.plan);
    let rules = rule_diff(a.plan, b.plan);
    Comparison {
        a: metrics(estate, a),
        b: metrics(estate, b),
        defaults: defaults(a.plan, b.plan),
        moved: moved(estate, a.zones, b.zones),
        zones_added: zones.added,
        zones_removed: zones.removed,
        zones_changed: zones.changed,
        rules_added: rules.added,
        rules_removed: rules.removed,
        rules_changed: rules.changed,
        verdicts: verdict_changes(estate, a, b),
        blast: blast_deltas(estate, a.ranking, b.ranking, top),
    }
}

/// The `top` workloads with the largest planned reach under either plan.
pub fn blast_deltas(
    estate: &ResolvedEstate,
    a: &[(u32, u64, u64)],
    b: &[(u32, u64, u64)],
    top: usize,
) -> Vec<BlastDelta> {
    let n = estate.workloads.len();
    let reach = |ranking: &[(u32, u64, u64)]| {
        let mut out = vec![0u64; n];
        for &(w, count, _) in ranking {
            if let Some(slot) = out.get_mut(w as usize) {
                *slot = count;
            }
        }
        out
    };
    let (ra, rb) = (reach(a), reach(b));
    let name = |w: usize| estate.workloads[w].name.as_str();
    let mut order: Vec<usize> = (0..n).collect();
    let key = |w: usize| std::cmp::Reverse(ra[w].max(rb[w]));
    let by_reach = |x: &usize, y: &usize| (key(*x), name(*x), *x).cmp(&(key(*y), name(*y), *y));
    if top < n {
        order.select_nth_unstable_by(top, by_reach);
        order.truncate(top);
    }
    order.sort_by(by_reach);
    order
        .into_iter()
        .map(|w| BlastDelta {
            workload: name(w).to_string(),
            a: ra[w],
            b: rb[w],
            delta: signed(rb[w]) - signed(ra[w]),
        })
        .collect()
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
