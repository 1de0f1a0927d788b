//! The command line: one file per subcommand. `main -> ExitCode`, `run -> anyhow::Result`.

mod blast;
mod check;
mod export;
mod flows;
mod guardrails;
mod history;
mod import;
mod imports;
mod lint;
mod output;
mod plan;
mod rollout;
mod scenario;
mod simulate;
mod stats;
mod tui;
mod workloads;

use std::io::ErrorKind;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// Only flows seen at or after TIME: a date (2025-11-17, UTC), an RFC 3339 time, or a
    /// duration back from the newest flow in the workspace (90m, 12h, 30d, 2w).
    #[arg(long, global = true, value_name = "TIME")]
    pub since: Option<String>,
    /// Only flows seen at or before TIME (a date counts to its end, 23:59:59 UTC); as --since.
    #[arg(long, global = true, value_name = "TIME")]
    pub until: Option<String>,
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
    /// Scenarios: named copies of the plan to try changes on (list, new, switch, rename,
    /// delete, promote, diff).
    Scenario(scenario::Args),
    /// Every recorded change to the plan and the workspace, newest first: when, who, what.
    History(history::Args),
    /// Undo the newest plan change of the active scenario.
    Undo,
    /// Redo the plan change undone last in the active scenario.
    Redo,
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
    set_window_args(cli.since.clone(), cli.until.clone());
    match cli.command {
        None | Some(Command::Tui) => tui::run(&choice, cli.theme.as_deref(), cli.test_panic_key),
        Some(Command::Import(args)) => import::run(&choice, &args),
        Some(Command::Imports(args)) => imports::run(&choice, &args),
        Some(Command::Stats(args)) => stats::run(&open_flows(&choice)?, &args),
        Some(Command::Workloads(args)) => workloads::run(&open_plan_flows(&choice)?, &args),
        Some(Command::Flows(args)) => flows::run(&open_flows(&choice)?, &args),
        Some(Command::Plan(args)) => plan::run(&choice, &args),
        Some(Command::Simulate(args)) => simulate::run(&open_plan_flows(&choice)?, &args),
        Some(Command::Blast(args)) => blast::run(&open_plan_flows(&choice)?, &args),
        Some(Command::Lint(args)) => lint::run(&choice, &args),
        Some(Command::Export(args)) => export::run(&choice, &args),
        Some(Command::Check(args)) => check::run(&choice, &args),
        Some(Command::Rollout(args)) => rollout::run(&choice, &args),
        Some(Command::Scenario(args)) => scenario::run(&choice, &args),
        Some(Command::History(args)) => history::run(&choice, &args),
        Some(Command::Undo) => history::undo(&choice),
        Some(Command::Redo) => history::redo(&choice),
    }
}

/// `--since` and `--until` of this run (set once by [`run`]).
#[derive(Debug, Clone, Default)]
struct WindowArgs {
    since: Option<String>,
    until: Option<String>,
}

static WINDOW_ARGS: Mutex<WindowArgs> = Mutex::new(WindowArgs {
    since: None,
    until: None,
});

/// Whether the active-scenario note was printed in this run.
static SCENARIO_NOTED: AtomicBool = AtomicBool::new(false);

fn set_window_args(since: Option<String>, until: Option<String>) {
    let mut args = WINDOW_ARGS.lock().unwrap_or_else(|e| e.into_inner());
    *args = WindowArgs { since, until };
}

fn window_args() -> WindowArgs {
    WINDOW_ARGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Narrows the workspace's flows to `--since`/`--until` and says so on stderr. Every command
/// that reads flows calls this once after opening the workspace.
pub(crate) fn narrow(workspace: &mut Workspace) -> anyhow::Result<()> {
    let args = window_args();
    let narrowed =
        crate::ops::window::narrow(workspace, args.since.as_deref(), args.until.as_deref());
    match narrowed {
        Ok(Some((window, report))) => {
            eprintln!("note: {}", crate::ops::window::note(&window, &report));
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(crate::ops::window::WindowError::Input(message)) => anyhow::bail!("{message}"),
        Err(error) => Err(error.into()),
    }
}

/// Prints, once per run, that a scenario other than the baseline is active. Every command that
/// reads the plan calls this.
pub(crate) fn note_scenario(workspace: &Workspace) -> anyhow::Result<()> {
    if let Some(note) = crate::ops::scenario::active_note(workspace)? {
        if !SCENARIO_NOTED.swap(true, Ordering::Relaxed) {
            eprintln!("note: {note}");
        }
    }
    Ok(())
}

/// [`open_to_read`], narrowed to the time window.
pub(crate) fn open_flows(choice: &WorkspaceChoice) -> anyhow::Result<Workspace> {
    let mut workspace = open_to_read(choice)?;
    narrow(&mut workspace)?;
    Ok(workspace)
}

/// [`open_flows`] for a command that also reads the plan (it notes the active scenario).
pub(crate) fn open_plan_flows(choice: &WorkspaceChoice) -> anyhow::Result<Workspace> {
    let workspace = open_flows(choice)?;
    note_scenario(&workspace)?;
    Ok(workspace)
}

/// Opens an existing workspace to change it; one that does not exist has nothing to change.
pub(crate) fn open_existing(choice: &WorkspaceChoice, what: &str) -> anyhow::Result<Workspace> {
    if !choice.path.exists() {
        anyhow::bail!(
            "workspace {} does not exist yet, so it has no {what}\n  hint: `blastwall import PATH` \
             creates it, `blastwall plan apply FILE` stores a plan",
            choice.path.display()
        );
    }
    open(choice)
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
