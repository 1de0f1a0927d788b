//! Actions and events in, state changes and effects out. No I/O here.

use std::path::PathBuf;
use std::sync::Arc;

use super::action::Action;
use super::effect::Effect;
use super::event::AppEvent;
use super::index::EstateIndex;
use super::state::{App, ImportJob, LoadedEstate, Prompt, PromptKind, Screen};

impl App {
    /// The effects to perform when the workbench starts: load the workspace.
    pub fn start(&mut self) -> Vec<Effect> {
        self.reload()
    }

    /// Applies an action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if let Some(effects) = self.phase_edit_action(&action) {
            return effects;
        }
        if self.help_open {
            return self.help_action(action);
        }
        if let Some(effects) = self.finder_action(&action) {
            return effects;
        }
        if let Some(effects) = self.palette_action(&action) {
            return effects;
        }
        if let Some(effects) = self.scenarios_action(&action) {
            return effects;
        }
        if let Some(effects) = self.history_action(&action) {
            return effects;
        }
        if let Some(effects) = self.rules_action(&action) {
            return effects;
        }
        if let Some(effects) = self.compare_action(&action) {
            return effects;
        }
        if let Some(effects) = self.lint_action(&action) {
            if self.screen == Screen::Zones {
                self.sync_zones();
            }
            return effects;
        }
        let handled = match self.screen {
            Screen::Zones => self.zones_action(&action),
            Screen::Rollout => self.rollout_action(&action),
            Screen::Export => self.export_action(&action),
            _ => None,
        };
        let mut effects = match handled {
            Some(effects) => effects,
            None => self.dispatch(action),
        };
        match self.screen {
            Screen::Zones => self.sync_zones(),
            Screen::Rollout => self.sync_rollout(),
            _ => {}
        }
        effects.extend(self.sync_export());
        effects
    }

    fn dispatch(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => self.quit(),
            Action::NextScreen => self.switch(self.screen.next()),
            Action::PrevScreen => self.switch(self.screen.prev()),
            Action::NextPane => self.switch(self.screen.next()),
            Action::PrevPane => self.switch(self.screen.prev()),
            Action::GotoScreen(number) => Screen::numbered(number)
                .map(|s| self.switch(s))
                .unwrap_or_default(),
            Action::MoveUp if self.on_matrix_grid() => self.move_cell(-1, 0),
            Action::MoveDown if self.on_matrix_grid() => self.move_cell(1, 0),
            Action::MoveLeft if self.screen == Screen::Matrix => self.move_cell(0, -1),
            Action::MoveRight if self.screen == Screen::Matrix => self.move_cell(0, 1),
            Action::MoveLeft | Action::MoveRight => Vec::new(),
            Action::MoveUp => self.navigate(|list, page| list.move_by(-1, page)),
            Action::MoveDown => self.navigate(|list, page| list.move_by(1, page)),
            Action::PageUp => {
                self.navigate(|list, page| list.move_by(-(page.max(1) as isize), page))
            }
            Action::PageDown => {
                self.navigate(|list, page| list.move_by(page.max(1) as isize, page))
            }
            Action::Top => self.navigate(|list, page| list.select(0, page)),
            Action::Bottom => self.navigate(|list, page| list.select(usize::MAX, page)),
            Action::ToggleDetail => {
                let list = self.list_mut();
                list.detail_open = !list.detail_open;
                Vec::new()
            }
            Action::StartFilter => {
                self.list_mut().filter_focused = true;
                self.input_session += 1;
                Vec::new()
            }
            Action::CycleOutcomeFilter => self.cycle_outcome(),
            Action::StartImport => self.open_prompt(),
            Action::ToggleHelp => {
                self.help_open = true;
                self.help_scroll = 0;
                Vec::new()
            }
            Action::Cancel => self.cancel(),
            Action::Submit => self.submit(),
            Action::Reload => self.reload(),
            Action::SetInput(text) => self.set_input(text),
            Action::Pick if self.screen == Screen::Blast => self.pick(),
            Action::Pick if self.screen == Screen::Matrix => self.open_cell(),
            Action::ProposeRule if self.screen == Screen::Matrix => self.propose_rule(),
            Action::ProposeRule => Vec::new(),
            Action::ToggleRanking if self.screen == Screen::Blast => self.toggle_ranking(),
            Action::ToggleLint => self.toggle_lint(),
            Action::OpenFinder => self.open_finder(),
            Action::OpenPalette => self.open_palette(),
            Action::ClickRow { list, position } => self.click_row(list, position),
            Action::Wheel(lines) => self.wheel(lines),
            Action::Undo => self.step(super::history::Step::Undo),
            Action::Redo => self.step(super::history::Step::Redo),
            Action::OpenScenarios => self.open_scenarios(),
            Action::Compare => self.compare_active(),
            Action::OpenHistory => self.open_history(),
            Action::OpenRules => self.open_rules(),
            Action::SetWindow => self.ask_window(),
            Action::SuggestScenario => self.suggest_scenario(),
            Action::EditText => self.edit_text(false),
            Action::EditNote => self.edit_text(true),
            // Zones edits are handled by `zones_action`; elsewhere these do nothing.
            _ => Vec::new(),
        }
    }

    /// Applies a report from a worker or the terminal.
    pub fn on_event(&mut self, event: AppEvent) -> Vec<Effect> {
        match event {
            AppEvent::EstateLoaded { generation, result } => {
                if generation != self.load_generation {
                    return Vec::new();
                }
                self.end_job(super::job::JobKind::Load);
                self.loading = false;
                match result {
                    Ok(loaded) => {
                        self.window_before = None;
                        let narrowing = (self.status.as_ref())
                            .is_some_and(|s| s.text.starts_with("narrowing the flows"));
                        if let Some(note) = loaded.window_note.clone().filter(|_| narrowing) {
                            self.info(note);
                        }
                        self.set_estate(*loaded);
                        let mut effects = self.refresh_blast();
                        effects.extend(self.sync_export());
                        effects
                    }
                    Err(message) => match self.window_before.take() {
                        // A window the workspace refused: back to the one before, and its load.
                        Some(before) => {
                            self.window = before;
                            let effects = self.reload();
                            self.error(format!(
                                "the time window was not changed: {message} (T tries again)"
                            ));
                            effects
                        }
                        None => {
                            self.error(format!("cannot load the workspace: {message}"));
                            Vec::new()
                        }
                    },
                }
            }
            AppEvent::PlanSaved { generation, result } => self.on_plan_saved(generation, result),
            AppEvent::ReachComputed { generation, result } => {
                self.on_reach(generation, result);
                Vec::new()
            }
            AppEvent::ExportPreviewed { generation, result } => {
                self.on_export_previewed(generation, result);
                Vec::new()
            }
            AppEvent::ScenarioDone(result) => self.on_scenario_done(result),
            AppEvent::Scenarios(result) => {
                self.on_scenarios(result);
                Vec::new()
            }
            AppEvent::Compared(result) => {
                self.on_compared(result);
                Vec::new()
            }
            AppEvent::Stepped {
                generation,
                step,
                result,
            } => self.on_stepped(generation, step, result),
            AppEvent::History(result) => {
                self.on_history(result);
                Vec::new()
            }
            AppEvent::Found {
                generation,
                hits,
                total,
            } => self.on_found(generation, hits, total),
            AppEvent::ExportWritten(result) => {
                self.end_job(super::job::JobKind::Export);
                self.on_export_written(result);
                Vec::new()
            }
            AppEvent::PlanWritten(result) => {
                match result {
                    Ok(path) => self.info(format!("plan written to {path}")),
                    Err(message) => self.error(format!("the plan was not written: {message}")),
                }
                Vec::new()
            }
            AppEvent::ImportFinished(result) => {
                self.import = None;
                match result {
                    Ok(summary) => {
                        self.info(summary);
                        self.reload()
                    }
                    Err(message) => {
                        self.error(message);
                        Vec::new()
                    }
                }
            }
            AppEvent::Viewport(viewport) => {
                self.viewport = viewport;
                self.estate_view
                    .list
                    .select(self.estate_view.list.selected, viewport.estate_rows);
                self.flows_view
                    .list
                    .select(self.flows_view.list.selected, viewport.flows_rows);
                let flows = &mut self.matrix_view.flows;
                flows.select(flows.selected, viewport.matrix_rows);
                let view = &mut self.blast_view;
                view.list.select(view.list.selected, viewport.blast_rows);
                view.ranking
                    .select(view.ranking.selected, viewport.blast_rows);
                let lint = &mut self.lint_view.list;
                lint.select(lint.selected, viewport.lint_rows);
                let rollout = &mut self.rollout_view;
                rollout
                    .phases
                    .select(rollout.phases.selected, viewport.rollout_rows);
                rollout
                    .criteria
                    .select(rollout.criteria.selected, viewport.rollout_rows);
                let export = &mut self.export_view.list;
                export.select(export.selected, viewport.export_rows);
                for list in [
                    &mut self.finder.list,
                    &mut self.palette.list,
                    &mut self.scenarios_view.list,
                    &mut self.history_view.list,
                    &mut self.rules_view.list,
                ] {
                    list.select(list.selected, viewport.overlay_rows);
                }
                Vec::new()
            }
        }
    }

    /// Shows a freshly loaded estate, keeping filters and (as far as possible) selections.
    pub fn set_estate(&mut self, loaded: LoadedEstate) {
        self.loaded = Some(Arc::new(loaded));
        self.refilter_estate(false, None);
        self.refilter_flows(false, None);
        self.refilter_blast(false);
        self.sync_zones();
        self.sync_lint();
        self.sync_rollout();
        self.export_view.preview.name = None;
    }

    /// On the matrix with no cell open: up and down move the cell cursor.
    fn on_matrix_grid(&self) -> bool {
        self.screen == Screen::Matrix && !self.matrix_view.flows.detail_open
    }

    fn quit(&mut self) -> Vec<Effect> {
        if self.is_importing() {
            vec![Effect::CancelImport, Effect::Quit]
        } else {
            vec![Effect::Quit]
        }
    }

    fn switch(&mut self, screen: Screen) -> Vec<Effect> {
        self.screen = screen;
        Vec::new()
    }

    fn navigate(&mut self, step: impl FnOnce(&mut super::ListView, usize)) -> Vec<Effect> {
        let page = self.page_rows();
        step(self.list_mut(), page);
        Vec::new()
    }

    fn cycle_outcome(&mut self) -> Vec<Effect> {
        if self.screen == Screen::Flows {
            self.flows_view.outcome = self.flows_view.outcome.next();
            self.refilter_flows(true, None);
        }
        Vec::new()
    }

    fn open_prompt(&mut self) -> Vec<Effect> {
        if self.is_importing() {
            self.error("an import is already running (Esc cancels it)");
        } else {
            self.prompt = Some(Prompt::default());
            self.input_session += 1;
        }
        Vec::new()
    }

    /// Closes the innermost thing open: prompt, filter input, detail pane, filter; with nothing
    /// open, cancels a running import.
    fn cancel(&mut self) -> Vec<Effect> {
        if self.prompt.take().is_some() {
            return Vec::new();
        }
        let screen = self.screen;
        let list = self.list_mut();
        if list.filter_focused {
            list.filter_focused = false;
            list.filter.clear();
            self.refilter(screen, true);
        } else if list.detail_open {
            list.detail_open = false;
        } else if !list.filter.is_empty() {
            list.filter.clear();
            self.refilter(screen, true);
        } else if let Some(job) = self.import.as_mut().filter(|job| !job.cancelling) {
            job.cancelling = true;
            self.info("cancelling the import…");
            return vec![Effect::CancelImport];
        } else if let Some(effects) = self.cancel_job() {
            return effects;
        }
        Vec::new()
    }

    fn submit(&mut self) -> Vec<Effect> {
        if let Some(prompt) = self.prompt.take() {
            match prompt.kind {
                PromptKind::ExportFolder => return self.set_export_folder(&prompt.text),
                PromptKind::NewScenario | PromptKind::RenameScenario => {
                    return self.submit_scenario_prompt(prompt.kind, &prompt.text);
                }
                PromptKind::Window => return self.set_window(&prompt.text),
                _ => {}
            }
            if prompt.kind != PromptKind::Import {
                return self.submit_zone_prompt(prompt.kind, &prompt.text);
            }
            let text = prompt.text.trim();
            if text.is_empty() {
                self.info("import cancelled: no path given");
                return Vec::new();
            }
            let paths = vec![PathBuf::from(text)];
            self.info(format!("importing {text}…"));
            self.import = Some(ImportJob {
                paths: paths.clone(),
                progress: Arc::default(),
                cancelling: false,
            });
            return vec![Effect::StartImport(paths)];
        }
        self.list_mut().filter_focused = false;
        Vec::new()
    }

    pub(super) fn reload(&mut self) -> Vec<Effect> {
        self.load_generation += 1;
        self.loading = true;
        self.begin_job(
            super::job::JobKind::Load,
            "loading the workspace",
            super::plan_state::PlanAnalysis::STAGES + 2,
        );
        vec![Effect::LoadEstate {
            generation: self.load_generation,
        }]
    }

    fn set_input(&mut self, text: String) -> Vec<Effect> {
        if let Some(prompt) = &mut self.prompt {
            prompt.text = text;
        } else if self.list().filter_focused {
            let previous = std::mem::replace(&mut self.list_mut().filter, text);
            match self.screen {
                Screen::Estate => self.refilter_estate(true, Some(&previous)),
                Screen::Flows => self.refilter_flows(true, Some(&previous)),
                Screen::Blast => self.refilter_blast(true),
                Screen::Matrix | Screen::Zones | Screen::Rollout | Screen::Export => {}
            }
        }
        Vec::new()
    }

    /// Filters the screen's list afresh (its filter text changed).
    pub(super) fn refilter_screen(&mut self, screen: Screen) {
        self.refilter(screen, true);
    }

    /// While the help is open: scroll it, close it, or quit.
    fn help_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.viewport.overlay_rows;
        if let Some(to) = super::list::scrolled(&action, self.help_scroll, page, self.help_lines())
        {
            self.help_scroll = to;
            return Vec::new();
        }
        match action {
            Action::Quit => self.quit(),
            Action::ToggleHelp | Action::Cancel => {
                self.help_open = false;
                self.help_scroll = 0;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// How many lines the help overlay has on this screen.
    pub fn help_lines(&self) -> usize {
        self.commands
            .iter()
            .filter(|c| c.screen.is_none_or(|s| s == self.screen))
            .count()
    }

    fn refilter(&mut self, screen: Screen, reset: bool) {
        match screen {
            Screen::Estate => self.refilter_estate(reset, None),
            Screen::Flows => self.refilter_flows(reset, None),
            Screen::Blast => self.refilter_blast(reset),
            Screen::Matrix | Screen::Zones | Screen::Rollout | Screen::Export => {}
        }
    }

    /// Filters the workloads and blind spots; only the current matches when the new filter
    /// narrows `previous`.
    fn refilter_estate(&mut self, reset: bool, previous: Option<&str>) {
        let Some(loaded) = &self.loaded else { return };
        let view = &mut self.estate_view;
        let query = &view.list.filter;
        let narrow = previous.is_some_and(|p| EstateIndex::narrows(p, query));
        let visible = loaded
            .index
            .filter_workloads(query, narrow.then_some(view.list.visible.as_slice()));
        view.blind_spots = loaded
            .index
            .filter_blind_spots(query, narrow.then_some(view.blind_spots.as_slice()));
        view.list
            .set_visible(visible, reset, self.viewport.estate_rows);
    }

    fn refilter_flows(&mut self, reset: bool, previous: Option<&str>) {
        let Some(loaded) = &self.loaded else { return };
        let view = &mut self.flows_view;
        let query = &view.list.filter;
        let narrow = previous.is_some_and(|p| EstateIndex::narrows_flows(p, query));
        let within = narrow.then_some(view.list.visible.as_slice());
        let visible = loaded
            .index
            .filter_flows(&loaded.estate, query, view.outcome, within);
        view.list
            .set_visible(visible, reset, self.viewport.flows_rows);
    }
}
