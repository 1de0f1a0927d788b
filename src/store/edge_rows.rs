//! Writing and reading the `edge_blocks` rows of imports (the format is in [`super::edge_blocks`]),
//! and moving the one-row-per-edge table of workspaces before schema 4 into blocks.

use std::collections::BTreeSet;

use rusqlite::{Connection, params};

use super::codec::address_from;
use super::edge_blocks::{self, BLOCK, Decoder};
use crate::model::{EdgeKey, EdgeStats, HintId, Protocol, SourceSet};

/// Writes the edges of import `id`, in key order, as blocks; `hint` maps an edge's hint to its
/// stored id. Returns how many edges were written.
pub fn write_blocks(
    conn: &Connection,
    id: i64,
    edges: impl Iterator<Item = (EdgeKey, EdgeStats)>,
    hint: impl Fn(HintId) -> u64,
) -> rusqlite::Result<u64> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO edge_blocks (import_id, seq, edges, newest, body) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut body = Vec::new();
    let (mut in_block, mut newest, mut seq, mut total) = (0usize, None::<i64>, 0i64, 0u64);
    let mut hints = BTreeSet::new();
    let mut flush = |body: &mut Vec<u8>, count: usize, newest: Option<i64>, seq: i64| {
        let result = insert.execute(params![id, seq, count as i64, newest, &body[..]]);
        body.clear();
        result.map(|_| ())
    };
    for (key, stats) in edges {
        edge_blocks::encode(&mut body, &key, &stats, &hint);
        for h in [key.client_hint, key.server_hint] {
            if !h.is_none() {
                hints.insert(hint(h));
            }
        }
        newest = newest.max(edge_blocks::newest(&stats));
        in_block += 1;
        total += 1;
        if in_block == BLOCK {
            flush(&mut body, in_block, newest, seq)?;
            (in_block, newest, seq) = (0, None, seq + 1);
        }
    }
    if in_block > 0 {
        flush(&mut body, in_block, newest, seq)?;
    }
    let mut insert =
        conn.prepare_cached("INSERT INTO edge_hints (import_id, hint_id) VALUES (?1, ?2)")?;
    for h in hints {
        insert.execute(params![id, h as i64])?;
    }
    Ok(total)
}

/// Calls `f` with every stored edge (stored hint ids) and the import it came from, import by
/// import, each import's edges in key order.
pub fn read_blocks(
    conn: &Connection,
    mut f: impl FnMut(i64, EdgeKey, EdgeStats),
) -> Result<(), ReadError> {
    let mut statement =
        conn.prepare("SELECT import_id, body FROM edge_blocks ORDER BY import_id, seq")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let import: i64 = row.get(0)?;
        let mut decoder = Decoder::new(row.get_ref(1)?.as_blob()?);
        while !decoder.is_done() {
            let (key, stats) = decoder.next_edge().ok_or(ReadError::Corrupt(import))?;
            f(import, key, stats);
        }
    }
    Ok(())
}

/// Why stored edges could not be read.
#[derive(Debug)]
pub enum ReadError {
    Sql(rusqlite::Error),
    /// A block of this import is not well formed.
    Corrupt(i64),
}

impl From<rusqlite::Error> for ReadError {
    fn from(e: rusqlite::Error) -> ReadError {
        ReadError::Sql(e)
    }
}

impl From<rusqlite::types::FromSqlError> for ReadError {
    fn from(e: rusqlite::types::FromSqlError) -> ReadError {
        ReadError::Sql(e.into())
    }
}

/// Moves the rows of the old `edges` table into blocks, import by import, and drops it.
pub fn move_rows(conn: &Connection) -> rusqlite::Result<()> {
    let imports: Vec<i64> = {
        let mut statement = conn.prepare("SELECT DISTINCT import_id FROM edges ORDER BY 1")?;
        statement
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for id in imports {
        let mut edges = old_rows(conn, id)?;
        edges.sort_unstable_by_key(|(key, _)| *key);
        write_blocks(conn, id, edges.into_iter(), |h| u64::from(h.0))?;
    }
    conn.execute_batch("DROP TABLE edges")
}

fn old_rows(conn: &Connection, id: i64) -> rusqlite::Result<Vec<(EdgeKey, EdgeStats)>> {
    let mut statement = conn.prepare(
        "SELECT client, server, port, protocol, client_hint, server_hint, records, accepted,
                rejected, bytes, packets, first_seen, last_seen, sources
         FROM edges WHERE import_id = ?1",
    )?;
    let rows = statement.query_map(params![id], |row| {
        let address = |index| -> rusqlite::Result<_> {
            address_from(row.get_ref(index)?.as_blob()?).ok_or_else(|| {
                rusqlite::Error::InvalidColumnType(
                    index,
                    "address".into(),
                    rusqlite::types::Type::Blob,
                )
            })
        };
        let count = |index| row.get::<_, i64>(index).map(|n| n.max(0) as u64);
        Ok((
            EdgeKey {
                client: address(0)?,
                server: address(1)?,
                port: row.get(2)?,
                protocol: Protocol(row.get(3)?),
                client_hint: HintId(row.get(4)?),
                server_hint: HintId(row.get(5)?),
            },
            EdgeStats {
                records: count(6)?,
                accepted: count(7)?,
                rejected: count(8)?,
                bytes: count(9)?,
                packets: count(10)?,
                first_seen: row.get(11)?,
                last_seen: row.get(12)?,
                sources: SourceSet(row.get(13)?),
            },
        ))
    })?;
    rows.collect()
}
