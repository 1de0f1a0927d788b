//! `guardrail-broken`: something in the plan allows traffic a guardrail forbids.

use super::{Context, Finding, Subject, plural};
use crate::analysis::guardrails::{Opener, check_guardrails};

pub(super) fn check(cx: &Context, findings: &mut Vec<Finding>) {
    let plan = cx.plan;
    for status in check_guardrails(plan, cx.estate, cx.zones, cx.simulation) {
        let Some(guardrail) = plan.guardrails.get(status.guardrail) else {
            continue;
        };
        let name = plan.guardrail_name(status.guardrail);
        let forbidden = format!("{} → {}", guardrail.from, guardrail.to);
        let observed = match status.allowed_flows.len() {
            0 => String::new(),
            n => format!("; {} would go through", plural(n, "observed flow")),
        };
        for opener in &status.opened_by {
            let (subject, hint) = match *opener {
                Opener::Rule(r) => (
                    Subject::Rule(r),
                    "narrow the rule's sides or ports so that it no longer reaches what the \
                     guardrail forbids, or remove it",
                ),
                Opener::EastWest => (
                    Subject::Defaults,
                    "set defaults.east_west: deny and allow what is needed with rules",
                ),
                Opener::IntraZone(z) => (
                    if (z as usize) < plan.zones.len() {
                        Subject::Zone(z as usize)
                    } else {
                        Subject::Defaults
                    },
                    "split the zone so the guarded sides are in different zones, or set the \
                     zone's intra_zone: deny",
                ),
            };
            let message = format!(
                "{} allows {forbidden}, which guardrail {name} forbids{observed}",
                opener.describe(plan, cx.zones)
            );
            findings.push(cx.finding("guardrail-broken", subject, message, hint));
        }
    }
}
