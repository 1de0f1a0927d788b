//! `blastwall export` through the binary on the small fixture estate: determinism, the files,
//! the flow matrix against `simulate --json`, `--only`, unknown targets, no plan, no leftovers.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{blastwall, run_json, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const ALL_FILES: [&str; 8] = [
    "zone-map.md",
    "zone-map.yaml",
    "zone-map.mmd",
    "flow-matrix.md",
    "flow-matrix.yaml",
    "flow-matrix.csv",
    "rollout-plan.md",
    "rollout-plan.yaml",
];

/// The worked example with a rollout phase and a guardrail.
const PHASES: &str = "
phases:
  - name: data first
    zones: [data]
    mode: enforce
    target_date: \"2026-01-15\"
    owner: dba-team
    exit_criteria: [{check: no_denied_flows}, \"DBA signed off\"]
guardrails:
  - {name: no-internet-to-data, from: {zone: internet}, to: {zone: data}}
";

fn path(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// A workspace with the small fixture estate and the worked-example plan plus [`PHASES`].
fn small_workspace(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let ws = dir.join("w.blastwall");
    let (inventory, flows) = (
        path("tests/fixtures/estate-small/inventory"),
        path("tests/fixtures/estate-small/flows"),
    );
    run_json(&ws, &["import", "--json", &inventory, &flows])?;
    let plan = fs::read_to_string(path("tests/fixtures/plans/worked-example.yaml"))? + PHASES;
    let plan_file = dir.join("plan.yaml");
    fs::write(&plan_file, plan)?;
    run_json(
        &ws,
        &["plan", "apply", "--json", &plan_file.to_string_lossy()],
    )?;
    Ok(ws)
}

/// Every file of a folder: name → bytes.
fn files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, Box<dyn std::error::Error>> {
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            continue; // the enforcement targets' folders: their own tests read them
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        found.insert(name, fs::read(entry.path())?);
    }
    Ok(found)
}

fn export(ws: &Path, out: &Path, extra: &[&str]) -> Result<Value, Box<dyn std::error::Error>> {
    let out = out.to_string_lossy();
    let mut args = vec!["export", "--json", "--out", &out];
    args.extend_from_slice(extra);
    run_json(ws, &args)
}

#[test]
fn export_twice_gives_identical_files_and_no_leftovers() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let (first, second) = (dir.path().join("one"), dir.path().join("two"));
    let report = export(&ws, &first, &[])?;
    export(&ws, &second, &[])?;
    let (a, b) = (files(&first)?, files(&second)?);
    assert_eq!(a.keys().map(String::as_str).collect::<Vec<_>>().len(), 8);
    for name in ALL_FILES {
        assert!(a.contains_key(name), "{name} missing: {:?}", a.keys());
    }
    assert_eq!(a, b, "two exports differ");
    // Exporting again into the same folder replaces the files with the same bytes.
    export(&ws, &first, &[])?;
    assert_eq!(files(&first)?, b);
    let listed = report["files"].as_array().ok_or("files")?;
    let names: Vec<&str> = listed.iter().filter_map(|f| f["name"].as_str()).collect();
    let top: Vec<&str> = names.iter().copied().filter(|n| !n.contains('/')).collect();
    assert_eq!(top, ALL_FILES);
    assert!(
        names.contains(&"enforcement/kubernetes/allow.yaml"),
        "{names:?}"
    );
    for file in listed
        .iter()
        .filter(|f| f["name"].as_str().is_some_and(|n| !n.contains('/')))
    {
        let name = file["name"].as_str().ok_or("name")?;
        let size = a.get(name).map(|bytes| bytes.len() as u64);
        assert_eq!(file["bytes"].as_u64(), size, "{name}");
    }
    assert_eq!(
        report["out"].as_str(),
        Some(first.to_string_lossy().as_ref())
    );
    Ok(())
}

