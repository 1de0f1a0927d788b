//! Helpers shared by the importer tests: parse bytes as a format, and look at the edges.
#![allow(dead_code)] // each test file uses some of them

pub mod user;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::net::IpAddr;
use std::path::Path;
use std::process::{Command, Output};

use blastwall::ingest::{self, Batch, Context, Format};
use blastwall::model::{EdgeKey, EdgeStats, Protocol};

/// Parses bytes as a format, as a file named `name`.
pub fn parse(
    format: Format,
    name: &str,
    bytes: &[u8],
    skip_bad: bool,
) -> Result<(Batch, Context), ingest::InputError> {
    let mut ctx = Context::new(name, skip_bad);
    let mut batch = Batch::default();
    ingest::parse(format, &mut Cursor::new(bytes), &mut ctx, &mut batch)?;
    Ok((batch, ctx))
}

pub fn ip(text: &str) -> IpAddr {
    text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
}

/// Edges merged over hints, keyed by (client, server, port, protocol).
pub fn edges(batch: &Batch) -> Vec<((IpAddr, IpAddr, u16, u8), EdgeStats)> {
    let mut merged: BTreeMap<(IpAddr, IpAddr, u16, u8), EdgeStats> = BTreeMap::new();
    for (key, stats) in batch.flows.edges.iter() {
        let EdgeKey {
            client,
            server,
            port,
            protocol,
            ..
        } = key;
        merged
            .entry((client, server, port, protocol.0))
            .or_default()
            .merge(&stats);
    }
    merged.into_iter().collect()
}

/// One edge, merged over hints.
pub fn edge(
    batch: &Batch,
    client: &str,
    server: &str,
    port: u16,
    protocol: Protocol,
) -> Option<EdgeStats> {
    edges(batch)
        .into_iter()
        .find(|(k, _)| *k == (ip(client), ip(server), port, protocol.0))
        .map(|(_, s)| s)
}

/// Runs the `blastwall` binary on a workspace (never the user's own).
pub fn blastwall(workspace: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_blastwall"))
        .arg("--workspace")
        .arg(workspace)
        .args(args)
        .env_remove("BLASTWALL_WORKSPACE")
        .output()
}

/// Runs the binary and parses its JSON output; a failure returns its stderr as the error.
pub fn run_json(
    workspace: &Path,
    args: &[&str],
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let out = blastwall(workspace, args)?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
