//! End to end: `blastwall plan apply` and `blastwall plan show` on the small estate.

use std::path::{Path, PathBuf};

use blastwall::model::plan::Plan;
use blastwall::store::Workspace;

mod common;
use common::{blastwall, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A workspace holding the small estate.
fn estate(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let ws = dir.join("w.blastwall");
    let (inventory, flows) = (
        fixture("estate-small/inventory"),
        fixture("estate-small/flows"),
    );
    let out = blastwall(
        &ws,
        &[
            "import",
            &inventory.to_string_lossy(),
            &flows.to_string_lossy(),
        ],
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    Ok(ws)
}

fn stored(ws: &Path) -> Result<Option<Plan>, Box<dyn std::error::Error>> {
    Ok(Workspace::open(ws)?.load_plan()?.map(|(plan, _)| plan))
}

fn show(ws: &Path) -> Result<String, Box<dyn std::error::Error>> {
    let out = blastwall(ws, &["plan", "show"])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    Ok(text(&out.stdout))
}

#[test]
fn apply_reports_counts_and_warnings() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = estate(dir.path())?;
    let plan = fixture("plans/small.yaml");
    let out = blastwall(&ws, &["plan", "apply", &plan.to_string_lossy()])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "applied {}: 4 zones, 5 rules\n  \
             warning: zone apps, member 3: workload: legacy-box matches no workload\n  \
             warning: rule rule-5, to: app: ledger matches no workload's application\n",
            plan.display()
        )
    );
    let out = blastwall(&ws, &["plan", "apply", "--json", &plan.to_string_lossy()])?;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["zones"], 4);
    assert_eq!(report["rules"], 5);
    assert_eq!(report["warnings"].as_array().map(Vec::len), Some(2));
    let (_, source) = Workspace::open(&ws)?.load_plan()?.ok_or("a stored plan")?;
    assert_eq!(
        source,
        Some(std::fs::canonicalize(&plan)?.display().to_string())
    );
    Ok(())
}

#[test]
fn show_output_re_applies_to_the_identical_plan() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = estate(dir.path())?;
    let out = blastwall(
        &ws,
        &[
            "plan",
            "apply",
            &fixture("plans/small.yaml").to_string_lossy(),
        ],
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = stored(&ws)?.ok_or("a stored plan")?;
    let shown = show(&ws)?;
    assert!(shown.starts_with("version: 1\ndefaults: {east_west: deny, intra_zone: allow}\n"));
    assert!(!shown.contains('#'), "comments are not kept:\n{shown}");

    let copy = dir.path().join("canonical.yaml");
    let out = blastwall(&ws, &["plan", "show", "--out", &copy.to_string_lossy()])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&copy)?, shown);

    let out = blastwall(&ws, &["plan", "apply", &copy.to_string_lossy()])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stored(&ws)?, Some(first));
    assert_eq!(show(&ws)?, shown, "canonical output is stable");
    Ok(())
}

#[test]
fn a_bad_plan_leaves_the_stored_plan_unchanged() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = estate(dir.path())?;
    let out = blastwall(
        &ws,
        &[
            "plan",
            "apply",
            &fixture("plans/small.yaml").to_string_lossy(),
        ],
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = stored(&ws)?;

    let bad = dir.path().join("bad.yaml");
    let good = std::fs::read_to_string(fixture("plans/small.yaml"))?;
    std::fs::write(&bad, good.replace("to: {zone: data}", "to: {zone: dmz}"))?;
    let out = blastwall(&ws, &["plan", "apply", &bad.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let headline = format!(
        "error: {}:42: field rules[1].to.zone: expected a zone declared under zones, or \
         internet, unmanaged or unassigned, found unknown zone \"dmz\"",
        bad.display()
    );
    assert!(stderr.starts_with(&headline), "{stderr}");
    assert!(stderr.contains("hint: declare it under zones"), "{stderr}");
    assert!(stderr.contains("the stored plan is unchanged"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(stored(&ws)?, before);
    Ok(())
}

#[test]
fn show_without_a_plan_says_so() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = estate(dir.path())?;
    let out = blastwall(&ws, &["plan", "show"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("has no plan yet"),
        "{}",
        text(&out.stderr)
    );
    Ok(())
}
