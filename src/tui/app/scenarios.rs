//! What-if scenarios in the workbench: the `S` list (switch, new, rename, delete, promote), the
//! `c` comparison of two scenarios, and the time window (`T`) the flows are narrowed to. Every
//! operation runs on a worker through the same use cases as `blastwall scenario`; the workspace
//! is then loaded again, so every screen shows the scenario now active.

use std::sync::Arc;

use crate::ops::scenario::{BASELINE, ScenarioDiff};
use crate::store::ScenarioInfo;

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::state::{App, Prompt, PromptKind};

/// A change to the workspace's scenarios, run on a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioOp {
    Switch(String),
    /// A copy of `from` (the active scenario when none), then switched to.
    Create {
        name: String,
        from: Option<String>,
    },
    Rename {
        old: String,
        new: String,
    },
    Delete(String),
    /// The scenario becomes the baseline (and is removed).
    Promote(String),
}

/// The `S` overlay: the scenarios, baseline first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScenariosView {
    pub open: bool,
    pub rows: Vec<ScenarioInfo>,
    pub list: ListView,
    pub loading: bool,
    /// The scenario a first `d` asked to delete; `d` again or `y` confirms.
    pub confirm_delete: Option<String>,
    /// After an operation the list shows the active scenario again.
    pub select_active: bool,
}

impl ScenariosView {
    pub fn selected(&self) -> Option<&ScenarioInfo> {
        self.list.selected_item().and_then(|i| self.rows.get(i))
    }
}

/// The `c` overlay: two scenarios compared, as the workshop minutes show it.
#[derive(Debug, Clone, Default)]
pub struct CompareView {
    pub open: bool,
    pub loading: bool,
    pub a: String,
    pub b: String,
    pub diff: Option<Arc<ScenarioDiff>>,
    /// The comparison as Markdown lines (what `scenario diff A B` prints).
    pub lines: Vec<String>,
    pub scroll: usize,
}

impl App {
    /// The active scenario's name (baseline until the workspace says otherwise).
    pub fn scenario(&self) -> &str {
        self.loaded
            .as_deref()
            .map_or(BASELINE, |l| l.scenario.as_str())
    }

    pub(super) fn open_scenarios(&mut self) -> Vec<Effect> {
        self.scenarios_view.open = true;
        self.scenarios_view.loading = true;
        self.scenarios_view.confirm_delete = None;
        vec![Effect::ListScenarios]
    }

    pub(super) fn on_scenarios(&mut self, result: Result<Vec<ScenarioInfo>, String>) {
        self.scenarios_view.loading = false;
        match result {
            Ok(rows) => {
                let active = rows.iter().position(|r| r.active).unwrap_or(0);
                let view = &mut self.scenarios_view;
                let keep = (!std::mem::take(&mut view.select_active))
                    .then(|| view.selected().map(|r| r.name.clone()))
                    .flatten();
                view.list
                    .set_visible((0..rows.len()).collect(), false, self.viewport.overlay_rows);
                let at = keep
                    .and_then(|name| rows.iter().position(|r| r.name == name))
                    .unwrap_or(active);
                view.rows = rows;
                view.list.select(at, self.viewport.overlay_rows);
            }
            Err(message) => self.error(format!("cannot list the scenarios: {message}")),
        }
    }

