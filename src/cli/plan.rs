//! `blastwall plan`: apply a plan file (validate and store it) and show the stored plan.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::output::json;
use crate::analysis::suggest::Granularity;
use crate::ops::WorkspaceChoice;
use crate::ops::plan::{apply_plan, show_plan, write_file_atomically};
use crate::ops::suggest::{radius_line, suggest_plan};

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
    /// Draft a plan from the data: zones from the flow graph, rules from observed flows, baseline
    /// services. Never applied by itself.
    Suggest {
        /// How broadly rules between zones are drawn: `app` (application to application, by
        /// tier where an application has tiers; the default) or `zone` (zone to zone: fewer
        /// rules, wider blast radius).
        #[arg(long, value_name = "zone|app", default_value = "app", value_parser = parse_granularity)]
        granularity: Granularity,
        /// Write the draft to this file (replaced whole, never half-written) and print a summary;
        /// without it the draft goes to standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
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
        PlanCommand::Suggest { granularity, out } => suggest(choice, *granularity, out.as_deref()),
    }
}

fn apply(choice: &WorkspaceChoice, file: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let mut workspace = super::open(choice)?;
    super::note_scenario(&workspace)?;
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
    super::note_scenario(&workspace)?;
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

fn parse_granularity(text: &str) -> Result<Granularity, String> {
    Granularity::parse(text).ok_or_else(|| format!("expected zone or app, found {text}"))
}

fn suggest(
    choice: &WorkspaceChoice,
    granularity: Granularity,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let workspace = super::open_flows(choice)?;
    let report = suggest_plan(&workspace, granularity)?;
    if report.suggestion.plan.zones.is_empty() {
        eprintln!(
            "error: workspace {} has no workloads to zone\n  hint: import an inventory and flows \
             first (`blastwall import PATH`)",
            workspace.path()
        );
        return Ok(ExitCode::FAILURE);
    }
    let Some(path) = out else {
        std::io::stdout().lock().write_all(report.yaml.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    };
    write_file_atomically(path, &report.yaml)
        .map_err(|e| anyhow::anyhow!("{}: cannot write it ({e})", path.display()))?;
    let s = &report.suggestion;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "wrote a draft plan to {}: {} zones, {} rules from observed flows, {} baseline rules",
        path.display(),
        s.plan.zones.len(),
        s.flow_rules,
        s.baseline_rules
    )?;
    writeln!(
        stdout,
        "it allows all {} observed accepted flows ({} denied)",
        report.evaluated, report.denied
    )?;
    writeln!(stdout, "\nblast radius (mean / max workloads reachable):")?;
    for summary in &report.radius {
        writeln!(stdout, "  {}", radius_line(summary))?;
    }
    writeln!(stdout, "\nzones:")?;
    for zone in &s.zones {
        writeln!(
            stdout,
            "  {} ({}, {} workloads): {}",
            zone.zone.name,
            zone.zone.sensitivity.as_str(),
            zone.workloads,
            zone.zone.description.as_deref().unwrap_or("")
        )?;
    }
    writeln!(
        stdout,
        "\nreview it, then: blastwall plan apply {}",
        path.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
