//! End to end: `blastwall history`, `undo`, `redo`, `export --with-history`, and the
//! `--since`/`--until` window on `flows` and `stats`.

use std::path::{Path, PathBuf};

mod common;
use common::text;
use common::user::{json, ok, planned, run};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn actions(history: &serde_json::Value) -> Vec<String> {
    history
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["action"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn changes_are_recorded_with_the_user_and_undo_redo_walk_them() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = planned(&dir)?;
    let before = ok(&ws, &["plan", "show"])?;
    ok(&ws, &["rollout", "tick", "first", "1"])?;
    let ticked = ok(&ws, &["plan", "show"])?;
    assert_ne!(before, ticked);

    let history = json(&ws, &["history", "--json"])?;
    assert_eq!(actions(&history), ["rollout tick", "plan apply", "import"]);
    assert!(
        (history.as_array().ok_or("array")?.iter()).all(|e| e["user"] == "alice"),
        "{history}"
    );
    assert!(
        history[2]["summary"]
            .as_str()
            .unwrap_or("")
            .contains("8 files")
    );
    assert!(history[0]["at"].as_str().unwrap_or("").ends_with('Z'));

    let undone = ok(&ws, &["undo"])?;
    assert!(
        undone.starts_with("undid #3 in scenario baseline: rollout tick"),
        "{undone}"
    );
    assert_eq!(ok(&ws, &["plan", "show"])?, before);
    ok(&ws, &["redo"])?;
    assert_eq!(ok(&ws, &["plan", "show"])?, ticked);
    ok(&ws, &["undo"])?;
    ok(&ws, &["undo"])?;
    let nothing = run(&ws, &["undo"])?;
    assert!(nothing.status.success(), "nothing to undo is not an error");
    assert!(text(&nothing.stderr).contains("nothing to undo in scenario baseline"));
    let shown = run(&ws, &["plan", "show"])?;
    assert!(!shown.status.success(), "the plan apply was undone too");

    let history = json(&ws, &["history", "--json", "--limit", "3"])?;
    assert_eq!(actions(&history), ["undo", "undo", "redo"]);
    let table = ok(&ws, &["history"])?;
    assert!(
        table.contains("(undone)") && table.contains("alice"),
        "{table}"
    );
    Ok(())
}

#[test]
fn export_with_history_writes_history_md_oldest_first() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = planned(&dir)?;
    let plain = dir.path().join("plain");
    let with = dir.path().join("with");
    ok(&ws, &["export", "--out", &plain.to_string_lossy()])?;
    ok(
        &ws,
        &["export", "--with-history", "--out", &with.to_string_lossy()],
    )?;
    assert!(!plain.join("history.md").exists());
    let history = std::fs::read_to_string(with.join("history.md"))?;
    let rows: Vec<&str> = history.lines().filter(|l| l.starts_with("| 20")).collect();
    assert_eq!(rows.len(), 2, "{history}");
    assert!(
        rows[0].contains("| alice | baseline | import |"),
        "{history}"
    );
    assert!(
        rows[1].contains("| alice | baseline | plan apply |"),
        "{history}"
    );
    let files = files_under(&plain)?;
    assert!(!files.is_empty());
    for name in files {
        assert_eq!(
            std::fs::read(plain.join(&name))?,
            std::fs::read(with.join(&name))?,
            "{name:?}"
        );
    }
    Ok(())
}

/// The files under `dir`, relative to it, at any depth.
fn files_under(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in std::fs::read_dir(dir.join(&relative))? {
            let entry = entry?;
            let name = relative.join(entry.file_name());
            match entry.file_type()?.is_dir() {
                true => pending.push(name),
                false => out.push(name),
            }
        }
    }
    Ok(out)
}

#[test]
fn since_and_until_narrow_flows_and_stats() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = planned(&dir)?;
    let edges = |args: &[&str]| -> Result<usize, Box<dyn std::error::Error>> {
        let flows = json(&ws, args)?;
        Ok(flows["edges"].as_array().map_or(0, Vec::len))
    };
    let all = edges(&["flows", "--json"])?;
    let recent = edges(&["flows", "--json", "--since", "2025-09-18"])?;
    let old = edges(&["flows", "--json", "--until", "2024-11-08"])?;
    let relative = edges(&["flows", "--json", "--since", "1d"])?;
    assert!(0 < recent && recent < all, "{recent} of {all}");
    assert!(
        0 < old && old < all && old + recent < all,
        "{old}, {recent} of {all}"
    );
    assert_eq!(relative, recent, "1d back from the newest flow");

    let out = run(&ws, &["stats", "--json", "--since", "2025-09-18T00:00:00Z"])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let note = text(&out.stderr);
    assert!(
        note.starts_with("note: window: flows seen since 2025-09-18T00:00:00Z (")
            && note.contains(" edges left out)"),
        "{note}"
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let full = json(&ws, &["stats", "--json"])?;
    assert!(stats["flow_records"].as_u64() < full["flow_records"].as_u64());
    assert_eq!(stats["workloads"], full["workloads"], "only flows narrow");

    let window = ["--since", "2025-09-18", "--until", "2025-09-18"];
    let both = run(&ws, &[&["simulate", "--json"][..], &window[..]].concat())?;
    assert!(both.status.success(), "{}", text(&both.stderr));
    Ok(())
}

#[test]
fn a_bad_window_fails_and_says_what_was_expected() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = planned(&dir)?;
    for (args, expected) in [
        (
            &["stats", "--since", "last tuesday"][..],
            "--since \"last tuesday\": expected a date",
        ),
        (
            &["flows", "--until", "2025-02-30"][..],
            "not a calendar date",
        ),
        (
            &["stats", "--since", "2025-10-01", "--until", "2025-09-01"][..],
            "swap them",
        ),
    ] {
        let out = run(&ws, args)?;
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let error = text(&out.stderr);
        assert!(
            error.contains(expected) && error.contains("hint:"),
            "{error}"
        );
    }
    let empty = dir.path().join("empty.blastwall");
    let out = run(&empty, &["stats", "--since", "30d"])?;
    assert!(
        text(&out.stderr).contains("no dated flows"),
        "{}",
        text(&out.stderr)
    );
    Ok(())
}
