//! Store tests: migrations, refusals, and what imports write and read back.

use std::net::IpAddr;

use super::*;
use crate::model::{
    EdgeKey, EdgeStats, EdgeTable, HintId, Protocol, SourceKind, SourceSet, WorkloadRecord,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn meta(hash: u128) -> ImportMeta {
    ImportMeta {
        path: format!("file-{hash}"),
        format: "test".into(),
        content_hash: hash,
        imported_at: 0,
        summary: serde_json::Value::Null,
    }
}

fn change() -> Change {
    Change::new("alice", "import", "a test import")
}

/// Stores imports, recording a test change.
fn save(
    workspace: &mut Workspace,
    replace: &[i64],
    items: &[(ImportMeta, ImportContent<'_>)],
) -> Result<Vec<i64>, StoreError> {
    workspace.save_imports(replace, items, &change())
}

fn table(edges: Vec<(&EdgeKey, &EdgeStats)>) -> EdgeTable {
    let mut table = EdgeTable::default();
    for (key, stats) in edges {
        table.add_stats(*key, stats);
    }
    table
}

fn content<'a>(edges: &'a EdgeTable, workloads: &'a [WorkloadRecord]) -> ImportContent<'a> {
    ImportContent {
        workloads,
        networks: &[],
        pods: &[],
        identity_sources: &[],
        internal_ranges: &[],
        hints: &[],
        edges,
        flow_records: 10,
        flow_records_skipped: 1,
    }
}

#[test]
fn a_new_workspace_is_migrated_to_the_current_schema() -> TestResult {
    let dir = tempfile::tempdir()?;
    let workspace = Workspace::open(&dir.path().join("w.blastwall"))?;
    assert_eq!(workspace.schema_version()?, schema::CURRENT);
    let mode: String = workspace
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    assert_eq!(mode, "wal");
    Ok(())
}

#[test]
fn a_workspace_from_a_newer_blastwall_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("w.blastwall");
    {
        let workspace = Workspace::open(&path)?;
        workspace
            .conn
            .pragma_update(None, "user_version", schema::CURRENT + 1)?;
    }
    let error = Workspace::open(&path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("written by a newer Blastwall"), "{error}");
    Ok(())
}

#[test]
fn a_file_that_is_not_a_workspace_is_named_as_such() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("notes.csv");
    std::fs::write(&path, "name,ip\nweb-1,10.0.0.1\n".repeat(100))?;
    let error = Workspace::open(&path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("is not a Blastwall workspace"), "{error}");
    assert_eq!(
        std::fs::read(&path)?,
        "name,ip\nweb-1,10.0.0.1\n".repeat(100).into_bytes(),
        "left untouched"
    );
    Ok(())
}

#[test]
fn edges_of_several_imports_merge_and_replaced_imports_go() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    let key = EdgeKey {
        client: IpAddr::from([10, 0, 0, 1]),
        server: IpAddr::from([10, 0, 0, 2]),
        port: 443,
        protocol: Protocol::TCP,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let stats = |records: u64, first: i64, source: SourceKind| EdgeStats {
        records,
        accepted: records,
        bytes: records * 100,
        first_seen: Some(first),
        last_seen: Some(first + 60),
        sources: SourceSet::of(source),
        ..EdgeStats::default()
    };
    let (a, b) = (
        stats(2, 100, SourceKind::AwsVpc),
        stats(3, 50, SourceKind::Zeek),
    );
    let record = WorkloadRecord {
        name: "web-1".into(),
        ..WorkloadRecord::default()
    };
    let records = [record];
    let ids = save(
        &mut workspace,
        &[],
        &[(meta(1), content(&table(vec![(&key, &a)]), &records))],
    )?;
    save(
        &mut workspace,
        &[],
        &[(meta(2), content(&table(vec![(&key, &b)]), &[]))],
    )?;
    let estate = workspace.load_estate()?;
    assert_eq!(estate.edges.len(), 1);
    let merged = estate.edges[0].1;
    assert_eq!(
        (
            merged.records,
            merged.bytes,
            merged.first_seen,
            merged.last_seen
        ),
        (5, 500, Some(50), Some(160))
    );
    assert!(
        merged.sources.contains(SourceKind::AwsVpc) && merged.sources.contains(SourceKind::Zeek)
    );
    assert_eq!((estate.flow_records, estate.flow_records_skipped), (20, 2));
    assert_eq!(estate.workloads, vec![(ids[0] as u64, records[0].clone())]);
    assert!(workspace.find_import(2)?.is_some());

    // Replacing an import removes everything it brought.
    save(&mut workspace, &ids, &[])?;
    let estate = workspace.load_estate()?;
    assert!(estate.workloads.is_empty());
    assert_eq!(estate.edges[0].1.records, 3);
    assert_eq!(workspace.imports()?.len(), 1);
    Ok(())
}

#[test]
fn imports_are_listed_with_what_they_brought() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    assert!(workspace.list_imports()?.is_empty());
    let key = EdgeKey {
        client: IpAddr::from([10, 0, 0, 1]),
        server: IpAddr::from([10, 0, 0, 2]),
        port: 443,
        protocol: Protocol::TCP,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let stats = EdgeStats::default();
    let records = [
        WorkloadRecord {
            name: "web-1".into(),
            ..WorkloadRecord::default()
        },
        WorkloadRecord {
            name: "web-2".into(),
            ..WorkloadRecord::default()
        },
    ];
    let ids = save(
        &mut workspace,
        &[],
        &[
            (meta(1), content(&table(vec![]), &records)),
            (meta(2), content(&table(vec![(&key, &stats)]), &[])),
        ],
    )?;
    let listed = workspace.list_imports()?;
    let brought: Vec<_> = listed
        .iter()
        .map(|i| {
            (
                i.id,
                i.path.as_str(),
                i.workload_records,
                i.flow_records,
                i.edges,
            )
        })
        .collect();
    assert_eq!(
        brought,
        vec![(ids[0], "file-1", 2, 10, 0), (ids[1], "file-2", 0, 10, 1)]
    );
    Ok(())
}

#[test]
fn removing_imports_takes_what_they_brought_and_unknown_ids_change_nothing() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    let key = EdgeKey {
        client: IpAddr::from([10, 0, 0, 1]),
        server: IpAddr::from([10, 0, 0, 2]),
        port: 443,
        protocol: Protocol::TCP,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let stats = EdgeStats {
        records: 4,
        ..EdgeStats::default()
    };
    let records = [WorkloadRecord {
        name: "web-1".into(),
        ..WorkloadRecord::default()
    }];
    let ids = save(
        &mut workspace,
        &[],
        &[
            (meta(1), content(&table(vec![(&key, &stats)]), &records)),
            (meta(2), content(&table(vec![(&key, &stats)]), &[])),
        ],
    )?;

    let error = workspace
        .remove_imports(&[ids[0], 99], &change())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("no import 99"), "{error}");
    assert!(error.contains("blastwall imports list"), "{error}");
    assert_eq!(workspace.list_imports()?.len(), 2, "nothing removed");

    let removed = workspace.remove_imports(&[ids[0], ids[0]], &change())?;
    assert_eq!(removed.len(), 1);
    assert_eq!((removed[0].id, removed[0].workload_records), (ids[0], 1));
    let estate = workspace.load_estate()?;
    assert!(estate.workloads.is_empty());
    assert_eq!(estate.edges.len(), 1);
    assert_eq!(estate.edges[0].1.records, 4);
    assert_eq!(estate.flow_records, 10);
    for table in [
        "networks",
        "workload_records",
        "pods",
        "edge_blocks",
        "edge_hints",
    ] {
        let orphans: i64 = workspace.conn.query_row(
            &format!("SELECT COUNT(*) FROM {table} WHERE import_id = ?1"),
            [ids[0]],
            |r| r.get(0),
        )?;
        assert_eq!(orphans, 0, "{table}");
    }

    // The same content can be imported again once its import is gone.
    assert!(workspace.find_import(1)?.is_none());
    save(
        &mut workspace,
        &[],
        &[(meta(1), content(&table(vec![]), &records))],
    )?;
    assert_eq!(workspace.list_imports()?.len(), 2);
    Ok(())
}

