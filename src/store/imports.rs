//! Writing imports: each input file is one import row plus what it brought, all files of one
//! `blastwall import` in one transaction.

use std::collections::BTreeSet;

use ipnet::IpNet;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::codec::hash_hex;
use super::history::{Change, insert_change};
use super::scenarios::active_in;
use super::{StoreError, Workspace};
use crate::model::{EdgeTable, EndpointHint, IdentitySource, Network, PodRecord, WorkloadRecord};

/// What is recorded about one imported file.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    pub path: String,
    pub format: String,
    pub content_hash: u128,
    /// Unix seconds; recorded for the user, never used in deliverables.
    pub imported_at: i64,
    pub summary: serde_json::Value,
}

/// What one file brought, in model terms.
pub struct ImportContent<'a> {
    pub workloads: &'a [WorkloadRecord],
    pub networks: &'a [Network],
    pub pods: &'a [PodRecord],
    pub identity_sources: &'a [IdentitySource],
    pub internal_ranges: &'a [IpNet],
    /// The hints the edges refer to, by index (index 0 is the empty hint).
    pub hints: &'a [EndpointHint],
    pub edges: &'a EdgeTable,
    pub flow_records: u64,
    pub flow_records_skipped: u64,
}

/// A stored import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportRow {
    pub id: i64,
    pub path: String,
    pub format: String,
    pub content_hash: String,
    pub imported_at: i64,
    pub flow_records: u64,
    pub flow_records_skipped: u64,
}

/// A stored import and what it brought, for listing and removing imports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportHoldings {
    pub id: i64,
    pub path: String,
    pub format: String,
    /// Unix seconds.
    pub imported_at: i64,
    pub workload_records: u64,
    pub networks: u64,
    pub pods: u64,
    pub flow_records: u64,
    pub edges: u64,
}

const HOLDINGS: &str = "SELECT i.id, i.path, i.format, i.imported_at,
        (SELECT COUNT(*) FROM workload_records WHERE import_id = i.id),
        (SELECT COUNT(*) FROM networks WHERE import_id = i.id),
        (SELECT COUNT(*) FROM pods WHERE import_id = i.id),
        i.flow_records,
        (SELECT COALESCE(SUM(edges), 0) FROM edge_blocks WHERE import_id = i.id)
     FROM imports i";

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl Workspace {
    /// The import of a file with this content, if there is one.
    pub fn find_import(&self, content_hash: u128) -> Result<Option<ImportRow>, StoreError> {
        self.conn
            .query_row(
                "SELECT id, path, format, content_hash, imported_at, flow_records, flow_records_skipped
                 FROM imports WHERE content_hash = ?1",
                params![hash_hex(content_hash)],
                row_to_import,
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Every import, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportRow>, StoreError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, path, format, content_hash, imported_at, flow_records, flow_records_skipped
                 FROM imports ORDER BY id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], row_to_import)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// Every import with what it brought, in id order.
    pub fn list_imports(&self) -> Result<Vec<ImportHoldings>, StoreError> {
        let mut statement = self
            .conn
            .prepare(&format!("{HOLDINGS} ORDER BY i.id"))
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], row_to_holdings)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// Removes the imports `ids` and everything they brought, in one transaction, and returns what
    /// they were in id order, recording `change` in the same transaction. An id that names no
    /// import removes nothing at all. The plan stays.
    pub fn remove_imports(
        &mut self,
        ids: &[i64],
        change: &Change,
    ) -> Result<Vec<ImportHoldings>, StoreError> {
        let path = self.path.clone();
        let sql = |source| StoreError::Sql {
            path: path.clone(),
            source,
        };
        let ids: BTreeSet<i64> = ids.iter().copied().collect();
        let tx = self.conn.transaction().map_err(&sql)?;
        let mut removed = Vec::with_capacity(ids.len());
        let mut unknown = Vec::new();
        for &id in &ids {
            let holdings = tx
                .query_row(
                    &format!("{HOLDINGS} WHERE i.id = ?1"),
                    params![id],
                    row_to_holdings,
                )
                .optional()
                .map_err(&sql)?;
            match holdings {
                Some(holdings) => removed.push(holdings),
                None => unknown.push(id),
            }
        }
        if !unknown.is_empty() {
            return Err(StoreError::UnknownImports { path, ids: unknown });
        }
        for &id in &ids {
            // Foreign keys are on (see `configure`): what the import brought goes with it.
            tx.execute("DELETE FROM imports WHERE id = ?1", params![id])
                .map_err(&sql)?;
        }
        tx.execute(
            "DELETE FROM hints WHERE id NOT IN (SELECT hint_id FROM edge_hints)",
            [],
        )
        .map_err(&sql)?;
        record_in(&tx, change).map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(removed)
    }

    /// Stores files in one transaction, first removing the imports in `replace`, and records
    /// `change` in it. All or nothing.
    pub fn save_imports(
        &mut self,
        replace: &[i64],
        items: &[(ImportMeta, ImportContent<'_>)],
        change: &Change,
    ) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        let sql = |source| StoreError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(&sql)?;
        for id in replace {
            tx.execute("DELETE FROM imports WHERE id = ?1", params![id])
                .map_err(&sql)?;
        }
        let mut ids = Vec::with_capacity(items.len());
        for (meta, content) in items {
            ids.push(insert_import(&tx, meta, content).map_err(&sql)?);
        }
        record_in(&tx, change).map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(ids)
    }
}

