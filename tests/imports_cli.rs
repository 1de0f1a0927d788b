//! End to end: `blastwall imports list|remove` on the small estate.

use std::path::{Path, PathBuf};

mod common;
use common::{blastwall, run_json, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn small(path: &str) -> String {
    fixture(&format!("estate-small/{path}"))
}

/// Imports `paths` into `ws`, failing with stderr if the import fails.
fn import(ws: &Path, paths: &[String]) -> TestResult {
    let mut args = vec!["import"];
    args.extend(paths.iter().map(String::as_str));
    let out = blastwall(ws, &args)?;
    if !out.status.success() {
        return Err(text(&out.stderr).into());
    }
    Ok(())
}

/// The id of the import whose path ends with `name`.
fn id_of(list: &serde_json::Value, name: &str) -> Result<String, Box<dyn std::error::Error>> {
    list.as_array()
        .ok_or("a JSON array")?
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with(name)))
        .and_then(|i| i["id"].as_i64())
        .map(|id| id.to_string())
        .ok_or_else(|| format!("no import of {name} in {list}").into())
}

fn workspace(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

#[test]
fn a_missing_workspace_lists_as_empty_and_is_not_created() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(&dir, "new.blastwall");
    let out = blastwall(&ws, &["imports", "list"])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("no imports"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        run_json(&ws, &["imports", "list", "--json"])?,
        serde_json::json!([])
    );
    let out = blastwall(&ws, &["imports", "remove", "1"])?;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("blastwall imports list"));
    assert!(!ws.exists(), "reading created the workspace");
    Ok(())
}

#[test]
fn list_shows_every_import_with_what_it_brought() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(&dir, "w.blastwall");
    import(&ws, &[small("inventory"), small("flows")])?;
    let list = run_json(&ws, &["imports", "list", "--json"])?;
    let imports = list.as_array().ok_or("a JSON array")?;
    assert_eq!(imports.len(), 8);
    let ids: Vec<i64> = imports.iter().filter_map(|i| i["id"].as_i64()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "in id order");
    for key in [
        "id",
        "path",
        "format",
        "imported_at",
        "workload_records",
        "networks",
        "pods",
        "flow_records",
        "edges",
    ] {
        assert!(imports.iter().all(|i| !i[key].is_null()), "{key}");
    }
    let cmdb = imports
        .iter()
        .find(|i| i["format"] == "cmdb-csv")
        .ok_or("the CMDB import")?;
    assert_eq!(cmdb["workload_records"], 4);
    let stamp = cmdb["imported_at"].as_str().ok_or("imported_at")?;
    assert!(stamp.len() == 20 && stamp.ends_with('Z'), "{stamp}");

    let out = blastwall(&ws, &["imports", "list"])?;
    let table = text(&out.stdout);
    assert!(table.starts_with("ID"), "{table}");
    assert!(table.contains("cmdb.csv"), "{table}");
    assert!(table.contains("8 imports"), "{table}");
    Ok(())
}

#[test]
fn removing_imports_leaves_what_the_others_give_and_the_plan() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(&dir, "w.blastwall");
    import(&ws, &[small("inventory"), small("flows")])?;
    let applied = blastwall(&ws, &["plan", "apply", &fixture("plans/small.yaml")])?;
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    let plan_before = text(&blastwall(&ws, &["plan", "show"])?.stdout);

    let list = run_json(&ws, &["imports", "list", "--json"])?;
    let (hubble, conn) = (id_of(&list, "hubble.json")?, id_of(&list, "conn.log")?);
    let report = run_json(&ws, &["imports", "remove", &hubble, &conn, "--json"])?;
    let removed = report["removed"].as_array().ok_or("removed")?;
    assert_eq!(removed.len(), 2);
    assert_eq!(report["remaining"], 6);
    assert_eq!(
        run_json(&ws, &["imports", "list", "--json"])?
            .as_array()
            .map(Vec::len),
        Some(6)
    );

    // The same estate as a workspace that never imported them.
    let only = workspace(&dir, "only.blastwall");
    import(
        &only,
        &[
            small("inventory"),
            small("flows/conn.json.log"),
            small("flows/vpc.log.gz"),
        ],
    )?;
    let applied = blastwall(&only, &["plan", "apply", &fixture("plans/small.yaml")])?;
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    for command in ["stats", "workloads", "flows", "simulate"] {
        assert_eq!(
            run_json(&ws, &[command, "--json"])?,
            run_json(&only, &[command, "--json"])?,
            "{command}"
        );
    }
    assert_eq!(
        text(&blastwall(&ws, &["plan", "show"])?.stdout),
        plan_before
    );

    // A removed file can be imported again, and then the estate is whole again.
    let out = blastwall(
        &ws,
        &[
            "import",
            &small("flows/hubble.json"),
            &small("flows/conn.log"),
        ],
    )?;
    let stdout = text(&out.stdout);
    assert!(stdout.contains("imported 2 of 2 files"), "{stdout}");
    let whole = workspace(&dir, "whole.blastwall");
    import(&whole, &[small("inventory"), small("flows")])?;
    assert_eq!(
        run_json(&ws, &["stats", "--json"])?,
        run_json(&whole, &["stats", "--json"])?
    );
    Ok(())
}

#[test]
fn an_unknown_id_removes_nothing_and_names_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = workspace(&dir, "w.blastwall");
    import(&ws, &[small("inventory")])?;
    let before = run_json(&ws, &["imports", "list", "--json"])?;
    let first = id_of(&before, "cmdb.csv")?;
    let out = blastwall(&ws, &["imports", "remove", &first, "999"])?;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no import 999"), "{stderr}");
    assert!(stderr.contains("blastwall imports list"), "{stderr}");
    assert_eq!(run_json(&ws, &["imports", "list", "--json"])?, before);

    let out = blastwall(&ws, &["imports", "remove", &first])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("cmdb.csv"), "{stdout}");
    assert!(stdout.contains("4 workload records"), "{stdout}");
    assert!(stdout.contains("3 imports remain"), "{stdout}");
    Ok(())
}
