//! Zones screen behaviour: the zone list with its selectors, members and the unassigned
//! workloads; every edit is a pure [`Plan`] edit saved through [`App::save_plan`].

use std::path::PathBuf;

use crate::model::plan::Plan;
use crate::model::plan::Policy;

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::plan_edit::{MoveOutcome, parse_selector, selector_text};
use super::state::{App, Prompt, PromptKind};

/// The pane of the Zones screen that `j`/`k` move in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ZonePane {
    #[default]
    Zones,
    Selectors,
    Members,
    Unassigned,
}

impl ZonePane {
    const ALL: [ZonePane; 4] = [
        ZonePane::Zones,
        ZonePane::Selectors,
        ZonePane::Members,
        ZonePane::Unassigned,
    ];

    fn step(self, by: isize) -> ZonePane {
        let at = ZonePane::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let next = at.saturating_add_signed(by).min(ZonePane::ALL.len() - 1);
        ZonePane::ALL[next]
    }
}

/// A workload being moved: `j`/`k` pick the target zone, Enter moves it, Esc cancels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MovePick {
    pub workload: u32,
    pub target: usize,
}

/// Zones screen: the focused pane, one list per pane, and the pending delete or move.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZonesView {
    pub pane: ZonePane,
    /// Plan zone indices.
    pub list: ListView,
    /// Member positions of the selected zone.
    pub selectors: ListView,
    /// Workloads in the selected zone.
    pub members: ListView,
    /// Workloads in no zone.
    pub unassigned: ListView,
    /// The zone a first `d` asked to delete; a second `d` or `y` confirms.
    pub confirm_delete: Option<String>,
    pub moving: Option<MovePick>,
}

impl ZonesView {
    pub fn focused(&self) -> &ListView {
        match self.pane {
            ZonePane::Zones => &self.list,
            ZonePane::Selectors => &self.selectors,
            ZonePane::Members => &self.members,
            ZonePane::Unassigned => &self.unassigned,
        }
    }

    pub fn focused_mut(&mut self) -> &mut ListView {
        match self.pane {
            ZonePane::Zones => &mut self.list,
            ZonePane::Selectors => &mut self.selectors,
            ZonePane::Members => &mut self.members,
            ZonePane::Unassigned => &mut self.unassigned,
        }
    }

    /// The selected zone's index in the plan.
    pub fn zone(&self) -> Option<usize> {
        self.list.selected_item()
    }
}

impl App {
    /// Refills the panes from the loaded plan analysis, keeping selections where possible.
    pub(super) fn sync_zones(&mut self) {
        let Some(loaded) = &self.loaded else { return };
        let analysis = &loaded.plan;
        // The plan being saved, if any, so that a new or moved zone can be selected at once.
        let plan = self.plan_draft.as_ref().or(analysis.plan.as_ref());
        let zones = plan.map_or(&[][..], |p| p.zones.as_slice());
        let rows = self.viewport.matrix_rows;
        let view = &mut self.zones_view;
        view.list
            .set_visible((0..zones.len()).collect(), false, rows);
        let zone = view.zone();
        let selectors = zone
            .and_then(|z| zones.get(z))
            .map_or(0, |z| z.members.len());
        view.selectors
            .set_visible((0..selectors).collect(), false, rows);
        let in_zone = |wanted: Option<u32>| -> Vec<usize> {
            let Some(wanted) = wanted else {
                return Vec::new();
            };
            let map = &analysis.zones.workload_zone;
            (0..map.len()).filter(|&i| map[i] == wanted).collect()
        };
        let members = in_zone(zone.map(|z| z as u32));
        view.members.set_visible(members, false, rows);
        let unassigned = in_zone(Some(analysis.zones.unassigned()));
        view.unassigned.set_visible(unassigned, false, rows);
    }

