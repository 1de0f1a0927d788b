//! Side effects the app asks the runtime to perform.

use std::path::PathBuf;

/// Work for the runtime: the app itself never does I/O.
#[derive(Debug, Clone, PartialEq)]
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
    /// Store the edited plan on a worker (its own connection), then recompute zones, simulation
    /// and ranking; only the newest generation is kept.
    SavePlan {
        generation: u64,
        plan: Box<crate::model::plan::Plan>,
        source: Option<String>,
        /// What the edit did, for the history (`ci-agent-01 moved to identity`).
        what: String,
    },
    /// Write the plan to its source file on a worker (reported by `PlanWritten`).
    WritePlan {
        plan: Box<crate::model::plan::Plan>,
        path: PathBuf,
    },
    /// Compute one workload's reach in every mode on a worker, against the loaded estate and
    /// plan; only the newest generation is kept.
    ComputeReach {
        generation: u64,
        workload: u32,
    },
    /// Render one export file (by name) of `plan` on a worker for the preview; only the newest
    /// generation is kept.
    PreviewExport {
        generation: u64,
        name: String,
        plan: Box<crate::model::plan::Plan>,
    },
    /// Render the named export files of `plan` and write them into `out` on a worker (reported
    /// by `ExportWritten`).
    WriteExport {
        out: PathBuf,
        names: Vec<String>,
        plan: Box<crate::model::plan::Plan>,
    },
    /// Search the finder's items for `query` on a worker (the estate's, and the zones and
    /// rules of `plan`); only the newest generation is kept.
    Find {
        generation: u64,
        query: String,
        plan: Option<Box<crate::model::plan::Plan>>,
    },
    /// Run a scenario operation on a worker (reported by `ScenarioDone`).
    Scenario(super::scenarios::ScenarioOp),
    /// List the scenarios on a worker (reported by `Scenarios`).
    ListScenarios,
    /// Compare two scenarios on a worker (reported by `Compared`).
    Compare {
        a: String,
        b: String,
    },
    /// Undo or redo on a worker, then recompute; only the newest generation is kept.
    Step {
        generation: u64,
        step: super::history::Step,
    },
    /// Read the audit trail on a worker (reported by `History`).
    LoadHistory,
    /// Draft a plan from the flows on a worker and store it as a new scenario (reported by
    /// `ScenarioDone`).
    Suggest,
}
