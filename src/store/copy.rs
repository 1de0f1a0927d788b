//! A consistent copy of the workspace in a new file, for work that must not touch the original
//! (`blastwall check` imports flows into a copy).

use std::path::Path;

use super::{StoreError, Workspace};

impl Workspace {
    /// Writes a compacted copy of the workspace to `path` with `VACUUM INTO`; `path` must not
    /// exist. Only reads the workspace itself, even an in-memory one.
    pub fn copy_to(&self, path: &Path) -> Result<(), StoreError> {
        let target = path.to_str().ok_or_else(|| StoreError::Open {
            path: path.display().to_string(),
            source: rusqlite::Error::InvalidPath(path.to_path_buf()),
        })?;
        self.conn
            .execute("VACUUM INTO ?1", [target])
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn a_copy_holds_the_same_data_and_leaves_the_original_alone() -> TestResult {
        let dir = tempfile::tempdir()?;
        let original = dir.path().join("w.blastwall");
        let plan = crate::ingest::plan::parse_plan("version: 1\n", "plan.yaml")?;
        {
            let mut workspace = Workspace::open(&original)?;
            workspace.save_plan(
                &plan,
                Some("plan.yaml"),
                &super::super::Change::new("alice", "plan apply", "test"),
            )?;
        }
        let before = std::fs::read(&original)?;
        let copy = dir.path().join("copy.blastwall");
        Workspace::open(&original)?.copy_to(&copy)?;
        assert_eq!(std::fs::read(&original)?, before);
        let copied = Workspace::open(&copy)?;
        assert_eq!(copied.load_plan()?.map(|(p, _)| p), Some(plan));
        assert!(Workspace::in_memory()?.copy_to(&copy).is_err(), "exists");
        Ok(())
    }
}
