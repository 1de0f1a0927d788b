//! `plan suggest`: a draft plan from the workspace's data, with what it buys in blast radius.

use std::fmt::Write as _;

use crate::analysis::ResolvedEstate;
use crate::analysis::blast::{Blast, Mode, RadiusSummary};
use crate::analysis::simulate::simulate;
use crate::analysis::suggest::{Granularity, Suggestion, suggest};
use crate::export::plan_yaml::plan_to_yaml;
use crate::store::{StoreError, Workspace};

/// A suggested plan, its file text, and its effect.
pub struct SuggestReport {
    pub suggestion: Suggestion,
    /// Flat, observed, planned.
    pub radius: [RadiusSummary; 3],
    /// Observed accepted flows the draft would deny (0 by construction).
    pub denied: u64,
    pub evaluated: u64,
    /// The plan file: a commented header, then the plan in canonical form.
    pub yaml: String,
}

pub fn suggest_plan(
    workspace: &Workspace,
    granularity: Granularity,
) -> Result<SuggestReport, StoreError> {
    let estate = super::load_resolved(workspace)?;
    Ok(suggest_for(&estate, granularity))
}

/// The draft for a resolved estate.
pub fn suggest_for(estate: &ResolvedEstate, granularity: Granularity) -> SuggestReport {
    let suggestion = suggest(estate, granularity);
    let zones = &suggestion.zone_map;
    let simulation = simulate(&suggestion.plan, estate, zones);
    let blast = Blast::new(&suggestion.plan, estate, zones);
    let radius = [Mode::Flat, Mode::Observed, Mode::Planned].map(|mode| blast.summary(mode));
    let mut report = SuggestReport {
        suggestion,
        radius,
        denied: simulation.denied,
        evaluated: simulation.evaluated,
        yaml: String::new(),
    };
    report.yaml = header(&report, granularity) + &plan_to_yaml(&report.suggestion.plan);
    report
}

/// Stores a suggested plan as a new scenario named `suggested` (or `suggested-2`…), copied
/// from the active one and then replaced by the draft, and makes it active; with no plan at all
/// yet, the draft becomes the baseline. Either way one undoable change in the history. Returns
/// where it went.
pub fn store_as_scenario(
    workspace: &mut Workspace,
    report: &SuggestReport,
) -> Result<String, StoreError> {
    let summary = format!(
        "suggested plan: {} zones, {} rules from observed flows",
        report.suggestion.plan.zones.len(),
        report.suggestion.flow_rules
    );
    let change = super::history::change("plan suggest", summary);
    if workspace.load_plan()?.is_none() {
        workspace.save_plan(&report.suggestion.plan, None, &change)?;
        return Ok(super::scenario::BASELINE.to_string());
    }
    let taken: Vec<String> = workspace.scenarios()?.into_iter().map(|s| s.name).collect();
    let name = std::iter::once("suggested".to_string())
        .chain((2..).map(|n| format!("suggested-{n}")))
        .find(|n| !taken.contains(n))
        .unwrap_or_default();
    super::scenario::create(workspace, &name, None)?;
    workspace.save_plan(&report.suggestion.plan, None, &change)?;
    Ok(name)
}

fn granularity_name(granularity: Granularity) -> &'static str {
    match granularity {
        Granularity::Zone => "zone",
        Granularity::App => "app",
    }
}

/// Comment lines that say where the draft came from and what it buys. No clock: the same
/// workspace gives the same bytes.
fn header(report: &SuggestReport, granularity: Granularity) -> String {
    let s = &report.suggestion;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Draft plan from `blastwall plan suggest --granularity {}`: review it, then",
        granularity_name(granularity)
    );
    let _ = writeln!(
        out,
        "# `blastwall plan apply FILE`. Every rule is `status: proposed` with its evidence."
    );
    let _ = writeln!(
        out,
        "# {} zones, {} rules from observed flows, {} baseline rules; of {} observed accepted",
        s.plan.zones.len(),
        s.flow_rules,
        s.baseline_rules,
        report.evaluated
    );
    let _ = writeln!(out, "# flows it denies {}.", report.denied);
    let _ = writeln!(
        out,
        "# Blast radius, workloads reachable from one breached workload (mean / max):"
    );
    for summary in &report.radius {
        let _ = writeln!(out, "#   {}", radius_line(summary));
    }
    out
}

/// `planned    25.1 / 130` with a note when sampled.
pub fn radius_line(summary: &RadiusSummary) -> String {
    let sampled = if summary.measured < summary.workloads {
        format!(
            " (over {} of {} workloads)",
            summary.measured, summary.workloads
        )
    } else {
        String::new()
    };
    format!(
        "{:<9}{:>9.1} / {}{}",
        summary.mode.as_str(),
        summary.mean,
        summary.max,
        sampled
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{ImportOptions, ImportProgress, import_paths};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn a_suggestion_becomes_the_baseline_then_a_scenario_each_time() -> TestResult {
        let demo =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-estates/northwind");
        let mut workspace = Workspace::in_memory()?;
        let progress = ImportProgress::default();
        import_paths(&mut workspace, &[demo], ImportOptions::default(), &progress)?;
        let report = suggest_plan(&workspace, Granularity::Zone)?;
        assert_eq!(store_as_scenario(&mut workspace, &report)?, "baseline");
        assert_eq!(
            workspace.load_plan()?.map(|(p, _)| p),
            Some(report.suggestion.plan.clone())
        );
        assert_eq!(store_as_scenario(&mut workspace, &report)?, "suggested");
        assert_eq!(store_as_scenario(&mut workspace, &report)?, "suggested-2");
        assert_eq!(workspace.active_scenario()?, "suggested-2");
        let history = workspace.history(Some(1))?;
        assert_eq!(
            history.first().map(|h| h.action.as_str()),
            Some("plan suggest")
        );
        assert!(
            crate::ops::history::undo(&mut workspace)?.is_some(),
            "the draft is undoable"
        );
        Ok(())
    }
}
