//! `blastwall flows`: observed service edges, busiest first.

use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{bytes, count, json, table};
use crate::analysis::{Endpoint, ResolvedEdge, ResolvedEstate};
use crate::store::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Show at most this many edges (the table only).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Serialize)]
struct EdgeJson<'a> {
    client: IpAddr,
    server: IpAddr,
    port: u16,
    protocol: String,
    client_workload: Option<&'a str>,
    server_workload: Option<&'a str>,
    outcome: &'static str,
    records: u64,
    accepted_records: u64,
    rejected_records: u64,
    bytes: u64,
    packets: u64,
    first_seen: Option<i64>,
    last_seen: Option<i64>,
    sources: Vec<&'static str>,
}

fn workload_name(estate: &ResolvedEstate, endpoint: Endpoint) -> Option<&str> {
    estate.workload(endpoint).map(|w| w.name.as_str())
}

fn to_json<'a>(estate: &'a ResolvedEstate, edge: &ResolvedEdge) -> EdgeJson<'a> {
    EdgeJson {
        client: edge.client,
        server: edge.server,
        port: edge.port,
        protocol: edge.protocol.name(),
        client_workload: workload_name(estate, edge.client_endpoint),
        server_workload: workload_name(estate, edge.server_endpoint),
        outcome: edge.stats.outcome().as_str(),
        records: edge.stats.records,
        accepted_records: edge.stats.accepted,
        rejected_records: edge.stats.rejected,
        bytes: edge.stats.bytes,
        packets: edge.stats.packets,
        first_seen: edge.stats.first_seen,
        last_seen: edge.stats.last_seen,
        sources: edge.stats.sources.names(),
    }
}

pub fn run(workspace: &Workspace, args: &Args) -> anyhow::Result<ExitCode> {
    let estate = crate::ops::load_resolved(workspace)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(Serialize)]
        struct Output<'a> {
            edges: Vec<EdgeJson<'a>>,
        }
        json(
            &mut out,
            &Output {
                edges: estate.edges.iter().map(|e| to_json(&estate, e)).collect(),
            },
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut order: Vec<&ResolvedEdge> = estate.edges.iter().collect();
    order.sort_by(|a, b| {
        (b.stats.bytes, b.stats.records)
            .cmp(&(a.stats.bytes, a.stats.records))
            .then_with(|| {
                (a.client, a.server, a.port, a.protocol)
                    .cmp(&(b.client, b.server, b.port, b.protocol))
            })
    });
    let shown = args.limit.unwrap_or(order.len()).min(order.len());
    let label = |address: IpAddr, endpoint: Endpoint| match workload_name(&estate, endpoint) {
        Some(name) => format!("{name} ({address})"),
        None => address.to_string(),
    };
    let rows: Vec<Vec<String>> = order[..shown]
        .iter()
        .map(|e| {
            vec![
                label(e.client, e.client_endpoint),
                label(e.server, e.server_endpoint),
                format!("{}/{}", e.port, e.protocol.name()),
                e.stats.outcome().as_str().to_string(),
                count(e.stats.records),
                bytes(e.stats.bytes),
                e.stats.sources.names().join(","),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "CLIENT", "SERVER", "SERVICE", "OUTCOME", "RECORDS", "BYTES", "SOURCES",
        ],
        &rows,
    )?;
    writeln!(
        out,
        "{} of {} edges",
        count(shown as u64),
        count(order.len() as u64)
    )?;
    Ok(ExitCode::SUCCESS)
}
