//! The registry, and a small hand-built fixture the renderers' tests share.

use super::*;
use crate::analysis::resolve::resolve_estate;
use crate::analysis::simulate::simulate;
use crate::analysis::testkit::{TestResult, edge, estate, host};
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;
use crate::model::Protocol;

/// A hostile workload name: a pipe, a line break, quotes, a colon, a hash.
pub(super) const HOSTILE: &str = "evil|name\n\"x\": y #1";

/// The plan, estate, zones and simulation a [`Context`] borrows.
pub(super) struct Fixture {
    pub plan: Plan,
    pub estate: ResolvedEstate,
    pub zones: ZoneMap,
    pub simulation: Simulation,
}

impl Fixture {
    /// The testkit estate plus a hostile workload talking to `api-01`, under a plan (YAML
    /// without `version`).
    pub fn new(plan: &str) -> Result<Fixture, Box<dyn std::error::Error>> {
        let plan = parse_plan(&format!("version: 1\n{plan}"), "plan.yaml")?;
        let mut raw = estate();
        raw.workloads
            .push((1, host(HOSTILE, "10.0.7.1", "shop", "web")));
        edge(&mut raw, "10.0.7.1", "10.0.2.1", 8443, Protocol::TCP, true);
        edge(&mut raw, "10.0.1.1", "10.0.3.1", 22, Protocol::TCP, false);
        let estate = resolve_estate(&raw);
        let zones = assign_zones(&plan, &estate);
        let simulation = simulate(&plan, &estate, &zones);
        Ok(Fixture {
            plan,
            estate,
            zones,
            simulation,
        })
    }

    pub fn ctx(&self) -> Context<'_> {
        Context::new(&self.plan, &self.estate, &self.zones, &self.simulation)
    }
}

/// Zones web, app, data by tier; one justified rule, one bare one; a phase and a guardrail.
pub(super) const PLAN: &str = "\
zones:
  - {name: web, sensitivity: low, description: \"front | end\", members: [{labels: {tier: web}}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: data, sensitivity: critical, members: [{labels: {tier: data}}]}
rules:
  - {name: web-to-app, from: {zone: web}, to: {zone: app}, ports: [tcp/8443], justification: storefront calls the API, owner: shop-team}
  - {from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
phases:
  - name: data first
    zones: [data]
    mode: enforce
    target_date: \"2026-01-15\"
    exit_criteria: [{check: no_denied_flows}, \"DBA signed off\"]
guardrails:
  - {name: no-internet-to-data, from: {zone: internet}, to: {zone: data}}
";

#[test]
fn select_takes_targets_and_file_names_in_registry_order() -> TestResult {
    let names = |files: Vec<&Deliverable>| files.iter().map(|f| f.name).collect::<Vec<_>>();
    let every: Vec<&str> = all_files().map(|f| f.name).collect();
    assert_eq!(names(select(&[])?), every);
    assert!(every.len() >= 8 && every.contains(&"enforcement/kubernetes/allow.yaml"));
    assert_eq!(
        names(select(&["flow-matrix.csv", "zone-map"])?),
        [
            "zone-map.md",
            "zone-map.yaml",
            "zone-map.mmd",
            "flow-matrix.csv"
        ]
    );
    assert_eq!(
        names(select(&["flow-matrix", "flow-matrix.csv"])?),
        ["flow-matrix.md", "flow-matrix.yaml", "flow-matrix.csv"]
    );
    let error = select(&["zone-map", "firewall"]).err().ok_or("no error")?;
    assert_eq!(error.name, "firewall");
    let message = error.to_string();
    assert!(
        message.contains("zone-map, flow-matrix, rollout-plan"),
        "{message}"
    );
    assert!(message.contains("flow-matrix.csv"), "{message}");
    Ok(())
}

#[test]
fn every_file_renders_the_same_twice_and_states_the_digests() -> TestResult {
    let fixture = Fixture::new(PLAN)?;
    let (first, second) = (fixture.ctx(), fixture.ctx());
    for file in all_files() {
        let files = file.files(&first);
        assert_eq!(files, file.files(&second), "{}", file.name);
        assert_eq!(
            render_file(file.name, &first).as_deref(),
            files.first().map(|(_, text)| text.as_str())
        );
        for (name, text) in &files {
            if !name.ends_with(".csv") {
                assert!(text.contains(&first.digests.estate), "{name}");
                assert!(text.contains(&first.digests.plan), "{name}");
            }
            if name.ends_with(".yaml") && !name.starts_with("enforcement/") {
                let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(text)?;
                assert_eq!(
                    value["plan_digest"].as_str(),
                    Some(first.digests.plan.as_str())
                );
            }
        }
    }
    let rendered = render(&TARGETS[0], &first);
    assert_eq!(rendered.len(), 3);
    assert_eq!(render_file("nope.txt", &first), None);
    Ok(())
}
