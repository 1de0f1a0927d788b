//! Rule hygiene: rules without an owner or a reason, rules another rule already covers, rules
//! that carry no traffic.

use super::ports::PortCover;
use super::sides::{has, ones};
use super::{Context, Finding, Subject, examples, plural};
use crate::model::plan::Peer;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    undocumented(cx, out);
    shadowed(cx, out);
    unused(cx, out);
    without_traffic(cx, out);
}

fn blank(text: Option<&String>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

fn undocumented(cx: &Context, out: &mut Vec<Finding>) {
    for r in cx.enabled_rules() {
        let rule = &cx.plan.rules[r];
        let missing = match (
            blank(rule.owner.as_ref()),
            blank(rule.justification.as_ref()),
        ) {
            (false, false) => continue,
            (true, false) => "no owner",
            (false, true) => "no justification",
            (true, true) => "no owner and no justification",
        };
        out.push(cx.finding(
            "undocumented-rule",
            Subject::Rule(r),
            format!("{missing}: nobody can say whether it is still needed"),
            "add owner: (the team that answers for it) and justification: (why the traffic must flow)",
        ));
    }
}

/// For every rule A, the rules B whose side matches every endpoint A's side matches: the AND of
/// the side bits of the endpoints A matches. O(endpoints × rules²/64) at worst, far less when
/// endpoints match few rules.
fn supersets(cx: &Context, eligible: &[u64], to: bool) -> Vec<u64> {
    let words = cx.sides.words;
    let mut sup = vec![u64::MAX; cx.plan.rules.len() * words];
    for e in 0..cx.sides.len() {
        let bits = if to { cx.sides.to(e) } else { cx.sides.from(e) };
        for a in ones(bits).filter(|&a| has(eligible, a)) {
            for (acc, bit) in sup[a * words..(a + 1) * words].iter_mut().zip(bits) {
                *acc &= bit;
            }
        }
    }
    sup
}

/// Whether B's side contains A's: over the endpoints, except that `any` is only in `any`.
fn contains(sup: &[u64], words: usize, a: usize, b: usize, a_peer: &Peer, b_peer: &Peer) -> bool {
    has(&sup[a * words..(a + 1) * words], b) && (*a_peer != Peer::Any || *b_peer == Peer::Any)
}

fn shadowed(cx: &Context, out: &mut Vec<Finding>) {
    let (rules, words) = (&cx.plan.rules, cx.sides.words);
    // Rules whose sides both match some endpoint; the others are never shadowed nor shadows.
    let mut eligible = vec![0u64; words];
    for r in cx.enabled_rules() {
        if cx.sides.from_count[r] > 0 && cx.sides.to_count[r] > 0 {
            super::sides::set(&mut eligible, r);
        }
    }
    let from = supersets(cx, &eligible, false);
    let to = supersets(cx, &eligible, true);
    let ports: Vec<PortCover> = rules.iter().map(|r| PortCover::of(&r.ports)).collect();
    let covers = |b: usize, a: usize| {
        contains(&from, words, a, b, &rules[a].from, &rules[b].from)
            && contains(&to, words, a, b, &rules[a].to, &rules[b].to)
            && ports[b].covers_all(&rules[a].ports)
    };
    for a in ones(&eligible) {
        let candidates = (0..words).map(|w| from[a * words + w] & to[a * words + w] & eligible[w]);
        let candidates: Vec<u64> = candidates.collect();
        let shadows: Vec<String> = ones(&candidates)
            .filter(|&b| b != a && covers(b, a))
            // The same allowance twice: only the later rule is reported.
            .filter(|&b| b < a || !covers(a, b))
            .map(|b| cx.plan.rule_name(b))
            .collect();
        if shadows.is_empty() {
            continue;
        }
        out.push(cx.finding(
            "shadowed-rule",
            Subject::Rule(a),
            format!(
                "everything it allows is also allowed by {}",
                examples(&shadows, shadows.len())
            ),
            "delete it, or narrow the broader rule if it allows more than intended",
        ));
    }
}

/// Baseline rules (`baseline: true`) are exempt: they exist for traffic flow logs rarely show.
fn unused(cx: &Context, out: &mut Vec<Finding>) {
    let unused = cx.simulation.unused_rules(cx.plan);
    for r in unused.into_iter().filter(|&r| !cx.plan.rules[r].baseline) {
        out.push(cx.finding(
            "unused-rule",
            Subject::Rule(r),
            format!(
                "matches none of the {} observed accepted",
                plural(cx.simulation.evaluated as usize, "edge")
            ),
            "delete it if its traffic is gone for good, or check its selectors and ports against blastwall flows",
        ));
    }
}

fn without_traffic(cx: &Context, out: &mut Vec<Finding>) {
    let edges = &cx.estate.service_edges;
    if edges.is_empty() {
        return;
    }
    let words = cx.sides.words;
    let mut seen = vec![0u64; words];
    for edge in edges {
        let (Some(client), Some(server)) =
            (cx.sides.index(edge.client), cx.sides.index(edge.server))
        else {
            continue;
        };
        for ((acc, f), t) in seen
            .iter_mut()
            .zip(cx.sides.from(client))
            .zip(cx.sides.to(server))
        {
            *acc |= f & t;
        }
    }
    let quiet = |r: usize| !has(&seen, r) && !cx.plan.rules[r].baseline;
    for r in cx.enabled_rules().filter(|&r| quiet(r)) {
        out.push(cx.finding(
            "rule-without-traffic",
            Subject::Rule(r),
            format!(
                "no observed edge, on any port, goes from its from side ({}) to its to side ({})",
                plural(cx.sides.from_count[r], "endpoint"),
                plural(cx.sides.to_count[r], "endpoint")
            ),
            "check its selectors against blastwall flows; a rule written before its flows were seen may name the wrong peers",
        ));
    }
}
