//! Free text of the plan — a zone's description and note, a rule's justification and note —
//! edited in the multi-line editor (the same `ratatui-textarea` box as the phase editor), then
//! saved like every other plan edit (so it is undoable and in the history).

use crate::model::plan::Plan;

use super::effect::Effect;
use super::rollout::PhaseEdit;
use super::state::{App, Screen};

/// Which text of the plan is being edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    ZoneDescription(usize),
    ZoneNote(usize),
    RuleJustification(usize),
    RuleNote(usize),
}

impl TextField {
    /// The editor's title: `Description of zone pci`.
    pub fn title(self, plan: &Plan) -> String {
        let zone = |i: usize| plan.zones.get(i).map_or("?", |z| z.name.as_str());
        match self {
            TextField::ZoneDescription(i) => format!("Description of zone {}", zone(i)),
            TextField::ZoneNote(i) => format!("Note on zone {}", zone(i)),
            TextField::RuleJustification(i) => {
                format!("Justification of rule {}", plan.rule_name(i))
            }
            TextField::RuleNote(i) => format!("Note on rule {}", plan.rule_name(i)),
        }
    }

    /// The field's text now (empty when unset).
    pub fn get(self, plan: &Plan) -> String {
        let text = match self {
            TextField::ZoneDescription(i) => plan.zones.get(i).and_then(|z| z.description.clone()),
            TextField::ZoneNote(i) => plan.zones.get(i).and_then(|z| z.note.clone()),
            TextField::RuleJustification(i) => {
                plan.rules.get(i).and_then(|r| r.justification.clone())
            }
            TextField::RuleNote(i) => plan.rules.get(i).and_then(|r| r.note.clone()),
        };
        text.unwrap_or_default()
    }

    /// Sets the field (blank text unsets it); false if the zone or rule is gone.
    pub fn set(self, plan: &mut Plan, text: &str) -> bool {
        let trimmed = text.trim_end();
        let value = (!trimmed.trim().is_empty()).then(|| trimmed.to_string());
        let slot = match self {
            TextField::ZoneDescription(i) => plan.zones.get_mut(i).map(|z| &mut z.description),
            TextField::ZoneNote(i) => plan.zones.get_mut(i).map(|z| &mut z.note),
            TextField::RuleJustification(i) => plan.rules.get_mut(i).map(|r| &mut r.justification),
            TextField::RuleNote(i) => plan.rules.get_mut(i).map(|r| &mut r.note),
        };
        match slot {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }
}

impl App {
    /// Opens the editor on the selected zone's description or note (Zones), or the
    /// justification or note of the rule allowing the selected flow (Matrix).
    pub(super) fn edit_text(&mut self, note: bool) -> Vec<Effect> {
        if self.current_plan().is_none() {
            self.info("no plan yet — blastwall plan apply FILE");
            return Vec::new();
        }
        let field = match self.screen {
            Screen::Zones => match self.zones_view.list.selected_item() {
                Some(zone) if note => TextField::ZoneNote(zone),
                Some(zone) => TextField::ZoneDescription(zone),
                None => {
                    self.info("select a zone first");
                    return Vec::new();
                }
            },
            Screen::Matrix => match self.selected_flow_rule() {
                Some(rule) if note => TextField::RuleNote(rule),
                Some(rule) => TextField::RuleJustification(rule),
                None => {
                    self.info(
                        "open a cell (Enter) and select a flow that a rule allows; its rule's text is edited",
                    );
                    return Vec::new();
                }
            },
            _ => return Vec::new(),
        };
        self.open_text(field)
    }

    /// Opens the text editor on a field of the current plan.
    pub(super) fn open_text(&mut self, field: TextField) -> Vec<Effect> {
        let Some(plan) = self.current_plan() else {
            return Vec::new();
        };
        self.phase_edit = Some(PhaseEdit {
            text: field.get(plan),
            title: field.title(plan),
            field: Some(field),
            ..PhaseEdit::default()
        });
        self.input_session += 1;
        Vec::new()
    }

    /// Applies the text editor's text to its field and saves the plan.
    pub(super) fn apply_text(&mut self, field: TextField, text: &str) -> Vec<Effect> {
        self.phase_edit = None;
        let Some(mut plan) = self.current_plan().cloned() else {
            return Vec::new();
        };
        let title = field.title(&plan);
        if field.get(&plan).trim_end() == text.trim_end() {
            self.info(format!("{title}: unchanged"));
            return Vec::new();
        }
        if !field.set(&mut plan, text) {
            self.error(format!("{title}: it no longer exists; nothing was changed"));
            return Vec::new();
        }
        let what = format!("{} edited", title.to_lowercase());
        self.save_plan(plan, what)
    }
}

impl App {
    /// The first rule allowing the selected flow of the open matrix cell.
    fn selected_flow_rule(&self) -> Option<usize> {
        let view = &self.matrix_view;
        if !view.flows.detail_open {
            return None;
        }
        view.rule_ids.get(view.flows.selected).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_and_clears_text_fields() {
        let mut plan = crate::tui::tests::plan();
        let field = TextField::ZoneDescription(0);
        assert!(field.set(&mut plan, "Card data.\nPCI scope.\n\n"));
        assert_eq!(field.get(&plan), "Card data.\nPCI scope.");
        assert!(field.set(&mut plan, "  \n"));
        assert_eq!(plan.zones[0].description, None);
        assert!(!TextField::RuleNote(999).set(&mut plan, "x"));
        assert!(
            TextField::RuleJustification(0)
                .title(&plan)
                .starts_with("Justification of rule ")
        );
    }
}
