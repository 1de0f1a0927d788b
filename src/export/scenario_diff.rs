//! A scenario comparison as Markdown, for workshop minutes: the headline metrics side by side,
//! then who moved zone, the defaults and zones, the rules, the flows whose verdict changed and the
//! blast radius of the most exposed workloads. Deterministic: the same comparison gives the same
//! text. Long flow lists stop after [`FLOW_ROWS`] rows with "…and N more" (the JSON of
//! `scenario diff --json` lists them all).

use std::fmt::Write as _;

use crate::analysis::scenario::{Comparison, Metrics, RuleText, ZoneText};
use crate::export::deliverables::markdown::{cell, count, table};

/// How many flows whose verdict changed the Markdown lists before "…and N more".
pub const FLOW_ROWS: usize = 50;

/// The comparison of scenario `name_a` with `name_b` as a Markdown document.
pub fn comparison_markdown(name_a: &str, name_b: &str, comparison: &Comparison) -> String {
    let mut out = format!("# Scenario diff: {} → {}\n\n", cell(name_a), cell(name_b));
    metrics(&mut out, name_a, name_b, &comparison.a, &comparison.b);
    moved(&mut out, comparison);
    zones(&mut out, name_a, name_b, comparison);
    rules(&mut out, name_a, name_b, comparison);
    flows(&mut out, name_a, name_b, comparison);
    blast(&mut out, name_a, name_b, comparison);
    out
}

fn section(out: &mut String, title: &str) {
    let _ = write!(out, "\n## {title}\n\n");
}

/// A `###` heading; a blank line before it unless one is there.
fn subsection(out: &mut String, title: &str) {
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    let _ = write!(out, "### {title}\n\n");
}

fn none(out: &mut String) {
    out.push_str("none\n");
}

fn signed(delta: i64) -> String {
    if delta > 0 {
        format!("+{delta}")
    } else {
        delta.to_string()
    }
}

fn signed_float(delta: f64) -> String {
    let text = format!("{delta:.2}");
    match text.as_str() {
        "-0.00" | "0.00" => "0".to_string(),
        _ if delta > 0.0 => format!("+{text}"),
        _ => text,
    }
}

fn metrics(out: &mut String, name_a: &str, name_b: &str, a: &Metrics, b: &Metrics) {
    let whole = |label: &str, x: u64, y: u64| {
        let delta = i64::try_from(y).unwrap_or(i64::MAX) - i64::try_from(x).unwrap_or(i64::MAX);
        vec![
            label.to_string(),
            x.to_string(),
            y.to_string(),
            signed(delta),
        ]
    };
    let rows = vec![
        whole("Denied flows", a.denied_flows, b.denied_flows),
        whole("Unused rules", a.unused_rules, b.unused_rules),
        vec![
            "Mean blast radius".to_string(),
            format!("{:.2}", a.mean_blast),
            format!("{:.2}", b.mean_blast),
            signed_float(b.mean_blast - a.mean_blast),
        ],
        whole("Max blast radius", a.max_blast, b.max_blast),
        whole(
            "Crown jewels exposed",
            a.crown_jewels_exposed,
            b.crown_jewels_exposed,
        ),
    ];
    table(out, &["Metric", name_a, name_b, "Δ"], &rows);
}

fn moved(out: &mut String, comparison: &Comparison) {
    section(out, "Membership moved");
    if comparison.moved.is_empty() {
        return none(out);
    }
    let rows: Vec<Vec<String>> = comparison
        .moved
        .iter()
        .map(|m| vec![m.workload.clone(), m.from.clone(), m.to.clone()])
        .collect();
    table(out, &["Workload", "From", "To"], &rows);
}

/// `#2 · critical · intra-zone deny · {app: web}, {cidr: 10.0.0.0/8}`.
fn zone_summary(zone: &ZoneText) -> String {
    let intra = zone.intra_zone.map_or("default", |p| p.as_str());
    let members = if zone.members.is_empty() {
        "no members".to_string()
    } else {
        zone.members.join(", ")
    };
    format!(
        "#{} · {} · intra-zone {intra} · {members}",
        zone.position,
        zone.sensitivity.as_str()
    )
}

fn zones(out: &mut String, name_a: &str, name_b: &str, comparison: &Comparison) {
    section(out, "Zones");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for change in &comparison.defaults {
        let setting = format!("defaults.{}", change.setting);
        let (a, b) = (change.a.as_str(), change.b.as_str());
        rows.push(vec![setting, "changed".into(), a.into(), b.into()]);
    }
    for zone in &comparison.zones_added {
        rows.push(vec![
            zone.name.clone(),
            "added".into(),
            "—".into(),
            zone_summary(zone),
        ]);
    }
    for zone in &comparison.zones_removed {
        rows.push(vec![
            zone.name.clone(),
            "removed".into(),
            zone_summary(zone),
            "—".into(),
        ]);
    }
    for zone in &comparison.zones_changed {
        rows.push(vec![
            zone.name.clone(),
            zone.changes.join(", "),
            zone_summary(&zone.a),
            zone_summary(&zone.b),
        ]);
    }
    if rows.is_empty() {
        return none(out);
    }
    table(out, &["Zone", "Change", name_a, name_b], &rows);
}

