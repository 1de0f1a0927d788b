//! Store tests: migrations, refusals, and what imports write and read back.

use std::net::IpAddr;

use super::*;
use crate::model::{EdgeKey, EdgeStats, HintId, Protocol, SourceKind, SourceSet, WorkloadRecord};

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

fn content<'a>(
    edges: Vec<(&'a EdgeKey, &'a EdgeStats)>,
    workloads: &'a [WorkloadRecord],
) -> ImportContent<'a> {
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
    let ids = workspace.save_imports(&[], &[(meta(1), content(vec![(&key, &a)], &records))])?;
    workspace.save_imports(&[], &[(meta(2), content(vec![(&key, &b)], &[]))])?;
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
    workspace.save_imports(&ids, &[])?;
    let estate = workspace.load_estate()?;
    assert!(estate.workloads.is_empty());
    assert_eq!(estate.edges[0].1.records, 3);
    assert_eq!(workspace.imports()?.len(), 1);
    Ok(())
}
