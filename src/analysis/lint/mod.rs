//! The plan reviewer: zero-trust anti-patterns in a plan, judged against the estate it is meant
//! for. A pure function of plan, estate, zones and simulation; every check is listed in
//! [`KINDS`] and explained in `docs/lint.md`.
//!
//! Endpoint facts are computed once ([`sides::Sides`]: which enabled rules' sides match each
//! workload and unresolved address, as bit sets), so the checks stay linear in endpoints and
//! edges: no workload × workload loops.

mod exposure;
mod guardrails;
mod observation;
mod ports;
mod rules;
mod sides;
mod zoning;

#[cfg(test)]
mod tests;

use std::fmt;

use super::resolve::ResolvedEstate;
use super::simulate::Simulation;
use super::zones::ZoneMap;
use crate::model::plan::{Plan, PortSpec};
use sides::Sides;

/// How urgent a finding is. Ordered high first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding is about: a rule or a zone (by index into `plan.rules` / `plan.zones`), the
/// plan's defaults, or the estate (the observed flows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    Rule(usize),
    Zone(usize),
    Defaults,
    Estate,
}

impl Subject {
    /// Sort position: defaults, zones, rules (each in plan order), then the estate.
    fn position(self) -> (u8, usize) {
        match self {
            Subject::Defaults => (0, 0),
            Subject::Zone(i) => (1, i),
            Subject::Rule(i) => (2, i),
            Subject::Estate => (3, 0),
        }
    }

    /// The rule's name (`rule-N` when unnamed), the zone's name, `defaults` or `estate`.
    pub fn name(self, plan: &Plan) -> String {
        match self {
            Subject::Rule(i) => plan.rule_name(i),
            Subject::Zone(i) => plan
                .zones
                .get(i)
                .map_or_else(String::new, |z| z.name.clone()),
            Subject::Defaults => "defaults".into(),
            Subject::Estate => "estate".into(),
        }
    }
}

/// One anti-pattern found. `message` carries the evidence, `hint` how to fix it; both are one
/// line of plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// A stable identifier, one of [`KINDS`].
    pub kind: &'static str,
    pub subject: Subject,
    pub subject_name: String,
    pub message: String,
    pub hint: String,
}

/// Every kind of finding with its severity, in the order of `docs/lint.md`.
pub const KINDS: &[(&str, Severity)] = &[
    ("east-west-allow", Severity::High),
    ("any-to-any", Severity::High),
    ("any-port-any-peer", Severity::High),
    ("internet-to-critical", Severity::High),
    ("guardrail-broken", Severity::High),
    ("cidr-on-dynamic", Severity::Medium),
    ("mixed-zone", Severity::Medium),
    ("blind-spot-to-critical", Severity::Medium),
    ("undocumented-rule", Severity::Medium),
    ("shadowed-rule", Severity::Medium),
    ("zone-without-dns", Severity::Medium),
    ("unused-rule", Severity::Low),
    ("rule-without-traffic", Severity::Low),
    ("no-flows", Severity::Low),
    ("short-observation-window", Severity::Low),
];

/// The severity of a kind, if it is one.
pub fn severity_of(kind: &str) -> Option<Severity> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, s)| *s)
}

/// Reviews a plan: every finding, sorted by severity (high first), kind, subject (zones and rules
/// in plan order) and message.
pub fn lint(
    plan: &Plan,
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    simulation: &Simulation,
) -> Vec<Finding> {
    let cx = Context {
        plan,
        estate,
        zones,
        simulation,
        sides: Sides::new(plan, estate, zones),
    };
    let mut findings = Vec::new();
    exposure::check(&cx, &mut findings);
    guardrails::check(&cx, &mut findings);
    zoning::check(&cx, &mut findings);
    rules::check(&cx, &mut findings);
    observation::check(&cx, &mut findings);
    findings.sort_by(|a, b| {
        (a.severity, a.kind, a.subject.position(), &a.message).cmp(&(
            b.severity,
            b.kind,
            b.subject.position(),
            &b.message,
        ))
    });
    findings
}

/// What every check reads.
struct Context<'a> {
    plan: &'a Plan,
    estate: &'a ResolvedEstate,
    zones: &'a ZoneMap,
    simulation: &'a Simulation,
    sides: Sides,
}

impl Context<'_> {
    fn finding(
        &self,
        kind: &'static str,
        subject: Subject,
        message: String,
        hint: &str,
    ) -> Finding {
        Finding {
            severity: severity_of(kind).unwrap_or(Severity::Low),
            kind,
            subject,
            subject_name: one_line(&subject.name(self.plan)),
            message: one_line(&message),
            hint: one_line(hint),
        }
    }

    /// Indices of the enabled rules.
    fn enabled_rules(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.plan.rules.len()).filter(|&r| self.plan.rules[r].enabled)
    }
}

/// Text on one line: control characters (line breaks included) become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Up to three examples, then "and N more": `a, b, c and 4 more`; `total` counts all of them.
fn examples(shown: &[String], total: usize) -> String {
    let first: Vec<&str> = shown.iter().take(3).map(String::as_str).collect();
    let more = total.saturating_sub(first.len());
    match (first.as_slice(), more) {
        ([], _) => String::new(),
        ([only], 0) => (*only).to_string(),
        (_, 0) => {
            let (last, rest) = first.split_last().map_or(("", &[][..]), |(l, r)| (*l, r));
            format!("{} and {last}", rest.join(", "))
        }
        (_, more) => format!("{} and {more} more", first.join(", ")),
    }
}

/// `1 workload`, `3 workloads`, `2 addresses`.
fn plural(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

/// Port entries as the plan file writes them: `tcp/443, udp/53, icmp, any`.
fn ports_text(ports: &[PortSpec]) -> String {
    let text: Vec<String> = ports.iter().map(PortSpec::to_string).collect();
    text.join(", ")
}
