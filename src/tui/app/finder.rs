//! The `/` finder: type, see the best matches across workloads, apps, zones, rules, addresses
//! and ports, Enter goes to the item on its screen. The search runs on a worker; only the
//! newest answer is shown.

use super::action::Action;
use super::effect::Effect;
use super::find_index::{FindHit, FindTarget};
use super::list::ListView;
use super::state::{App, Screen};
use super::zones::ZonePane;

/// How many matches the finder lists.
pub const FINDER_LIMIT: usize = 200;

/// The finder overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FinderView {
    pub open: bool,
    pub query: String,
    /// The best matches, best first; `list.visible` indexes them.
    pub hits: Vec<FindHit>,
    /// How many items matched in all (more than `hits` when capped).
    pub total: usize,
    pub list: ListView,
    /// The newest search asked for; older answers are dropped.
    pub generation: u64,
    pub searching: bool,
    /// Enter came before the answer: go to the best match when it arrives.
    pub go_when_found: bool,
}

impl App {
    pub(super) fn open_finder(&mut self) -> Vec<Effect> {
        self.finder = FinderView {
            open: true,
            generation: self.finder.generation + 1,
            ..FinderView::default()
        };
        self.input_session += 1;
        Vec::new()
    }

    /// The finder's own actions while it is open; everything else is ignored.
    pub(super) fn finder_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        if !self.finder.open {
            return None;
        }
        if self
            .finder
            .list
            .navigate(action, self.viewport.overlay_rows)
        {
            return Some(Vec::new());
        }
        let effects = match action {
            Action::Quit => return None,
            Action::Cancel => {
                self.finder.open = false;
                Vec::new()
            }
            Action::SetInput(text) => self.search(text.clone()),
            Action::Submit | Action::Pick | Action::ToggleDetail => self.go_to_hit(),
            _ => Vec::new(),
        };
        Some(effects)
    }

    fn search(&mut self, query: String) -> Vec<Effect> {
        self.finder.query = query.clone();
        self.finder.generation += 1;
        if query.trim().is_empty() {
            self.finder.hits.clear();
            self.finder.total = 0;
            self.finder.searching = false;
            self.finder
                .list
                .set_visible(Vec::new(), true, self.viewport.overlay_rows);
            return Vec::new();
        }
        self.finder.searching = true;
        vec![Effect::Find {
            generation: self.finder.generation,
            query,
            plan: self.current_plan().cloned().map(Box::new),
        }]
    }

    /// A search finished; only the newest is shown.
    pub(super) fn on_found(
        &mut self,
        generation: u64,
        hits: Vec<FindHit>,
        total: usize,
    ) -> Vec<Effect> {
        if generation != self.finder.generation {
            return Vec::new();
        }
        self.finder.searching = false;
        self.finder.total = total;
        let visible = (0..hits.len()).collect();
        self.finder.hits = hits;
        self.finder
            .list
            .set_visible(visible, true, self.viewport.overlay_rows);
        if std::mem::take(&mut self.finder.go_when_found) {
            return self.go_to_hit();
        }
        Vec::new()
    }

    fn go_to_hit(&mut self) -> Vec<Effect> {
        if self.finder.searching {
            self.finder.go_when_found = true;
            return Vec::new();
        }
        let Some(hit) = (self.finder.list.selected_item()).and_then(|i| self.finder.hits.get(i))
        else {
            self.info("nothing matches; type part of a name, an address or a port");
            return Vec::new();
        };
        let target = hit.item.target.clone();
        self.finder.open = false;
        self.go_to(&target)
    }

    /// Shows a found item on its screen.
    pub(super) fn go_to(&mut self, target: &FindTarget) -> Vec<Effect> {
        let Some(loaded) = self.loaded.clone() else {
            return Vec::new();
        };
        match target {
            FindTarget::Workload(w) => self.show_workload(*w),
            FindTarget::App(app) => {
                self.screen = Screen::Estate;
                self.estate_view.list.filter = app.clone();
                self.estate_view.list.detail_open = false;
                self.refilter_screen(Screen::Estate);
                self.info(format!(
                    "workloads matching app {app} ({} shown) · Esc clears the filter",
                    self.estate_view.list.len()
                ));
            }
            FindTarget::Zone(zone) => {
                self.screen = Screen::Zones;
                self.zones_view.pane = ZonePane::Zones;
                self.zones_view.moving = None;
                self.zones_view
                    .list
                    .select(*zone, self.viewport.matrix_rows);
                self.sync_zones();
            }
            FindTarget::Rule(rule) => {
                self.show_rule(*rule);
                if self.screen != Screen::Matrix {
                    // Not between two zones: the rules list, on the rule.
                    self.open_rules();
                    let page = self.viewport.overlay_rows;
                    let list = &mut self.rules_view.list;
                    if let Some(position) = list.visible.iter().position(|&i| i == *rule) {
                        list.select(position, page);
                    }
                }
            }
            FindTarget::Address(address) => {
                let owner = loaded
                    .estate
                    .workloads
                    .iter()
                    .position(|w| w.addresses.iter().any(|net| net.addr() == *address));
                match owner {
                    Some(w) => self.show_workload(w as u32),
                    None => self.show_flows(address.to_string()),
                }
            }
            FindTarget::Port(protocol, port) => {
                self.show_flows(format!("{port}/{}", protocol.name()))
            }
        }
        Vec::new()
    }

    /// Estate screen, filter cleared, the workload selected with its details open.
    fn show_workload(&mut self, workload: u32) {
        self.screen = Screen::Estate;
        let list = &mut self.estate_view.list;
        if !list.filter.is_empty() || !list.visible.contains(&(workload as usize)) {
            list.filter.clear();
            self.refilter_screen(Screen::Estate);
        }
        let list = &mut self.estate_view.list;
        if let Some(position) = list.visible.iter().position(|&i| i == workload as usize) {
            list.select(position, self.viewport.estate_rows);
            list.detail_open = true;
        }
    }

    /// Flows screen filtered by `query` (an address, or `port/protocol`).
    fn show_flows(&mut self, query: String) {
        self.screen = Screen::Flows;
        self.flows_view.list.filter = query.clone();
        self.refilter_screen(Screen::Flows);
        self.info(format!(
            "flows matching {query} ({} shown) · Esc clears the filter",
            self.flows_view.list.len()
        ));
    }
}
