//! The time window: a filter on the connection (not stored) that narrows the flows
//! [`Workspace::load_estate`] reads to those observed within `[since, until]`.
//!
//! Edges are stored per import as aggregates with the first and last time they were seen. An
//! aggregate is kept when its span `[first_seen, last_seen]` overlaps the window; one with only
//! one of the two times is taken as seen at that instant. Undated aggregates (formats without
//! timestamps, such as topology or edge lists) are always kept: the window cannot place them.

use std::net::IpAddr;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::edge_blocks::in_window;
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

/// An edge merged over imports and hints: client, server, port, protocol.
type Service = (IpAddr, IpAddr, u16, u8);
/// Whether some import saw an edge in the window, its records, and the records left out.
type Presence = (bool, u64, u64);

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
            .query_row("SELECT MAX(newest) FROM edge_blocks", [], |row| row.get(0))
            .map_err(|e| self.sql(e))
    }

    /// How much of the stored flows the current window leaves out. An edge (client, server,
    /// port, protocol) is left out when none of its imports observed it in the window.
    pub fn window_report(&self) -> Result<WindowReport, StoreError> {
        let (since, until) = (self.window.since, self.window.until);
        // Per distinct edge: kept by some import, records, records left out.
        let mut edges: FxHashMap<Service, Presence> = FxHashMap::default();
        self.stored_edges(|_, key, stats| {
            let inside = in_window(&stats, since, until);
            let entry = edges
                .entry((key.client, key.server, key.port, key.protocol.0))
                .or_default();
            entry.0 |= inside;
            entry.1 += stats.records;
            if !inside {
                entry.2 += stats.records;
            }
        })?;
        Ok(WindowReport {
            edges: edges.len() as u64,
            edges_left_out: edges.values().filter(|(kept, ..)| !kept).count() as u64,
            records: edges.values().map(|e| e.1).sum(),
            records_left_out: edges.values().map(|e| e.2).sum(),
            newest: self.newest_observation()?,
        })
    }
}
