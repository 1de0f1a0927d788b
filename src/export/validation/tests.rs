//! The probes on the testkit estate, and the script's quoting.

use super::script::shell_quote;
use super::*;
use crate::analysis::enforce::allows;
use crate::analysis::resolve::{Endpoint, resolve_estate};
use crate::analysis::simulate::{RuleSides, simulate};
use crate::analysis::testkit::{TestResult, edge, estate, host};
use crate::analysis::zones::assign_zones;
use crate::ingest::plan::parse_plan;
use crate::model::Protocol;

const HOSTILE: &str = "evil'$(touch /tmp/pwned)`id`\"; rm -rf x #";

const PLAN: &str = "version: 1
zones:
  - {name: web, members: [{labels: {tier: web}}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: data, members: [{labels: {tier: data}}]}
rules:
  - {name: web-to-app, from: {zone: web}, to: {zone: app}, ports: [tcp/8443]}
  - {from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
";

#[test]
fn probes_connect_where_the_plan_allows_and_refuse_where_it_denies() -> TestResult {
    let plan = parse_plan(PLAN, "plan.yaml")?;
    let mut raw = estate();
    raw.workloads
        .push((1, host(HOSTILE, "10.0.7.1", "shop", "web")));
    edge(&mut raw, "10.0.7.1", "10.0.2.1", 8443, Protocol::TCP, true);
    edge(&mut raw, "10.0.1.1", "10.0.3.1", 22, Protocol::TCP, true);
    let estate = resolve_estate(&raw);
    let zones = assign_zones(&plan, &estate);
    let simulation = simulate(&plan, &estate, &zones);
    let ctx = Context::new(&plan, &estate, &zones, &simulation);
    let all = probes::probes(&ctx);
    assert!(all.iter().any(|p| p.expect == Expect::Connect));
    assert!(all.iter().any(|p| p.expect == Expect::Refuse));
    let mut sides = RuleSides::new(&plan, &estate, &zones);
    let index = |name: &str| estate.workloads.iter().position(|w| w.name == name);
    for probe in &all {
        let (c, s) = (
            index(&probe.from).ok_or("from")?,
            index(&probe.to).ok_or("to")?,
        );
        let (c, s) = (Endpoint::Workload(c as u32), Endpoint::Workload(s as u32));
        let allowed = allows(&plan, &mut sides, &zones, c, s, probe.port, 6);
        assert_eq!(allowed, probe.expect == Expect::Connect, "{probe:?}");
    }
    let refuse = all
        .iter()
        .find(|p| p.expect == Expect::Refuse && p.port == 22);
    assert!(
        refuse
            .is_some_and(|p| p.reason == "no rule allows web -> data on tcp/22 (east_west: deny)"),
        "{all:?}"
    );
    let yaml = probes_yaml(&ctx);
    let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml)?;
    assert_eq!(
        parsed["probes"].as_sequence().map(Vec::len),
        Some(all.len())
    );
    let script = probes_sh(&ctx);
    assert!(script.contains(&shell_quote(HOSTILE)));
    let sh = std::path::Path::new("/bin/sh");
    if sh.exists() {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("probes.sh");
        std::fs::write(&path, &script)?;
        let status = std::process::Command::new(sh)
            .arg("-n")
            .arg(&path)
            .status()?;
        assert!(status.success(), "sh -n failed");
        // With the hostile name as this host and no nc on PATH, nothing runs and nothing breaks.
        let output = std::process::Command::new(sh)
            .arg(&path)
            .args(["--as", HOSTILE])
            .env("PATH", dir.path())
            .output()?;
        assert_eq!(output.status.code(), Some(2));
        assert!(!dir.path().join("pwned").exists());
    }
    Ok(())
}

#[test]
fn shell_quoting_keeps_hostile_names_literal() -> TestResult {
    assert_eq!(shell_quote("a'b"), "'a'\\''b'");
    assert_eq!(shell_quote("$x `y`"), "'$x `y`'");
    let sh = std::path::Path::new("/bin/sh");
    if sh.exists() {
        let output = std::process::Command::new(sh)
            .arg("-c")
            .arg(format!("printf %s {}", shell_quote(HOSTILE)))
            .output()?;
        assert_eq!(String::from_utf8(output.stdout)?, HOSTILE);
    }
    Ok(())
}
