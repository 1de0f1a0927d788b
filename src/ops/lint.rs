//! The plan reviewer as a use case: the stored plan, or a plan file (read, never stored), linted
//! against the workspace's estate.

use std::path::Path;

use crate::analysis::ResolvedEstate;
use crate::analysis::lint::{Finding, lint};
use crate::analysis::simulate::simulate;
use crate::analysis::zones::assign_zones;
use crate::ingest::InputError;
use crate::ingest::plan::parse_plan;
use crate::model::plan::Plan;
use crate::store::{StoreError, Workspace};

/// Why there is nothing to lint.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// No `--plan` file and no stored plan.
    #[error("no plan in workspace {workspace}")]
    NoPlan { workspace: String },
    /// The plan file does not parse or validate.
    #[error("{0}")]
    Input(InputError),
    /// The plan file cannot be read.
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Lints a plan against an estate: zones, simulation, then the checks.
pub fn lint_plan(plan: &Plan, estate: &ResolvedEstate) -> Vec<Finding> {
    let zones = assign_zones(plan, estate);
    let simulation = simulate(plan, estate, &zones);
    lint(plan, estate, &zones, &simulation)
}

/// Lints the plan file at `plan_file` if given, else the stored plan, against the workspace's
/// estate. Nothing is written.
pub fn lint_workspace(
    workspace: &Workspace,
    plan_file: Option<&Path>,
) -> Result<Vec<Finding>, LintError> {
    let plan = match plan_file {
        Some(path) => read_plan_file(path)?,
        None => workspace
            .load_plan()?
            .map(|(plan, _)| plan)
            .ok_or_else(|| LintError::NoPlan {
                workspace: workspace.path().to_string(),
            })?,
    };
    let estate = super::load_resolved(workspace)?;
    Ok(lint_plan(&plan, &estate))
}

/// Reads and validates a plan file, as `plan apply` does, without storing it.
pub fn read_plan_file(path: &Path) -> Result<Plan, LintError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LintError::File {
        path: name.clone(),
        message: format!("cannot read it ({e})"),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let error = InputError::new("UTF-8 text", "invalid UTF-8")
            .hint("save the plan file as UTF-8")
            .at(&name, u64::try_from(line).ok());
        LintError::Input(error)
    })?;
    parse_plan(&text, &name).map_err(LintError::Input)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn a_plan_file_is_linted_without_being_stored() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("flat.yaml");
        std::fs::write(&path, "version: 1\ndefaults: {east_west: allow}\n")?;
        let workspace = Workspace::in_memory()?;
        let findings = lint_workspace(&workspace, Some(&path))?;
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, "east-west-allow");
        assert!(workspace.load_plan()?.is_none());
        assert!(matches!(
            lint_workspace(&workspace, None),
            Err(LintError::NoPlan { .. })
        ));
        std::fs::write(&path, b"version: 1\nzones:\n  - name: \xff\n")?;
        let error = lint_workspace(&workspace, Some(&path))
            .err()
            .ok_or("an error")?;
        assert!(
            error
                .to_string()
                .contains("flat.yaml:3: expected UTF-8 text"),
            "{error}"
        );
        let missing = lint_workspace(&workspace, Some(&dir.path().join("none.yaml")));
        assert!(matches!(missing, Err(LintError::File { .. })));
        Ok(())
    }
}
