//! The plan file in and out: validate and store a plan (all or nothing), show the stored plan as
//! canonical YAML, write it to a file.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::analysis::references::unknown_references;
use crate::export::plan_yaml::plan_to_yaml;
use crate::ingest::InputError;
use crate::ingest::plan::parse_plan;
use crate::model::plan::Plan;
use crate::store::{StoreError, Workspace};

/// Why a plan was not applied. The stored plan is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Input(InputError),
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an applied plan holds, and selectors that name nothing in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanReport {
    pub zones: usize,
    pub rules: usize,
    pub warnings: Vec<String>,
}

/// Reads, validates and stores the plan file at `path`, replacing the stored plan. The file's
/// absolute path is kept with it (the workbench writes the plan back there). On any error
/// nothing is stored.
pub fn apply_plan(workspace: &mut Workspace, path: &Path) -> Result<PlanReport, PlanError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| PlanError::File {
        path: name.clone(),
        message: format!("cannot read it ({e})"),
    })?;
    let text = utf8(bytes, &name)?;
    let plan = parse_plan(&text, &name).map_err(PlanError::Input)?;
    let warnings = unknown_references(&plan, &super::load_resolved(workspace)?);
    let source = std::fs::canonicalize(path).map_or(name, |p| p.display().to_string());
    let summary = format!(
        "applied {source}: {} zones, {} rules",
        plan.zones.len(),
        plan.rules.len()
    );
    workspace.save_plan(
        &plan,
        Some(&source),
        &super::history::change("plan apply", summary),
    )?;
    Ok(PlanReport {
        zones: plan.zones.len(),
        rules: plan.rules.len(),
        warnings,
    })
}

fn utf8(bytes: Vec<u8>, name: &str) -> Result<String, PlanError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let error = InputError::new("UTF-8 text", "invalid UTF-8")
            .hint("save the plan file as UTF-8")
            .at(name, u64::try_from(line).ok());
        PlanError::Input(error)
    })
}

/// The stored plan as canonical YAML, if a plan is stored.
pub fn show_plan(workspace: &Workspace) -> Result<Option<String>, StoreError> {
    Ok(workspace.load_plan()?.map(|(plan, _)| plan_to_yaml(&plan)))
}

/// Writes a plan to a file as canonical YAML (see [`write_file_atomically`]).
pub fn write_plan_file(plan: &Plan, path: &Path) -> io::Result<()> {
    write_file_atomically(path, &plan_to_yaml(plan))
}

/// Writes text to a temporary file next to `path` and renames it into place, so that the file is
/// either the old one or the whole new one.
pub fn write_file_atomically(path: &Path, text: &str) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let write = || -> io::Result<()> {
        let mut file = File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    };
    let result = write();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const PLAN: &str = "version: 1\nzones:\n  - name: db\n    members:\n      - workload: db-01\n";

    #[test]
    fn applies_warns_and_shows() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("plan.yaml");
        std::fs::write(&path, PLAN)?;
        let mut workspace = Workspace::in_memory()?;
        let report = apply_plan(&mut workspace, &path)?;
        assert_eq!((report.zones, report.rules), (1, 0));
        assert_eq!(
            report.warnings,
            ["zone db, member 1: workload: db-01 matches no workload"]
        );
        let shown = show_plan(&workspace)?.ok_or("a stored plan")?;
        assert!(shown.starts_with("version: 1\n"), "{shown}");
        let (_, source) = workspace.load_plan()?.ok_or("a stored plan")?;
        assert_eq!(
            source,
            Some(std::fs::canonicalize(&path)?.display().to_string())
        );
        Ok(())
    }

    #[test]
    fn a_bad_file_changes_nothing() -> TestResult {
        let dir = tempfile::tempdir()?;
        let (good, bad) = (dir.path().join("good.yaml"), dir.path().join("bad.yaml"));
        std::fs::write(&good, PLAN)?;
        std::fs::write(&bad, b"version: 1\nzones:\n  - name: \xff\n")?;
        let mut workspace = Workspace::in_memory()?;
        apply_plan(&mut workspace, &good)?;
        let before = show_plan(&workspace)?;
        let error = apply_plan(&mut workspace, &bad)
            .err()
            .ok_or("expected an error")?;
        assert!(
            error
                .to_string()
                .contains("bad.yaml:3: expected UTF-8 text"),
            "{error}"
        );
        let missing = apply_plan(&mut workspace, &dir.path().join("none.yaml"));
        assert!(matches!(missing, Err(PlanError::File { .. })));
        assert_eq!(show_plan(&workspace)?, before);
        Ok(())
    }

    #[test]
    fn writes_files_whole() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("out.yaml");
        std::fs::write(&path, "old")?;
        write_plan_file(&Plan::default(), &path)?;
        let text = std::fs::read_to_string(&path)?;
        assert!(text.starts_with("version: 1\n"), "{text}");
        assert_eq!(
            std::fs::read_dir(dir.path())?.count(),
            1,
            "no temporary file left"
        );
        Ok(())
    }
}
