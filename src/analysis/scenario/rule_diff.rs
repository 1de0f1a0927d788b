//! Rule differences between two plans. Rules are matched by what they allow, not by index (an
//! unnamed rule's name, `rule-N`, is only its position):
//!
//! 1. Rules with the same content — `from`, `to`, ports (as a set) and `enabled` — and the same
//!    explicit name (or both unnamed) are the same rule, unchanged.
//! 2. Of the rest, rules with the same explicit name are the same rule, changed.
//! 3. Of the rest, rules with the same content are the same rule, renamed (changed: `name`).
//! 4. What is left is removed (only in A) or added (only in B).
//!
//! Justification, owner, status, note and evidence are not compared: they do not change what
//! traffic the plan allows.

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::plan::{Peer, Plan, PortSpec, Rule};

/// A rule in readable form. JSON keys: `name` (its own, else `rule-N`), `from`, `to` (the plan
/// file's flow form: `any`, `{zone: web}`, `{cidr: 10.0.0.0/8}`), `ports` (`tcp/443`, `any`…,
/// plan order), `enabled`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleText {
    pub name: String,
    pub from: String,
    pub to: String,
    pub ports: Vec<String>,
    pub enabled: bool,
}

/// The same rule in both plans, with different content or name. JSON keys: `name` (in B),
/// `changes` (any of `name`, `from`, `to`, `ports`, `enabled`), `a`, `b` ([`RuleText`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    pub name: String,
    pub changes: Vec<&'static str>,
    pub a: RuleText,
    pub b: RuleText,
}

/// Rules only in A, only in B, and matched but different; each sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleDiff {
    pub added: Vec<RuleText>,
    pub removed: Vec<RuleText>,
    pub changed: Vec<RuleChange>,
}

impl RuleText {
    /// The rule at `index` of a plan.
    pub fn new(plan: &Plan, index: usize) -> Option<RuleText> {
        let rule = plan.rules.get(index)?;
        Some(RuleText {
            name: plan.rule_name(index),
            from: rule.from.to_string(),
            to: rule.to.to_string(),
            ports: rule.ports.iter().map(ToString::to_string).collect(),
            enabled: rule.enabled,
        })
    }
}

/// What a rule allows: sides, ports as a set, enabled.
type Content<'a> = (&'a Peer, &'a Peer, Vec<PortSpec>, bool);

fn content(rule: &Rule) -> Content<'_> {
    let mut ports = rule.ports.clone();
    ports.sort_unstable();
    ports.dedup();
    (&rule.from, &rule.to, ports, rule.enabled)
}

/// Pairs unmatched rules of A with unmatched rules of B that share a key, each B rule once, in
/// plan order.
fn pair<'a, K: std::hash::Hash + Eq>(
    plan_a: &'a Plan,
    plan_b: &'a Plan,
    left: (&mut [bool], &mut [bool]),
    key: impl Fn(&'a Rule) -> Option<K>,
    mut matched: impl FnMut(usize, usize),
) {
    let (left_a, left_b) = left;
    let mut waiting: FxHashMap<K, std::collections::VecDeque<usize>> = FxHashMap::default();
    for (j, rule) in plan_b.rules.iter().enumerate().filter(|(j, _)| left_b[*j]) {
        if let Some(k) = key(rule) {
            waiting.entry(k).or_default().push_back(j);
        }
    }
    for (i, rule) in plan_a.rules.iter().enumerate() {
        if !left_a[i] {
            continue;
        }
        let found = key(rule).and_then(|k| waiting.get_mut(&k)?.pop_front());
        if let Some(j) = found {
            left_a[i] = false;
            left_b[j] = false;
            matched(i, j);
        }
    }
}

/// Rules added, removed and changed between two plans (see the module notes for the matching).
pub fn rule_diff(a: &Plan, b: &Plan) -> RuleDiff {
    let mut left_a = vec![true; a.rules.len()];
    let mut left_b = vec![true; b.rules.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    pair(
        a,
        b,
        (&mut left_a, &mut left_b),
        |r| Some((r.name.as_deref(), content(r))),
        |_, _| {},
    );
    pair(
        a,
        b,
        (&mut left_a, &mut left_b),
        |r| r.name.as_deref(),
        |i, j| pairs.push((i, j)),
    );
    pair(
        a,
        b,
        (&mut left_a, &mut left_b),
        |r| Some(content(r)),
        |i, j| pairs.push((i, j)),
    );
    let mut diff = RuleDiff {
        added: texts(b, &left_b),
        removed: texts(a, &left_a),
        changed: pairs
            .into_iter()
            .filter_map(|(i, j)| change(a, i, b, j))
            .collect(),
    };
    let key = |t: &RuleText| (t.name.clone(), t.from.clone(), t.to.clone());
    diff.added.sort_by_key(key);
    diff.removed.sort_by_key(key);
    diff.changed
        .sort_by(|x, y| (&x.name, &x.a.name).cmp(&(&y.name, &y.a.name)));
    diff
}

fn texts(plan: &Plan, left: &[bool]) -> Vec<RuleText> {
    (0..plan.rules.len())
        .filter(|&i| left[i])
        .filter_map(|i| RuleText::new(plan, i))
        .collect()
}

fn change(a: &Plan, i: usize, b: &Plan, j: usize) -> Option<RuleChange> {
    let (ra, rb) = (a.rules.get(i)?, b.rules.get(j)?);
    let (ca, cb) = (content(ra), content(rb));
    let changes: Vec<&'static str> = [
        ("name", ra.name != rb.name),
        ("from", ca.0 != cb.0),
        ("to", ca.1 != cb.1),
        ("ports", ca.2 != cb.2),
        ("enabled", ca.3 != cb.3),
    ]
    .into_iter()
    .filter_map(|(what, differs)| differs.then_some(what))
    .collect();
    let b_text = RuleText::new(b, j)?;
    Some(RuleChange {
        name: b_text.name.clone(),
        changes,
        a: RuleText::new(a, i)?,
        b: b_text,
    })
}
