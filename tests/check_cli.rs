//! `blastwall check` through the binary: the CI drift gate on the small fixture estate, its JSON
//! keys, its exit statuses, and that the workspace file is never written.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;
use common::{blastwall, run_json, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Error = Box<dyn std::error::Error>;

fn fixture(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// `tests/fixtures/plans/small.yaml` without its rollout (phases), which this test leaves alone.
fn small_plan() -> Result<String, Error> {
    let plan = std::fs::read_to_string(fixture("plans/small.yaml"))?;
    let end = plan.find("\nphases:").unwrap_or(plan.len());
    Ok(format!("{}\n", &plan[..end]))
}

/// Rules that allow every flow of the small estate the small plan denies.
const COVER: &str = "
  - {name: unmanaged-pay-db, from: {cidr: 10.0.77.7/32}, to: {workload: pay-db-01}, ports: [tcp/5432]}
  - {name: api-pay-db, from: {workload: api-01}, to: {workload: pay-db-01}, ports: [tcp/5432]}
  - {name: app-infra, from: {workload: app-01}, to: {cidr: 10.1.0.0/16}, ports: [udp/53, udp/514]}
  - {name: app-db, from: {workload: app-01}, to: {workload: db-01}, ports: [tcp/5432, icmp]}
  - {name: frontend-ping, from: {namespace: web}, to: {cidr: \"2001:db8:ff::/64\"}, ports: [icmpv6]}
";

/// A workspace with the small fixture estate and the small plan stored.
fn workspace(dir: &Path) -> Result<PathBuf, Error> {
    let ws = dir.join("w.blastwall");
    let (inventory, flows) = (
        fixture("estate-small/inventory"),
        fixture("estate-small/flows"),
    );
    run_json(&ws, &["import", "--json", &inventory, &flows])?;
    let plan = write(dir, "small.yaml", &small_plan()?)?;
    run_json(&ws, &["plan", "apply", "--json", &plan])?;
    Ok(ws)
}

fn write(dir: &Path, name: &str, content: &str) -> Result<String, Error> {
    let path = dir.join(name);
    std::fs::write(&path, content)?;
    Ok(path.to_string_lossy().into_owned())
}

/// Runs `check` with arguments; returns the output and the parsed JSON (Null without).
fn check(ws: &Path, args: &[&str]) -> Result<(Output, Value), Error> {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = blastwall(ws, &all)?;
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    Ok((out, json))
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn uncovered_flows_are_the_denied_edges_of_simulate() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let simulated = run_json(&ws, &["simulate", "--json"])?;
    let (out, json) = check(&ws, &["--json"])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let keys: Vec<&str> = json
        .as_object()
        .ok_or("an object")?
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "uncovered",
        "unused_rules",
        "guardrails",
        "findings",
        "passed",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert!(
        !simulated["denied_edges"]
            .as_array()
            .ok_or("edges")?
            .is_empty()
    );
    assert_eq!(json["uncovered"], simulated["denied_edges"]);
    assert_eq!(json["passed"], Value::Bool(false));
    assert_eq!(names(&json["unused_rules"]), ["rule-2", "rule-5"]);
    assert_eq!(json["guardrails"], Value::Array(Vec::new()));
    assert_eq!(json["findings"], Value::Array(Vec::new()));
    let (out, _) = check(&ws, &[])?;
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("uncovered flows: 7"), "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("check: failed (7 uncovered flows)"),
        "{stdout}"
    );
    Ok(())
}

#[test]
fn a_plan_that_covers_every_flow_passes() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let plan = write(
        dir.path(),
        "covered.yaml",
        &format!("{}{COVER}", small_plan()?),
    )?;
    let (out, json) = check(&ws, &["--json", "--plan", &plan])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json["uncovered"], Value::Array(Vec::new()));
    assert_eq!(json["passed"], Value::Bool(true));
    let (out, _) = check(&ws, &["--plan", &plan])?;
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("unused rules: 2"), "{stdout}");
    assert!(stdout.trim_end().ends_with("check: passed"), "{stdout}");
    // The unused rules fail the gate with --strict.
    let (out, json) = check(&ws, &["--json", "--strict", "--plan", &plan])?;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json["passed"], Value::Bool(false));
    assert_eq!(names(&json["unused_rules"]), ["rule-2", "rule-5"]);
    let (out, _) = check(&ws, &["--strict", "--plan", &plan])?;
    let stdout = text(&out.stdout);
    assert!(
        stdout
            .trim_end()
            .ends_with("check: failed (2 unused rules)"),
        "{stdout}"
    );
    Ok(())
}

