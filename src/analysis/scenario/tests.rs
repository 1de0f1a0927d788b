//! Scenarios over the shop estate: a baseline plan and a variant that moves the autoscaled
//! instance into `app`, drops the web-to-app rule, adds a rule for the unmanaged device and
//! widens the DNS rule.

use super::*;
use crate::analysis::blast::Blast;
use crate::analysis::resolve::resolve_estate;
use crate::analysis::simulate::{Verdict, simulate};
use crate::analysis::testkit::{TestResult, estate};
use crate::analysis::zones::assign_zones;
use crate::ingest::error::InputError;
use crate::ingest::plan::parse_plan;

pub(crate) const BASELINE: &str = "version: 1
zones:
  - {name: data, sensitivity: critical, intra_zone: deny, members: [{labels: {tier: data}}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: web, members: [{labels: {tier: web}}, {namespace: web}]}
  - {name: infra, members: [{app: dns}]}
rules:
  - {from: {zone: internet}, to: {zone: web}, ports: [tcp/443]}
  - {from: {zone: web}, to: {zone: app}, ports: [tcp/8443]}
  - {from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
  - {name: dns, from: any, to: {zone: infra}, ports: [udp/53]}
";

pub(crate) const VARIANT: &str = "version: 1
zones:
  - {name: data, sensitivity: critical, intra_zone: deny, members: [{labels: {tier: data}}]}
  - {name: app, members: [{labels: {tier: app}}, {workload: i-0asg}]}
  - {name: web, members: [{labels: {tier: web}}, {namespace: web}]}
  - {name: infra, members: [{app: dns}]}
rules:
  - {from: {zone: internet}, to: {zone: web}, ports: [tcp/443]}
  - {from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
  - {name: dns, from: any, to: {zone: infra}, ports: [udp/53, tcp/53]}
  - {name: legacy-db, from: {zone: unmanaged}, to: {zone: data}, ports: [tcp/5432]}
";

/// Compares two plan texts over the shop estate, `top` blast rows.
pub(crate) fn compare_texts(a: &str, b: &str, top: usize) -> Result<Comparison, InputError> {
    let estate = resolve_estate(&estate());
    let (plan_a, plan_b) = (parse_plan(a, "a.yaml")?, parse_plan(b, "b.yaml")?);
    let (zones_a, zones_b) = (
        assign_zones(&plan_a, &estate),
        assign_zones(&plan_b, &estate),
    );
    let (sim_a, sim_b) = (
        simulate(&plan_a, &estate, &zones_a),
        simulate(&plan_b, &estate, &zones_b),
    );
    let ranking_a = Blast::new(&plan_a, &estate, &zones_a).planned_ranking();
    let ranking_b = Blast::new(&plan_b, &estate, &zones_b).planned_ranking();
    let analyzed = |plan, zones, simulation, ranking| Analyzed {
        plan,
        zones,
        simulation,
        ranking,
    };
    Ok(compare(
        &estate,
        &analyzed(&plan_a, &zones_a, &sim_a, &ranking_a),
        &analyzed(&plan_b, &zones_b, &sim_b, &ranking_b),
        top,
    ))
}

/// Names of the crown jewels a plan text exposes to the internet.
fn exposed(text: &str) -> Result<Vec<String>, InputError> {
    let estate = resolve_estate(&estate());
    let plan = parse_plan(text, "plan.yaml")?;
    let zones = assign_zones(&plan, &estate);
    Ok(exposed_crown_jewels(&plan, &estate, &zones)
        .into_iter()
        .map(|w| estate.workloads[w as usize].name.clone())
        .collect())
}

#[test]
fn a_plan_compared_with_itself_differs_in_nothing() -> TestResult {
    let same = compare_texts(BASELINE, BASELINE, 10)?;
    assert!(same.is_empty(), "{same:#?}");
    assert_eq!(same.a, same.b);
    assert_eq!(same.blast.len(), 6);
    assert!(
        same.blast
            .iter()
            .all(|row| row.a == row.b && row.delta == 0)
    );
    Ok(())
}

#[test]
fn moved_workloads_and_changed_zones_are_listed() -> TestResult {
    let diff = compare_texts(BASELINE, VARIANT, 3)?;
    let moved: Vec<(&str, &str, &str)> = diff
        .moved
        .iter()
        .map(|m| (m.workload.as_str(), m.from.as_str(), m.to.as_str()))
        .collect();
    assert_eq!(moved, [("i-0asg", "web", "app")]);
    assert!(diff.zones_added.is_empty() && diff.zones_removed.is_empty());
    let changed: Vec<(&str, &[&str])> = diff
        .zones_changed
        .iter()
        .map(|z| (z.name.as_str(), z.changes.as_slice()))
        .collect();
    assert_eq!(changed, [("app", &["members"][..])]);
    assert_eq!(
        diff.zones_changed[0].b.members,
        ["{labels: {tier: app}}", "{workload: i-0asg}"]
    );
    assert!(diff.defaults.is_empty());
    Ok(())
}

#[test]
fn rules_are_matched_by_content_and_name_not_position() -> TestResult {
    let diff = compare_texts(BASELINE, VARIANT, 3)?;
    let names = |rules: &[RuleText]| -> Vec<String> {
        rules
            .iter()
            .map(|r| format!("{}: {} -> {} {:?}", r.name, r.from, r.to, r.ports))
            .collect()
    };
    // The app-to-data rule moved from rule-3 to rule-2: the same rule.
    assert_eq!(
        names(&diff.rules_removed),
        ["rule-2: {zone: web} -> {zone: app} [\"tcp/8443\"]"]
    );
    assert_eq!(
        names(&diff.rules_added),
        ["legacy-db: {zone: unmanaged} -> {zone: data} [\"tcp/5432\"]"]
    );
    assert_eq!(diff.rules_changed.len(), 1);
    let dns = &diff.rules_changed[0];
    assert_eq!(
        (dns.name.as_str(), dns.changes.as_slice()),
        ("dns", &["ports"][..])
    );
    assert_eq!(dns.b.ports, ["udp/53", "tcp/53"]);

    let renamed = BASELINE.replace("name: dns", "name: resolvers");
    let diff = compare_texts(BASELINE, &renamed, 3)?;
    assert!(diff.rules_added.is_empty() && diff.rules_removed.is_empty());
    let changes: Vec<&[&str]> = diff
        .rules_changed
        .iter()
        .map(|r| r.changes.as_slice())
        .collect();
    assert_eq!(changes, [&["name"][..]]);
    Ok(())
}

#[test]
fn flows_whose_verdict_changed_name_their_rules() -> TestResult {
    let diff = compare_texts(BASELINE, VARIANT, 3)?;
    let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        diff.verdicts,
        [
            FlowChange {
                client: "10.9.9.9 (unmanaged)".into(),
                server: "db-01".into(),
                service: "tcp/5432".into(),
                verdict_a: Verdict::Denied,
                verdict_b: Verdict::Rule,
                rules_a: Vec::new(),
                rules_b: names(&["legacy-db"]),
            },
            FlowChange {
                client: "web-01".into(),
                server: "api-01".into(),
                service: "tcp/8443".into(),
                verdict_a: Verdict::Rule,
                verdict_b: Verdict::Denied,
                rules_a: names(&["rule-2"]),
                rules_b: Vec::new(),
            },
        ]
    );
    Ok(())
}

#[test]
fn a_plan_on_its_own_has_the_figures_the_comparison_gives_it() -> TestResult {
    let estate = resolve_estate(&estate());
    let diff = compare_texts(BASELINE, VARIANT, 3)?;
    assert_eq!(
        super::plan_metrics(&parse_plan(BASELINE, "a.yaml")?, &estate),
        diff.a
    );
    assert_eq!(
        super::plan_metrics(&parse_plan(VARIANT, "b.yaml")?, &estate),
        diff.b
    );
    Ok(())
}

#[test]
fn metrics_follow_the_plan() -> TestResult {
    let diff = compare_texts(BASELINE, VARIANT, 3)?;
    // Baseline: the web zone reaches app, data (db-01 is a crown jewel) and infra.
    assert_eq!(
        diff.a,
        Metrics {
            denied_flows: 1,
            unused_rules: 0,
            mean_blast: (5.0 * 3.0 + 2.0 + 1.0 + 0.0) / 6.0,
            max_blast: 5,
            crown_jewels_exposed: 1,
        }
    );
    // Variant: web no longer reaches app, so the internet no longer reaches db-01.
    assert_eq!(diff.b.denied_flows, 1);
    assert_eq!(diff.b.crown_jewels_exposed, 0);
    assert_eq!(diff.b.max_blast, 3);
    let rows: Vec<(&str, u64, u64, i64)> = diff
        .blast
        .iter()
        .map(|r| (r.workload.as_str(), r.a, r.b, r.delta))
        .collect();
    assert_eq!(
        rows,
        [
            ("i-0asg", 5, 3, -2),
            ("web-01", 5, 2, -3),
            ("web/frontend", 5, 2, -3)
        ]
    );
    Ok(())
}

const EXPOSED: &str = "version: 1
zones:
  - {name: data, sensitivity: critical, members: [{labels: {tier: data}}]}
  - {name: web, members: [{labels: {tier: web}}]}
rules:
  - {from: FROM, to: {zone: web}, ports: [tcp/443]}
  - {from: {zone: web}, to: {zone: data}, ports: [tcp/5432]}
";

#[test]
fn crown_jewels_behind_an_internet_facing_zone_are_exposed() -> TestResult {
    let exposed_from = |from: &str| exposed(&EXPOSED.replace("FROM", from));
    assert_eq!(exposed_from("{zone: internet}")?, ["db-01"]);
    assert_eq!(exposed_from("any")?, ["db-01"]);
    assert_eq!(exposed_from("{cidr: 0.0.0.0/0}")?, ["db-01"]);
    assert!(exposed_from("{cidr: 10.0.0.0/8}")?.is_empty());
    assert!(exposed_from("{zone: unmanaged}")?.is_empty());
    let without = EXPOSED.replace("  - {from: FROM, to: {zone: web}, ports: [tcp/443]}\n", "");
    assert!(exposed(&without)?.is_empty());
    // A jewel the internet reaches directly counts too.
    let direct = without.replace(
        "rules:\n",
        "rules:\n  - {from: {zone: internet}, to: {zone: data}, ports: [tcp/5432]}\n",
    );
    assert_eq!(exposed(&direct)?, ["db-01"]);
    let open = "version: 1\ndefaults: {east_west: allow, intra_zone: allow}\nzones:\n  - {name: data, sensitivity: critical, members: [{labels: {tier: data}}]}\n";
    assert_eq!(exposed(open)?, ["db-01"]);
    Ok(())
}

#[test]
fn json_keys_are_the_documented_contract() -> TestResult {
    let diff = compare_texts(BASELINE, VARIANT, 2)?;
    let value = serde_json::to_value(&diff)?;
    let keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut expected = [
        "a",
        "b",
        "defaults",
        "moved",
        "zones_added",
        "zones_removed",
        "zones_changed",
        "rules_added",
        "rules_removed",
        "rules_changed",
        "verdicts",
        "blast",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(value["a"]["crown_jewels_exposed"], 1);
    assert_eq!(value["verdicts"][1]["verdict_a"], "rule");
    assert_eq!(value["verdicts"][0]["verdict_a"], "denied");
    assert_eq!(value["zones_changed"][0]["b"]["sensitivity"], "medium");
    assert_eq!(
        value["zones_changed"][0]["b"]["intra_zone"],
        serde_json::Value::Null
    );
    assert_eq!(value["rules_added"][0]["enabled"], true);
    assert_eq!(value["blast"][0]["delta"], -2);
    Ok(())
}

#[test]
fn zones_added_removed_and_reordered() -> TestResult {
    let reordered = "version: 1
zones:
  - {name: infra, members: [{app: dns}]}
  - {name: mgmt, sensitivity: high, members: [{cidr: 10.8.0.0/16}]}
  - {name: data, sensitivity: critical, intra_zone: deny, members: [{labels: {tier: data}}]}
  - {name: app, members: [{labels: {tier: app}}]}
rules:
  - {from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
";
    let diff = compare_texts(BASELINE, reordered, 0)?;
    let added: Vec<(&str, usize)> = diff
        .zones_added
        .iter()
        .map(|z| (z.name.as_str(), z.position))
        .collect();
    assert_eq!(added, [("mgmt", 2)]);
    let removed: Vec<&str> = diff.zones_removed.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(removed, ["web"]);
    let changed: Vec<(&str, &[&str])> = diff
        .zones_changed
        .iter()
        .map(|z| (z.name.as_str(), z.changes.as_slice()))
        .collect();
    assert_eq!(changed, [("infra", &["order"][..])]);
    let moved: Vec<(&str, &str)> = diff
        .moved
        .iter()
        .map(|m| (m.workload.as_str(), m.to.as_str()))
        .collect();
    assert_eq!(
        moved,
        [
            ("i-0asg", "unassigned"),
            ("web-01", "unassigned"),
            ("web/frontend", "unassigned")
        ]
    );
    assert!(diff.blast.is_empty());
    Ok(())
}
