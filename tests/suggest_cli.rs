//! `blastwall plan suggest` through the binary, on the bundled demo estate: the draft applies,
//! denies no observed accepted flow, shrinks the blast radius well below flat, passes lint with no
//! high finding, and is the same bytes every time, on standard output or in a file.

use std::path::{Path, PathBuf};

mod common;
use common::{blastwall, run_json, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn demo_workspace(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let ws = dir.join("w.blastwall");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-estates/northwind");
    run_json(&ws, &["import", "--json", &demo.to_string_lossy()])?;
    Ok(ws)
}

fn mean_planned_reach(ws: &Path) -> Result<f64, Box<dyn std::error::Error>> {
    let ranking = run_json(ws, &["blast", "--all", "--json"])?;
    let rows = ranking["workloads"].as_array().ok_or("no workloads")?;
    let total: f64 = rows.iter().filter_map(|r| r["reachable"].as_f64()).sum();
    Ok(total / rows.len() as f64)
}

#[test]
fn the_draft_applies_denies_nothing_and_shrinks_the_blast_radius() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = demo_workspace(dir.path())?;
    let workloads = run_json(&ws, &["stats", "--json"])?["workloads"]
        .as_f64()
        .ok_or("no workload count")?;
    for granularity in ["zone", "app"] {
        let file = dir.path().join(format!("draft-{granularity}.yaml"));
        let file_arg = file.to_string_lossy().into_owned();
        let out = blastwall(
            &ws,
            &[
                "plan",
                "suggest",
                "--granularity",
                granularity,
                "--out",
                &file_arg,
            ],
        )?;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let summary = text(&out.stdout);
        assert!(summary.contains("(0 denied)"), "{summary}");
        assert!(summary.contains("planned"), "{summary}");

        // Standard output holds the same bytes, and a second run too.
        let printed = blastwall(&ws, &["plan", "suggest", "--granularity", granularity])?;
        let written = std::fs::read(&file)?;
        assert_eq!(printed.stdout, written);
        let again = blastwall(&ws, &["plan", "suggest", "--granularity", granularity])?;
        assert_eq!(again.stdout, written);
        assert!(text(&written).starts_with("# Draft plan"));

        let applied = run_json(&ws, &["plan", "apply", "--json", &file_arg])?;
        assert!(applied["rules"].as_u64().unwrap_or(0) > 0);
        let simulation = run_json(&ws, &["simulate", "--json"])?;
        assert_eq!(simulation["denied"], 0, "{granularity}");
        assert!(simulation["evaluated"].as_u64().unwrap_or(0) > 2000);

        let planned = mean_planned_reach(&ws)?;
        assert!(
            planned * 4.0 < workloads - 1.0,
            "{granularity}: mean planned reach {planned} of {workloads} workloads"
        );

        let lint = blastwall(&ws, &["lint", "--json"])?;
        let findings: serde_json::Value = serde_json::from_slice(&lint.stdout)?;
        let high: Vec<_> = findings["findings"]
            .as_array()
            .ok_or("no findings list")?
            .iter()
            .filter(|f| f["severity"] == "high")
            .collect();
        assert_eq!(lint.status.code(), Some(0), "high findings: {high:?}");
    }
    Ok(())
}

#[test]
fn a_draft_needs_workloads_and_never_creates_a_workspace() -> TestResult {
    let dir = tempfile::tempdir()?;
    let missing = dir.path().join("missing.blastwall");
    let out = blastwall(&missing, &["plan", "suggest"])?;
    assert!(!out.status.success());
    assert!(!missing.exists());

    let empty = dir.path().join("empty.blastwall");
    let topology =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-estates/northwind/topology.yaml");
    run_json(&empty, &["import", "--json", &topology.to_string_lossy()])?;
    let out = blastwall(&empty, &["plan", "suggest"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no workloads"),
        "{}",
        text(&out.stderr)
    );

    let bad = blastwall(&empty, &["plan", "suggest", "--granularity", "ip"])?;
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("expected zone or app"));
    Ok(())
}
