//! The whole state of the workbench. Only the main loop mutates it, through
//! [`App::update`](App::update) and [`App::on_event`](App::on_event).

use std::path::PathBuf;
use std::sync::Arc;

use crate::analysis::{Figures, ResolvedEstate};
use crate::ops::ImportProgress;

use super::index::{EstateIndex, OutcomeFilter};
use super::list::ListView;
use super::plan_state::{BlastReport, PlanAnalysis};

/// The screens, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    #[default]
    Estate,
    Flows,
    Zones,
    Matrix,
    Blast,
    Rollout,
    Export,
}

impl Screen {
    pub const ALL: [Screen; 7] = [
        Screen::Estate,
        Screen::Flows,
        Screen::Zones,
        Screen::Matrix,
        Screen::Blast,
        Screen::Rollout,
        Screen::Export,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Estate => "Estate",
            Screen::Flows => "Flows",
            Screen::Zones => "Zones",
            Screen::Matrix => "Matrix",
            Screen::Blast => "Blast radius",
            Screen::Rollout => "Rollout",
            Screen::Export => "Export",
        }
    }

    /// The title where space is short.
    pub fn short_title(self) -> &'static str {
        match self {
            Screen::Blast => "Blast",
            other => other.title(),
        }
    }

    /// The screen's number in the tab bar and for `goto_screen` (numbers are stable: 3 Zones
    /// and 4 Matrix keep theirs).
    pub fn number(self) -> usize {
        match self {
            Screen::Estate => 1,
            Screen::Flows => 2,
            Screen::Zones => 3,
            Screen::Matrix => 4,
            Screen::Blast => 5,
            Screen::Rollout => 6,
            Screen::Export => 7,
        }
    }

    /// Position in the tab bar, from 0.
    pub fn position(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn next(self) -> Screen {
        Screen::ALL[(self.position() + 1) % Screen::ALL.len()]
    }

    pub fn prev(self) -> Screen {
        Screen::ALL[(self.position() + Screen::ALL.len() - 1) % Screen::ALL.len()]
    }

    /// The screen numbered `number` in the tab bar (from 1).
    pub fn numbered(number: usize) -> Option<Screen> {
        Screen::ALL.into_iter().find(|s| s.number() == number)
    }
}

/// A resolved estate with its lookups, figures and the stored plan's analysis, built on the
/// loading worker.
#[derive(Debug, Clone, Default)]
pub struct LoadedEstate {
    pub estate: Arc<ResolvedEstate>,
    pub index: EstateIndex,
    pub figures: Figures,
    pub plan: Arc<PlanAnalysis>,
    /// What the `/` finder searches in the estate (zones and rules come from the plan).
    pub find_items: Arc<Vec<super::find_index::FindItem>>,
    /// The active scenario (`baseline` when none is).
    pub scenario: String,
    /// The baseline's figures, when another scenario is active (the status line's deltas).
    pub baseline: Option<crate::analysis::scenario::Metrics>,
    /// What the time window leaves out, when the flows are narrowed.
    pub window_note: Option<String>,
}

impl LoadedEstate {
    /// An estate without a plan.
    pub fn new(estate: Arc<ResolvedEstate>) -> LoadedEstate {
        let plan = PlanAnalysis::compute(&estate, None, None);
        LoadedEstate::with_plan(estate, plan)
    }

    pub fn with_plan(estate: Arc<ResolvedEstate>, plan: PlanAnalysis) -> LoadedEstate {
        LoadedEstate {
            index: EstateIndex::build(&estate),
            figures: Figures::of(&estate),
            find_items: Arc::new(super::find_index::estate_items(&estate)),
            plan: Arc::new(plan),
            scenario: crate::ops::scenario::BASELINE.to_string(),
            baseline: None,
            window_note: None,
            estate,
        }
    }

    /// Nothing imported that the screens could show.
    pub fn is_empty(&self) -> bool {
        self.estate.workloads.is_empty()
            && self.estate.service_edges.is_empty()
            && self.estate.blind_spots.is_empty()
    }
}

/// Estate screen: the workloads list, and the blind spots matching the same filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EstateView {
    pub list: ListView,
    /// Blind spots to show, busiest first (indices into `blind_spots`).
    pub blind_spots: Vec<usize>,
}

/// Flows screen: the service edges list and its outcome filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowsView {
    pub list: ListView,
    pub outcome: OutcomeFilter,
}

