//! The command line: one file per subcommand. `main -> ExitCode`, `run -> anyhow::Result`.

mod blast;
mod check;
mod export;
mod flows;
mod guardrails;
mod import;
mod imports;
mod lint;
mod output;
mod plan;
mod rollout;
mod simulate;
mod stats;
mod tui;
mod workloads;

use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::ops::{WorkspaceChoice, choose_workspace};
use crate::store::Workspace;

/// Plan zero-trust network micro-segmentation from observed flows.
#[derive(Debug, Parser)]
#[command(name = "blastwall", version, about, long_about = None)]
pub struct Cli {
    /// The workspace file (SQLite). Default: default.blastwall in the platform data directory.
    #[arg(
        short = 'w',
        long,
        global = true,
        env = "BLASTWALL_WORKSPACE",
        value_name = "PATH"
    )]
    pub workspace: Option<PathBuf>,
    /// The workbench's colour theme: dark (the default), light, high-contrast, colour-blind, or
    /// NAME.toml in the config directory's themes/. Else `theme` in config.toml. NO_COLOR is honoured.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Test hook, hidden: the workbench panics when this key is pressed, so the end-to-end tests
    /// (tests/tui_pty.rs) can check that a panic restores the terminal. Not for normal use.
    #[arg(long, hide = true, value_name = "KEY")]
    pub test_panic_key: Option<char>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import inventories, topology and flow logs (files or directories; .gz read transparently).
    Import(import::Args),
    /// List imported files, or remove some (and all they brought) from the workspace.
    Imports(imports::Args),
    /// The headline figures of the workspace.
    Stats(stats::Args),
    /// List workloads after merging and resolution.
    Workloads(workloads::Args),
    /// List observed service edges.
    Flows(flows::Args),
    /// Apply a plan file (zones and allow rules) or show the stored plan.
    Plan(plan::Args),
    /// Simulate default-deny: which observed flows the plan allows, which it would break.
    Simulate(simulate::Args),
    /// Blast radius: how far a breach of one workload could spread (observed, planned, flat).
    Blast(blast::Args),
    /// Review the plan for zero-trust anti-patterns (exit status 1 on a high finding, 2 on error).
    Lint(lint::Args),
    /// The rollout phases: what each changes (denied flows, blast radius), their exit criteria
    /// and guardrails; `suggest-order`, `tick`.
    Rollout(rollout::Args),
    /// CI drift gate: flows the plan does not cover, broken guardrails, unused rules, high lint findings (exit 1; 2 on error).
    Check(check::Args),
    /// Write the deliverables: zone map, flow-to-policy matrix, rollout plan (Markdown, YAML, CSV, Mermaid).
    Export(export::Args),
    /// Open the workbench (the default when no command is given).
    Tui,
}

/// Parses the arguments and runs; errors print to stderr with exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == ErrorKind::BrokenPipe)
    })
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let choice = choose_workspace(cli.workspace.as_deref()).map_err(anyhow::Error::msg)?;
    match cli.command {
        None | Some(Command::Tui) => tui::run(&choice, cli.theme.as_deref(), cli.test_panic_key),
        Some(Command::Import(args)) => import::run(&choice, &args),
        Some(Command::Imports(args)) => imports::run(&choice, &args),
        Some(Command::Stats(args)) => stats::run(&open_to_read(&choice)?, &args),
        Some(Command::Workloads(args)) => workloads::run(&open_to_read(&choice)?, &args),
        Some(Command::Flows(args)) => flows::run(&open_to_read(&choice)?, &args),
        Some(Command::Plan(args)) => plan::run(&choice, &args),
        Some(Command::Simulate(args)) => simulate::run(&open_to_read(&choice)?, &args),
        Some(Command::Blast(args)) => blast::run(&open_to_read(&choice)?, &args),
        Some(Command::Lint(args)) => lint::run(&choice, &args),
        Some(Command::Export(args)) => export::run(&choice, &args),
        Some(Command::Check(args)) => check::run(&choice, &args),
        Some(Command::Rollout(args)) => rollout::run(&choice, &args),
    }
}

/// Opens the chosen workspace for reading. One that does not exist yet reads as empty and is not
/// created (so the first workbench run still opens the demo).
pub(crate) fn open_to_read(choice: &WorkspaceChoice) -> anyhow::Result<Workspace> {
    if choice.path.exists() {
        return Ok(Workspace::open(&choice.path)?);
    }
    eprintln!(
        "note: workspace {} does not exist yet; `blastwall import` creates it",
        choice.path.display()
    );
    Ok(Workspace::in_memory()?)
}

/// Opens (creating if needed) the chosen workspace.
pub(crate) fn open(choice: &WorkspaceChoice) -> anyhow::Result<Workspace> {
    crate::ops::workspace::ensure_parent(&choice.path)?;
    Ok(Workspace::open(&choice.path)?)
}
