//! Which workspace file to open: `--workspace`, `BLASTWALL_WORKSPACE`, or the default in the
//! platform data directory.

use std::path::{Path, PathBuf};

/// The workspace a command will use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceChoice {
    pub path: PathBuf,
    /// Neither `--workspace` nor `BLASTWALL_WORKSPACE` was given.
    pub is_default: bool,
}

/// The platform data directory for Blastwall's own files.
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "blastwall").map(|dirs| dirs.data_dir().to_path_buf())
}

/// The explicit path if given, else `default.blastwall` in the data directory.
pub fn choose_workspace(explicit: Option<&Path>) -> Result<WorkspaceChoice, String> {
    if let Some(path) = explicit {
        return Ok(WorkspaceChoice {
            path: path.to_path_buf(),
            is_default: false,
        });
    }
    let dir = data_dir()
        .ok_or("no home directory to keep the default workspace in; pass --workspace PATH")?;
    Ok(WorkspaceChoice {
        path: dir.join("default.blastwall"),
        is_default: true,
    })
}

/// Creates the parent directory of a workspace file if needed.
pub fn ensure_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent),
        _ => Ok(()),
    }
}
