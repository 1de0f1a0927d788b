//! The time window: a filter on the connection (not stored) that narrows the flows
//! [`Workspace::load_estate`] reads to those observed within `[since, until]`.
//!
//! Edges are stored per import as aggregates with the first and last time they were seen. An
//! aggregate is kept when its span `[first_seen, last_seen]` overlaps the window; one with only
//! one of the two times is taken as seen at that instant. Undated aggregates (formats without
//! timestamps, such as topology or edge lists) are always kept: the window cannot place them.

use rusqlite::params;
use serde::Serialize;

use super::{StoreError, Workspace};
use crate::model::time::rfc3339;

/// Unix seconds, both bounds inclusive; `None` is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TimeWindow {
    pub since: Option<i64>,
    pub until: Option<i64>,
}

impl TimeWindow {
    /// No bound: every flow.
    pub fn is_open(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    /// One line for a status bar or a note: `flows seen from … to …`.
    pub fn describe(&self) -> String {
        match (self.since, self.until) {
            (None, None) => "all flows".to_string(),
            (Some(since), None) => format!("flows seen since {}", rfc3339(since)),
            (None, Some(until)) => format!("flows seen until {}", rfc3339(until)),
            (Some(since), Some(until)) => {
                format!("flows seen from {} to {}", rfc3339(since), rfc3339(until))
            }
        }
    }
}

/// What the window leaves out of the workspace.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WindowReport {
    /// Distinct edges stored (client, server, port, protocol; merged over imports and hints).
    pub edges: u64,
    /// Edges none of whose observations fall in the window.
    pub edges_left_out: u64,
    /// Flow records on the stored edges.
    pub records: u64,
    /// Flow records on the observations the window leaves out.
    pub records_left_out: u64,
    /// The newest observation time in the workspace (Unix seconds), if any flow is dated.
    pub newest: Option<i64>,
}

/// SQL that is true for an `edges` row inside the window `?1`/`?2` (NULL is open).
pub(super) const IN_WINDOW: &str = "((first_seen IS NULL AND last_seen IS NULL)
    OR ((?1 IS NULL OR COALESCE(last_seen, first_seen) >= ?1)
        AND (?2 IS NULL OR COALESCE(first_seen, last_seen) <= ?2)))";

impl Workspace {
    /// Narrows the flows `load_estate` reads to this window (for this connection only; nothing
    /// is stored). [`TimeWindow::default`] reads every flow again.
    pub fn set_window(&mut self, window: TimeWindow) {
        self.window = window;
    }

    /// The window set on this connection.
    pub fn window(&self) -> TimeWindow {
        self.window
    }

    /// The newest observation time of any stored flow (Unix seconds).
    pub fn newest_observation(&self) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row(
                "SELECT MAX(COALESCE(last_seen, first_seen)) FROM edges",
                [],
                |row| row.get(0),
            )
            .map_err(|e| self.sql(e))
    }

    /// How much of the stored flows the current window leaves out.
    pub fn window_report(&self) -> Result<WindowReport, StoreError> {
        let sql = format!(
            "SELECT COUNT(*), COALESCE(SUM(kept = 0), 0), COALESCE(SUM(records), 0),
                    COALESCE(SUM(records_out), 0)
             FROM (SELECT MAX({IN_WINDOW}) AS kept, SUM(records) AS records,
                          SUM(CASE WHEN {IN_WINDOW} THEN 0 ELSE records END) AS records_out
                   FROM edges
                   GROUP BY client, server, port, protocol)"
        );
        let (edges, left_out, records, records_out): (i64, i64, i64, i64) = self
            .conn
            .query_row(&sql, params![self.window.since, self.window.until], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .map_err(|e| self.sql(e))?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(WindowReport {
            edges: count(edges),
            edges_left_out: count(left_out),
            records: count(records),
            records_left_out: count(records_out),
            newest: self.newest_observation()?,
        })
    }
}