    /// Zones screen actions; `None` leaves the action to the common handling.
    pub(super) fn zones_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        if self.zones_view.moving.is_some() {
            match action {
                Action::MoveUp | Action::MoveDown => {
                    let by = if *action == Action::MoveUp { -1 } else { 1 };
                    let count = self.current_plan().map_or(0, |p| p.zones.len());
                    if let Some(pick) = &mut self.zones_view.moving {
                        pick.target = pick
                            .target
                            .saturating_add_signed(by)
                            .min(count.saturating_sub(1));
                    }
                    return Some(Vec::new());
                }
                Action::Pick | Action::Submit => return Some(self.finish_move()),
                _ => {
                    self.zones_view.moving = None;
                    self.info("move cancelled");
                    return (*action == Action::Cancel).then(Vec::new);
                }
            }
        }
        if let Some(name) = self.zones_view.confirm_delete.take() {
            if matches!(action, Action::DeleteZone | Action::Confirm) {
                return Some(self.delete_zone(&name));
            }
            self.info(format!("zone {name} kept"));
        }
        let view = &mut self.zones_view;
        let effects = match action {
            Action::MoveLeft | Action::MoveRight => {
                let by = if *action == Action::MoveLeft { -1 } else { 1 };
                view.pane = view.pane.step(by);
                Vec::new()
            }
            Action::NextPane | Action::PrevPane => {
                let count = ZonePane::ALL.len();
                let at = ZonePane::ALL
                    .iter()
                    .position(|p| *p == view.pane)
                    .unwrap_or(0);
                let by = if *action == Action::NextPane {
                    1
                } else {
                    count - 1
                };
                view.pane = ZonePane::ALL[(at + by) % count];
                Vec::new()
            }
            Action::StartFilter | Action::ToggleDetail | Action::Pick => Vec::new(),
            Action::NewZone => self.zone_prompt(PromptKind::NewZone, String::new()),
            Action::RenameZone => self.rename_prompt(),
            Action::AddSelector => self.selector_prompt(),
            Action::MoveZoneUp => self.move_zone(-1),
            Action::MoveZoneDown => self.move_zone(1),
            Action::CycleIntraZone => self.cycle_intra_zone(),
            Action::DeleteZone => self.ask_delete(),
            Action::RemoveSelector => self.remove_selector(),
            Action::MoveWorkload => self.start_move(),
            Action::WritePlan => self.write_plan(),
            _ => return None,
        };
        Some(effects)
    }

    fn zone_prompt(&mut self, kind: PromptKind, text: String) -> Vec<Effect> {
        self.prompt = Some(Prompt { text, kind });
        self.input_session += 1;
        Vec::new()
    }

    /// The plan to edit and the selected zone's index, or a message saying what is missing.
    fn edit_target(&mut self) -> Option<(Plan, usize)> {
        let plan = self.current_plan().cloned();
        match (plan, self.zones_view.zone()) {
            (Some(plan), Some(zone)) if zone < plan.zones.len() => Some((plan, zone)),
            (None, _) => {
                self.info("no plan yet — n creates a zone and starts one");
                None
            }
            _ => {
                self.info("no zone selected");
                None
            }
        }
    }

    fn rename_prompt(&mut self) -> Vec<Effect> {
        let Some((plan, zone)) = self.edit_target() else {
            return Vec::new();
        };
        let name = plan.zones[zone].name.clone();
        self.zone_prompt(PromptKind::RenameZone, name)
    }

    fn selector_prompt(&mut self) -> Vec<Effect> {
        if self.edit_target().is_none() {
            return Vec::new();
        }
        self.zone_prompt(PromptKind::AddSelector, String::new())
    }

    /// Applies the text of a zone prompt (new name, rename, selector).
    pub(super) fn submit_zone_prompt(&mut self, kind: PromptKind, text: &str) -> Vec<Effect> {
        let text = text.trim();
        if text.is_empty() {
            self.info("cancelled: nothing typed");
            return Vec::new();
        }
        let result = match kind {
            PromptKind::NewZone => {
                let mut plan = self.current_plan().cloned().unwrap_or_default();
                plan.add_zone(text).map(|()| {
                    self.zones_view.list.selected = plan.zones.len() - 1;
                    (plan, format!("zone {text} created"))
                })
            }
            PromptKind::RenameZone => {
                self.edit_target()
                    .ok_or_else(String::new)
                    .and_then(|(mut p, z)| {
                        let old = p.zones[z].name.clone();
                        let rules = p.rename_zone(z, text)?;
                        Ok((p, format!("zone {old} renamed {text} ({rules} rule sides)")))
                    })
            }
            PromptKind::AddSelector => {
                self.edit_target()
                    .ok_or_else(String::new)
                    .and_then(|(mut p, z)| {
                        let selector = parse_selector(text)?;
                        let what =
                            format!("{} added to {}", selector_text(&selector), p.zones[z].name);
                        p.add_selector(z, selector)?;
                        Ok((p, what))
                    })
            }
            PromptKind::Import
            | PromptKind::ExportFolder
            | PromptKind::NewScenario
            | PromptKind::RenameScenario
            | PromptKind::Window => return Vec::new(),
        };
        match result {
            Ok((plan, what)) => self.save_plan(plan, what),
            Err(message) if message.is_empty() => Vec::new(),
            Err(message) => {
                self.error(message);
                Vec::new()
            }
        }
    }

    fn move_zone(&mut self, by: isize) -> Vec<Effect> {
        let Some((mut plan, zone)) = self.edit_target() else {
            return Vec::new();
        };
        let Some(at) = plan.move_zone(zone, by) else {
            return Vec::new();
        };
        self.zones_view.list.selected = at;
        let what = format!("zone {} moved to place {}", plan.zones[at].name, at + 1);
        self.save_plan(plan, what)
    }

    /// Intra-zone traffic of the selected zone: the plan's default, then allow, then deny.
    fn cycle_intra_zone(&mut self) -> Vec<Effect> {
        let Some((mut plan, zone)) = self.edit_target() else {
            return Vec::new();
        };
        let default = plan.defaults.intra_zone;
        let next = match plan.zones[zone].intra_zone {
            None => Some(Policy::Allow),
            Some(Policy::Allow) => Some(Policy::Deny),
            Some(Policy::Deny) => None,
        };
        plan.zones[zone].intra_zone = next;
        let what = match next {
            Some(policy) => format!(
                "zone {}: intra-zone traffic {}",
                plan.zones[zone].name,
                policy.as_str()
            ),
            None => format!(
                "zone {}: intra-zone traffic as the default ({})",
                plan.zones[zone].name,
                default.as_str()
            ),
        };
        self.save_plan(plan, what)
    }

    fn ask_delete(&mut self) -> Vec<Effect> {
        let Some((plan, zone)) = self.edit_target() else {
            return Vec::new();
        };
        let name = plan.zones[zone].name.clone();
        let rules = plan.rules_naming_zone(&name);
        if !rules.is_empty() {
            let rules = rules.join(", ");
            self.error(format!(
                "zone {name} is used by rules {rules} — change them first"
            ));
            return Vec::new();
        }
        self.info(format!(
            "delete zone {name}? d or y deletes it, any other key keeps it"
        ));
        self.zones_view.confirm_delete = Some(name);
        Vec::new()
    }

    fn delete_zone(&mut self, name: &str) -> Vec<Effect> {
        let Some(mut plan) = self.current_plan().cloned() else {
            return Vec::new();
        };
        let Some(zone) = plan.zones.iter().position(|z| z.name == name) else {
            return Vec::new();
        };
        match plan.delete_zone(zone) {
            Ok(_) => self.save_plan(plan, format!("zone {name} deleted")),
            Err(message) => {
                self.error(message);
                Vec::new()
            }
        }
    }

    fn remove_selector(&mut self) -> Vec<Effect> {
        if self.zones_view.pane != ZonePane::Selectors {
            self.info("pick a selector first (l moves to the selectors)");
            return Vec::new();
        }
        let Some((mut plan, zone)) = self.edit_target() else {
            return Vec::new();
        };
        let position = self.zones_view.selectors.selected;
        match plan.remove_selector(zone, position) {
            Some(s) => {
                let what = format!(
                    "{} removed from {}",
                    selector_text(&s),
                    plan.zones[zone].name
                );
                self.save_plan(plan, what)
            }
            None => Vec::new(),
        }
    }

    fn start_move(&mut self) -> Vec<Effect> {
        let view = &self.zones_view;
        let workload = match view.pane {
            ZonePane::Members => view.members.selected_item(),
            ZonePane::Unassigned => view.unassigned.selected_item(),
            _ => None,
        };
        let Some(workload) = workload else {
            self.info("pick a member or an unassigned workload first (l moves between panes)");
            return Vec::new();
        };
        if self.current_plan().is_none_or(|p| p.zones.is_empty()) {
            self.info("no zone to move it to — n creates one");
            return Vec::new();
        }
        let target = view.zone().unwrap_or(0);
        self.zones_view.moving = Some(MovePick {
            workload: workload as u32,
            target,
        });
        self.info("move to which zone? j/k pick, Enter moves, Esc cancels");
        Vec::new()
    }

    fn finish_move(&mut self) -> Vec<Effect> {
        let (Some(pick), Some(loaded)) = (self.zones_view.moving.take(), self.loaded.clone())
        else {
            return Vec::new();
        };
        let Some(mut plan) = self.current_plan().cloned() else {
            return Vec::new();
        };
        let name = loaded
            .estate
            .workloads
            .get(pick.workload as usize)
            .map_or_else(String::new, |w| w.name.clone());
        match plan.move_workload(&loaded.estate, pick.workload, pick.target) {
            Ok(outcome) => {
                let target = plan.zones[pick.target].name.clone();
                let what = match outcome {
                    MoveOutcome::Moved => format!("{name} moved to {target}"),
                    MoveOutcome::StillClaimed { zone, selector } => format!(
                        "workload: {name} added to {target}, but first match wins: zone {zone} \
                         still claims it through {}",
                        selector_text(&selector)
                    ),
                };
                self.save_plan(plan, what)
            }
            Err(message) => {
                self.error(message);
                Vec::new()
            }
        }
    }

    /// Writes the plan back to the file it was applied from.
    pub(super) fn write_plan(&mut self) -> Vec<Effect> {
        let Some(plan) = self.current_plan().cloned() else {
            self.info("no plan to write yet");
            return Vec::new();
        };
        let source = self.loaded.as_ref().and_then(|l| l.plan.source.clone());
        let Some(source) = source else {
            self.info("the plan has no source file — blastwall plan show --out FILE writes it");
            return Vec::new();
        };
        self.info(format!("writing the plan to {source}…"));
        vec![Effect::WritePlan {
            plan: Box::new(plan),
            path: PathBuf::from(source),
        }]
    }
}
