//! Long work off the render loop — loading the workspace, recomputing the plan after an edit,
//! writing an export — with a progress gauge and Esc to cancel. The worker reports its stage
//! through a shared [`JobProgress`] and stops at the next stage boundary once cancelled; the app
//! drops whatever a cancelled job sends back.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use super::effect::Effect;
use super::state::App;

/// How far a job got, shared between the worker and the status line.
#[derive(Debug, Default)]
pub struct JobProgress {
    done: AtomicU32,
    total: AtomicU32,
    stage: Mutex<String>,
    cancel: AtomicBool,
}

impl JobProgress {
    /// A job of `total` stages.
    pub fn new(total: u32) -> JobProgress {
        JobProgress {
            total: AtomicU32::new(total),
            ..JobProgress::default()
        }
    }

    /// Enters the next stage; `false` when the job was cancelled and should stop.
    pub fn stage(&self, name: &str) -> bool {
        if let Ok(mut stage) = self.stage.lock() {
            name.clone_into(&mut stage);
        }
        self.done.fetch_add(1, Ordering::Relaxed);
        !self.is_cancelled()
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Done so far, from 0 to 1 (the current stage counts as half done).
    pub fn ratio(&self) -> f64 {
        let total = self.total.load(Ordering::Relaxed).max(1);
        let done = self.done.load(Ordering::Relaxed).min(total);
        (f64::from(done) - 0.5).max(0.0) / f64::from(total)
    }

    /// The stage being worked on.
    pub fn current(&self) -> String {
        self.stage.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Which long job runs (one at a time is shown; a newer one replaces the older).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Load,
    Plan,
    Export,
    Suggest,
}

/// A running long job.
#[derive(Debug, Clone)]
pub struct BusyJob {
    pub kind: JobKind,
    /// `recomputing the plan`, for the status line.
    pub what: String,
    pub progress: Arc<JobProgress>,
}

impl App {
    /// Starts showing a long job; the runtime hands `progress` to its worker.
    pub(super) fn begin_job(&mut self, kind: JobKind, what: impl Into<String>, stages: u32) {
        self.busy = Some(BusyJob {
            kind,
            what: what.into(),
            progress: Arc::new(JobProgress::new(stages)),
        });
    }

    /// A job of `kind` reported back.
    pub(super) fn end_job(&mut self, kind: JobKind) {
        if self.busy.as_ref().is_some_and(|job| job.kind == kind) {
            self.busy = None;
        }
    }

    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    /// Esc with nothing else open: stops the running long job, whose result is then dropped.
    pub(super) fn cancel_job(&mut self) -> Option<Vec<Effect>> {
        let job = self.busy.take()?;
        job.progress.cancel();
        match job.kind {
            JobKind::Load => {
                self.load_generation += 1;
                self.loading = false;
                self.info("loading cancelled — r loads the workspace again");
            }
            JobKind::Plan => {
                self.plan_generation += 1;
                self.plan_draft = None;
                self.error(
                    "recomputation cancelled: the edit is saved, the figures shown are from before it — r recomputes",
                );
            }
            JobKind::Export => self.info("export cancelled; nothing was written"),
            JobKind::Suggest => self.info("suggestion cancelled; nothing was stored"),
        }
        Some(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_advance_the_ratio_and_cancel_stops_them() {
        let progress = JobProgress::new(4);
        assert!(progress.ratio().abs() < f64::EPSILON);
        assert!(progress.stage("zones"));
        assert!(progress.stage("simulation"));
        assert!((progress.ratio() - 1.5 / 4.0).abs() < 1e-9);
        assert_eq!(progress.current(), "simulation");
        progress.cancel();
        assert!(!progress.stage("lint"));
    }
}