    /// The scenarios overlay's actions while it is open.
    pub(super) fn scenarios_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        if !self.scenarios_view.open || self.prompt.is_some() {
            return None;
        }
        let view = &mut self.scenarios_view;
        if view.list.navigate(action, self.viewport.overlay_rows) {
            view.confirm_delete = None;
            return Some(Vec::new());
        }
        let confirming = view.confirm_delete.take();
        let selected = view.selected().cloned();
        let effects = match action {
            Action::Quit => return None,
            Action::Cancel | Action::OpenScenarios => {
                view.open = false;
                Vec::new()
            }
            Action::Pick | Action::Submit | Action::ToggleDetail => match selected {
                Some(row) if row.active => {
                    self.info(format!("{} is already the active scenario", row.name));
                    Vec::new()
                }
                Some(row) => self.scenario_op(ScenarioOp::Switch(row.name)),
                None => Vec::new(),
            },
            Action::NewScenario => self.ask(PromptKind::NewScenario),
            Action::RenameScenario => match selected {
                Some(row) if row.name == BASELINE => {
                    self.info("the baseline keeps its name; promote a scenario to replace it");
                    Vec::new()
                }
                Some(_) => self.ask(PromptKind::RenameScenario),
                None => Vec::new(),
            },
            Action::DeleteScenario | Action::Confirm => match selected {
                Some(row) if row.name == BASELINE => {
                    self.info("the baseline cannot be deleted");
                    Vec::new()
                }
                Some(row) if confirming.as_deref() == Some(row.name.as_str()) => {
                    self.scenario_op(ScenarioOp::Delete(row.name))
                }
                Some(row) if *action == Action::DeleteScenario => {
                    self.info(format!(
                        "delete scenario {}? d again or y deletes it",
                        row.name
                    ));
                    self.scenarios_view.confirm_delete = Some(row.name);
                    Vec::new()
                }
                _ => Vec::new(),
            },
            Action::PromoteScenario => match selected {
                Some(row) if row.name == BASELINE => {
                    self.info("this is the baseline already");
                    Vec::new()
                }
                Some(row) => self.scenario_op(ScenarioOp::Promote(row.name)),
                None => Vec::new(),
            },
            Action::Compare => match selected {
                Some(row) => {
                    let other = if row.active {
                        BASELINE.to_string()
                    } else {
                        self.scenario().to_string()
                    };
                    self.scenarios_view.open = false;
                    self.compare(other, row.name)
                }
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        Some(effects)
    }

    fn ask(&mut self, kind: PromptKind) -> Vec<Effect> {
        let text = match (kind, self.scenarios_view.selected()) {
            (PromptKind::RenameScenario, Some(row)) => row.name.clone(),
            _ => String::new(),
        };
        self.prompt = Some(Prompt { text, kind });
        self.input_session += 1;
        Vec::new()
    }

    /// The name typed for a new or renamed scenario.
    pub(super) fn submit_scenario_prompt(&mut self, kind: PromptKind, text: &str) -> Vec<Effect> {
        let name = text.trim().to_string();
        if name.is_empty() {
            self.info("no name given; nothing was changed");
            return Vec::new();
        }
        match kind {
            PromptKind::RenameScenario => match self.scenarios_view.selected() {
                Some(row) if row.name != name => {
                    let old = row.name.clone();
                    self.scenario_op(ScenarioOp::Rename { old, new: name })
                }
                _ => Vec::new(),
            },
            _ => self.scenario_op(ScenarioOp::Create { name, from: None }),
        }
    }

    fn scenario_op(&mut self, op: ScenarioOp) -> Vec<Effect> {
        if self.plan_draft.is_some() {
            self.info("the last edit is still being saved; try again in a moment");
            return Vec::new();
        }
        self.info(match &op {
            ScenarioOp::Switch(name) => format!("switching to {name}…"),
            ScenarioOp::Create { name, .. } => format!("creating scenario {name}…"),
            ScenarioOp::Rename { old, new } => format!("renaming {old} to {new}…"),
            ScenarioOp::Delete(name) => format!("deleting scenario {name}…"),
            ScenarioOp::Promote(name) => format!("promoting {name} to the baseline…"),
        });
        vec![Effect::Scenario(op)]
    }

    /// `Z`: a plan drafted from the observed flows, stored as a new scenario (the baseline when
    /// there is no plan yet), on a worker with a gauge; Esc cancels before anything is stored.
    pub(super) fn suggest_scenario(&mut self) -> Vec<Effect> {
        if self.loaded.as_ref().is_none_or(|l| l.is_empty()) {
            self.info("nothing to suggest from yet — import workloads and flows first (i)");
            return Vec::new();
        }
        if self.is_busy() || self.plan_draft.is_some() {
            self.info("wait for the running job to finish (or Esc cancels it)");
            return Vec::new();
        }
        self.begin_job(super::job::JobKind::Suggest, "suggesting a plan", 3);
        self.info("drafting a plan from the observed flows…");
        vec![Effect::Suggest]
    }

    /// A scenario operation finished: the workspace is loaded again (another scenario may be
    /// active) and the list refreshed.
    pub(super) fn on_scenario_done(&mut self, result: Result<String, String>) -> Vec<Effect> {
        self.end_job(super::job::JobKind::Suggest);
        match result {
            Ok(message) => {
                self.info(message);
                let mut effects = self.reload();
                self.scenarios_view.select_active = true;
                if self.scenarios_view.open {
                    effects.push(Effect::ListScenarios);
                }
                effects
            }
            Err(message) => {
                self.error(message);
                Vec::new()
            }
        }
    }

    /// Compares scenario `a` with `b` on a worker.
    pub(super) fn compare(&mut self, a: String, b: String) -> Vec<Effect> {
        self.compare_view = CompareView {
            open: true,
            loading: true,
            a: a.clone(),
            b: b.clone(),
            ..CompareView::default()
        };
        vec![Effect::Compare { a, b }]
    }

    /// `c`: the active scenario against the baseline (or, on the baseline, the list to pick).
    pub(super) fn compare_active(&mut self) -> Vec<Effect> {
        let active = self.scenario().to_string();
        if active == BASELINE {
            self.info(
                "on the baseline: S lists the scenarios, c on one compares it with the baseline",
            );
            return self.open_scenarios();
        }
        self.compare(BASELINE.to_string(), active)
    }

    pub(super) fn on_compared(&mut self, result: Result<Box<ScenarioDiff>, String>) {
        let view = &mut self.compare_view;
        view.loading = false;
        match result {
            Ok(diff) => {
                view.lines = aligned_tables(&diff.markdown());
                view.scroll = 0;
                view.diff = Some(Arc::from(diff));
            }
            Err(message) => {
                view.open = false;
                self.error(format!("cannot compare: {message}"));
            }
        }
    }

    /// The comparison overlay's actions: scrolling and closing.
    pub(super) fn compare_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        if !self.compare_view.open {
            return None;
        }
        let view = &mut self.compare_view;
        let page = self.viewport.overlay_rows;
        if let Some(to) = super::list::scrolled(action, view.scroll, page, view.lines.len()) {
            view.scroll = to;
            return Some(Vec::new());
        }
        match action {
            Action::Quit => return None,
            Action::Cancel | Action::Compare => view.open = false,
            _ => {}
        }
        Some(Vec::new())
    }

