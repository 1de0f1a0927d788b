//! The workspace: one SQLite file (WAL mode, `PRAGMA user_version` with forward migrations).
//! rusqlite is used only below this module.

mod codec;
mod copy;
mod edge_blocks;
mod edge_rows;
mod estate;
mod history;
mod imports;
mod plan;
mod scenarios;
mod schema;
mod window;

use std::path::Path;

use rusqlite::Connection;

pub use history::{Change, HistoryEntry};
pub use imports::{ImportContent, ImportHoldings, ImportMeta, ImportRow};
pub use scenarios::{BASELINE, ScenarioInfo};
pub use window::{TimeWindow, WindowReport};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = schema::CURRENT;

/// Errors of the workspace layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("workspace {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "workspace {path} was written by a newer Blastwall (schema {found}, this build knows up to {known})\n  hint: upgrade Blastwall, or choose another workspace with --workspace"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error(
        "workspace {path}: {source}\n  hint: is another Blastwall writing to it, or is the disk full or read-only?"
    )]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "{path} is not a Blastwall workspace (not an SQLite database)\n  hint: --workspace names the workspace file; to read this file, use `blastwall import`"
    )]
    NotAWorkspace { path: String },
    #[error(
        "workspace {path}: stored data could not be read ({what})\n  hint: the workspace may be damaged; re-import into a new one"
    )]
    Corrupt { path: String, what: String },
    #[error(
        "workspace {path} has no import {}; nothing was removed\n  hint: `blastwall imports list` shows the imports and their ids",
        list_ids(ids)
    )]
    UnknownImports { path: String, ids: Vec<i64> },
    /// A request the workspace refuses (a bad or unknown scenario name…); nothing was changed.
    #[error("{message}; nothing was changed\n  hint: {hint}")]
    Refused { message: String, hint: String },
}

/// `3`, `3 or 7`, `3, 7 or 9`.
fn list_ids(ids: &[i64]) -> String {
    let text: Vec<String> = ids.iter().map(i64::to_string).collect();
    match text.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => text.join(""),
    }
}

/// An open workspace.
pub struct Workspace {
    conn: Connection,
    path: String,
    /// The time window `load_estate` narrows flows to (see [`Workspace::set_window`]).
    window: TimeWindow,
}

impl Workspace {
    /// Opens (creating if needed) the workspace at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Workspace, StoreError> {
        let display = path.display().to_string();
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: display.clone(),
            source,
        })?;
        Workspace::init(conn, display)
    }

    /// A private in-memory workspace (tests, previews).
    pub fn in_memory() -> Result<Workspace, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: ":memory:".into(),
            source,
        })?;
        Workspace::init(conn, ":memory:".into())
    }

    fn init(conn: Connection, path: String) -> Result<Workspace, StoreError> {
        let mut workspace = Workspace {
            conn,
            path,
            window: TimeWindow::default(),
        };
        workspace.configure().map_err(|e| match e {
            StoreError::Sql { path, source }
                if source.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) =>
            {
                StoreError::NotAWorkspace { path }
            }
            other => other,
        })?;
        schema::migrate(&mut workspace.conn).map_err(|e| match e {
            schema::MigrateError::TooNew { found, known } => StoreError::TooNew {
                path: workspace.path.clone(),
                found,
                known,
            },
            schema::MigrateError::Sql(source) => StoreError::Sql {
                path: workspace.path.clone(),
                source,
            },
        })?;
        Ok(workspace)
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA busy_timeout = 5000;",
            )
            .map_err(|e| self.sql(e))
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    fn sql(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, what: impl Into<String>) -> StoreError {
        self.errors().corrupt(what)
    }

    /// Builds errors that name this workspace, for use while a transaction borrows it.
    fn errors(&self) -> Errors {
        Errors {
            path: self.path.clone(),
        }
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    fn in_transaction<T>(
        &mut self,
        work: impl FnOnce(&rusqlite::Transaction<'_>, &Errors) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let errors = self.errors();
        let tx = self.conn.transaction().map_err(|e| errors.sql(e))?;
        let value = work(&tx, &errors)?;
        tx.commit().map_err(|e| errors.sql(e))?;
        Ok(value)
    }

    /// The schema version of the open workspace.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| self.sql(e))
    }
}

/// Error builders naming a workspace, usable while a transaction borrows it.
struct Errors {
    path: String,
}

impl Errors {
    fn sql(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, what: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what: what.into(),
        }
    }
}

/// A refusal: what is wrong and what to do instead.
fn refused(message: impl Into<String>, hint: impl Into<String>) -> StoreError {
    StoreError::Refused {
        message: message.into(),
        hint: hint.into(),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_scenarios;
