//! The CI drift gate as a use case: the plan (a file, else the stored one) against the
//! workspace's flows plus any flow files given, which are imported into a temporary copy of the
//! workspace so that the workspace itself is never written. Returns what failed; prints nothing.

use std::path::{Path, PathBuf};

use super::import::{ImportError, ImportOptions, ImportProgress, ImportReport, import_paths};
use super::lint::{LintError, read_plan_file};
use crate::analysis::ResolvedEstate;
use crate::analysis::guardrails::{GuardrailStatus, check_guardrails};
use crate::analysis::lint::{Finding, Severity, lint};
use crate::analysis::simulate::{Simulation, Verdict, simulate};
use crate::analysis::zones::{ZoneMap, assign_zones};
use crate::model::plan::Plan;
use crate::store::{StoreError, Workspace};

/// What to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions<'a> {
    /// Check this plan file (read, never stored) instead of the stored plan.
    pub plan_file: Option<&'a Path>,
    /// Flow files or directories counted with the workspace's flows.
    pub flows: &'a [PathBuf],
}

/// Why the check could not run. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// No plan file and no stored plan.
    #[error("no plan in workspace {workspace}")]
    NoPlan { workspace: String },
    /// The plan file cannot be read or does not validate.
    #[error(transparent)]
    Plan(LintError),
    /// A flow file failed to import.
    #[error("{0}\nnothing was checked; the workspace is unchanged")]
    Import(ImportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The temporary copy of the workspace cannot be made.
    #[error("cannot make a temporary copy of the workspace ({0})")]
    Temporary(std::io::Error),
}

/// What the check found.
pub struct CheckReport {
    pub plan: Plan,
    /// The workspace's estate with the flow files added.
    pub estate: ResolvedEstate,
    pub zones: ZoneMap,
    pub simulation: Simulation,
    /// Service edges (indices into `estate.service_edges`) the plan denies.
    pub uncovered: Vec<usize>,
    /// Enabled rules, baseline ones aside, that match no flow.
    pub unused_rules: Vec<usize>,
    /// The broken guardrails.
    pub guardrails: Vec<GuardrailStatus>,
    /// The high-severity lint findings.
    pub findings: Vec<Finding>,
    /// What importing the flow files did, when some were given.
    pub imported: Option<ImportReport>,
}

impl CheckReport {
    /// Whether the gate passes: unused rules fail it only when `strict`.
    pub fn passed(&self, strict: bool) -> bool {
        self.uncovered.is_empty()
            && self.guardrails.is_empty()
            && self.findings.is_empty()
            && (!strict || self.unused_rules.is_empty())
    }
}

/// Checks the plan against the workspace and the flow files. The workspace is only read: flow
/// files go into a copy in a temporary directory, removed before returning.
pub fn check(workspace: &Workspace, options: CheckOptions) -> Result<CheckReport, CheckError> {
    let plan = match options.plan_file {
        Some(path) => read_plan_file(path).map_err(CheckError::Plan)?,
        None => workspace
            .load_plan()?
            .map(|(plan, _)| plan)
            .ok_or_else(|| CheckError::NoPlan {
                workspace: workspace.path().to_string(),
            })?,
    };
    if options.flows.is_empty() {
        return Ok(evaluate(plan, super::load_resolved(workspace)?, None));
    }
    let (estate, imported) = with_flows(workspace, options.flows)?;
    Ok(evaluate(plan, estate, Some(imported)))
}

/// The estate of a temporary copy of the workspace with the flow files imported.
fn with_flows(
    workspace: &Workspace,
    flows: &[PathBuf],
) -> Result<(ResolvedEstate, ImportReport), CheckError> {
    let dir = tempfile::Builder::new()
        .prefix("blastwall-check-")
        .tempdir()
        .map_err(CheckError::Temporary)?;
    let path = dir.path().join("check.blastwall");
    workspace.copy_to(&path)?;
    let result = {
        let mut copy = Workspace::open(&path)?;
        copy.set_window(workspace.window());
        let progress = ImportProgress::default();
        import_paths(&mut copy, flows, ImportOptions::default(), &progress)
            .map_err(CheckError::Import)
            .and_then(|report| Ok((super::load_resolved(&copy)?, report)))
    };
    dir.close().map_err(CheckError::Temporary)?;
    result
}

/// Simulation, guardrails, unused rules and high findings of a plan against an estate.
pub fn evaluate(plan: Plan, estate: ResolvedEstate, imported: Option<ImportReport>) -> CheckReport {
    let zones = assign_zones(&plan, &estate);
    let simulation = simulate(&plan, &estate, &zones);
    let uncovered = (simulation.verdicts.iter().enumerate())
        .filter(|(_, v)| **v == Verdict::Denied)
        .map(|(i, _)| i)
        .collect();
    let unused_rules = (simulation.unused_rules(&plan).into_iter())
        .filter(|&r| !plan.rules[r].baseline)
        .collect();
    let guardrails = check_guardrails(&plan, &estate, &zones, &simulation)
        .into_iter()
        .filter(GuardrailStatus::is_broken)
        .collect();
    let findings = lint(&plan, &estate, &zones, &simulation)
        .into_iter()
        .filter(|f| f.severity == Severity::High)
        .collect();
    CheckReport {
        plan,
        estate,
        zones,
        simulation,
        uncovered,
        unused_rules,
        guardrails,
        findings,
        imported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn no_plan_and_a_bad_plan_file_are_errors() -> TestResult {
        let workspace = Workspace::in_memory()?;
        let result = check(&workspace, CheckOptions::default());
        assert!(matches!(result, Err(CheckError::NoPlan { .. })));
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("plan.yaml");
        std::fs::write(&path, "version: 1\nzones: 3\n")?;
        let options = CheckOptions {
            plan_file: Some(&path),
            ..CheckOptions::default()
        };
        let error = check(&workspace, options).err().ok_or("an error")?;
        assert!(error.to_string().contains("plan.yaml:2"), "{error}");
        Ok(())
    }

    #[test]
    fn an_empty_estate_passes_an_empty_plan() -> TestResult {
        let workspace = Workspace::in_memory()?;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("plan.yaml");
        std::fs::write(
            &path,
            "version: 1\nrules:\n  - {name: web, from: {cidr: 10.0.0.0/24}, to: {cidr: 10.0.1.0/24}, \
             ports: [tcp/443]}\n  - {name: dns, from: {cidr: 10.0.0.0/24}, to: {cidr: \
             10.0.2.0/24}, ports: [udp/53], baseline: true}\n",
        )?;
        let options = CheckOptions {
            plan_file: Some(&path),
            ..CheckOptions::default()
        };
        let report = check(&workspace, options)?;
        assert!(report.uncovered.is_empty() && report.guardrails.is_empty());
        assert_eq!(report.unused_rules, [0], "the baseline rule is not listed");
        assert!(report.passed(false) && !report.passed(true));
        Ok(())
    }

    #[test]
    fn a_missing_flow_file_is_an_import_error() -> TestResult {
        let workspace = Workspace::in_memory()?;
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("plan.yaml");
        std::fs::write(&path, "version: 1\n")?;
        let flows = [dir.path().join("none.log")];
        let options = CheckOptions {
            plan_file: Some(&path),
            flows: &flows,
        };
        let result = check(&workspace, options);
        assert!(matches!(result, Err(CheckError::Import(_))));
        Ok(())
    }
}