/// `{zone: web} → {zone: app} on tcp/8443` (and `(disabled)`).
fn rule_summary(rule: &RuleText) -> String {
    let ports = if rule.ports.is_empty() {
        "no ports".to_string()
    } else {
        rule.ports.join(", ")
    };
    let disabled = if rule.enabled { "" } else { " (disabled)" };
    format!("{} → {} on {ports}{disabled}", rule.from, rule.to)
}

fn rule_rows(out: &mut String, title: &str, rules: &[RuleText]) {
    subsection(out, title);
    if rules.is_empty() {
        return none(out);
    }
    let rows: Vec<Vec<String>> = rules
        .iter()
        .map(|r| vec![r.name.clone(), rule_summary(r)])
        .collect();
    table(out, &["Rule", "Allows"], &rows);
}

fn rules(out: &mut String, name_a: &str, name_b: &str, comparison: &Comparison) {
    section(out, "Rules");
    let total = comparison.rules_added.len()
        + comparison.rules_removed.len()
        + comparison.rules_changed.len();
    if total == 0 {
        return none(out);
    }
    rule_rows(out, "Added", &comparison.rules_added);
    rule_rows(out, "Removed", &comparison.rules_removed);
    subsection(out, "Changed");
    if comparison.rules_changed.is_empty() {
        return none(out);
    }
    let rows: Vec<Vec<String>> = comparison
        .rules_changed
        .iter()
        .map(|r| {
            let name = if r.a.name == r.b.name {
                r.name.clone()
            } else {
                format!("{} (was {})", r.b.name, r.a.name)
            };
            vec![
                name,
                r.changes.join(", "),
                rule_summary(&r.a),
                rule_summary(&r.b),
            ]
        })
        .collect();
    table(out, &["Rule", "Change", name_a, name_b], &rows);
}

fn flows(out: &mut String, name_a: &str, name_b: &str, comparison: &Comparison) {
    section(out, "Flows whose verdict changed");
    let all = &comparison.verdicts;
    if all.is_empty() {
        return none(out);
    }
    let rules = |names: &[String]| {
        if names.is_empty() {
            "—".to_string()
        } else {
            names.join(", ")
        }
    };
    let rows: Vec<Vec<String>> = all
        .iter()
        .take(FLOW_ROWS)
        .map(|f| {
            vec![
                f.client.clone(),
                f.server.clone(),
                f.service.clone(),
                f.verdict_a.as_str().to_string(),
                f.verdict_b.as_str().to_string(),
                rules(&f.rules_a),
                rules(&f.rules_b),
            ]
        })
        .collect();
    let (rules_a, rules_b) = (format!("Rules in {name_a}"), format!("Rules in {name_b}"));
    let header = [
        "Client", "Server", "Service", name_a, name_b, &rules_a, &rules_b,
    ];
    table(out, &header, &rows);
    if all.len() > FLOW_ROWS {
        let rest = all.len() - FLOW_ROWS;
        let _ = writeln!(
            out,
            "\n…and {rest} more ({} in all; `scenario diff --json` lists every one).",
            count(all.len(), "flow")
        );
    }
}

fn blast(out: &mut String, name_a: &str, name_b: &str, comparison: &Comparison) {
    section(out, "Blast radius of the most exposed workloads");
    if comparison.blast.is_empty() {
        return none(out);
    }
    let rows: Vec<Vec<String>> = comparison
        .blast
        .iter()
        .map(|r| {
            vec![
                r.workload.clone(),
                r.a.to_string(),
                r.b.to_string(),
                signed(r.delta),
            ]
        })
        .collect();
    table(out, &["Workload", name_a, name_b, "Δ"], &rows);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::scenario::tests::{BASELINE, VARIANT, compare_texts};
    use crate::analysis::testkit::TestResult;

    #[test]
    fn markdown_of_the_shop_scenarios() -> TestResult {
        let diff = compare_texts(BASELINE, VARIANT, 4)?;
        insta::assert_snapshot!(comparison_markdown("baseline", "no-web|app", &diff));
        Ok(())
    }

    #[test]
    fn identical_scenarios_say_none_everywhere() -> TestResult {
        let diff = compare_texts(BASELINE, BASELINE, 0)?;
        let text = comparison_markdown("baseline", "copy", &diff);
        assert_eq!(text.matches("\nnone\n").count(), 5, "{text}");
        assert!(text.contains("| Denied flows | 1 | 1 | 0 |"), "{text}");
        Ok(())
    }

    #[test]
    fn long_flow_lists_are_capped() -> TestResult {
        let mut diff = compare_texts(BASELINE, VARIANT, 0)?;
        let row = diff.verdicts[0].clone();
        diff.verdicts = vec![row; FLOW_ROWS + 3];
        let text = comparison_markdown("a", "b", &diff);
        assert!(text.contains("\n…and 3 more (53 flows in all;"), "{text}");
        assert_eq!(text.matches("| 10.9.9.9 (unmanaged) |").count(), FLOW_ROWS);
        Ok(())
    }
}
