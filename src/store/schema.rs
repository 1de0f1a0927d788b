//! Append-only migrations, applied in order; `PRAGMA user_version` is the number applied.

use rusqlite::Connection;

/// Each entry moves the schema one version forward. Never edit one that has shipped.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: imports and what each brought.
    "CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        format TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        imported_at INTEGER NOT NULL,
        flow_records INTEGER NOT NULL DEFAULT 0,
        flow_records_skipped INTEGER NOT NULL DEFAULT 0,
        summary TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE networks (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        body TEXT NOT NULL
    );
    CREATE TABLE workload_records (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    CREATE TABLE pods (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        namespace TEXT NOT NULL,
        pod_name TEXT NOT NULL,
        workload TEXT NOT NULL
    );
    CREATE TABLE identity_sources (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        body TEXT NOT NULL
    );
    CREATE TABLE internal_ranges (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        cidr TEXT NOT NULL
    );
    CREATE TABLE hints (
        id INTEGER PRIMARY KEY,
        body TEXT NOT NULL UNIQUE
    );
    CREATE TABLE edges (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        client BLOB NOT NULL,
        server BLOB NOT NULL,
        port INTEGER NOT NULL,
        protocol INTEGER NOT NULL,
        client_hint INTEGER NOT NULL,
        server_hint INTEGER NOT NULL,
        records INTEGER NOT NULL,
        accepted INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        packets INTEGER NOT NULL,
        first_seen INTEGER,
        last_seen INTEGER,
        sources INTEGER NOT NULL
    );
    CREATE INDEX edges_by_import ON edges(import_id);
    CREATE INDEX workload_records_by_import ON workload_records(import_id);
    CREATE INDEX pods_by_import ON pods(import_id);
    CREATE INDEX networks_by_import ON networks(import_id);",
    // 2: the segmentation plan (one row), as JSON, and the file it was applied from.
    "CREATE TABLE plan (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        body TEXT NOT NULL,
        source_path TEXT
    );",
    // 3: scenarios (named copies of the plan; the `plan` table stays the baseline), settings
    // (the active scenario), and the history of changes (the audit trail and the undo stacks).
    // history.state: 0 done, 1 undone, 2 undone and then discarded by a newer change,
    // 3 done but closed (its scenario was renamed or deleted).
    "CREATE TABLE scenarios (
        name TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        based_on TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        user TEXT NOT NULL,
        scenario TEXT NOT NULL,
        action TEXT NOT NULL,
        summary TEXT NOT NULL,
        before TEXT,
        after TEXT,
        state INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX history_by_scenario ON history(scenario, state);",
    // 4: edges in blocks (see `edge_blocks`); the rows of `edges` are moved into them by
    // `edge_rows::move_rows` right after this runs, and the table is dropped.
    "CREATE TABLE edge_blocks (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        edges INTEGER NOT NULL,
        newest INTEGER,
        body BLOB NOT NULL,
        PRIMARY KEY (import_id, seq)
    );
    CREATE TABLE edge_hints (
        import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
        hint_id INTEGER NOT NULL,
        PRIMARY KEY (import_id, hint_id)
    );",
];

/// The index of the migration that moves edges into blocks.
const EDGE_BLOCKS: usize = 3;

/// The schema version this build writes.
pub const CURRENT: i64 = MIGRATIONS.len() as i64;

pub enum MigrateError {
    TooNew { found: i64, known: i64 },
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}

pub fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > CURRENT {
        return Err(MigrateError::TooNew {
            found,
            known: CURRENT,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        if index == EDGE_BLOCKS {
            super::edge_rows::move_rows(&tx)?;
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
