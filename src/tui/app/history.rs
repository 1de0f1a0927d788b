//! Undo, redo and the audit trail in the workbench. Undo and redo act on the active scenario's
//! plan changes as stored in the workspace (so they survive a crash or a quit, and `blastwall
//! undo` sees the same stack); `H` lists every change with when, who and what.

use crate::store::HistoryEntry;

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::plan_state::PlanAnalysis;
use super::state::App;

/// Undo or redo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Undo,
    Redo,
}

/// The `H` overlay: the audit trail, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryView {
    pub open: bool,
    pub loading: bool,
    pub rows: Vec<HistoryEntry>,
    pub list: ListView,
}

/// How many changes the overlay lists.
pub const HISTORY_LIMIT: usize = 500;

impl App {
    /// `u` / `Ctrl-r`: asks a worker to undo or redo the newest change of the active scenario.
    pub(super) fn step(&mut self, step: Step) -> Vec<Effect> {
        if self.plan_draft.is_some() {
            self.info("the last edit is still being saved; try again in a moment");
            return Vec::new();
        }
        if self.loaded.is_none() {
            return Vec::new();
        }
        self.plan_generation += 1;
        self.begin_job(
            super::job::JobKind::Plan,
            match step {
                Step::Undo => "undoing",
                Step::Redo => "redoing",
            },
            PlanAnalysis::STAGES + 1,
        );
        self.info(match step {
            Step::Undo => "undoing the last change…",
            Step::Redo => "redoing…",
        });
        vec![Effect::Step {
            generation: self.plan_generation,
            step,
        }]
    }

    /// Undo or redo finished: the restored plan's analysis and what was undone, or nothing to
    /// do.
    pub(super) fn on_stepped(
        &mut self,
        generation: u64,
        step: Step,
        result: Result<Option<(Box<PlanAnalysis>, String)>, String>,
    ) -> Vec<Effect> {
        if generation != self.plan_generation {
            return Vec::new();
        }
        self.end_job(super::job::JobKind::Plan);
        let verb = match step {
            Step::Undo => "undone",
            Step::Redo => "redone",
        };
        let effects = match result {
            Ok(Some((analysis, what))) => {
                let effects = self.show_analysis(analysis);
                self.info(format!("{verb}: {what}"));
                effects
            }
            Ok(None) => {
                self.info(match step {
                    Step::Undo => "nothing to undo in this scenario",
                    Step::Redo => "nothing to redo",
                });
                Vec::new()
            }
            Err(message) => {
                self.error(format!("not {verb}: {message}"));
                Vec::new()
            }
        };
        let mut effects = effects;
        if self.history_view.open {
            effects.push(Effect::LoadHistory);
        }
        effects
    }

    pub(super) fn open_history(&mut self) -> Vec<Effect> {
        self.history_view.open = true;
        self.history_view.loading = true;
        vec![Effect::LoadHistory]
    }

    pub(super) fn on_history(&mut self, result: Result<Vec<HistoryEntry>, String>) {
        let view = &mut self.history_view;
        view.loading = false;
        match result {
            Ok(rows) => {
                view.list
                    .set_visible((0..rows.len()).collect(), true, self.viewport.overlay_rows);
                view.rows = rows;
            }
            Err(message) => self.error(format!("cannot read the history: {message}")),
        }
    }

    /// The history overlay's actions: moving, undo and redo from it, closing.
    pub(super) fn history_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        if !self.history_view.open {
            return None;
        }
        if self
            .history_view
            .list
            .navigate(action, self.viewport.overlay_rows)
        {
            return Some(Vec::new());
        }
        match action {
            Action::Quit | Action::Undo | Action::Redo => return None,
            Action::Cancel | Action::OpenHistory => self.history_view.open = false,
            _ => {}
        }
        Some(Vec::new())
    }
}
