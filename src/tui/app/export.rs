//! Export screen behaviour: the deliverables as a checklist (targets and their files), the
//! output folder, a preview of the selected file (rendered on a worker) and the files written.

use std::path::PathBuf;

use crate::export::deliverables::TARGETS;

use super::action::Action;
use super::effect::Effect;
use super::list::ListView;
use super::state::{App, Prompt, PromptKind, Screen};

/// The output folder when none is typed: relative to the current directory.
pub const DEFAULT_FOLDER: &str = "./blastwall-export";

/// A row of the checklist: a target (choosing all its files) or one of its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportRow {
    /// A target, by index in the registry.
    Target(usize),
    /// A file: its target, and its index among all files (registry order).
    File { target: usize, file: usize },
}

impl ExportRow {
    /// Every row: each target followed by its files.
    pub fn all() -> Vec<ExportRow> {
        let mut rows = Vec::new();
        let mut file = 0;
        for (target, t) in TARGETS.iter().enumerate() {
            rows.push(ExportRow::Target(target));
            for _ in t.files {
                rows.push(ExportRow::File { target, file });
                file += 1;
            }
        }
        rows
    }

    /// The files of the row (indices among all files).
    pub fn files(self) -> Vec<usize> {
        match self {
            ExportRow::File { file, .. } => vec![file],
            ExportRow::Target(target) => {
                let first: usize = TARGETS.iter().take(target).map(|t| t.files.len()).sum();
                let count = TARGETS.get(target).map_or(0, |t| t.files.len());
                (first..first + count).collect()
            }
        }
    }
}

/// The name of a file (index among all files).
pub fn file_name(file: usize) -> Option<&'static str> {
    TARGETS
        .iter()
        .flat_map(|t| t.files.iter())
        .nth(file)
        .map(|f| f.name)
}

/// What an export wrote: the folder and each file with its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportWritten {
    pub out: String,
    pub files: Vec<(String, u64)>,
}

/// The selected file's rendered text, asked of a worker.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportPreview {
    /// The file shown (or being rendered); `None` asks for a new rendering.
    pub name: Option<String>,
    /// The newest rendering asked for; older results are dropped.
    pub generation: u64,
    pub loading: bool,
    pub text: Option<Result<String, String>>,
    /// The first line shown.
    pub scroll: usize,
}

/// Export screen: the checklist, the chosen files, the folder, the preview, the last result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportView {
    pub rows: Vec<ExportRow>,
    /// Row positions.
    pub list: ListView,
    /// Per file (registry order): written by `x`.
    pub chosen: Vec<bool>,
    pub folder: String,
    pub preview: ExportPreview,
    pub writing: bool,
    pub written: Option<Result<ExportWritten, String>>,
}

impl Default for ExportView {
    fn default() -> Self {
        let rows = ExportRow::all();
        let files = TARGETS.iter().map(|t| t.files.len()).sum();
        ExportView {
            list: ListView {
                visible: (0..rows.len()).collect(),
                ..ListView::default()
            },
            rows,
            chosen: vec![true; files],
            folder: DEFAULT_FOLDER.to_string(),
            preview: ExportPreview::default(),
            writing: false,
            written: None,
        }
    }
}

impl ExportView {
    pub fn selected_row(&self) -> Option<ExportRow> {
        self.list
            .selected_item()
            .and_then(|i| self.rows.get(i))
            .copied()
    }

    /// The file the preview shows: the selected file, or a target's first file.
    pub fn selected_file(&self) -> Option<&'static str> {
        let row = self.selected_row()?;
        row.files().first().and_then(|&f| file_name(f))
    }

    /// Whether every file of a row is chosen (`Some(false)`: some but not all).
    pub fn row_chosen(&self, row: ExportRow) -> Option<bool> {
        let files = row.files();
        let chosen = files
            .iter()
            .filter(|&&f| self.chosen.get(f).copied().unwrap_or(false))
            .count();
        match chosen {
            0 => None,
            n if n == files.len() => Some(true),
            _ => Some(false),
        }
    }

    /// The chosen file names, in registry order.
    pub fn chosen_names(&self) -> Vec<String> {
        (0..self.chosen.len())
            .filter(|&f| self.chosen[f])
            .filter_map(|f| file_name(f).map(str::to_string))
            .collect()
    }
}

