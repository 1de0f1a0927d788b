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
    /// A scenario operation finished: what it did, or why nothing was changed.
    ScenarioDone(Result<String, String>),
    /// The scenarios, baseline first.
    Scenarios(Result<Vec<crate::store::ScenarioInfo>, String>),
    /// Two scenarios compared.
    Compared(Result<Box<crate::ops::scenario::ScenarioDiff>, String>),
    /// Undo or redo finished (the generation of its effect): the restored plan's analysis and
    /// what was undone, or nothing to do.
    Stepped {
        generation: u64,
        step: super::history::Step,
        result: Result<Option<(Box<super::plan_state::PlanAnalysis>, String)>, String>,
    },
    /// The audit trail, newest first.
    History(Result<Vec<crate::store::HistoryEntry>, String>),
    /// The terminal was resized: this many list rows now fit.
    Viewport(Viewport),
}
