//! `blastwall export`: write the deliverables of the stored plan into a folder.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{json, table};
use crate::ops::WorkspaceChoice;
use crate::ops::export::{DEFAULT_OUT, ExportError, export_workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write into (created if needed).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUT)]
    pub out: PathBuf,
    /// Only these targets (zone-map, flow-matrix, rollout-plan) or files (flow-matrix.csv…),
    /// comma-separated.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Also write history.md: every recorded change (when, who, scenario, action, summary),
    /// oldest first.
    #[arg(long)]
    pub with_history: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct FileJson {
    name: String,
    bytes: u64,
}

#[derive(Serialize)]
struct ExportJson {
    out: String,
    files: Vec<FileJson>,
}

pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    let workspace = super::open_plan_flows(choice)?;
    let only: Vec<&str> = args.only.iter().map(String::as_str).collect();
    let report = match export_workspace(&workspace, &args.out, &only, args.with_history) {
        Ok(report) => report,
        Err(error @ ExportError::NoPlan { .. }) => {
            let hint = error.hint().unwrap_or_default();
            anyhow::bail!("{error}\n  hint: {hint}")
        }
        Err(error) => return Err(error.into()),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let files = report.files.iter().map(|f| FileJson {
            name: f.name.clone(),
            bytes: f.bytes,
        });
        let report = ExportJson {
            out: report.out.display().to_string(),
            files: files.collect(),
        };
        json(&mut out, &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = report
        .files
        .iter()
        .map(|f| vec![f.path.display().to_string(), f.bytes.to_string()])
        .collect();
    table(&mut out, &["PATH", "BYTES"], &rows)?;
    writeln!(
        out,
        "\nwrote {} file{} to {}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        report.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
