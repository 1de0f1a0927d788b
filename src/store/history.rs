//! The history of changes: one row per change to the plan or the workspace (the audit trail),
//! and per scenario an undo stack made of the plan changes (rows with the plan after them).
//!
//! `state`: 0 done, 1 undone, 2 undone and then discarded by a newer change (no longer
//! redoable), 3 done and closed because its scenario was renamed or deleted (no longer
//! undoable).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::plan::write_body;
use super::scenarios::active_in;
use super::{StoreError, Workspace};

/// Who changed what, as the history records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The OS user.
    pub user: String,
    /// A short verb phrase: `plan apply`, `rollout tick`, `import`, `scenario new`…
    pub action: String,
    /// One line for people.
    pub summary: String,
}

impl Change {
    pub fn new(user: &str, action: &str, summary: impl Into<String>) -> Change {
        Change {
            user: user.to_string(),
            action: action.to_string(),
            summary: summary.into(),
        }
    }
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub user: String,
    pub scenario: String,
    pub action: String,
    pub summary: String,
    /// The change was undone (and not redone).
    pub undone: bool,
}

const COLUMNS: &str = "id, at, user, scenario, action, summary, state";

fn row_to_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: row.get(0)?,
        at: row.get(1)?,
        user: row.get(2)?,
        scenario: row.get(3)?,
        action: row.get(4)?,
        summary: row.get(5)?,
        undone: matches!(row.get::<_, i64>(6)?, 1 | 2),
    })
}

/// Unix seconds now (0 if the clock is before 1970).
pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Appends a history row; `after` set makes it an undoable plan change.
pub(super) fn insert_change(
    conn: &Connection,
    scenario: &str,
    change: &Change,
    before: Option<&str>,
    after: Option<&str>,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO history (at, user, scenario, action, summary, before, after, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)",
        params![
            now(),
            change.user,
            scenario,
            change.action,
            change.summary,
            before,
            after
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Closes the undo history of a scenario that is renamed or deleted: its changes can no longer
/// be undone or redone (a later scenario of the same name starts afresh).
pub(super) fn close_stack(conn: &Connection, scenario: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE history SET state = CASE state WHEN 0 THEN 3 ELSE 2 END
         WHERE scenario = ?1 AND after IS NOT NULL AND state IN (0, 1)",
        params![scenario],
    )
    .map(|_| ())
}

/// Which way [`Workspace::step`] goes.
#[derive(Clone, Copy)]
enum Step {
    Undo,
    Redo,
}

impl Workspace {
    /// Records a change that is not a plan edit (an import, a scenario switch…) on the active
    /// scenario. It cannot be undone.
    pub fn record(&mut self, change: &Change) -> Result<(), StoreError> {
        self.in_transaction(|tx, errors| {
            let scenario = active_in(tx).map_err(|e| errors.sql(e))?;
            insert_change(tx, &scenario, change, None, None).map_err(|e| errors.sql(e))?;
            Ok(())
        })
    }

    /// The recorded changes, newest first; at most `limit` of them.
    pub fn history(&self, limit: Option<usize>) -> Result<Vec<HistoryEntry>, StoreError> {
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut statement = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM history ORDER BY id DESC LIMIT ?1"
            ))
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map(params![limit], row_to_entry)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.sql(e))
    }

    /// Undoes the newest plan change of the active scenario that is not undone yet: its plan
    /// goes back to what it was before, and an `undo` row is recorded (not itself undoable).
    /// Returns the change undone, or `None` when there is nothing to undo.
    pub fn undo(&mut self, user: &str) -> Result<Option<HistoryEntry>, StoreError> {
        self.step(user, Step::Undo)
    }

    /// Re-applies the change undone last in the active scenario (the oldest undone one) and
    /// records a `redo` row. `None` when there is nothing to redo.
    pub fn redo(&mut self, user: &str) -> Result<Option<HistoryEntry>, StoreError> {
        self.step(user, Step::Redo)
    }

    fn step(&mut self, user: &str, step: Step) -> Result<Option<HistoryEntry>, StoreError> {
        let (query, state, action) = match step {
            Step::Undo => (
                "state = 0 AND after IS NOT NULL ORDER BY id DESC",
                1,
                "undo",
            ),
            Step::Redo => ("state = 1 ORDER BY id ASC", 0, "redo"),
        };
        self.in_transaction(|tx, errors| {
            let sql = |e| errors.sql(e);
            let scenario = active_in(tx).map_err(sql)?;
            let found = tx
                .query_row(
                    &format!(
                        "SELECT {COLUMNS}, before, after FROM history
                         WHERE scenario = ?1 AND {query} LIMIT 1"
                    ),
                    params![scenario],
                    |row| {
                        let entry = row_to_entry(row)?;
                        let before: Option<String> = row.get(7)?;
                        let after: Option<String> = row.get(8)?;
                        Ok((entry, before, after))
                    },
                )
                .optional()
                .map_err(sql)?;
            let Some((mut entry, before, after)) = found else {
                return Ok(None);
            };
            let body = match step {
                Step::Undo => before,
                Step::Redo => after,
            };
            if body.is_none() && scenario != super::BASELINE {
                return Err(errors.corrupt(format!("change {} has no plan to restore", entry.id)));
            }
            write_body(tx, &scenario, body.as_deref(), None).map_err(sql)?;
            tx.execute(
                "UPDATE history SET state = ?1 WHERE id = ?2",
                params![state, entry.id],
            )
            .map_err(sql)?;
            let verb = match step {
                Step::Undo => "undid",
                Step::Redo => "redid",
            };
            let summary = format!("{verb} #{} {}: {}", entry.id, entry.action, entry.summary);
            insert_change(
                tx,
                &scenario,
                &Change::new(user, action, summary),
                None,
                None,
            )
            .map_err(sql)?;
            entry.undone = matches!(step, Step::Undo);
            Ok(Some(entry))
        })
    }
}
