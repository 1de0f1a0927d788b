//! Blast radius screen behaviour: the workload finder, reach requests and the ranking.

use std::sync::Arc;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::effect::Effect;
use super::plan_state::BlastReport;
use super::state::App;

impl App {
    /// Refills the finder (fuzzy, best first; all workloads by name without a query) and the
    /// ranking table.
    pub(super) fn refilter_blast(&mut self, reset: bool) {
        let Some(loaded) = &self.loaded else { return };
        let workloads = &loaded.estate.workloads;
        let query = self.blast_view.list.filter.trim();
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut scored: Vec<(i64, usize)> = workloads
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                if query.is_empty() {
                    return Some((0, i));
                }
                Some((matcher.fuzzy_match(&w.name, query)?, i))
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| workloads[a.1].name.cmp(&workloads[b.1].name))
        });
        let visible = scored.into_iter().map(|(_, i)| i).collect();
        let rows = self.viewport.blast_rows;
        self.blast_view.list.set_visible(visible, reset, rows);
        let ranking = (0..loaded.plan.ranking.len()).collect();
        self.blast_view.ranking.set_visible(ranking, false, rows);
    }

    /// Asks for the reach of the selected workload (finder or ranking row).
    pub(super) fn pick(&mut self) -> Vec<Effect> {
        let Some(loaded) = &self.loaded else {
            return Vec::new();
        };
        let view = &mut self.blast_view;
        let workload = if view.ranking_open {
            view.ranking
                .selected_item()
                .and_then(|i| loaded.plan.ranking.get(i))
                .map(|r| r.0)
        } else {
            view.list.selected_item().map(|i| i as u32)
        };
        let Some(workload) = workload else {
            return Vec::new();
        };
        view.ranking_open = false;
        self.request_reach(workload)
    }

    pub(super) fn request_reach(&mut self, workload: u32) -> Vec<Effect> {
        let view = &mut self.blast_view;
        view.picked = Some(workload);
        view.generation += 1;
        view.computing = true;
        vec![Effect::ComputeReach {
            generation: view.generation,
            workload,
        }]
    }

    /// After a new estate or plan: the picked workload's reach again, if it still exists.
    pub(super) fn refresh_blast(&mut self) -> Vec<Effect> {
        self.refilter_blast(false);
        let count = self.estate().map_or(0, |e| e.workloads.len());
        match self.blast_view.picked {
            Some(w) if (w as usize) < count => self.request_reach(w),
            _ => {
                self.blast_view.picked = None;
                self.blast_view.report = None;
                Vec::new()
            }
        }
    }

    pub(super) fn toggle_ranking(&mut self) -> Vec<Effect> {
        let has_plan = self.loaded.as_ref().is_some_and(|l| l.plan.has_plan());
        if !has_plan {
            self.info("no plan yet — the planned ranking needs one (blastwall plan apply FILE)");
            return Vec::new();
        }
        self.blast_view.ranking_open = !self.blast_view.ranking_open;
        Vec::new()
    }

    pub(super) fn on_reach(&mut self, generation: u64, result: Result<Box<BlastReport>, String>) {
        if generation != self.blast_view.generation {
            return;
        }
        self.blast_view.computing = false;
        match result {
            Ok(report) => self.blast_view.report = Some(Arc::from(report)),
            Err(message) => self.error(format!("cannot compute the blast radius: {message}")),
        }
    }
}