/// Blast radius screen: the workload finder, the picked workload's reach, and the ranking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlastView {
    /// Workloads matching the finder (fuzzy, best first).
    pub list: ListView,
    /// The planned ranking table instead of one workload's reach.
    pub ranking_open: bool,
    pub ranking: ListView,
    /// The workload whose reach is asked for or shown.
    pub picked: Option<u32>,
    /// The newest reach requested; older results are dropped.
    pub generation: u64,
    pub computing: bool,
    pub report: Option<Arc<BlastReport>>,
}

/// Matrix screen: the cell cursor, and the open cell's flows (`flows.detail_open`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixView {
    pub row: usize,
    pub col: usize,
    /// Service edge indices of the open cell.
    pub flows: ListView,
    /// The rules allowing each flow of the open cell (names, joined), aligned with `flows.visible`.
    pub rules: Vec<String>,
    /// The first rule allowing each flow of the open cell, aligned with `flows.visible`.
    pub rule_ids: Vec<Option<usize>>,
}

/// Whether a status message reports a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub kind: StatusKind,
}

/// A running import.
#[derive(Debug, Clone)]
pub struct ImportJob {
    pub paths: Vec<PathBuf>,
    /// Shared with the worker: how far it got, which file, and the cancel flag.
    pub progress: Arc<ImportProgress>,
    pub cancelling: bool,
}

/// What the one-line prompt asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PromptKind {
    /// A path to import.
    #[default]
    Import,
    /// The name of a new zone.
    NewZone,
    /// A new name for the selected zone.
    RenameZone,
    /// A `kind: value` selector for the selected zone.
    AddSelector,
    /// The Export screen's output folder.
    ExportFolder,
    /// The name of a new scenario (a copy of the active one).
    NewScenario,
    /// A new name for the selected scenario.
    RenameScenario,
    /// The time window: `7d`, `2025-11-01..2025-11-15`, `..2025-11-10`.
    Window,
}

/// The one-line prompt: an import path, a zone name or a selector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub text: String,
    pub kind: PromptKind,
}

/// How many list rows fit on each screen at the current terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub estate_rows: usize,
    pub flows_rows: usize,
    pub blast_rows: usize,
    pub matrix_rows: usize,
    /// Rows of the findings panel (Zones and Matrix).
    pub lint_rows: usize,
    /// Rows of the Rollout screen's phase and criteria lists.
    pub rollout_rows: usize,
    /// Rows of the Export screen's file list, and of its preview.
    pub export_rows: usize,
    pub preview_rows: usize,
    /// Rows of the overlays' lists (finder, palette, help).
    pub overlay_rows: usize,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            estate_rows: 10,
            flows_rows: 20,
            blast_rows: 20,
            matrix_rows: 20,
            lint_rows: 8,
            rollout_rows: 6,
            export_rows: 12,
            preview_rows: 20,
            overlay_rows: 12,
        }
    }
}

/// The workbench.
#[derive(Debug, Clone, Default)]
pub struct App {
    /// Shown in the status line when there is no message.
    pub workspace_label: String,
    pub screen: Screen,
    pub loaded: Option<Arc<LoadedEstate>>,
    pub loading: bool,
    /// The newest load requested; older results are dropped.
    pub load_generation: u64,
    pub status: Option<StatusMessage>,
    pub import: Option<ImportJob>,
    /// A long job (load, recomputation, export) with its gauge; Esc cancels it.
    pub busy: Option<super::job::BusyJob>,
    pub scenarios_view: super::scenarios::ScenariosView,
    pub compare_view: super::scenarios::CompareView,
    pub history_view: super::history::HistoryView,
    pub rules_view: super::rules::RulesView,
    /// The time window the flows are narrowed to (`--since`, `--until` as typed).
    pub window: (Option<String>, Option<String>),
    /// The window in force before `T` changed it, until the load through the new one succeeds
    /// (a window the workspace refuses is rolled back).
    pub window_before: Option<(Option<String>, Option<String>)>,
    /// The plan's figures before the last edit (the status line's deltas on the baseline).
    pub before_edit: Option<crate::analysis::scenario::Metrics>,
    pub help_open: bool,
    /// The first help line shown (the overlay scrolls).
    pub help_scroll: usize,
    pub finder: super::finder::FinderView,
    pub palette: super::palette::PaletteView,
    /// Every command of the keymap, for the palette and the help (set by the runtime).
    pub commands: Vec<super::palette::Command>,
    pub prompt: Option<Prompt>,
    /// Bumped whenever an input line opens, so the line editor knows to start afresh.
    pub input_session: u64,
    pub estate_view: EstateView,
    pub flows_view: FlowsView,
    pub blast_view: BlastView,
    pub matrix_view: MatrixView,
    pub zones_view: super::zones::ZonesView,
    /// The findings panel of Zones and Matrix.
    pub lint_view: super::lint::LintView,
    /// The newest plan save asked for; older results are dropped.
    pub plan_generation: u64,
    /// The plan as edited, while its save and recomputation run.
    pub plan_draft: Option<crate::model::plan::Plan>,
    pub rollout_view: super::rollout::RolloutView,
    /// The phase editor (YAML), while open.
    pub phase_edit: Option<super::rollout::PhaseEdit>,
    pub export_view: super::export::ExportView,
    pub viewport: Viewport,
}

