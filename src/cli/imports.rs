//! `blastwall imports`: list the imported files, or remove some with everything they brought.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use super::output::{count, json, table};
use crate::ops::WorkspaceChoice;
use crate::ops::imports::{ImportEntry, list_imports, remove_imports};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ImportsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ImportsCommand {
    /// Every import in id order: file, format, when, and what it brought.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Remove imports and everything they brought, all or nothing (the plan stays).
    Remove {
        /// The ids `blastwall imports list` shows.
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        ImportsCommand::List { json } => list(choice, *json),
        ImportsCommand::Remove { ids, json } => remove(choice, ids, *json),
    }
}

fn list(choice: &WorkspaceChoice, as_json: bool) -> anyhow::Result<ExitCode> {
    let workspace = super::open_to_read(choice)?;
    let imports = list_imports(&workspace)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        json(&mut out, &imports)?;
        return Ok(ExitCode::SUCCESS);
    }
    let place = choice.path.display();
    if imports.is_empty() {
        writeln!(out, "no imports in workspace {place}")?;
        writeln!(out, "  `blastwall import PATH...` adds some")?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = imports
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.format.clone(),
                i.imported_at.clone(),
                count(i.workload_records),
                count(i.networks),
                count(i.pods),
                count(i.flow_records),
                count(i.edges),
                i.path.clone(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "ID",
            "FORMAT",
            "IMPORTED",
            "WORKLOADS",
            "NETWORKS",
            "PODS",
            "FLOW RECORDS",
            "EDGES",
            "PATH",
        ],
        &rows,
    )?;
    writeln!(out, "{} in workspace {place}", imports_count(imports.len()))?;
    Ok(ExitCode::SUCCESS)
}

/// What `imports remove --json` prints.
#[derive(Debug, Serialize)]
struct RemoveReport {
    removed: Vec<ImportEntry>,
    remaining: usize,
}

fn remove(choice: &WorkspaceChoice, ids: &[i64], as_json: bool) -> anyhow::Result<ExitCode> {
    if !choice.path.exists() {
        anyhow::bail!(
            "workspace {} does not exist yet, so it has no imports to remove\n  hint: `blastwall imports list` shows the imports and their ids",
            choice.path.display()
        );
    }
    let mut workspace = super::open(choice)?;
    let removed = remove_imports(&mut workspace, ids)?;
    let report = RemoveReport {
        removed,
        remaining: workspace.list_imports()?.len(),
    };
    let mut out = std::io::stdout().lock();
    if as_json {
        json(&mut out, &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "removed {} from {}, with everything they brought:",
        imports_count(report.removed.len()),
        workspace.path()
    )?;
    for entry in &report.removed {
        writeln!(
            out,
            "  {}  {}  [{}]  {}",
            entry.id,
            entry.path,
            entry.format,
            brought(entry)
        )?;
    }
    let remain = if report.remaining == 1 {
        "remains"
    } else {
        "remain"
    };
    writeln!(out, "{} {remain}", imports_count(report.remaining))?;
    Ok(ExitCode::SUCCESS)
}

/// `1 import`, `3 imports`.
fn imports_count(n: usize) -> String {
    if n == 1 {
        "1 import".into()
    } else {
        format!("{} imports", count(n as u64))
    }
}

fn brought(entry: &ImportEntry) -> String {
    let parts: Vec<String> = [
        (entry.workload_records, "workload records"),
        (entry.networks, "networks"),
        (entry.pods, "pods"),
        (entry.flow_records, "flow records"),
        (entry.edges, "edges"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{} {what}", count(n)))
    .collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}
