//! `blastwall plan`: apply a plan file (validate and store it) and show the stored plan.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::output::json;
use crate::ops::WorkspaceChoice;
use crate::ops::plan::{apply_plan, show_plan, write_file_atomically};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: PlanCommand,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Validate a plan file and store it as the workspace's plan (all or nothing).
    Apply {
        /// The plan file (YAML; see docs/plan-format.md).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the stored plan as canonical YAML (it re-applies to the same plan).
    Show {
        /// Write it to this file instead (replaced whole, never half-written).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        PlanCommand::Apply { file, json } => apply(choice, file, *json),
        PlanCommand::Show { out } => show(choice, out.as_deref()),
    }
}

fn apply(choice: &WorkspaceChoice, file: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let mut workspace = super::open(choice)?;
    let report = match apply_plan(&mut workspace, file) {
        Ok(report) => report,
        Err(error) => anyhow::bail!("{error}\nthe stored plan is unchanged"),
    };
    let mut out = std::io::stdout().lock();
    if as_json {
        json(&mut out, &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "applied {}: {} zones, {} rules",
        file.display(),
        report.zones,
        report.rules
    )?;
    for warning in &report.warnings {
        writeln!(out, "  warning: {warning}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(choice: &WorkspaceChoice, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let workspace = super::open_to_read(choice)?;
    let Some(text) = show_plan(&workspace)? else {
        eprintln!(
            "error: workspace {} has no plan yet\n  hint: `blastwall plan apply FILE` stores one",
            workspace.path()
        );
        return Ok(ExitCode::FAILURE);
    };
    match out {
        Some(path) => {
            write_file_atomically(path, &text)
                .map_err(|e| anyhow::anyhow!("{}: cannot write it ({e})", path.display()))?;
            eprintln!("wrote the plan to {}", path.display());
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