impl App {
    pub fn new(workspace_label: impl Into<String>, status_note: Option<String>) -> App {
        App {
            workspace_label: workspace_label.into(),
            status: status_note.map(|text| StatusMessage {
                text,
                kind: StatusKind::Info,
            }),
            ..App::default()
        }
    }

    pub fn estate(&self) -> Option<&ResolvedEstate> {
        self.loaded.as_deref().map(|l| l.estate.as_ref())
    }

    /// The list with the keyboard: an overlay's, else the active screen's.
    pub fn list(&self) -> &ListView {
        if self.finder.open {
            return &self.finder.list;
        }
        if self.palette.open {
            return &self.palette.list;
        }
        match self.screen {
            Screen::Estate => &self.estate_view.list,
            Screen::Flows => &self.flows_view.list,
            Screen::Zones => self.zones_view.focused(),
            Screen::Matrix => &self.matrix_view.flows,
            Screen::Blast if self.blast_view.ranking_open => &self.blast_view.ranking,
            Screen::Blast => &self.blast_view.list,
            Screen::Rollout => self.rollout_view.focused(),
            Screen::Export => &self.export_view.list,
        }
    }

    pub(super) fn list_mut(&mut self) -> &mut ListView {
        if self.finder.open {
            return &mut self.finder.list;
        }
        if self.palette.open {
            return &mut self.palette.list;
        }
        match self.screen {
            Screen::Estate => &mut self.estate_view.list,
            Screen::Flows => &mut self.flows_view.list,
            Screen::Zones => self.zones_view.focused_mut(),
            Screen::Matrix => &mut self.matrix_view.flows,
            Screen::Blast if self.blast_view.ranking_open => &mut self.blast_view.ranking,
            Screen::Blast => &mut self.blast_view.list,
            Screen::Rollout => self.rollout_view.focused_mut(),
            Screen::Export => &mut self.export_view.list,
        }
    }

    /// List rows that fit on the active screen.
    pub fn page_rows(&self) -> usize {
        match self.screen {
            Screen::Estate => self.viewport.estate_rows,
            Screen::Flows => self.viewport.flows_rows,
            Screen::Zones => self.viewport.matrix_rows,
            Screen::Matrix => self.viewport.matrix_rows,
            Screen::Blast => self.viewport.blast_rows,
            Screen::Rollout => self.viewport.rollout_rows,
            Screen::Export => self.viewport.export_rows,
        }
    }

    /// An input line has the keyboard: the import prompt, or the active screen's filter.
    /// An overlay that takes the keyboard is open (scenarios, history, comparison).
    pub fn overlay_open(&self) -> bool {
        self.scenarios_view.open
            || self.history_view.open
            || self.compare_view.open
            || self.rules_view.open
    }

    pub fn is_typing(&self) -> bool {
        self.prompt.is_some() || self.finder.open || self.palette.open || self.list().filter_focused
    }

    /// The phase editor (a multi-line text) has the keyboard.
    pub fn is_editing(&self) -> bool {
        self.phase_edit.is_some()
    }

    /// The text of the input line (or the phase editor) that has the keyboard.
    pub fn input_text(&self) -> Option<&str> {
        if let Some(edit) = &self.phase_edit {
            return Some(&edit.text);
        }
        if self.finder.open {
            return Some(&self.finder.query);
        }
        if self.palette.open {
            return Some(&self.palette.query);
        }
        match &self.prompt {
            Some(prompt) => Some(&prompt.text),
            None if self.list().filter_focused => Some(&self.list().filter),
            None => None,
        }
    }

    pub fn is_importing(&self) -> bool {
        self.import.is_some()
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            text: text.into(),
            kind: StatusKind::Info,
        });
    }

    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            text: text.into(),
            kind: StatusKind::Error,
        });
    }
}
