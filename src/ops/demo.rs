//! The bundled demo estate: a workspace of its own (`demo.blastwall` in the data directory),
//! created from the files embedded in the binary. Other commands never mix it in.

use std::io::{Cursor, Read};
use std::path::PathBuf;

use super::import::{ImportError, ImportOptions, ImportProgress, import_readers};
use super::workspace::{data_dir, ensure_parent};
use crate::store::Workspace;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/demo_estate.rs"));
}

/// The embedded files of the demo estate.
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// The demo plan (`sample-estates/northwind/plan.yaml`), if the estate has one.
pub fn plan_text() -> Option<&'static str> {
    embedded::PLAN
}

/// Imports the demo estate into a workspace, with its plan.
pub fn import_demo(workspace: &mut Workspace) -> Result<(), ImportError> {
    let sources: Vec<(String, bool, Box<dyn Read>)> = files()
        .iter()
        .map(|(name, bytes)| {
            (
                format!("northwind/{name}"),
                false,
                Box::new(Cursor::new(*bytes)) as Box<dyn Read>,
            )
        })
        .collect();
    import_readers(
        workspace,
        sources,
        ImportOptions::default(),
        &ImportProgress::default(),
    )?;
    if let Some(text) = plan_text() {
        let plan = crate::ingest::plan::parse_plan(text, "northwind/plan.yaml")
            .map_err(ImportError::Input)?;
        let change = super::history::change("plan apply", "the demo plan (northwind/plan.yaml)");
        workspace.save_plan(&plan, None, &change)?;
    }
    Ok(())
}

/// Opens the demo workspace, creating and filling it on first use; returns its path.
pub fn open_demo() -> anyhow::Result<PathBuf> {
    let dir = data_dir().ok_or_else(|| {
        anyhow::anyhow!("no home directory for the demo workspace; pass --workspace PATH")
    })?;
    let path = dir.join("demo.blastwall");
    ensure_parent(&path)?;
    let mut workspace = Workspace::open(&path)?;
    if workspace.imports()?.is_empty() {
        import_demo(&mut workspace)?;
    }
    Ok(path)
}