#[test]
fn flow_files_count_without_changing_the_workspace() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let plan = write(
        dir.path(),
        "covered.yaml",
        &format!("{}{COVER}", small_plan()?),
    )?;
    let flows = dir.path().join("flows");
    std::fs::create_dir(&flows)?;
    std::fs::write(
        flows.join("new.csv"),
        "client,server,port,protocol,records\n10.1.4.22,10.1.9.30,2222,tcp,3\n",
    )?;
    let flows = flows.to_string_lossy().into_owned();
    let before = std::fs::read(&ws)?;
    let (out, json) = check(&ws, &["--json", "--plan", &plan, &flows])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let uncovered = json["uncovered"].as_array().ok_or("uncovered")?;
    assert_eq!(uncovered.len(), 1, "{uncovered:?}");
    assert_eq!(
        (&uncovered[0]["port"], &uncovered[0]["protocol"]),
        (&Value::from(2222), &Value::from("tcp"))
    );
    assert_eq!(uncovered[0]["records"], Value::from(3));
    assert_eq!(
        std::fs::read(&ws)?,
        before,
        "the workspace is byte-identical"
    );
    // The workspace alone still passes: the flow was never stored.
    let (out, _) = check(&ws, &["--plan", &plan])?;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&ws)?, before, "read only without flow files");
    Ok(())
}

#[test]
fn a_workspace_that_does_not_exist_is_checked_as_empty() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("none.blastwall");
    let plan = write(dir.path(), "plan.yaml", "version: 1\n")?;
    let flows = write(
        dir.path(),
        "new.csv",
        "client,server,port,protocol\n10.0.0.1,203.0.113.9,22,tcp\n",
    )?;
    let (out, json) = check(&ws, &["--json", "--plan", &plan, &flows])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(json["uncovered"].as_array().map(Vec::len), Some(1));
    assert!(!ws.exists(), "not created");
    Ok(())
}

#[test]
fn a_broken_guardrail_fails() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let guardrail = "guardrails:\n  - {name: no-k8s-pci, from: {zone: k8s}, to: {zone: pci}}\n";
    let plan = format!("{}{COVER}{guardrail}", small_plan()?);
    let plan = write(dir.path(), "guarded.yaml", &plan)?;
    let (out, json) = check(&ws, &["--json", "--plan", &plan])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let guardrails = json["guardrails"].as_array().ok_or("guardrails")?;
    assert_eq!(guardrails.len(), 1);
    let broken = &guardrails[0];
    assert_eq!(broken["name"], Value::from("no-k8s-pci"));
    assert_eq!(
        (&broken["from"], &broken["to"]),
        (&Value::from("{zone: k8s}"), &Value::from("{zone: pci}"))
    );
    assert_eq!(names(&broken["opened_by"]), ["rule frontend-to-payments"]);
    let flows = broken["flows"].as_array().ok_or("flows")?;
    assert_eq!(flows.len(), 1, "{flows:?}");
    assert_eq!(
        (&flows[0]["src_zone"], &flows[0]["dst_zone"]),
        (&Value::from("k8s"), &Value::from("pci"))
    );
    let (out, _) = check(&ws, &["--plan", &plan])?;
    let stdout = text(&out.stdout);
    assert!(stdout.contains("broken guardrails: 1"), "{stdout}");
    // lint reports the rule that opens it too (guardrail-broken, high).
    let last = stdout.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.starts_with("check: failed (1 guardrail broken"),
        "{stdout}"
    );
    Ok(())
}

#[test]
fn a_high_lint_finding_fails() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let plan = format!(
        "{}{COVER}  - {{name: flat, from: any, to: any, ports: [any]}}\n",
        small_plan()?
    );
    let plan = write(dir.path(), "flat.yaml", &plan)?;
    let (out, json) = check(&ws, &["--json", "--plan", &plan])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let findings = json["findings"].as_array().ok_or("findings")?;
    assert!(!findings.is_empty());
    for finding in findings {
        assert_eq!(finding["severity"], Value::from("high"));
        for key in ["kind", "subject", "message", "hint"] {
            assert!(finding[key].is_string(), "{key} in {finding}");
        }
    }
    Ok(())
}

#[test]
fn errors_exit_2() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let before = std::fs::read(&ws)?;
    let bad = write(
        dir.path(),
        "bad.yaml",
        "version: 1\nzones:\n  - name: [1]\n",
    )?;
    let (out, _) = check(&ws, &["--plan", &bad])?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.yaml:3"), "{stderr}");
    let flows = write(
        dir.path(),
        "bad.csv",
        "client,server,port,protocol\n10.0.0.1,10.0.0.2,22,tcp\n10.0.0.1,10.0.0.2,ssh,tcp\n",
    )?;
    let (out, _) = check(&ws, &[&flows])?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.csv:3"), "{stderr}");
    let missing = dir.path().join("none").to_string_lossy().into_owned();
    let (out, _) = check(&ws, &[&missing])?;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&ws)?, before);
    let empty = dir.path().join("empty.blastwall");
    let (out, _) = check(&empty, &[])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("hint:"), "{}", text(&out.stderr));
    Ok(())
}