#[test]
fn a_version_3_workspace_has_its_edge_rows_moved_into_blocks() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("v3.blastwall");
    let key = |client: &str, hint: u32| EdgeKey {
        client: client.parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
        server: "10.0.0.9".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])),
        port: 443,
        protocol: Protocol(6),
        client_hint: HintId(hint),
        server_hint: HintId::NONE,
    };
    let edges = [(key("2001:db8::1", 1), 7i64), (key("10.0.0.1", 0), 3)];
    {
        let conn = rusqlite::Connection::open(&path)?;
        for sql in &schema::MIGRATIONS[..3] {
            conn.execute_batch(sql)?;
        }
        conn.pragma_update(None, "user_version", 3)?;
        conn.execute_batch(
            "INSERT INTO imports (id, path, format, content_hash, imported_at, flow_records, flow_records_skipped, summary)
             VALUES (5, 'f.log', 'aws-vpc-flow', 'ab', 0, 10, 0, '{}');
             INSERT INTO hints (id, body) VALUES (1, '{\"namespace\":\"shop\",\"pod_name\":\"web-1\",\"owner\":null,\"labels\":[],\"service_account\":null}');",
        )?;
        for (key, records) in &edges {
            conn.execute(
                "INSERT INTO edges VALUES (5, ?1, ?2, 443, 6, ?3, 0, ?4, ?4, 0, 100, 2, 1000, 2000, 1)",
                rusqlite::params![
                    super::codec::address_bytes(key.client),
                    super::codec::address_bytes(key.server),
                    key.client_hint.0,
                    records
                ],
            )?;
        }
    }
    let workspace = Workspace::open(&path)?;
    assert_eq!(workspace.schema_version()?, schema::CURRENT);
    let estate = workspace.load_estate()?;
    let loaded: Vec<(EdgeKey, u64)> = estate.edges.iter().map(|(k, s)| (*k, s.records)).collect();
    assert_eq!(loaded, vec![(edges[1].0, 3), (edges[0].0, 7)]);
    assert_eq!(estate.edges[0].1.first_seen, Some(1000));
    assert_eq!(workspace.newest_observation()?, Some(2000));
    let hints: i64 = workspace.conn.query_row(
        "SELECT COUNT(*) FROM edge_hints WHERE hint_id = 1",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(hints, 1);
    let old: i64 = workspace.conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'edges'",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(old, 0);
    Ok(())
}
