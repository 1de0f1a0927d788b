//! Store tests: scenarios, history with undo/redo, the migration from a version 2 workspace,
//! and the time window.

use std::net::IpAddr;

use super::*;
use crate::model::plan::{Plan, Sensitivity, Zone};
use crate::model::{EdgeKey, EdgeStats, HintId, Protocol};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn plan(zones: &[&str]) -> Plan {
    Plan {
        zones: zones
            .iter()
            .map(|name| Zone {
                name: (*name).into(),
                sensitivity: Sensitivity::Medium,
                intra_zone: None,
                description: None,
                note: None,
                members: Vec::new(),
            })
            .collect(),
        ..Plan::default()
    }
}

fn edit(summary: &str) -> Change {
    Change::new("alice", "plan apply", summary)
}

fn zones_of(workspace: &Workspace) -> Result<Vec<String>, StoreError> {
    Ok(workspace
        .load_plan()?
        .map(|(p, _)| p.zones.into_iter().map(|z| z.name).collect())
        .unwrap_or_default())
}

#[test]
fn undo_and_redo_walk_the_plan_changes_and_a_new_change_discards_the_redo() -> TestResult {
    let mut w = Workspace::in_memory()?;
    assert_eq!(w.undo("bob")?, None, "nothing to undo yet");
    w.save_plan(&plan(&["a"]), Some("/p.yaml"), &edit("one"))?;
    w.save_plan(&plan(&["a", "b"]), Some("/p.yaml"), &edit("two"))?;
    let undone = w.undo("bob")?.ok_or("undo two")?;
    assert_eq!((undone.summary.as_str(), undone.undone), ("two", true));
    assert_eq!(zones_of(&w)?, ["a"]);
    assert_eq!(
        w.load_plan()?.and_then(|(_, s)| s).as_deref(),
        Some("/p.yaml")
    );
    w.undo("bob")?.ok_or("undo one")?;
    assert_eq!(w.load_plan()?, None, "back to no plan at all");
    assert_eq!(w.undo("bob")?, None);
    assert_eq!(w.redo("bob")?.map(|e| e.summary), Some("one".into()));
    assert_eq!(zones_of(&w)?, ["a"]);
    w.save_plan(&plan(&["c"]), None, &edit("three"))?;
    assert_eq!(w.redo("bob")?, None, "the new change discarded the redo");
    let history = w.history(None)?;
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "plan apply",
            "redo",
            "undo",
            "undo",
            "plan apply",
            "plan apply"
        ]
    );
    assert!(history[4].undone, "two stays undone");
    assert_eq!(history[2].user, "bob");
    assert_eq!(w.history(Some(2))?.len(), 2);
    Ok(())
}

#[test]
fn a_scenario_is_a_copy_and_editing_it_leaves_the_baseline_alone() -> TestResult {
    let mut w = Workspace::in_memory()?;
    let refused = w.create_scenario("try", None, true, "alice");
    assert!(
        matches!(refused, Err(StoreError::Refused { .. })),
        "no plan"
    );
    w.save_plan(&plan(&["a"]), Some("/p.yaml"), &edit("one"))?;
    w.create_scenario("try", None, true, "alice")?;
    assert_eq!(w.active_scenario()?, "try");
    assert_eq!(w.load_plan()?.map(|(_, s)| s), Some(None), "no source");
    w.save_plan(&plan(&["a", "x"]), Some("/ignored.yaml"), &edit("x"))?;
    assert_eq!(zones_of(&w)?, ["a", "x"]);
    let baseline = w.load_plan_of(BASELINE)?.ok_or("baseline")?;
    assert_eq!(baseline, (plan(&["a"]), Some("/p.yaml".to_string())));
    w.switch_scenario(BASELINE, "alice")?;
    assert_eq!(w.undo("alice")?.map(|e| e.summary), Some("one".into()));
    assert_eq!(
        w.load_plan_of("try")?.map(|(p, _)| p),
        Some(plan(&["a", "x"]))
    );
    let list = w.scenarios()?;
    let names: Vec<(&str, bool, usize)> = (list.iter())
        .map(|s| (s.name.as_str(), s.active, s.zones))
        .collect();
    assert_eq!(names, [("baseline", true, 0), ("try", false, 2)]);
    assert_eq!(list[1].based_on.as_deref(), Some(BASELINE));
    Ok(())
}

