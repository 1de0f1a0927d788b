//! Side effects the app asks the runtime to perform.

use std::path::PathBuf;

/// Work for the runtime: the app itself never does I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Load and resolve the workspace on a worker; the result carries the same generation and
    /// only the newest generation is kept.
    LoadEstate {
        generation: u64,
    },
    /// Import these paths on a worker, reporting through the progress handle of
    /// [`App::import`](super::App::import).
    StartImport(Vec<PathBuf>),
    /// Ask the running import to stop.
    CancelImport,
}
