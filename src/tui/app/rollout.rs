//! Rollout screen behaviour: the plan's phases in order and the selected phase's exit criteria.
//! Reordering, ticking a statement and editing a phase (as YAML) are plan edits saved through
//! [`App::save_plan`], like the zone edits.

use crate::ingest::InputError;
use crate::model::plan::Plan;
use crate::model::rollout::{Check, Criterion, Phase, PhaseMode};
use crate::ops::rollout::{parse_phase, phase_yaml, set_tick, tick_now};

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::state::App;

/// The list of the Rollout screen that has the keyboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RolloutPane {
    #[default]
    Phases,
    Criteria,
}

/// Rollout screen: the phase list (plan phase indices) and the selected phase's exit criteria
/// (criterion positions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RolloutView {
    pub pane: RolloutPane,
    pub phases: ListView,
    pub criteria: ListView,
}

impl RolloutView {
    pub fn focused(&self) -> &ListView {
        match self.pane {
            RolloutPane::Phases => &self.phases,
            RolloutPane::Criteria => &self.criteria,
        }
    }

    pub fn focused_mut(&mut self) -> &mut ListView {
        match self.pane {
            RolloutPane::Phases => &mut self.phases,
            RolloutPane::Criteria => &mut self.criteria,
        }
    }

    /// The selected phase's index in the plan.
    pub fn phase(&self) -> Option<usize> {
        self.phases.selected_item()
    }
}

/// The phase editor: the YAML being edited and the last error, if applying it failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhaseEdit {
    /// The phase being edited; `None` for a new phase inserted at `insert_at`.
    pub phase: Option<usize>,
    pub insert_at: usize,
    pub text: String,
    /// Why the text was not applied, and on which line of it (1-based), if known.
    pub error: Option<String>,
    pub error_line: Option<u64>,
    /// Set when the editor holds free text of the plan (a description, a justification, a
    /// note) rather than a phase.
    pub field: Option<super::text_edit::TextField>,
    /// The text editor's title (`Description of zone pci`); empty for a phase.
    pub title: String,
}

/// A new phase to start from: observes the plan's first zone, one check and one statement.
pub fn phase_template(plan: &Plan) -> Phase {
    let taken = |name: &str| plan.phases.iter().any(|p| p.name == name);
    let mut n = plan.phases.len() + 1;
    while taken(&format!("phase-{n}")) {
        n += 1;
    }
    Phase {
        name: format!("phase-{n}"),
        zones: plan.zones.iter().take(1).map(|z| z.name.clone()).collect(),
        enforcement: Vec::new(),
        mode: PhaseMode::Observe,
        target_date: None,
        owner: None,
        description: None,
        exit_criteria: vec![
            Criterion::Check(Check::NoDeniedFlows),
            Criterion::Checkbox {
                text: "the owners of the zones signed off".into(),
                ticked: None,
            },
        ],
    }
}

const TEMPLATE_NOTE: &str = "# optional: target_date: YYYY-MM-DD · owner: TEAM · description: … \
                             · enforcement: [security-group, networkpolicy, …]\n";

/// An input error as the editor shows it: `line 3: field mode: expected …, found …`.
fn edit_error(error: &InputError) -> String {
    let mut text = String::new();
    if let Some(line) = error.line {
        text.push_str(&format!("line {line}: "));
    }
    if let Some(field) = &error.field {
        // The phase is read as the only one of a plan: its fields are `phases[0].…` there.
        let field = field.strip_prefix("phases[0].").unwrap_or(field);
        text.push_str(&format!("field {field}: "));
    }
    text.push_str(&format!(
        "expected {}, found {}",
        error.expected, error.found
    ));
    if let Some(hint) = &error.hint {
        text.push_str(&format!(" (hint: {hint})"));
    }
    text
}

