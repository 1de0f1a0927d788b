//! Plan edits: the edited plan goes to a worker that stores it and recomputes what it implies;
//! the app shows the result when the newest save comes back.

use std::sync::Arc;

use crate::model::plan::Plan;

use super::effect::Effect;
use super::plan_state::PlanAnalysis;
use super::state::App;

impl App {
    /// The plan edits apply to: the one being saved, else the loaded one.
    pub fn current_plan(&self) -> Option<&Plan> {
        self.plan_draft
            .as_ref()
            .or_else(|| self.loaded.as_ref().and_then(|l| l.plan.plan.as_ref()))
    }

    /// Asks a worker to store `plan` and recompute; `what` goes to the status line.
    pub(super) fn save_plan(&mut self, plan: Plan, what: String) -> Vec<Effect> {
        self.plan_generation += 1;
        let source = self.loaded.as_ref().and_then(|l| l.plan.source.clone());
        self.plan_draft = Some(plan.clone());
        self.begin_job(
            super::job::JobKind::Plan,
            "recomputing the plan",
            PlanAnalysis::STAGES + 1,
        );
        self.info(format!("{what} — saving the plan…"));
        let what = what.clone();
        vec![Effect::SavePlan {
            generation: self.plan_generation,
            plan: Box::new(plan),
            source,
            what,
        }]
    }

    pub(super) fn on_plan_saved(
        &mut self,
        generation: u64,
        result: Result<Box<PlanAnalysis>, String>,
    ) -> Vec<Effect> {
        if generation != self.plan_generation {
            return Vec::new();
        }
        self.end_job(super::job::JobKind::Plan);
        self.plan_draft = None;
        let analysis = match result {
            Ok(analysis) => analysis,
            Err(message) => {
                self.error(format!("the plan was not saved: {message}"));
                return Vec::new();
            }
        };
        let effects = self.show_analysis(analysis);
        if let Some(status) = &mut self.status {
            status.text = status.text.replace("saving the plan…", "plan saved");
        }
        effects
    }

    /// Shows a recomputed plan (after an edit, an undo or a redo): every screen follows, and
    /// the figures before it are kept for the status line's deltas.
    pub(super) fn show_analysis(&mut self, analysis: Box<PlanAnalysis>) -> Vec<Effect> {
        let Some(loaded) = self.loaded.as_mut() else {
            return Vec::new();
        };
        self.before_edit = loaded.plan.metrics;
        Arc::make_mut(loaded).plan = Arc::from(analysis);
        self.sync_zones();
        self.sync_lint();
        self.sync_rollout();
        if self.matrix_view.flows.detail_open {
            self.open_cell();
        }
        self.export_view.preview.name = None;
        let mut effects = self.refresh_blast();
        effects.extend(self.sync_export());
        effects
    }
}