#[test]
fn bad_names_are_refused_and_change_nothing() -> TestResult {
    let mut w = Workspace::in_memory()?;
    w.save_plan(&plan(&["a"]), None, &edit("one"))?;
    w.create_scenario("try", None, false, "alice")?;
    let before = w.history(None)?;
    for name in ["", "baseline", "Baseline", "has space", "a/b", "try"] {
        let error = w.create_scenario(name, None, true, "alice").err();
        assert!(
            matches!(error, Some(StoreError::Refused { .. })),
            "{name:?}: {error:?}"
        );
    }
    assert!(
        w.create_scenario("new", Some("nowhere"), true, "a")
            .is_err()
    );
    assert!(w.switch_scenario("nowhere", "a").is_err());
    assert!(w.rename_scenario(BASELINE, "x", "a").is_err());
    assert!(w.rename_scenario("try", "baseline", "a").is_err());
    assert!(w.delete_scenario(BASELINE, "a").is_err());
    assert!(w.promote_scenario(BASELINE, false, "a").is_err());
    assert!(w.promote_scenario("nowhere", false, "a").is_err());
    let message = w
        .switch_scenario("nowhere", "a")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains("no scenario \"nowhere\""), "{message}");
    assert!(
        message.contains("hint: `blastwall scenario list`"),
        "{message}"
    );
    assert_eq!(w.history(None)?, before);
    assert_eq!(w.active_scenario()?, BASELINE);
    assert_eq!(w.scenarios()?.len(), 2);
    w.create_scenario("v1.2_ok-name", None, false, "alice")?;
    Ok(())
}

#[test]
fn renaming_or_deleting_the_active_scenario() -> TestResult {
    let mut w = Workspace::in_memory()?;
    w.save_plan(&plan(&["a"]), None, &edit("one"))?;
    w.create_scenario("try", None, true, "alice")?;
    w.save_plan(&plan(&["b"]), None, &edit("b"))?;
    w.rename_scenario("try", "better", "alice")?;
    assert_eq!(w.active_scenario()?, "better");
    assert_eq!(zones_of(&w)?, ["b"]);
    assert_eq!(w.undo("alice")?, None, "the old name's changes are closed");
    w.create_scenario("try", None, false, "alice")?;
    w.switch_scenario("try", "alice")?;
    assert_eq!(w.undo("alice")?, None, "a new scenario starts afresh");
    assert!(w.delete_scenario("try", "alice")?, "was active");
    assert_eq!(w.active_scenario()?, BASELINE);
    assert!(!w.delete_scenario("better", "alice")?);
    assert_eq!(w.scenarios()?.len(), 1);
    Ok(())
}

#[test]
fn promote_makes_the_baseline_and_can_be_undone() -> TestResult {
    let mut w = Workspace::in_memory()?;
    w.save_plan(&plan(&["a"]), None, &edit("one"))?;
    w.create_scenario("try", None, true, "alice")?;
    w.save_plan(&plan(&["a", "x"]), None, &edit("x"))?;
    w.promote_scenario("try", true, "alice")?;
    assert_eq!(w.active_scenario()?, BASELINE);
    assert_eq!(zones_of(&w)?, ["a", "x"]);
    assert!(w.load_plan_of("try")?.is_some(), "kept");
    w.create_scenario("other", Some("try"), false, "alice")?;
    w.promote_scenario("other", false, "alice")?;
    assert!(w.load_plan_of("other")?.is_none(), "deleted");
    let undone = w.undo("alice")?.ok_or("undo the promote")?;
    assert_eq!(undone.action, "scenario promote");
    w.undo("alice")?.ok_or("undo the first promote")?;
    assert_eq!(zones_of(&w)?, ["a"]);
    Ok(())
}