/// Records a change that is not a plan edit on the active scenario.
fn record_in(conn: &rusqlite::Connection, change: &Change) -> rusqlite::Result<()> {
    let scenario = active_in(conn)?;
    insert_change(conn, &scenario, change, None, None).map(|_| ())
}

fn row_to_holdings(row: &rusqlite::Row<'_>) -> rusqlite::Result<ImportHoldings> {
    let count = |index| row.get::<_, i64>(index).map(|n| n.max(0) as u64);
    Ok(ImportHoldings {
        id: row.get(0)?,
        path: row.get(1)?,
        format: row.get(2)?,
        imported_at: row.get(3)?,
        workload_records: count(4)?,
        networks: count(5)?,
        pods: count(6)?,
        flow_records: count(7)?,
        edges: count(8)?,
    })
}

fn row_to_import(row: &rusqlite::Row<'_>) -> rusqlite::Result<ImportRow> {
    Ok(ImportRow {
        id: row.get(0)?,
        path: row.get(1)?,
        format: row.get(2)?,
        content_hash: row.get(3)?,
        imported_at: row.get(4)?,
        flow_records: row.get::<_, i64>(5)? as u64,
        flow_records_skipped: row.get::<_, i64>(6)? as u64,
    })
}

fn insert_import(
    tx: &rusqlite::Transaction<'_>,
    meta: &ImportMeta,
    content: &ImportContent<'_>,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO imports (path, format, content_hash, imported_at, flow_records, flow_records_skipped, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            meta.path,
            meta.format,
            hash_hex(meta.content_hash),
            meta.imported_at,
            content.flow_records as i64,
            content.flow_records_skipped as i64,
            meta.summary.to_string()
        ],
    )?;
    let id = tx.last_insert_rowid();
    insert_inventory(tx, id, content)?;
    insert_edges(tx, id, content)?;
    Ok(id)
}

/// The inventory part of an import: networks, workload records, pods, identity sources, ranges.
fn insert_inventory(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    content: &ImportContent<'_>,
) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached("INSERT INTO networks (import_id, body) VALUES (?1, ?2)")?;
    for network in content.networks {
        insert.execute(params![id, json(network)])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO workload_records (import_id, ordinal, body) VALUES (?1, ?2, ?3)",
    )?;
    for (ordinal, record) in content.workloads.iter().enumerate() {
        insert.execute(params![id, ordinal as i64, json(record)])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO pods (import_id, namespace, pod_name, workload) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for pod in content.pods {
        insert.execute(params![id, pod.namespace, pod.pod_name, pod.workload])?;
    }
    let mut insert =
        tx.prepare_cached("INSERT INTO identity_sources (import_id, body) VALUES (?1, ?2)")?;
    for source in content.identity_sources {
        insert.execute(params![id, json(source)])?;
    }
    let mut insert =
        tx.prepare_cached("INSERT INTO internal_ranges (import_id, cidr) VALUES (?1, ?2)")?;
    for range in content.internal_ranges {
        insert.execute(params![id, range.to_string()])?;
    }
    Ok(())
}

/// The flow part of an import: edges, with their hints interned workspace-wide.
fn insert_edges(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    content: &ImportContent<'_>,
) -> rusqlite::Result<()> {
    let hint_ids = store_hints(tx, content.hints)?;
    let hint = |h: crate::model::HintId| {
        hint_ids
            .get(h.0 as usize)
            .map_or(0, |&id| u64::try_from(id).unwrap_or(0))
    };
    super::edge_rows::write_blocks(tx, id, content.edges.sorted(), hint)?;
    Ok(())
}

/// Interns hints workspace-wide; returns the stored id of each batch hint by its batch index.
fn store_hints(
    tx: &rusqlite::Transaction<'_>,
    hints: &[EndpointHint],
) -> rusqlite::Result<Vec<i64>> {
    let mut ids = vec![0i64; hints.len()];
    let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO hints (body) VALUES (?1)")?;
    let mut select = tx.prepare_cached("SELECT id FROM hints WHERE body = ?1")?;
    for (index, hint) in hints.iter().enumerate().skip(1) {
        let body = json(hint);
        insert.execute(params![body])?;
        ids[index] = select.query_row(params![body], |row| row.get(0))?;
    }
    Ok(ids)
}
