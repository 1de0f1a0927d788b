//! `blastwall stats`: the headline figures.

use std::io::Write;
use std::process::ExitCode;

use super::output::{count, json};
use crate::store::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(workspace: &Workspace, args: &Args) -> anyhow::Result<ExitCode> {
    let figures = crate::ops::stats(workspace)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        json(&mut out, &figures)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows = [
        ("workloads", figures.workloads),
        ("applications", figures.applications),
        ("networks", figures.networks),
        ("flow records", figures.flow_records),
        ("  skipped", figures.flow_records_skipped),
        ("edges", figures.edges),
        ("workload edges", figures.workload_edges),
        ("unresolved addresses", figures.unresolved_addresses),
    ];
    writeln!(out, "workspace {}", workspace.path())?;
    for (name, value) in rows {
        writeln!(out, "  {name:<22}{:>12}", count(value))?;
    }
    Ok(ExitCode::SUCCESS)
}
