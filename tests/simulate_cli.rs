//! `simulate` and `blast` through the binary: the contracted JSON keys and the worked example of
//! docs/concepts.md.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

mod common;
use common::run_json as run;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

fn workspace(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let ws = dir.join("w.blastwall");
    let inventory = fixture("estate-small/inventory")
        .to_string_lossy()
        .into_owned();
    let flows = fixture("estate-small/flows").to_string_lossy().into_owned();
    run(&ws, &["import", "--json", &inventory, &flows])?;
    let plan = fixture("plans/worked-example.yaml")
        .to_string_lossy()
        .into_owned();
    run(&ws, &["plan", "apply", "--json", &plan])?;
    Ok(ws)
}

#[test]
fn simulate_json_is_the_worked_example() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let sim = run(&ws, &["simulate", "--json"])?;
    let keys: Vec<&str> = sim
        .as_object()
        .ok_or("object")?
        .keys()
        .map(String::as_str)
        .collect();
    for key in [
        "evaluated",
        "allowed",
        "denied",
        "denied_edges",
        "by_rule",
        "unused_rules",
        "already_blocked",
        "already_blocked_edges",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(
        (
            sim["evaluated"].as_u64(),
            sim["allowed"].as_u64(),
            sim["denied"].as_u64()
        ),
        (Some(11), Some(6), Some(5))
    );
    assert_eq!(sim["already_blocked"], 3);
    assert_eq!(sim["unused_rules"], json!(["unused-rdp"]));
    assert_eq!(
        sim["by_rule"],
        json!({"apps-to-data": 2, "frontend-to-api": 1, "rule-3": 1, "unused-rdp": 0})
    );
    let denied = sim["denied_edges"].as_array().ok_or("denied_edges")?;
    assert_eq!(denied.len(), 5);
    assert!(denied.contains(&json!({
        "src": "app-01", "dst": "db-01", "port": 0, "protocol": "icmp",
        "src_zone": "apps", "dst_zone": "data", "records": 1
    })));
    let workloads = run(&ws, &["workloads", "--json"])?;
    let zone_of = |name: &str| {
        workloads["workloads"]
            .as_array()
            .and_then(|l| l.iter().find(|w| w["name"] == name))
            .map(|w| w["zone"].clone())
    };
    assert_eq!(zone_of("db-01"), Some(json!("data")));
    assert_eq!(zone_of("batch/report-job"), Some(json!("unassigned")));
    Ok(())
}

#[test]
fn blast_json_per_mode_and_the_ranking() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(dir.path())?;
    let planned = run(&ws, &["blast", "app-01", "--mode", "planned", "--json"])?;
    assert_eq!(planned["workload"], "app-01");
    assert_eq!(planned["mode"], "planned");
    assert_eq!(planned["reachable"], 7);
    assert_eq!(planned["hops"], 1);
    assert_eq!(planned["by_zone"], json!({"apps": 2, "data": 2, "k8s": 3}));
    let jewels: Vec<Value> = planned["crown_jewels"]
        .as_array()
        .ok_or("crown_jewels")?
        .iter()
        .map(|j| j["path"].clone())
        .collect();
    assert_eq!(
        jewels,
        [json!(["app-01", "db-01"]), json!(["app-01", "pay-db-01"])]
    );
    let observed = run(&ws, &["blast", "APP-01", "--mode", "observed", "--json"])?;
    assert_eq!(
        (observed["reachable"].as_u64(), observed["hops"].as_u64()),
        (Some(1), Some(1))
    );
    let flat = run(&ws, &["blast", "app-01", "--mode", "flat", "--json"])?;
    assert_eq!(flat["reachable"], 8);
    let all = run(&ws, &["blast", "--all", "--json"])?;
    let ranking = all["workloads"].as_array().ok_or("workloads")?;
    assert_eq!(ranking.len(), 9);
    assert!(
        ranking
            .windows(2)
            .all(|w| w[0]["reachable"].as_u64() >= w[1]["reachable"].as_u64())
    );
    // Every mode ranks; each workload's count is its single-workload reach.
    for (mode, app_01) in [("observed", 1), ("flat", 8), ("planned", 7)] {
        let all = run(&ws, &["blast", "--all", "--mode", mode, "--json"])?;
        let ranking = all["workloads"].as_array().ok_or("workloads")?;
        assert_eq!(ranking.len(), 9, "{mode}");
        let row = ranking
            .iter()
            .find(|r| r["workload"] == "app-01")
            .ok_or("app-01")?;
        assert_eq!(row["reachable"], app_01, "{mode}");
    }
    let unknown = run(&ws, &["blast", "app-9"])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(unknown.contains("no workload named \"app-9\""), "{unknown}");
    Ok(())
}

#[test]
fn simulate_without_a_plan_says_how_to_get_one() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let cmdb = fixture("estate-small/inventory/cmdb.csv")
        .to_string_lossy()
        .into_owned();
    run(&ws, &["import", "--json", &cmdb])?;
    let error = run(&ws, &["simulate"])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("no plan in workspace") && error.contains("blastwall plan apply FILE"),
        "{error}"
    );
    Ok(())
}
