//! The `A` overlay: every allow rule of the plan with what it carries — enable or disable one
//! (Space), edit its justification (`e`) or note (`N`), or go to its matrix cell (Enter). Each
//! change is a plan edit like any other: saved, re-simulated, undoable.

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::state::App;
use super::text_edit::TextField;

/// The rules overlay; `list.visible` holds rule indices in plan order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesView {
    pub open: bool,
    pub list: ListView,
}

impl App {
    pub(super) fn open_rules(&mut self) -> Vec<Effect> {
        let Some(plan) = self.current_plan() else {
            self.info("no plan yet — blastwall plan apply FILE");
            return Vec::new();
        };
        let rules = (0..plan.rules.len()).collect();
        self.rules_view.open = true;
        self.rules_view
            .list
            .set_visible(rules, false, self.viewport.overlay_rows);
        Vec::new()
    }

    /// The rules overlay's actions while it is open (and no editor is).
    pub(super) fn rules_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        if !self.rules_view.open {
            return None;
        }
        let list = &mut self.rules_view.list;
        if list.navigate(action, self.viewport.overlay_rows) {
            return Some(Vec::new());
        }
        let selected = list.selected_item();
        let effects = match action {
            Action::Quit | Action::Undo | Action::Redo => return None,
            Action::Cancel | Action::OpenRules => {
                self.rules_view.open = false;
                Vec::new()
            }
            Action::Toggle => match selected {
                Some(rule) => self.toggle_rule(rule),
                None => Vec::new(),
            },
            Action::EditText | Action::EditNote => match selected {
                Some(rule) => {
                    let field = if *action == Action::EditNote {
                        TextField::RuleNote(rule)
                    } else {
                        TextField::RuleJustification(rule)
                    };
                    self.open_text(field)
                }
                None => Vec::new(),
            },
            Action::Pick | Action::Submit | Action::ToggleDetail => match selected {
                Some(rule) => {
                    self.rules_view.open = false;
                    self.show_rule(rule);
                    Vec::new()
                }
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        Some(effects)
    }

    fn toggle_rule(&mut self, rule: usize) -> Vec<Effect> {
        let Some(mut plan) = self.current_plan().cloned() else {
            return Vec::new();
        };
        let Some(found) = plan.rules.get_mut(rule) else {
            return Vec::new();
        };
        found.enabled = !found.enabled;
        let what = format!(
            "rule {} {}",
            plan.rule_name(rule),
            if plan.rules[rule].enabled {
                "enabled"
            } else {
                "disabled"
            }
        );
        self.save_plan(plan, what)
    }
}
