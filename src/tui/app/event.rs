//! What the runtime and the workers report to the app.

use super::plan_state::{BlastReport, PlanAnalysis};
use super::state::{LoadedEstate, Viewport};

/// A report from outside the keyboard: a finished job, or a new terminal size.
#[derive(Debug)]
pub enum AppEvent {
    /// A load finished; `generation` is the one its [`Effect::LoadEstate`](super::Effect) carried.
    EstateLoaded {
        generation: u64,
        result: Result<Box<LoadedEstate>, String>,
    },
    /// A reach computation finished; `generation` is the one its effect carried.
    ReachComputed {
        generation: u64,
        result: Result<Box<BlastReport>, String>,
    },
    /// A plan save and recomputation finished (the generation of its effect).
    PlanSaved {
        generation: u64,
        result: Result<Box<PlanAnalysis>, String>,
    },
    /// The plan was written to a file (its path), or not.
    PlanWritten(Result<String, String>),
    /// The import finished with a one-line summary, or failed (nothing was written).
    ImportFinished(Result<String, String>),
    /// An export preview finished (the generation of its effect): the file's text.
    ExportPreviewed {
        generation: u64,
        result: Result<String, String>,
    },
    /// An export finished: the folder and the files written, or why nothing was.
    ExportWritten(Result<super::export::ExportWritten, String>),
    /// A finder search finished (the generation of its effect): the best matches and how many
    /// matched in all.
    Found {
        generation: u64,
        hits: Vec<super::find_index::FindHit>,
        total: usize,
    },
    /// The terminal was resized: this many list rows now fit.
    Viewport(Viewport),
}
