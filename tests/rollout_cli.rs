//! `blastwall rollout` through the binary: the per-phase effect agrees with `simulate`, ticking
//! records who and when in the stored plan, `suggest-order --apply` reorders, and errors.

use std::path::{Path, PathBuf};

mod common;
use common::{blastwall, run_json, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// The small estate with a plan: `tests/fixtures/plans/small.yaml` plus `extra` phases.
fn workspace(dir: &Path, extra: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let ws = dir.join("w.blastwall");
    let (inventory, flows) = (
        fixture("estate-small/inventory"),
        fixture("estate-small/flows"),
    );
    run_json(&ws, &["import", "--json", &inventory, &flows])?;
    let plan = std::fs::read_to_string(fixture("plans/small.yaml"))?;
    let plan = plan.replace("\nguardrails:", &format!("{extra}\nguardrails:"));
    let file = dir.join("plan.yaml");
    std::fs::write(&file, plan)?;
    run_json(&ws, &["plan", "apply", "--json", &file.to_string_lossy()])?;
    Ok(ws)
}

#[test]
fn each_phase_reports_its_effect_and_criteria() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path(), "")?;
    let rollout = run_json(&ws, &["rollout", "--json"])?;
    let simulation = run_json(&ws, &["simulate", "--json"])?;
    let phase = &rollout["phases"][0];
    assert_eq!(phase["name"], "first");
    assert_eq!(phase["after"]["enforced"], serde_json::json!(["pci"]));
    // Enforcing pci denies exactly the denied flows whose server is in pci.
    let into_pci = simulation["denied_edges"]
        .as_array()
        .ok_or("denied edges")?
        .iter()
        .filter(|e| e["dst_zone"] == "pci")
        .count();
    assert_eq!(phase["breaks"].as_u64(), Some(into_pci as u64));
    assert_eq!(phase["after"]["denied"].as_u64(), Some(into_pci as u64));
    assert_eq!(rollout["before"]["denied"], 0);
    assert_eq!(phase["criteria"][0]["kind"], "checkbox");
    assert_eq!(phase["criteria"][0]["state"], "open");
    assert_eq!(phase["criteria"][1]["criterion"], "no_denied_flows");
    let expected = if into_pci == 0 { "met" } else { "unmet" };
    assert_eq!(phase["criteria"][1]["state"], expected);
    assert_eq!(rollout["guardrails"][0]["name"], "no-internet-to-pci");
    assert_eq!(
        rollout["never_enforced"],
        serde_json::json!(["data", "k8s", "apps"])
    );
    let human = blastwall(&ws, &["rollout"])?;
    assert!(human.status.success());
    let shown = text(&human.stdout);
    assert!(shown.contains("1. first [enforce] zones: pci"), "{shown}");
    Ok(())
}

#[test]
fn ticking_records_who_and_when_in_the_plan() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path(), "")?;
    let out = blastwall(&ws, &["rollout", "tick", "first", "1"])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ticked \"payments team signed off\""));
    let rollout = run_json(&ws, &["rollout", "--json"])?;
    let criterion = &rollout["phases"][0]["criteria"][0];
    assert_eq!(criterion["state"], "ticked");
    assert!(
        criterion["detail"]
            .as_str()
            .unwrap_or("")
            .starts_with("ticked by ")
    );
    let shown = text(&blastwall(&ws, &["plan", "show"])?.stdout);
    assert!(
        shown.contains("{checkbox: payments team signed off, ticked_by: "),
        "{shown}"
    );
    let check = blastwall(&ws, &["rollout", "tick", "1", "2"])?;
    assert!(!check.status.success());
    assert!(text(&check.stderr).contains("only statements can be ticked"));
    let untick = blastwall(&ws, &["rollout", "tick", "first", "1", "--untick"])?;
    assert!(untick.status.success());
    let rollout = run_json(&ws, &["rollout", "--json"])?;
    assert_eq!(rollout["phases"][0]["criteria"][0]["state"], "open");
    Ok(())
}

#[test]
fn suggest_order_puts_observation_first_and_applies() -> TestResult {
    let dir = tempfile::tempdir()?;
    let extra = "\n  - {name: apps later, zones: [apps], mode: enforce}\n  - {name: watch, zones: [pci, apps], mode: observe}";
    let ws = workspace(dir.path(), extra)?;
    let advice = run_json(&ws, &["rollout", "suggest-order", "--json"])?;
    let names: Vec<&str> = advice["order"]
        .as_array()
        .ok_or("order")?
        .iter()
        .filter_map(|e| e["phase"].as_str())
        .collect();
    assert_eq!(names, ["watch", "first", "apps later"]);
    assert_eq!(advice["applied"], false);
    run_json(&ws, &["rollout", "suggest-order", "--apply", "--json"])?;
    let rollout = run_json(&ws, &["rollout", "--json"])?;
    let phases: Vec<&str> = rollout["phases"]
        .as_array()
        .ok_or("phases")?
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(phases, ["watch", "first", "apps later"]);
    Ok(())
}

#[test]
fn without_a_plan_it_says_what_to_do() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = blastwall(&dir.path().join("none.blastwall"), &["rollout"])?;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("hint: blastwall plan apply FILE"),
        "{stderr}"
    );
    Ok(())
}
