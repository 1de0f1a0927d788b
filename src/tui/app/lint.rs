//! The findings panel of the Zones and Matrix screens: the plan reviewer's findings (computed
//! with the plan analysis on a worker), a selection, and Enter jumping to the offending item.

use crate::analysis::lint::Subject;
use crate::model::plan::Peer;

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::plan_edit::selector_text;
use super::state::{App, Screen};
use super::zones::ZonePane;

/// The findings panel: open or not, and the selected finding (indices into
/// `PlanAnalysis::findings`). One panel for both screens, so the selection survives a jump.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintView {
    pub open: bool,
    pub list: ListView,
}

/// A rule side as the plan file writes it: `any`, `zone: web`, `app: billing`.
pub fn peer_text(peer: &Peer) -> String {
    match peer {
        Peer::Any => "any".into(),
        Peer::Zone(zone) => format!("zone: {zone}"),
        Peer::Selector(selector) => selector_text(selector),
    }
}

impl App {
    /// The findings panel belongs to this screen.
    fn lint_screen(&self) -> bool {
        matches!(self.screen, Screen::Zones | Screen::Matrix)
    }

    /// The findings panel is open on the active screen.
    pub fn lint_open(&self) -> bool {
        self.lint_view.open && self.lint_screen()
    }

    /// Refills the findings list from the loaded analysis, keeping the selection if it can.
    pub(super) fn sync_lint(&mut self) {
        let count = self.loaded.as_ref().map_or(0, |l| l.plan.findings.len());
        let rows = self.viewport.lint_rows;
        self.lint_view
            .list
            .set_visible((0..count).collect(), false, rows);
    }

    /// Findings panel actions; `None` leaves the action to the screen. While the panel is open
    /// it has the keyboard for moving and Enter; other keys keep working on the screen.
    pub(super) fn lint_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        let zones = &self.zones_view;
        let busy = self.prompt.is_some()
            || self.list().filter_focused
            || (self.screen == Screen::Zones
                && (zones.moving.is_some() || zones.confirm_delete.is_some()));
        if !self.lint_screen() || busy {
            return None;
        }
        if *action == Action::ToggleLint {
            return Some(self.toggle_lint());
        }
        if !self.lint_view.open {
            return None;
        }
        let rows = self.viewport.lint_rows;
        let list = &mut self.lint_view.list;
        match action {
            Action::MoveUp => list.move_by(-1, rows),
            Action::MoveDown => list.move_by(1, rows),
            Action::PageUp => list.move_by(-(rows.max(1) as isize), rows),
            Action::PageDown => list.move_by(rows.max(1) as isize, rows),
            Action::Top => list.select(0, rows),
            Action::Bottom => list.select(usize::MAX, rows),
            Action::MoveLeft | Action::MoveRight => {}
            Action::Pick | Action::ToggleDetail | Action::Submit => return Some(self.jump()),
            Action::Cancel => self.lint_view.open = false,
            _ => return None,
        }
        Some(Vec::new())
    }

    pub(super) fn toggle_lint(&mut self) -> Vec<Effect> {
        if !self.lint_screen() {
            return Vec::new();
        }
        self.lint_view.open = !self.lint_view.open;
        if self.lint_view.open && self.lint_view.list.is_empty() {
            match self.loaded.as_ref().map(|l| l.plan.has_plan()) {
                Some(true) => self.info("lint: no findings"),
                _ => self.info("lint: no plan to review yet"),
            }
        }
        Vec::new()
    }

    /// Goes to the selected finding's subject: a zone is selected on Zones, a rule between two
    /// zones selects its cell on Matrix; otherwise the status line says what and how to fix it.
    fn jump(&mut self) -> Vec<Effect> {
        let Some(loaded) = self.loaded.clone() else {
            return Vec::new();
        };
        let analysis = &loaded.plan;
        let Some(finding) = self
            .lint_view
            .list
            .selected_item()
            .and_then(|i| analysis.findings.get(i))
        else {
            self.info("no finding selected");
            return Vec::new();
        };
        let plan = analysis.plan.clone().unwrap_or_default();
        let hint = &finding.hint;
        match finding.subject {
            Subject::Zone(zone) if zone < plan.zones.len() => {
                self.screen = Screen::Zones;
                let view = &mut self.zones_view;
                view.pane = ZonePane::Zones;
                view.list.select(zone, self.viewport.matrix_rows);
                self.lint_view.open = false;
                self.sync_zones();
                self.info(format!("zone {}: {hint}", plan.zones[zone].name));
            }
            Subject::Rule(rule) if rule < plan.rules.len() => {
                self.show_rule(rule);
                if let Some(status) = &mut self.status {
                    status.text = format!("{} · {hint}", status.text);
                }
            }
            _ => self.info(format!("{}: {hint}", finding.subject_name)),
        }
        Vec::new()
    }
}

impl App {
    /// Goes to a rule: between two zones, its cell on Matrix; the status line names it.
    pub(super) fn show_rule(&mut self, rule: usize) {
        let Some(loaded) = self.loaded.clone() else {
            return;
        };
        let analysis = &loaded.plan;
        let Some(plan) = self.current_plan().cloned() else {
            return;
        };
        let Some(found) = plan.rules.get(rule) else {
            return;
        };
        let (from, to) = (&found.from, &found.to);
        let what = format!(
            "rule {}: {} → {}",
            plan.rule_name(rule),
            peer_text(from),
            peer_text(to)
        );
        let cell = match (from, to) {
            (Peer::Zone(a), Peer::Zone(b)) => {
                let zones = &analysis.zones;
                zones.index(a).zip(zones.index(b))
            }
            _ => None,
        };
        if let Some((row, col)) = cell {
            self.screen = Screen::Matrix;
            let view = &mut self.matrix_view;
            (view.row, view.col) = (row as usize, col as usize);
            view.flows.detail_open = false;
            self.lint_view.open = false;
            self.info(what);
        } else {
            self.info(format!("{what} (not between two zones, so no matrix cell)"));
        }
    }
}
