//! `blastwall lint` through the binary: the demo plan, a flat plan, a broken plan file, no plan,
//! the JSON shape, the exit statuses, and the documentation of every kind.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use blastwall::analysis::lint::KINDS;

mod common;
use common::{blastwall, run_json, text};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn path(relative: &str) -> String {
    root().join(relative).to_string_lossy().into_owned()
}

/// A workspace with the small fixture estate and the worked-example plan.
fn small_workspace(dir: &Path) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let ws = dir.join("w.blastwall");
    let (inventory, flows) = (
        path("tests/fixtures/estate-small/inventory"),
        path("tests/fixtures/estate-small/flows"),
    );
    run_json(&ws, &["import", "--json", &inventory, &flows])?;
    let plan = path("tests/fixtures/plans/worked-example.yaml");
    run_json(&ws, &["plan", "apply", "--json", &plan])?;
    Ok(ws)
}

/// Runs `lint` with arguments; returns the output and the parsed JSON (when `--json` printed it).
fn lint(ws: &Path, args: &[&str]) -> Result<(Output, Value), Box<dyn std::error::Error>> {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    let out = blastwall(ws, &all)?;
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    Ok((out, json))
}

fn findings(json: &Value) -> Result<&Vec<Value>, Box<dyn std::error::Error>> {
    Ok(json["findings"].as_array().ok_or("findings")?)
}

/// (severity, kind, subject) of a finding.
type Key = (String, String, String);

/// The key of every finding, in order.
fn keys(json: &Value) -> Result<Vec<Key>, Box<dyn std::error::Error>> {
    let field = |f: &Value, key: &str| f[key].as_str().unwrap_or_default().to_string();
    Ok(findings(json)?
        .iter()
        .map(|f| (field(f, "severity"), field(f, "kind"), field(f, "subject")))
        .collect())
}

fn has(keys: &[Key], kind: &str, subject: &str) -> bool {
    keys.iter().any(|(_, k, s)| k == kind && s == subject)
}

#[test]
fn the_demo_plan_has_no_high_finding_and_names_the_stale_rule() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("demo.blastwall");
    run_json(
        &ws,
        &["import", "--json", &path("sample-estates/northwind")],
    )?;
    let plan = path("sample-estates/northwind/plan.yaml");
    run_json(&ws, &["plan", "apply", "--json", &plan])?;
    let (out, json) = lint(&ws, &["--json"])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let keys = keys(&json)?;
    // East-west is deny, the only rule with `any` ports (netshoot-debug) is disabled, and no
    // rule lets the internet, `any` or a public CIDR into pci, identity or data.
    assert_eq!(keys.iter().filter(|k| k.0 == "high").count(), 0, "{keys:?}");
    let low: Vec<(&str, &str)> = keys
        .iter()
        .filter(|k| k.0 == "low")
        .map(|k| (k.1.as_str(), k.2.as_str()))
        .collect();
    assert_eq!(
        low,
        [
            ("rule-without-traffic", "rpt-old-to-dwh"),
            ("short-observation-window", "estate"),
            ("unused-rule", "rpt-old-to-dwh"),
        ]
    );
    // The gaps the plan's own comments admit to.
    assert!(has(&keys, "zone-without-dns", "storefront"), "{keys:?}");
    assert!(has(&keys, "blind-spot-to-critical", "data"), "{keys:?}");
    assert!(has(&keys, "cidr-on-dynamic", "k8s-dns"), "{keys:?}");
    assert!(!keys.iter().any(|k| k.1 == "undocumented-rule"), "{keys:?}");
    Ok(())
}

