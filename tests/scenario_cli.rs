//! End to end: `blastwall scenario` on the small estate — create, edit, compare, promote,
//! rename, delete — and refusals that change nothing.

mod common;
use common::text;
use common::user::{fixture, json, ok, planned, run};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The small plan without its `dns` rule, written next to the workspace.
fn without_dns(dir: &tempfile::TempDir) -> Result<String, Box<dyn std::error::Error>> {
    let plan = std::fs::read_to_string(fixture("plans/small.yaml"))?;
    let start = plan.find("  - name: dns").ok_or("the dns rule")?;
    let end = plan.find("  - name: egress").ok_or("the egress rule")?;
    let edited = format!("{}{}", &plan[..start], &plan[end..]);
    let path = dir.path().join("no-dns.yaml");
    std::fs::write(&path, edited)?;
    Ok(path.to_string_lossy().into_owned())
}

fn names(list: &serde_json::Value) -> Vec<(String, bool)> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let name = s["name"].as_str().unwrap_or_default().to_string();
                    (name, s["active"].as_bool().unwrap_or(false))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_scenario_is_edited_apart_from_the_baseline_and_promoted() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = planned(&dir)?;
    let baseline = ok(&ws, &["plan", "show"])?;
    let created = ok(&ws, &["scenario", "new", "no-dns"])?;
    assert!(
        created.contains("created scenario no-dns from baseline"),
        "{created}"
    );
    let list = json(&ws, &["scenario", "list", "--json"])?;
    assert_eq!(
        names(&list),
        [
            ("baseline".to_string(), false),
            ("no-dns".to_string(), true)
        ]
    );
    assert_eq!(list[1]["based_on"], "baseline");
    assert_eq!(list[1]["rules"], 5);

    let out = run(&ws, &["plan", "apply", &without_dns(&dir)?])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let note = "note: scenario no-dns is active (blastwall scenario switch baseline)";
    assert_eq!(
        text(&out.stderr).matches(note).count(),
        1,
        "{}",
        text(&out.stderr)
    );
    let out = run(&ws, &["simulate"])?;
    assert_eq!(
        text(&out.stderr).matches(note).count(),
        1,
        "{}",
        text(&out.stderr)
    );
    let edited = ok(&ws, &["plan", "show"])?;
    assert!(!edited.contains("name: dns"), "{edited}");
    ok(&ws, &["rollout", "tick", "first", "1"])?;

    let diff = json(&ws, &["scenario", "diff", "baseline", "--json"])?;
    assert_eq!(
        (&diff["a"], &diff["b"]),
        (&"baseline".into(), &"no-dns".into())
    );
    let removed = diff["rules_removed"].as_array().ok_or("rules_removed")?;
    assert!(removed.iter().any(|r| r["name"] == "dns"), "{diff}");
    let mean = |side: &str| diff["metrics"][side]["mean_blast"].as_f64().unwrap_or(0.0);
    assert!(mean("b") < mean("a"), "one rule less reaches less: {diff}");
    assert!(!diff["blast"].as_array().ok_or("blast")?.is_empty());
    let markdown = ok(&ws, &["scenario", "diff", "baseline"])?;
    assert!(
        markdown.starts_with("# Scenario diff: baseline → no-dns"),
        "{markdown}"
    );
    let same = json(&ws, &["scenario", "diff", "no-dns", "no-dns", "--json"])?;
    assert_eq!(same["rules_removed"], serde_json::json!([]));
    assert_eq!(same["verdicts"], serde_json::json!([]));
    let unknown = run(&ws, &["scenario", "diff", "nope"])?;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("no scenario \"nope\""));

    ok(&ws, &["scenario", "switch", "baseline"])?;
    assert_eq!(
        ok(&ws, &["plan", "show"])?,
        baseline,
        "the baseline is untouched"
    );
    let out = run(&ws, &["plan", "show"])?;
    assert!(
        !text(&out.stderr).contains("note: scenario"),
        "baseline: no note"
    );
    ok(&ws, &["scenario", "switch", "no-dns"])?;

    let promoted = ok(&ws, &["scenario", "promote"])?;
    assert!(
        promoted.contains("promoted scenario no-dns to baseline"),
        "{promoted}"
    );
    let list = json(&ws, &["scenario", "list", "--json"])?;
    assert_eq!(names(&list), [("baseline".to_string(), true)]);
    let promoted_plan = ok(&ws, &["plan", "show"])?;
    assert!(!promoted_plan.contains("name: dns"));
    assert!(promoted_plan.contains("payments team signed off"));

    let history = json(&ws, &["history", "--json"])?;
    let rows = history.as_array().ok_or("array")?;
    let promote = rows.first().ok_or("a row")?;
    assert_eq!(
        (&promote["action"], &promote["scenario"], &promote["user"]),
        (
            &serde_json::json!("scenario promote"),
            &serde_json::json!("baseline"),
            &serde_json::json!("alice")
        )
    );
    assert!(
        rows.iter()
            .any(|r| r["action"] == "rollout tick" && r["scenario"] == "no-dns")
    );

    let undone = ok(&ws, &["undo"])?;
    assert!(undone.contains("scenario promote"), "{undone}");
    assert_eq!(
        ok(&ws, &["plan", "show"])?,
        baseline,
        "undo restores the baseline"
    );
    Ok(())
}

