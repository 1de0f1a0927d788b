//! Loading everything imported into an [`Estate`] for analysis.

use std::str::FromStr;

use ipnet::IpNet;

use super::{StoreError, Workspace};
use crate::model::{
    EdgeKey, EdgeStats, EndpointHint, Estate, IdentitySource, Network, PodRecord, WorkloadRecord,
};

impl Workspace {
    /// Loads the whole workspace. Edges imported from several files are merged. With a time
    /// window set ([`Workspace::set_window`]) only the flows observed in it are read (undated
    /// ones are kept), and the flow record count is that of the flows read.
    pub fn load_estate(&self) -> Result<Estate, StoreError> {
        let mut estate = Estate {
            networks: self
                .bodies::<Network>("SELECT body FROM networks ORDER BY import_id, rowid")?,
            identity_sources: self.bodies::<IdentitySource>(
                "SELECT body FROM identity_sources ORDER BY import_id, rowid",
            )?,
            ..Estate::default()
        };
        estate.workloads = self.workload_records()?;
        estate.pods = self.pods()?;
        estate.internal_ranges = self.internal_ranges()?;
        estate.hints = self.hints()?;
        estate.edges = self.edges()?;
        let (records, skipped): (i64, i64) = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(flow_records), 0), COALESCE(SUM(flow_records_skipped), 0) FROM imports",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|e| self.sql(e))?;
        estate.flow_records = match self.window.is_open() {
            true => records as u64,
            false => {
                let report = self.window_report()?;
                report.records.saturating_sub(report.records_left_out)
            }
        };
        estate.flow_records_skipped = skipped as u64;
        Ok(estate)
    }

    fn bodies<T: serde::de::DeserializeOwned>(&self, sql: &str) -> Result<Vec<T>, StoreError> {
        let mut statement = self.conn.prepare(sql).map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for body in rows {
            let body = body.map_err(|e| self.sql(e))?;
            out.push(serde_json::from_str(&body).map_err(|e| self.corrupt(e.to_string()))?);
        }
        Ok(out)
    }

    /// Inventory records with the id of the import that brought them, in import order.
    pub fn workload_records(&self) -> Result<Vec<(u64, WorkloadRecord)>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT import_id, body FROM workload_records ORDER BY import_id, ordinal")
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (import, body) = row.map_err(|e| self.sql(e))?;
            let record = serde_json::from_str(&body).map_err(|e| self.corrupt(e.to_string()))?;
            out.push((import as u64, record));
        }
        Ok(out)
    }

    fn pods(&self) -> Result<Vec<PodRecord>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT namespace, pod_name, workload FROM pods ORDER BY import_id, rowid")
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(PodRecord {
                    namespace: row.get(0)?,
                    pod_name: row.get(1)?,
                    workload: row.get(2)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    fn internal_ranges(&self) -> Result<Vec<IpNet>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT cidr FROM internal_ranges ORDER BY import_id, rowid")
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let text = row.map_err(|e| self.sql(e))?;
            out.push(
                IpNet::from_str(&text)
                    .map_err(|_| self.corrupt(format!("internal range {text:?}")))?,
            );
        }
        Ok(out)
    }

    fn hints(&self) -> Result<Vec<EndpointHint>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT id, body FROM hints ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(|e| self.sql(e))?;
        let mut hints = vec![EndpointHint::default()];
        for row in rows {
            let (id, body) = row.map_err(|e| self.sql(e))?;
            let hint: EndpointHint =
                serde_json::from_str(&body).map_err(|e| self.corrupt(e.to_string()))?;
            let index = usize::try_from(id).map_err(|_| self.corrupt(format!("hint id {id}")))?;
            if hints.len() <= index {
                hints.resize(index + 1, EndpointHint::default());
            }
            hints[index] = hint;
        }
        Ok(hints)
    }

    fn edges(&self) -> Result<Vec<(EdgeKey, EdgeStats)>, StoreError> {
        let (since, until) = (self.window.since, self.window.until);
        let open = self.window.is_open();
        let mut edges: Vec<(EdgeKey, EdgeStats)> = Vec::new();
        let mut imports = 0usize;
        let mut last_import = None;
        self.stored_edges(|import, key, stats| {
            if last_import != Some(import) {
                imports += 1;
                last_import = Some(import);
            }
            if open || super::edge_blocks::in_window(&stats, since, until) {
                edges.push((key, stats));
            }
        })?;
        // One import's edges are stored once each, in key order (unless its hints were
        // numbered differently in the workspace than in the file: then they are sorted here).
        if imports <= 1 && edges.is_sorted_by(|a, b| a.0 <= b.0) {
            return Ok(edges);
        }
        // The same edge imported from several files is one edge.
        edges.sort_unstable_by_key(|(key, _)| *key);
        edges.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1.merge(&later.1);
            }
            same
        });
        Ok(edges)
    }

    /// Every stored edge with the import it came from (see [`super::edge_rows::read_blocks`]).
    pub(super) fn stored_edges(
        &self,
        f: impl FnMut(i64, EdgeKey, EdgeStats),
    ) -> Result<(), StoreError> {
        super::edge_rows::read_blocks(&self.conn, f).map_err(|e| match e {
            super::edge_rows::ReadError::Sql(e) => self.sql(e),
            super::edge_rows::ReadError::Corrupt(import) => {
                self.corrupt(format!("the stored edges of import {import}"))
            }
        })
    }
}