#[test]
fn a_flat_plan_exits_1_with_its_high_findings() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let flat = path("tests/fixtures/plans/lint-flat.yaml");
    let (out, json) = lint(&ws, &["--plan", &flat, "--json"])?;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let flat_keys = keys(&json)?;
    let high: Vec<(&str, &str)> = flat_keys
        .iter()
        .filter(|k| k.0 == "high")
        .map(|k| (k.1.as_str(), k.2.as_str()))
        .collect();
    assert_eq!(
        high,
        [
            ("any-to-any", "anything-goes"),
            ("east-west-allow", "defaults"),
            ("internet-to-critical", "data"),
        ]
    );
    // The human form: the same findings, a hint under each, the counts last.
    let (out, _) = lint(&ws, &["--plan", &flat])?;
    assert_eq!(out.status.code(), Some(1));
    let human = text(&out.stdout);
    let lines: Vec<&str> = human.lines().collect();
    assert!(lines[0].starts_with("SEVERITY  KIND"), "{human}");
    assert!(lines[1].starts_with("high      any-to-any"), "{human}");
    assert!(lines[2].starts_with("  hint: "), "{human}");
    let summary = format!(
        "{} findings: 3 high, {} medium, {} low",
        flat_keys.len(),
        flat_keys.iter().filter(|k| k.0 == "medium").count(),
        flat_keys.iter().filter(|k| k.0 == "low").count()
    );
    assert_eq!(lines.last(), Some(&summary.as_str()), "{human}");
    // The stored plan (the worked example) has one: its unused-rdp rule opens `data`, a
    // critical zone, to the internet.
    let (stored, json) = lint(&ws, &["--json"])?;
    assert_eq!(stored.status.code(), Some(1));
    let high: Vec<Key> = keys(&json)?.into_iter().filter(|k| k.0 == "high").collect();
    assert_eq!(high.len(), 1);
    assert_eq!(
        (high[0].1.as_str(), high[0].2.as_str()),
        ("internet-to-critical", "data")
    );
    assert_eq!(
        findings(&json)?[0]["message"],
        "critical zone reachable from the internet in one step through rule unused-rdp"
    );
    Ok(())
}

#[test]
fn the_json_has_exactly_the_contracted_keys() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let (_, json) = lint(&ws, &["--json"])?;
    let top: Vec<&String> = json.as_object().ok_or("object")?.keys().collect();
    assert_eq!(top, ["findings"]);
    let list = findings(&json)?;
    assert!(!list.is_empty());
    for finding in list {
        let mut keys: Vec<&String> = finding.as_object().ok_or("object")?.keys().collect();
        keys.sort();
        assert_eq!(keys, ["hint", "kind", "message", "severity", "subject"]);
        let severity = finding["severity"].as_str().ok_or("severity")?;
        let kind = finding["kind"].as_str().ok_or("kind")?;
        assert!(
            KINDS.contains(&(kind, severity_of(severity)?)),
            "{kind} {severity}"
        );
    }
    // The worked example's rule unused-rdp never saw traffic.
    assert!(has(&keys(&json)?, "unused-rule", "unused-rdp"));
    Ok(())
}

fn severity_of(
    text: &str,
) -> Result<blastwall::analysis::lint::Severity, Box<dyn std::error::Error>> {
    use blastwall::analysis::lint::Severity;
    [Severity::High, Severity::Medium, Severity::Low]
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| format!("severity {text}").into())
}

#[test]
fn a_broken_plan_file_exits_2_and_leaves_the_workspace_alone() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = small_workspace(dir.path())?;
    let before = text(&blastwall(&ws, &["plan", "show"])?.stdout);
    let broken = path("tests/fixtures/plans/lint-broken.yaml");
    let (out, _) = lint(&ws, &["--plan", &broken])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let error = text(&out.stderr);
    assert!(
        error.starts_with("error: ") && error.contains("lint-broken.yaml:6: field zones[0]"),
        "{error}"
    );
    assert!(error.contains("hint:"), "{error}");
    assert_eq!(text(&blastwall(&ws, &["plan", "show"])?.stdout), before);
    let missing = path("tests/fixtures/plans/no-such-plan.yaml");
    let (out, _) = lint(&ws, &["--plan", &missing])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read it"));
    Ok(())
}

#[test]
fn without_a_plan_it_says_how_to_get_one_and_exits_2() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let cmdb = path("tests/fixtures/estate-small/inventory/cmdb.csv");
    run_json(&ws, &["import", "--json", &cmdb])?;
    let (out, _) = lint(&ws, &[])?;
    assert_eq!(out.status.code(), Some(2));
    let error = text(&out.stderr);
    assert!(
        error.contains("no plan in workspace")
            && error.contains("blastwall plan apply FILE")
            && error.contains("--plan FILE"),
        "{error}"
    );
    // A plan with nothing to say about this estate.
    let empty = dir.path().join("empty.yaml");
    std::fs::write(&empty, "version: 1\n")?;
    let (out, _) = lint(&ws, &["--plan", &empty.to_string_lossy()])?;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "no findings\n");
    // A workspace that does not exist is not created.
    let absent = dir.path().join("absent.blastwall");
    let (out, _) = lint(&absent, &[])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(!absent.exists());
    Ok(())
}

#[test]
fn every_kind_is_documented() -> TestResult {
    let docs = std::fs::read_to_string(root().join("docs/lint.md"))?;
    for (kind, severity) in KINDS {
        let row = format!("| `{kind}` | {} |", severity.as_str());
        assert!(docs.contains(&row), "docs/lint.md lacks the row {row}");
    }
    Ok(())
}
