//! The mouse, as actions: a click on a list row selects it (and gives its pane the keyboard),
//! the wheel moves the selection. Which list sits where is recorded while drawing; the runtime
//! turns a click into [`Action::ClickRow`].

use super::action::Action;
use super::effect::Effect;
use super::rollout::RolloutPane;
use super::state::{App, Screen};
use super::zones::ZonePane;

/// A list on screen that a click can select in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListId {
    Workloads,
    Flows,
    Zones(ZonePane),
    CellFlows,
    BlastFinder,
    Ranking,
    Phases,
    Criteria,
    Export,
    Findings,
    /// The finder's or the palette's matches, or the help overlay.
    Overlay,
}

impl ListId {
    /// The screen the list belongs to (none for the overlays and the findings panel).
    pub fn screen(self) -> Option<Screen> {
        Some(match self {
            ListId::Workloads => Screen::Estate,
            ListId::Flows => Screen::Flows,
            ListId::Zones(_) => Screen::Zones,
            ListId::CellFlows => Screen::Matrix,
            ListId::BlastFinder | ListId::Ranking => Screen::Blast,
            ListId::Phases | ListId::Criteria => Screen::Rollout,
            ListId::Export => Screen::Export,
            ListId::Findings | ListId::Overlay => return None,
        })
    }
}

impl App {
    /// Selects the row at `position` of `list`, giving its pane the keyboard.
    pub(super) fn click_row(&mut self, list: ListId, position: usize) -> Vec<Effect> {
        if list.screen().is_some_and(|s| s != self.screen) {
            return Vec::new();
        }
        let page = self.page_rows();
        match list {
            ListId::Zones(pane) => {
                if let Some(pick) = self.zones_view.moving.as_mut() {
                    if pane == ZonePane::Zones {
                        pick.target = position;
                    }
                    return Vec::new();
                }
                self.zones_view.pane = pane;
                self.zones_view.focused_mut().select(position, page);
            }
            ListId::Phases | ListId::Criteria => {
                self.rollout_view.pane = if list == ListId::Phases {
                    RolloutPane::Phases
                } else {
                    RolloutPane::Criteria
                };
                self.rollout_view.focused_mut().select(position, page);
            }
            ListId::Findings => {
                let rows = self.viewport.lint_rows;
                self.lint_view.list.select(position, rows);
            }
            ListId::Ranking if !self.blast_view.ranking_open => {}
            ListId::BlastFinder if self.blast_view.ranking_open => {}
            ListId::CellFlows if !self.matrix_view.flows.detail_open => {}
            ListId::Overlay => {}
            _ => self.list_mut().select(position, page),
        }
        Vec::new()
    }

    /// The wheel: the list (or the help, or the export preview) under the pointer moves.
    pub(super) fn wheel(&mut self, lines: isize) -> Vec<Effect> {
        let step = if lines < 0 {
            Action::MoveUp
        } else {
            Action::MoveDown
        };
        let mut effects = Vec::new();
        for _ in 0..lines.unsigned_abs() {
            effects.extend(self.update(step.clone()));
        }
        effects
    }
}
