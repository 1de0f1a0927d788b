//! `export` as a use case: render the deliverables of the stored plan and write them into a
//! folder, atomically per file. Everything is rendered before anything is written; the files go
//! into a temporary folder inside the output folder, are renamed into place one by one, and the
//! temporary folder is removed. Nothing is written outside the output folder.

use std::fs;
use std::path::{Path, PathBuf};

use crate::analysis::simulate::simulate;
use crate::export::deliverables::{self, Context, Deliverable, UnknownTarget};
use crate::ops::plan_view::{PlanView, load_plan_view};
use crate::store::{StoreError, Workspace};

/// The output folder when none is given.
pub const DEFAULT_OUT: &str = "blastwall-export";

/// Why nothing (or not everything) was exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The workspace holds no plan.
    #[error("no plan in workspace {workspace}")]
    NoPlan { workspace: String },
    /// `--only` named something no target has.
    #[error(transparent)]
    UnknownTarget(#[from] UnknownTarget),
    /// Writing failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExportError {
    /// What to do about it, when there is something to say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ExportError::NoPlan { .. } => Some("blastwall plan apply FILE"),
            _ => None,
        }
    }

    fn io(path: &Path, source: std::io::Error) -> ExportError {
        ExportError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub name: String,
    pub path: PathBuf,
    pub bytes: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub out: PathBuf,
    pub files: Vec<WrittenFile>,
}

/// Renders the files `only` selects (target names or file names; none means all) from a loaded
/// plan view: (file name, text), in registry order. Writes nothing.
pub fn render_view(view: &PlanView, only: &[&str]) -> Result<Vec<(String, String)>, ExportError> {
    let files = deliverables::select(only)?;
    render_files(view, &files)
}

fn render_files(
    view: &PlanView,
    files: &[&Deliverable],
) -> Result<Vec<(String, String)>, ExportError> {
    let Some(plan) = &view.plan else {
        return Err(ExportError::NoPlan {
            workspace: String::new(),
        });
    };
    let simulation = simulate(plan, &view.estate, &view.zones);
    let ctx = Context::new(plan, &view.estate, &view.zones, &simulation);
    Ok(files.iter().flat_map(|f| f.files(&ctx)).collect())
}

/// One deliverable (`flow-matrix.csv`…) rendered to text without writing it: the workbench's
/// Export screen previews files with this. `name` is a file name or a target name (a target
/// gives its first file).
pub fn preview(view: &PlanView, name: &str) -> Result<String, ExportError> {
    let files = deliverables::select(&[name])?;
    let first = files.into_iter().take(1).collect::<Vec<_>>();
    let rendered = render_files(view, &first)?;
    Ok(rendered
        .into_iter()
        .next()
        .map(|(_, text)| text)
        .unwrap_or_default())
}

/// [`preview`] on the workspace's stored plan.
pub fn preview_workspace(workspace: &Workspace, name: &str) -> Result<String, ExportError> {
    deliverables::select(&[name])?;
    let view = load_plan_view(workspace)?;
    preview(&view, name).map_err(|e| with_workspace(e, workspace))
}

/// The file `--with-history` adds: the workspace's history as a Markdown table.
pub const HISTORY_FILE: &str = "history.md";

/// Renders the selected deliverables of the workspace's plan (the active scenario's), plus
/// [`HISTORY_FILE`] when `with_history`, and writes them into `out` (created if needed). An
/// unknown name or a missing plan writes nothing.
pub fn export_workspace(
    workspace: &Workspace,
    out: &Path,
    only: &[&str],
    with_history: bool,
) -> Result<ExportReport, ExportError> {
    let files = deliverables::select(only)?;
    let view = load_plan_view(workspace)?;
    let mut rendered = render_files(&view, &files).map_err(|e| with_workspace(e, workspace))?;
    if with_history {
        let history = super::history::history(workspace, None)?;
        let text = super::history::history_markdown(&history);
        rendered.push((HISTORY_FILE.to_string(), text));
    }
    write_files(out, &rendered)
}

fn with_workspace(error: ExportError, workspace: &Workspace) -> ExportError {
    match error {
        ExportError::NoPlan { .. } => ExportError::NoPlan {
            workspace: workspace.path().to_string(),
        },
        other => other,
    }
}

/// Writes the files into a temporary folder inside `out`, renames each into `out`, removes the
/// temporary folder. On an error the temporary folder is removed too.
pub fn write_files(out: &Path, files: &[(String, String)]) -> Result<ExportReport, ExportError> {
    fs::create_dir_all(out).map_err(|e| ExportError::io(out, e))?;
    let temp = out.join(format!(".blastwall-export-{}.tmp", std::process::id()));
    if temp.exists() {
        fs::remove_dir_all(&temp).map_err(|e| ExportError::io(&temp, e))?;
    }
    fs::create_dir(&temp).map_err(|e| ExportError::io(&temp, e))?;
    let written = stage_and_move(out, &temp, files);
    let removed = fs::remove_dir_all(&temp).map_err(|e| ExportError::io(&temp, e));
    let files = written?;
    removed?;
    Ok(ExportReport {
        out: out.to_path_buf(),
        files,
    })
}

fn stage_and_move(
    out: &Path,
    temp: &Path,
    files: &[(String, String)],
) -> Result<Vec<WrittenFile>, ExportError> {
    for (name, text) in files {
        let staged = temp.join(name);
        if let Some(parent) = staged.parent() {
            fs::create_dir_all(parent).map_err(|e| ExportError::io(parent, e))?;
        }
        fs::write(&staged, text).map_err(|e| ExportError::io(&staged, e))?;
    }
    let mut written = Vec::with_capacity(files.len());
    for (name, text) in files {
        let (staged, target) = (temp.join(name), out.join(name));
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| ExportError::io(parent, e))?;
        }
        fs::rename(&staged, &target).map_err(|e| ExportError::io(&target, e))?;
        written.push(WrittenFile {
            name: name.clone(),
            path: target,
            bytes: text.len() as u64,
        });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn unknown_target_and_missing_plan_write_nothing() -> TestResult {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("out");
        let workspace = Workspace::in_memory()?;
        let unknown = export_workspace(&workspace, &out, &["nftables"], false);
        assert!(matches!(unknown, Err(ExportError::UnknownTarget(_))));
        let no_plan = export_workspace(&workspace, &out, &[], true);
        let error = no_plan.err().ok_or("exported without a plan")?;
        assert_eq!(error.hint(), Some("blastwall plan apply FILE"));
        assert!(!out.exists());
        Ok(())
    }

    #[test]
    fn files_land_in_out_and_the_temporary_folder_goes() -> TestResult {
        let dir = tempfile::tempdir()?;
        let out = dir.path().join("nested/out");
        let files = vec![("a.md".to_string(), "alpha\n".to_string())];
        let report = write_files(&out, &files)?;
        assert_eq!(report.files.len(), 1);
        assert_eq!(report.files[0].bytes, 6);
        assert_eq!(fs::read_to_string(out.join("a.md"))?, "alpha\n");
        let entries: Vec<_> = fs::read_dir(&out)?.collect::<Result<_, _>>()?;
        assert_eq!(entries.len(), 1);
        Ok(())
    }
}