    /// The window in force as typed (`7d`, `2025-11-01..2025-11-15`), if any.
    pub fn window_text(&self) -> Option<String> {
        match &self.window {
            (None, None) => None,
            (Some(since), None) => Some(since.clone()),
            (since, until) => Some(format!(
                "{}..{}",
                since.as_deref().unwrap_or(""),
                until.as_deref().unwrap_or("")
            )),
        }
    }

    /// `T`: asks for the time window (`7d`, `2025-11-01..2025-11-15`, `..2025-11-10`; empty:
    /// every flow).
    pub(super) fn ask_window(&mut self) -> Vec<Effect> {
        let text = self.window_text().unwrap_or_default();
        self.prompt = Some(Prompt {
            text,
            kind: PromptKind::Window,
        });
        self.input_session += 1;
        Vec::new()
    }

    /// The window typed: `SINCE`, `SINCE..UNTIL`, `..UNTIL`, or nothing for every flow. The
    /// workspace is loaded again through it (the worker checks the times).
    pub(super) fn set_window(&mut self, text: &str) -> Vec<Effect> {
        let text = text.trim();
        let part = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let window = match text.split_once("..") {
            Some((since, until)) => (part(since), part(until)),
            None => (part(text), None),
        };
        self.window_before = Some(std::mem::replace(&mut self.window, window));
        self.info(match &self.window {
            (None, None) => "every flow considered again".to_string(),
            _ => format!("narrowing the flows to {text}…"),
        });
        self.reload()
    }
}

/// Markdown with its tables laid out in aligned columns (the separator row becomes a rule), so
/// the comparison reads side by side in the terminal; other lines are kept.
pub fn aligned_tables(markdown: &str) -> Vec<String> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with('|') {
            out.push(lines[i].to_string());
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].starts_with('|') {
            i += 1;
        }
        let rows: Vec<Vec<String>> = lines[start..i].iter().map(|l| cells(l)).collect();
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
        let is_rule = |row: &Vec<String>| {
            row.iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
        };
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                (rows.iter().filter(|r| !is_rule(r)))
                    .filter_map(|r| r.get(c))
                    .map(|cell| cell.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &rows {
            if is_rule(row) {
                let width = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
                out.push("─".repeat(width));
                continue;
            }
            let text: Vec<String> = (0..columns)
                .map(|c| {
                    let cell = row.get(c).map_or("", String::as_str);
                    format!("{cell:<width$}", width = widths[c])
                })
                .collect();
            out.push(text.join("  ").trim_end().to_string());
        }
    }
    out
}

/// The cells of a Markdown table row (`\|` inside a cell is a literal bar).
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_string()),
            other => cell.push(other),
        }
    }
    out.push(cell.trim().to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_line_up_and_escaped_bars_stay_in_their_cell() {
        let text = "# Diff\n\n| Metric | a | b |\n| --- | --- | --- |\n| Denied flows | 48 | 5 |\n| x \\| y | 1 | 22 |\n\nnone\n";
        assert_eq!(
            aligned_tables(text),
            [
                "# Diff",
                "",
                "Metric        a   b",
                "────────────────────",
                "Denied flows  48  5",
                "x | y         1   22",
                "",
                "none",
            ]
        );
    }
}