impl App {
    /// Refills the phase and criteria lists from the plan (the one being saved, if any).
    pub(super) fn sync_rollout(&mut self) {
        let Some(loaded) = &self.loaded else { return };
        let plan = self.plan_draft.as_ref().or(loaded.plan.plan.as_ref());
        let phases = plan.map_or(&[][..], |p| p.phases.as_slice());
        let rows = self.viewport.rollout_rows;
        let view = &mut self.rollout_view;
        view.phases
            .set_visible((0..phases.len()).collect(), false, rows);
        let criteria = view
            .phase()
            .and_then(|i| phases.get(i))
            .map_or(0, |p| p.exit_criteria.len());
        view.criteria
            .set_visible((0..criteria).collect(), false, rows);
    }

    /// The phase editor's actions: it has the keyboard while open.
    pub(super) fn phase_edit_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        let edit = self.phase_edit.as_mut()?;
        match action {
            Action::SetInput(text) => edit.text = text.clone(),
            Action::ApplyEdit | Action::Submit => {
                if let Some(field) = edit.field {
                    let text = edit.text.clone();
                    return Some(self.apply_text(field, &text));
                }
                return Some(self.apply_edit());
            }
            Action::Cancel => {
                let what = if edit.field.is_some() {
                    "text"
                } else {
                    "phase"
                };
                self.phase_edit = None;
                self.info(format!("{what} edit cancelled; nothing was changed"));
            }
            Action::Quit => return None,
            _ => {}
        }
        Some(Vec::new())
    }

    /// Rollout screen actions; `None` leaves the action to the common handling.
    pub(super) fn rollout_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        let effects = match action {
            Action::SwitchFocus
            | Action::MoveLeft
            | Action::MoveRight
            | Action::NextPane
            | Action::PrevPane => {
                let view = &mut self.rollout_view;
                view.pane = match view.pane {
                    RolloutPane::Phases => RolloutPane::Criteria,
                    RolloutPane::Criteria => RolloutPane::Phases,
                };
                Vec::new()
            }
            Action::MovePhaseUp => self.move_phase(-1),
            Action::MovePhaseDown => self.move_phase(1),
            Action::Toggle | Action::Pick => self.toggle_tick(),
            Action::EditPhase => self.edit_phase(),
            Action::NewPhase => self.new_phase(),
            Action::WritePlan => self.write_plan(),
            Action::StartFilter | Action::ToggleDetail => Vec::new(),
            _ => return None,
        };
        Some(effects)
    }

    /// The plan to edit, or a message saying there is none.
    fn rollout_plan(&mut self) -> Option<Plan> {
        let plan = self.current_plan().cloned();
        if plan.is_none() {
            self.info("no plan yet — blastwall plan apply FILE");
        }
        plan
    }

    fn move_phase(&mut self, by: isize) -> Vec<Effect> {
        let Some(mut plan) = self.rollout_plan() else {
            return Vec::new();
        };
        let Some(index) = self.rollout_view.phase() else {
            return Vec::new();
        };
        let Some(target) = index
            .checked_add_signed(by)
            .filter(|&t| t < plan.phases.len() && index < plan.phases.len())
        else {
            return Vec::new();
        };
        let phase = plan.phases.remove(index);
        let what = format!("phase {} moved to place {}", phase.name, target + 1);
        plan.phases.insert(target, phase);
        self.rollout_view.phases.selected = target;
        self.save_plan(plan, what)
    }

    /// Ticks or unticks the selected statement; a check is evaluated, not ticked.
    fn toggle_tick(&mut self) -> Vec<Effect> {
        if self.rollout_view.pane == RolloutPane::Phases {
            self.rollout_view.pane = RolloutPane::Criteria;
            self.info("pick an exit criterion — Space ticks a statement, Tab goes back");
            return Vec::new();
        }
        let Some(mut plan) = self.rollout_plan() else {
            return Vec::new();
        };
        let view = &self.rollout_view;
        let (Some(index), Some(item)) = (view.phase(), view.criteria.selected_item()) else {
            self.info("no exit criterion to tick");
            return Vec::new();
        };
        let Some(phase) = plan.phases.get(index) else {
            return Vec::new();
        };
        let name = phase.name.clone();
        let tick = match phase.exit_criteria.get(item) {
            Some(Criterion::Check(check)) => {
                self.info(format!(
                    "{} is a check: Blastwall evaluates it from the data, it cannot be ticked",
                    check.name()
                ));
                return Vec::new();
            }
            Some(Criterion::Checkbox {
                ticked: Some(_), ..
            }) => None,
            Some(Criterion::Checkbox { ticked: None, .. }) => Some(tick_now()),
            None => return Vec::new(),
        };
        let who = tick.as_ref().map(|t| t.by.clone());
        match set_tick(&mut plan, &name, item + 1, tick) {
            Ok(text) => {
                let what = match who {
                    Some(by) => format!("ticked \"{text}\" as {by}"),
                    None => format!("unticked \"{text}\""),
                };
                self.save_plan(plan, what)
            }
            Err(error) => {
                self.error(error.to_string());
                Vec::new()
            }
        }
    }

    fn edit_phase(&mut self) -> Vec<Effect> {
        let Some(plan) = self.rollout_plan() else {
            return Vec::new();
        };
        let Some(index) = self.rollout_view.phase().filter(|&i| i < plan.phases.len()) else {
            return self.new_phase();
        };
        self.open_editor(PhaseEdit {
            phase: Some(index),
            insert_at: index,
            text: phase_yaml(&plan.phases[index]),
            error: None,
            error_line: None,
            field: None,
            title: String::new(),
        });
        Vec::new()
    }

    fn new_phase(&mut self) -> Vec<Effect> {
        let Some(plan) = self.rollout_plan() else {
            return Vec::new();
        };
        let insert_at = self
            .rollout_view
            .phase()
            .map_or(plan.phases.len(), |i| i + 1)
            .min(plan.phases.len());
        let mut text = phase_yaml(&phase_template(&plan));
        text.push_str(TEMPLATE_NOTE);
        self.open_editor(PhaseEdit {
            phase: None,
            insert_at,
            text,
            error: None,
            error_line: None,
            field: None,
            title: String::new(),
        });
        Vec::new()
    }

    fn open_editor(&mut self, edit: PhaseEdit) {
        self.phase_edit = Some(edit);
        self.input_session += 1;
        self.info("editing the phase — Ctrl-S applies, Esc cancels");
    }

    /// Applies the editor's text: a valid phase replaces (or joins) the plan's phases and is
    /// saved; an invalid one keeps the editor open with the error.
    fn apply_edit(&mut self) -> Vec<Effect> {
        let (Some(edit), Some(mut plan)) = (self.phase_edit.clone(), self.current_plan().cloned())
        else {
            self.phase_edit = None;
            return Vec::new();
        };
        let result = parse_phase(&plan, &edit.text)
            .map_err(|e| (edit_error(&e), e.line))
            .and_then(|phase| {
                let clash = plan
                    .phases
                    .iter()
                    .enumerate()
                    .any(|(i, p)| p.name == phase.name && Some(i) != edit.phase);
                if clash {
                    let line = edit.text.lines().position(|l| l.starts_with("name:"));
                    let message = format!("a phase named {} already exists", phase.name);
                    return Err((message, line.map(|l| l as u64 + 1)));
                }
                Ok(phase)
            });
        let phase = match result {
            Ok(phase) => phase,
            Err((message, line)) => {
                if let Some(open) = &mut self.phase_edit {
                    open.error = Some(message);
                    open.error_line = line;
                }
                self.error("the phase was not applied — see the editor");
                return Vec::new();
            }
        };
        let name = phase.name.clone();
        let (at, what) = match edit.phase {
            Some(index) if index < plan.phases.len() => {
                plan.phases[index] = phase;
                (index, format!("phase {name} edited"))
            }
            _ => {
                let at = edit.insert_at.min(plan.phases.len());
                plan.phases.insert(at, phase);
                (at, format!("phase {name} added at place {}", at + 1))
            }
        };
        self.phase_edit = None;
        self.rollout_view.phases.selected = at;
        self.save_plan(plan, what)
    }
}