#[test]
fn the_flow_matrix_agrees_with_simulate() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let out = dir.path().join("out");
    export(&ws, &out, &[])?;
    let simulation = run_json(&ws, &["simulate", "--json"])?;
    let mut reader = csv::Reader::from_path(out.join("flow-matrix.csv"))?;
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    assert_eq!(
        header.join(","),
        "source,destination,port,protocol,source_zone,destination_zone,verdict,rule,\
         justification,owner,records,first_seen,last_seen,sources"
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(Some(rows.len() as u64), simulation["evaluated"].as_u64());
    let key =
        |r: &csv::StringRecord, cols: [usize; 7]| cols.map(|c| r.get(c).unwrap_or("").to_string());
    let denied: Vec<[String; 7]> = rows
        .iter()
        .filter(|r| r.get(6) == Some("deny"))
        .map(|r| key(r, [0, 1, 2, 3, 4, 5, 10]))
        .collect();
    let expected: Vec<[String; 7]> = simulation["denied_edges"]
        .as_array()
        .ok_or("denied_edges")?
        .iter()
        .map(|e| {
            [
                "src", "dst", "port", "protocol", "src_zone", "dst_zone", "records",
            ]
            .map(|k| match &e[k] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
        .collect();
    assert_eq!(denied, expected);
    let allowed = rows.iter().filter(|r| r.get(6) == Some("allow"));
    for row in allowed {
        assert!(
            !row.get(7).unwrap_or("").is_empty(),
            "allow without rule: {row:?}"
        );
        assert!(
            !row.get(8).unwrap_or("").is_empty(),
            "allow without reason: {row:?}"
        );
    }
    let rollout = fs::read_to_string(out.join("rollout-plan.md"))?;
    for needle in [
        "## Phase 1: data first",
        "(proposed)",
        "no-internet-to-data",
        "2026-01-15",
    ] {
        assert!(rollout.contains(needle), "{needle} not in\n{rollout}");
    }
    Ok(())
}

#[test]
fn only_writes_the_named_files() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let out = dir.path().join("out");
    export(&ws, &out, &["--only", "flow-matrix.csv"])?;
    assert_eq!(
        files(&out)?.into_keys().collect::<Vec<_>>(),
        ["flow-matrix.csv"]
    );
    let both = dir.path().join("both");
    export(&ws, &both, &["--only", "zone-map,rollout-plan"])?;
    let names: Vec<String> = files(&both)?.into_keys().collect();
    assert_eq!(
        names,
        [
            "rollout-plan.md",
            "rollout-plan.yaml",
            "zone-map.md",
            "zone-map.mmd",
            "zone-map.yaml"
        ]
    );
    Ok(())
}

#[test]
fn unknown_targets_and_missing_plans_fail_and_write_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let out = dir.path().join("out");
    let out_arg = out.to_string_lossy().into_owned();
    let failed = blastwall(
        &ws,
        &["export", "--out", &out_arg, "--only", "zone-map,nftables"],
    )?;
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(
        stderr.contains("nftables") && stderr.contains("zone-map, flow-matrix, rollout-plan"),
        "{stderr}"
    );
    assert!(!out.exists());
    let empty = dir.path().join("empty.blastwall");
    let no_plan = blastwall(&empty, &["export", "--out", &out_arg])?;
    assert_eq!(no_plan.status.code(), Some(1));
    assert!(text(&no_plan.stderr).contains("blastwall plan apply FILE"));
    assert!(!out.exists());
    Ok(())
}

#[test]
fn the_default_folder_is_blastwall_export_in_the_current_directory() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let run = dir.path().join("run");
    fs::create_dir(&run)?;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blastwall"))
        .current_dir(&run)
        .arg("--workspace")
        .arg(&ws)
        .args(["export", "--only", "zone-map.mmd"])
        .env_remove("BLASTWALL_WORKSPACE")
        .output()?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("zone-map.mmd"));
    let written = files(&run.join("blastwall-export"))?;
    assert_eq!(written.into_keys().collect::<Vec<_>>(), ["zone-map.mmd"]);
    Ok(())
}
