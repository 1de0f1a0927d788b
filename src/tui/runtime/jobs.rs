//! The work of the workshop jobs, run on worker threads: a scenario operation, a suggested plan
//! stored as a scenario, undo and redo with the recomputation they need. Each opens its own
//! workspace connection.

use std::path::Path;

use crate::analysis::ResolvedEstate;
use crate::analysis::suggest::Granularity;
use crate::ops;
use crate::store::{StoreError, Workspace};
use crate::tui::app::history::Step;
use crate::tui::app::scenarios::ScenarioOp;
use crate::tui::app::{JobProgress, PlanAnalysis};

use super::workers::{CANCELLED, one_line};

/// A scenario operation, as `blastwall scenario` runs it; what it did, for the status line.
pub(super) fn scenario_op(path: &Path, op: ScenarioOp) -> Result<String, String> {
    let mut workspace = Workspace::open(path).map_err(|e| one_line(&e.to_string()))?;
    let line = |e: StoreError| one_line(&e.to_string());
    match op {
        ScenarioOp::Switch(name) => {
            ops::scenario::switch(&mut workspace, &name).map_err(line)?;
            Ok(format!("scenario {name} is active"))
        }
        ScenarioOp::Create { name, from } => {
            ops::scenario::create(&mut workspace, &name, from.as_deref()).map_err(line)?;
            Ok(format!(
                "scenario {name} created and active — edits now go to it"
            ))
        }
        ScenarioOp::Rename { old, new } => {
            ops::scenario::rename(&mut workspace, &old, &new).map_err(line)?;
            Ok(format!("scenario {old} renamed {new}"))
        }
        ScenarioOp::Delete(name) => {
            ops::scenario::delete(&mut workspace, &name).map_err(line)?;
            Ok(format!("scenario {name} deleted"))
        }
        ScenarioOp::Promote(name) => {
            ops::scenario::promote(&mut workspace, Some(&name), false).map_err(line)?;
            Ok(format!("{name} is now the baseline (u undoes it)"))
        }
    }
}

/// `plan suggest` on the loaded estate, stored as a scenario unless cancelled first.
pub(super) fn suggest(
    path: &Path,
    estate: &ResolvedEstate,
    progress: &JobProgress,
) -> Result<String, String> {
    progress.stage("drawing zones from the flows");
    let report = ops::suggest::suggest_for(estate, Granularity::Zone);
    if !progress.stage("storing the scenario") {
        return Err("suggestion cancelled; nothing was stored".into());
    }
    let mut workspace = Workspace::open(path).map_err(|e| one_line(&e.to_string()))?;
    let name = ops::suggest::store_as_scenario(&mut workspace, &report)
        .map_err(|e| one_line(&e.to_string()))?;
    progress.stage("loading it");
    Ok(format!(
        "suggested plan ({} zones, {} rules) stored as {name} and active — c compares it",
        report.suggestion.plan.zones.len(),
        report.suggestion.plan.rules.len()
    ))
}

/// Undo or redo, then the restored plan's analysis and what was undone.
pub(super) fn step(
    path: &Path,
    step: Step,
    estate: &ResolvedEstate,
    progress: &JobProgress,
) -> Result<Option<(Box<PlanAnalysis>, String)>, String> {
    progress.stage("reading the history");
    let mut workspace = Workspace::open(path).map_err(|e| one_line(&e.to_string()))?;
    let entry = match step {
        Step::Undo => ops::history::undo(&mut workspace),
        Step::Redo => ops::history::redo(&mut workspace),
    }
    .map_err(|e| one_line(&e.to_string()))?;
    let Some(entry) = entry else {
        return Ok(None);
    };
    let stored = workspace
        .load_plan()
        .map_err(|e| one_line(&e.to_string()))?;
    let (plan, source) = stored.map_or((None, None), |(plan, source)| (Some(plan), source));
    let analysis = PlanAnalysis::compute_with(estate, plan, source, progress).ok_or(CANCELLED)?;
    Ok(Some((Box::new(analysis), entry.summary)))
}