impl App {
    /// Export screen actions; `None` leaves the action to the common handling.
    pub(super) fn export_action(&mut self, action: &Action) -> Option<Vec<Effect>> {
        let effects = match action {
            Action::Toggle => {
                self.toggle_export_row();
                Vec::new()
            }
            Action::EditFolder => {
                let text = self.export_view.folder.clone();
                self.prompt = Some(Prompt {
                    text,
                    kind: PromptKind::ExportFolder,
                });
                self.input_session += 1;
                Vec::new()
            }
            Action::WriteExport => self.write_export(),
            Action::ScrollPreview(by) => {
                let preview = &mut self.export_view.preview;
                let lines = match &preview.text {
                    Some(Ok(text)) => text.lines().count(),
                    _ => 0,
                };
                preview.scroll = preview
                    .scroll
                    .saturating_add_signed(*by)
                    .min(lines.saturating_sub(1));
                Vec::new()
            }
            Action::StartFilter | Action::ToggleDetail | Action::Pick => Vec::new(),
            _ => return None,
        };
        Some(effects)
    }

    fn toggle_export_row(&mut self) {
        let view = &mut self.export_view;
        let Some(row) = view.selected_row() else {
            return;
        };
        let choose = view.row_chosen(row) != Some(true);
        for file in row.files() {
            if let Some(chosen) = view.chosen.get_mut(file) {
                *chosen = choose;
            }
        }
    }

    /// The output folder typed in the prompt.
    pub(super) fn set_export_folder(&mut self, text: &str) -> Vec<Effect> {
        let text = text.trim();
        if text.is_empty() {
            self.info("the folder is unchanged: nothing typed");
        } else {
            self.export_view.folder = text.to_string();
            self.info(format!("exports go to {text}"));
        }
        Vec::new()
    }

    fn write_export(&mut self) -> Vec<Effect> {
        let Some(plan) = self.current_plan().cloned() else {
            self.info("no plan to export yet — blastwall plan apply FILE");
            return Vec::new();
        };
        if self.export_view.writing {
            self.info("an export is already being written");
            return Vec::new();
        }
        let names = self.export_view.chosen_names();
        if names.is_empty() {
            self.info("nothing chosen — Space chooses a file or a target");
            return Vec::new();
        }
        let folder = self.export_view.folder.clone();
        self.export_view.writing = true;
        self.begin_job(
            super::job::JobKind::Export,
            "writing the export",
            names.len() as u32 + 1,
        );
        self.info(format!("writing {} files to {folder}…", names.len()));
        vec![Effect::WriteExport {
            out: PathBuf::from(folder),
            names,
            plan: Box::new(plan),
        }]
    }

    /// Asks for the selected file's preview when it is not the one shown (or the plan
    /// changed). Only on the Export screen, with a plan.
    pub(super) fn sync_export(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Export {
            return Vec::new();
        }
        let Some(plan) = self.current_plan().cloned() else {
            return Vec::new();
        };
        let Some(name) = self.export_view.selected_file() else {
            return Vec::new();
        };
        let preview = &mut self.export_view.preview;
        if preview.name.as_deref() == Some(name) {
            return Vec::new();
        }
        preview.generation += 1;
        preview.name = Some(name.to_string());
        preview.loading = true;
        preview.scroll = 0;
        vec![Effect::PreviewExport {
            generation: preview.generation,
            name: name.to_string(),
            plan: Box::new(plan),
        }]
    }

    pub(super) fn on_export_previewed(&mut self, generation: u64, result: Result<String, String>) {
        let preview = &mut self.export_view.preview;
        if generation != preview.generation {
            return;
        }
        preview.loading = false;
        preview.text = Some(result);
    }

    pub(super) fn on_export_written(&mut self, result: Result<ExportWritten, String>) {
        self.export_view.writing = false;
        match &result {
            Ok(written) => {
                let bytes: u64 = written.files.iter().map(|f| f.1).sum();
                self.info(format!(
                    "wrote {} files to {} · {bytes} bytes",
                    written.files.len(),
                    written.out
                ));
            }
            Err(message) => self.error(format!("nothing was exported: {message}")),
        }
        self.export_view.written = Some(result);
    }
}
