//! End to end: the `blastwall` binary on a small estate.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{blastwall, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/estate-small")
        .join(path)
}

#[test]
fn import_then_stats_json_has_the_contracted_keys() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let inventory = fixture("inventory");
    let flows = fixture("flows");
    let out = blastwall(
        &ws,
        &[
            "import",
            &inventory.to_string_lossy(),
            &flows.to_string_lossy(),
        ],
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("imported 8 of 8 files"), "{stdout}");
    assert!(
        stdout.contains("conflicts (the later import wins)"),
        "{stdout}"
    );

    let out = blastwall(&ws, &["stats", "--json"])?;
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("expected.json"))?)?;
    assert_eq!(stats, expected);

    let out = blastwall(&ws, &["workloads", "--json"])?;
    let workloads: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let list = workloads["workloads"].as_array().ok_or("workloads array")?;
    assert_eq!(
        list.len() as u64,
        expected["workloads"].as_u64().unwrap_or(0)
    );
    let app01 = list
        .iter()
        .find(|w| w["name"] == "app-01")
        .ok_or("app-01")?;
    assert_eq!(app01["app"], "billing");
    assert_eq!(app01["labels"]["pci-scope"], "true");
    assert_eq!(app01["labels"]["tier"], "app");
    assert_eq!(app01["addresses"][0], "10.1.4.22");

    let out = blastwall(&ws, &["flows", "--json"])?;
    let flows: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let edges = flows["edges"].as_array().ok_or("edges array")?;
    assert_eq!(edges.len() as u64, expected["edges"].as_u64().unwrap_or(0));
    assert!(edges.iter().any(|e| e["client_workload"] == "api-01"
        && e["server_workload"] == "pay-db-01"
        && e["port"] == 5432));

    let out = blastwall(&ws, &["flows", "--limit", "3"])?;
    let table = text(&out.stdout);
    assert!(table.starts_with("CLIENT"), "{table}");
    assert!(table.contains("3 of 14 edges"), "{table}");
    Ok(())
}

#[test]
fn reimport_says_so_and_bad_input_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let cmdb = fixture("inventory/cmdb.csv");
    let cmdb = cmdb.to_string_lossy();
    assert!(blastwall(&ws, &["import", &cmdb])?.status.success());
    let again = blastwall(&ws, &["import", &cmdb])?;
    assert!(
        text(&again.stdout).contains("already imported, nothing done"),
        "{}",
        text(&again.stdout)
    );

    let bad = dir.path().join("bad.log");
    std::fs::write(
        &bad,
        "version srcaddr dstaddr srcport dstport protocol\n2 10.0.0.1 10.0.0.2 40000 443 6\n2 10.0.0.1 10.0.0.2 x 443 6\n",
    )?;
    let before = text(&blastwall(&ws, &["stats", "--json"])?.stdout);
    let out = blastwall(&ws, &["import", &bad.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("bad.log:3: field srcport: expected a number, found \"x\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("nothing was imported; the workspace is unchanged"),
        "{stderr}"
    );
    assert_eq!(text(&blastwall(&ws, &["stats", "--json"])?.stdout), before);

    let out = blastwall(&ws, &["import", "--skip-bad", &bad.to_string_lossy()])?;
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("skipped"),
        "{}",
        text(&out.stdout)
    );
    Ok(())
}

#[test]
fn unknown_formats_and_missing_files_are_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let prose = dir.path().join("notes.txt");
    std::fs::write(&prose, "Meeting notes\n")?;
    let out = blastwall(&ws, &["import", &prose.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("notes.txt:1: expected a file in a known format"),
        "{}",
        text(&out.stderr)
    );
    let out = blastwall(&ws, &["import", "/no/such/file.csv"])?;
    assert!(
        text(&out.stderr).contains("/no/such/file.csv: cannot read it"),
        "{}",
        text(&out.stderr)
    );
    let out = blastwall(
        &ws,
        &["import", "--format", "nonsense", &prose.to_string_lossy()],
    )?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

#[test]
fn the_workspace_comes_from_the_environment_too() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("env.blastwall");
    let out = Command::new(env!("CARGO_BIN_EXE_blastwall"))
        .args(["import", &fixture("inventory/cmdb.csv").to_string_lossy()])
        .env("BLASTWALL_WORKSPACE", &ws)
        .output()?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(ws.exists());
    Ok(())
}

#[test]
fn reading_a_missing_workspace_shows_nothing_and_creates_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("none.blastwall");
    let out = blastwall(&ws, &["stats", "--json"])?;
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(stats["workloads"], 0);
    assert!(text(&out.stderr).contains("does not exist yet"));
    assert!(!ws.exists());
    Ok(())
}