#[test]
fn a_version_2_workspace_keeps_its_plan() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("old.blastwall");
    let body = serde_json::to_string(&plan(&["db"]))?;
    {
        let conn = rusqlite::Connection::open(&path)?;
        for sql in [
            "CREATE TABLE imports (id INTEGER PRIMARY KEY)",
            "CREATE TABLE edges (import_id INTEGER, client BLOB, server BLOB, port INTEGER,
                protocol INTEGER, client_hint INTEGER, server_hint INTEGER, records INTEGER,
                accepted INTEGER, rejected INTEGER, bytes INTEGER, packets INTEGER,
                first_seen INTEGER, last_seen INTEGER, sources INTEGER)",
        ] {
            conn.execute_batch(sql)?;
        }
        conn.execute_batch(
            "CREATE TABLE plan (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL, source_path TEXT)",
        )?;
        conn.execute(
            "INSERT INTO plan (id, body, source_path) VALUES (1, ?1, '/p.yaml')",
            [&body],
        )?;
        conn.pragma_update(None, "user_version", 2)?;
    }
    let mut w = Workspace::open(&path)?;
    assert_eq!(w.schema_version()?, schema::CURRENT);
    assert_eq!(w.active_scenario()?, BASELINE);
    assert_eq!(
        w.load_plan()?,
        Some((plan(&["db"]), Some("/p.yaml".to_string())))
    );
    assert!(w.history(None)?.is_empty());
    w.record(&Change::new("alice", "note", "after the migration"))?;
    assert_eq!(w.history(None)?.len(), 1);
    Ok(())
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

fn key(server: &str) -> EdgeKey {
    EdgeKey {
        client: ip("10.0.0.1"),
        server: ip(server),
        port: 443,
        protocol: Protocol::TCP,
        client_hint: HintId(0),
        server_hint: HintId(0),
    }
}

fn seen(first: Option<i64>, last: Option<i64>) -> EdgeStats {
    EdgeStats {
        records: 10,
        accepted: 10,
        first_seen: first,
        last_seen: last,
        ..EdgeStats::default()
    }
}

#[test]
fn a_window_keeps_overlapping_and_undated_edges() -> TestResult {
    let mut w = Workspace::in_memory()?;
    let keys = [
        key("10.0.0.2"),
        key("10.0.0.3"),
        key("10.0.0.4"),
        key("10.0.0.5"),
    ];
    let stats = [
        seen(Some(100), Some(200)),
        seen(Some(300), Some(400)),
        seen(None, None),
        seen(Some(500), None),
    ];
    let mut edges = crate::model::EdgeTable::default();
    for (key, stats) in keys.iter().zip(stats.iter()) {
        edges.add_stats(*key, stats);
    }
    let content = ImportContent {
        workloads: &[],
        networks: &[],
        pods: &[],
        identity_sources: &[],
        internal_ranges: &[],
        hints: &[],
        edges: &edges,
        flow_records: 41,
        flow_records_skipped: 0,
    };
    let meta = ImportMeta {
        path: "flows".into(),
        format: "test".into(),
        content_hash: 1,
        imported_at: 0,
        summary: serde_json::Value::Null,
    };
    w.save_imports(&[], &[(meta, content)], &edit("import"))?;
    assert_eq!(w.newest_observation()?, Some(500));
    assert_eq!(w.load_estate()?.edges.len(), 4);
    w.set_window(TimeWindow {
        since: Some(150),
        until: Some(350),
    });
    let estate = w.load_estate()?;
    let servers: Vec<IpAddr> = estate.edges.iter().map(|(k, _)| k.server).collect();
    assert_eq!(servers, [ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4")]);
    assert_eq!(estate.flow_records, 30);
    let report = w.window_report()?;
    assert_eq!(
        (report.edges, report.edges_left_out, report.records_left_out),
        (4, 1, 10)
    );
    w.set_window(TimeWindow {
        since: Some(450),
        until: None,
    });
    assert_eq!(
        w.load_estate()?.edges.len(),
        2,
        "the undated and the newest"
    );
    w.set_window(TimeWindow::default());
    assert_eq!(w.window_report()?.edges_left_out, 0);
    Ok(())
}
