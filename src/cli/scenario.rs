//! `blastwall scenario`: named copies of the plan. `list`, `new`, `switch`, `rename`, `delete`,
//! `promote`, `diff`.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use super::output::{json, table};
use crate::model::time::rfc3339;
use crate::ops::WorkspaceChoice;
use crate::ops::scenario::{self, BASELINE, ScenarioInfo};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ScenarioCommand,
}

#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// The baseline (the stored plan) and every scenario; `*` marks the active one.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Copy the active scenario (or --from) into a new scenario and switch to it.
    New {
        /// Letters, digits, '-', '_' and '.'; not `baseline`.
        name: String,
        /// The scenario to copy (`baseline` is the stored plan). Default: the active one.
        #[arg(long, value_name = "NAME")]
        from: Option<String>,
    },
    /// Make NAME the active scenario: plan commands read and write it (`baseline` too).
    Switch { name: String },
    /// Rename a scenario (its undo history stays with the old name).
    Rename { old: String, new: String },
    /// Delete a scenario; deleting the active one makes the baseline active.
    Delete { name: String },
    /// Make a scenario's plan the baseline (undoable with `blastwall undo`), delete the scenario
    /// unless --keep, and make the baseline active.
    Promote {
        /// Default: the active scenario.
        name: Option<String>,
        /// Keep the scenario after promoting it.
        #[arg(long)]
        keep: bool,
    },
    /// Compare two scenarios on the same estate: zones, rules, flows allowed and denied, blast
    /// radius. Markdown, or --json.
    Diff {
        /// The scenario to compare from.
        a: String,
        /// The scenario to compare to. Default: the active one.
        b: Option<String>,
        /// Print JSON: {"a", "b", …the comparison}.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        ScenarioCommand::List { json } => list(choice, *json),
        ScenarioCommand::New { name, from } => create(choice, name, from.as_deref()),
        ScenarioCommand::Switch { name } => switch(choice, name),
        ScenarioCommand::Rename { old, new } => {
            let mut workspace = super::open_existing(choice, "scenarios")?;
            scenario::rename(&mut workspace, old, new)?;
            let active = workspace.active_scenario()? == *new;
            let note = if active { " (active)" } else { "" };
            writeln!(
                std::io::stdout().lock(),
                "renamed scenario {old} to {new}{note}"
            )?;
            Ok(ExitCode::SUCCESS)
        }
        ScenarioCommand::Delete { name } => {
            let mut workspace = super::open_existing(choice, "scenarios")?;
            let was_active = scenario::delete(&mut workspace, name)?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "deleted scenario {name}")?;
            if was_active {
                writeln!(out, "{BASELINE} is now active")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ScenarioCommand::Promote { name, keep } => promote(choice, name.as_deref(), *keep),
        ScenarioCommand::Diff { a, b, json } => diff(choice, a, b.as_deref(), *json),
    }
}

/// A scenario as `scenario list --json` prints it.
#[derive(Debug, Serialize)]
struct ScenarioJson<'a> {
    name: &'a str,
    active: bool,
    based_on: Option<&'a str>,
    /// RFC 3339, UTC.
    created_at: Option<String>,
    has_plan: bool,
    zones: usize,
    rules: usize,
}

impl<'a> ScenarioJson<'a> {
    fn new(info: &'a ScenarioInfo) -> ScenarioJson<'a> {
        ScenarioJson {
            name: &info.name,
            active: info.active,
            based_on: info.based_on.as_deref(),
            created_at: info.created_at.map(rfc3339),
            has_plan: info.has_plan,
            zones: info.zones,
            rules: info.rules,
        }
    }
}

fn list(choice: &WorkspaceChoice, as_json: bool) -> anyhow::Result<ExitCode> {
    let workspace = super::open_to_read(choice)?;
    let scenarios = scenario::list(&workspace)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        let entries: Vec<ScenarioJson> = scenarios.iter().map(ScenarioJson::new).collect();
        json(&mut out, &entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = scenarios
        .iter()
        .map(|s| {
            let counts = |n: usize| {
                if s.has_plan {
                    n.to_string()
                } else {
                    "-".into()
                }
            };
            vec![
                if s.active { "*".into() } else { String::new() },
                s.name.clone(),
                counts(s.zones),
                counts(s.rules),
                s.based_on.clone().unwrap_or_default(),
                s.created_at.map(rfc3339).unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "",
            "SCENARIO",
            "ZONES",
            "RULES",
            "BASED ON",
            "CREATED (UTC)",
        ],
        &rows,
    )?;
    Ok(ExitCode::SUCCESS)
}

fn create(choice: &WorkspaceChoice, name: &str, from: Option<&str>) -> anyhow::Result<ExitCode> {
    let mut workspace = super::open_existing(choice, "plan to copy")?;
    let from = scenario::create(&mut workspace, name, from)?;
    writeln!(
        std::io::stdout().lock(),
        "created scenario {name} from {from}; it is now active\n  plan commands (plan apply, \
         rollout tick, the workbench) change it; `blastwall scenario switch {BASELINE}` goes back"
    )?;
    Ok(ExitCode::SUCCESS)
}

fn switch(choice: &WorkspaceChoice, name: &str) -> anyhow::Result<ExitCode> {
    let mut workspace = super::open_existing(choice, "scenarios")?;
    let changed = scenario::switch(&mut workspace, name)?;
    let mut out = std::io::stdout().lock();
    match changed {
        true => writeln!(out, "switched to scenario {name}")?,
        false => writeln!(out, "scenario {name} is active already")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn promote(choice: &WorkspaceChoice, name: Option<&str>, keep: bool) -> anyhow::Result<ExitCode> {
    let mut workspace = super::open_existing(choice, "scenarios")?;
    let name = scenario::promote(&mut workspace, name, keep)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "promoted scenario {name} to {BASELINE}; {BASELINE} is now active"
    )?;
    if !keep {
        writeln!(out, "  scenario {name} was deleted (--keep keeps it)")?;
    }
    writeln!(out, "  `blastwall undo` takes the promotion back")?;
    Ok(ExitCode::SUCCESS)
}

fn diff(
    choice: &WorkspaceChoice,
    a: &str,
    b: Option<&str>,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let workspace = super::open_plan_flows(choice)?;
    let diff = scenario::diff(&workspace, a, b)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        json(&mut out, &diff.to_json()?)?;
        return Ok(ExitCode::SUCCESS);
    }
    out.write_all(diff.markdown().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