#[test]
fn rename_delete_and_keep() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = planned(&dir)?;
    ok(&ws, &["scenario", "new", "a"])?;
    ok(&ws, &["scenario", "new", "b", "--from", "baseline"])?;
    let renamed = ok(&ws, &["scenario", "rename", "b", "b2"])?;
    assert!(
        renamed.contains("renamed scenario b to b2 (active)"),
        "{renamed}"
    );
    ok(&ws, &["scenario", "promote", "a", "--keep"])?;
    let list = json(&ws, &["scenario", "list", "--json"])?;
    assert_eq!(
        names(&list),
        [
            ("baseline".to_string(), true),
            ("a".to_string(), false),
            ("b2".to_string(), false)
        ]
    );
    ok(&ws, &["scenario", "switch", "b2"])?;
    let deleted = ok(&ws, &["scenario", "delete", "b2"])?;
    assert!(deleted.contains("baseline is now active"), "{deleted}");
    let table = ok(&ws, &["scenario", "list"])?;
    assert!(table.contains("*  baseline"), "{table}");
    Ok(())
}

#[test]
fn bad_names_fail_and_change_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = planned(&dir)?;
    ok(&ws, &["scenario", "new", "try"])?;
    let list = ok(&ws, &["scenario", "list", "--json"])?;
    let history = ok(&ws, &["history", "--json"])?;
    for (args, expected) in [
        (&["scenario", "new", "has space"][..], "has ' '"),
        (
            &["scenario", "new", "baseline"][..],
            "is the stored plan's name",
        ),
        (
            &["scenario", "new", "try"][..],
            "scenario try already exists",
        ),
        (
            &["scenario", "new", "x", "--from", "nope"][..],
            "no scenario \"nope\"",
        ),
        (&["scenario", "switch", "nope"][..], "no scenario \"nope\""),
        (
            &["scenario", "rename", "baseline", "x"][..],
            "cannot be renamed",
        ),
        (
            &["scenario", "rename", "try", "a/b"][..],
            "expected letters, digits",
        ),
        (&["scenario", "delete", "baseline"][..], "cannot be deleted"),
        (&["scenario", "delete", "nope"][..], "no scenario \"nope\""),
        (
            &["scenario", "promote", "baseline"][..],
            "the stored plan already",
        ),
    ] {
        let out = run(&ws, args)?;
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let error = text(&out.stderr);
        assert!(
            error.contains(expected)
                && error.contains("nothing was changed")
                && error.contains("hint:"),
            "{args:?}: {error}"
        );
    }
    assert_eq!(ok(&ws, &["scenario", "list", "--json"])?, list);
    assert_eq!(ok(&ws, &["history", "--json"])?, history);
    let missing = dir.path().join("missing.blastwall");
    let out = run(&missing, &["scenario", "new", "x"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(!missing.exists(), "a refused command created the workspace");
    Ok(())
}
