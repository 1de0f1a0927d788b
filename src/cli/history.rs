//! `blastwall history`, `blastwall undo`, `blastwall redo`: the audit trail and the undo stack
//! of the active scenario.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{json, table};
use crate::model::time::rfc3339;
use crate::ops::WorkspaceChoice;
use crate::ops::history::{history, redo as redo_change, undo as undo_change};
use crate::store::HistoryEntry;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// Only the newest N changes.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// One change as `history --json` prints it.
#[derive(Debug, Serialize)]
struct EntryJson<'a> {
    id: i64,
    /// RFC 3339, UTC.
    at: String,
    user: &'a str,
    scenario: &'a str,
    action: &'a str,
    summary: &'a str,
    undone: bool,
}

impl<'a> EntryJson<'a> {
    fn new(entry: &'a HistoryEntry) -> EntryJson<'a> {
        EntryJson {
            id: entry.id,
            at: rfc3339(entry.at),
            user: &entry.user,
            scenario: &entry.scenario,
            action: &entry.action,
            summary: &entry.summary,
            undone: entry.undone,
        }
    }
}

pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    let workspace = super::open_to_read(choice)?;
    let entries = history(&workspace, args.limit)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let entries: Vec<EntryJson> = entries.iter().map(EntryJson::new).collect();
        json(&mut out, &entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        writeln!(
            out,
            "no changes recorded in workspace {}",
            choice.path.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let summary = match e.undone {
                true => format!("{} (undone)", e.summary),
                false => e.summary.clone(),
            };
            vec![
                e.id.to_string(),
                rfc3339(e.at),
                e.user.clone(),
                e.scenario.clone(),
                e.action.clone(),
                summary,
            ]
        })
        .collect();
    table(
        &mut out,
        &["ID", "WHEN (UTC)", "WHO", "SCENARIO", "ACTION", "SUMMARY"],
        &rows,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `blastwall undo`. Nothing to undo is not an error: a note on stderr, exit status 0.
pub fn undo(choice: &WorkspaceChoice) -> anyhow::Result<ExitCode> {
    step(choice, true)
}

/// `blastwall redo`. Nothing to redo is not an error: a note on stderr, exit status 0.
pub fn redo(choice: &WorkspaceChoice) -> anyhow::Result<ExitCode> {
    step(choice, false)
}

fn step(choice: &WorkspaceChoice, undo: bool) -> anyhow::Result<ExitCode> {
    let (verb, noun) = if undo {
        ("undid", "undo")
    } else {
        ("redid", "redo")
    };
    let mut workspace = super::open_existing(choice, &format!("changes to {noun}"))?;
    let scenario = workspace.active_scenario()?;
    let done = match undo {
        true => undo_change(&mut workspace)?,
        false => redo_change(&mut workspace)?,
    };
    match done {
        Some(entry) => writeln!(
            std::io::stdout().lock(),
            "{verb} #{} in scenario {scenario}: {}: {} ({} at {})",
            entry.id,
            entry.action,
            entry.summary,
            entry.user,
            rfc3339(entry.at)
        )?,
        None => eprintln!(
            "note: nothing to {noun} in scenario {scenario}\n  hint: `blastwall history` lists the changes"
        ),
    }
    Ok(ExitCode::SUCCESS)
}
