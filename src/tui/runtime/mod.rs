//! The imperative shell: the terminal, the event channel, the workers and the main loop.
//! Only this loop mutates the app.

pub mod config;
pub mod events;
pub mod terminal;
pub mod workers;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use crossterm::event::KeyEvent;
use ratatui::DefaultTerminal;

use super::app::{Action, App, AppEvent, Effect};
use super::keymap::Keymap;
use super::theme::Theme;
use super::ui::{
    self, Chrome, layout,
    widgets::{BlockEditor, LineEditor},
};
use events::{EventReader, Msg};
use terminal::TerminalGuard;
use workers::Workers;

/// How often the import gauge refreshes while an import runs.
const IMPORT_TICK: Duration = Duration::from_millis(100);

/// Runs the workbench on the workspace at `workspace_path` until the user quits. `theme` is the
/// `--theme` option; a problem with the theme or the config is told in the status line.
pub fn run(
    workspace_path: PathBuf,
    status_note: Option<String>,
    theme: Option<&str>,
) -> anyhow::Result<()> {
    let no_color = config::no_color(std::env::var_os("NO_COLOR").as_deref());
    let (theme, theme_note) = config::load_theme(config::config_dir().as_deref(), theme, no_color);
    let note = match (theme_note, status_note) {
        (Some(theme_note), Some(note)) => Some(format!("{theme_note} · {note}")),
        (theme_note, note) => theme_note.or(note),
    };
    let app = App::new(workspace_path.display().to_string(), note);
    let (tx, rx) = mpsc::channel();
    let mut runtime = Runtime {
        app,
        editor: LineEditor::new(&theme),
        block_editor: BlockEditor::new(&theme),
        keymap: Keymap::default(),
        theme,
        workers: Workers::new(workspace_path, tx.clone()),
        running: true,
        input_pending: false,
    };
    let mut guard = TerminalGuard::enter()?;
    let _reader = EventReader::spawn(tx)?;
    runtime.resize(guard.terminal())?;
    let effects = runtime.app.start();
    runtime.perform(effects);
    runtime.main_loop(guard.terminal(), &rx)
}

struct Runtime {
    app: App,
    editor: LineEditor,
    /// The phase editor's text area.
    block_editor: BlockEditor,
    keymap: Keymap,
    theme: Theme,
    workers: Workers,
    running: bool,
    /// The input line changed and the app has not been told yet.
    input_pending: bool,
}

impl Runtime {
    /// Draws, then sleeps until something happens: a key, a resize, a worker report, or (only
    /// while an import runs) the gauge tick. Nothing is redrawn while nothing changes.
    fn main_loop(
        &mut self,
        terminal: &mut DefaultTerminal,
        rx: &Receiver<Msg>,
    ) -> anyhow::Result<()> {
        while self.running {
            let chrome = Chrome {
                theme: &self.theme,
                keymap: &self.keymap,
                editor: Some(&self.editor),
                block_editor: Some(&self.block_editor),
            };
            terminal.draw(|frame| ui::draw(frame, &self.app, &chrome))?;
            let msg = if self.app.is_importing() {
                match rx.recv_timeout(IMPORT_TICK) {
                    Ok(msg) => msg,
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            } else {
                match rx.recv() {
                    Ok(msg) => msg,
                    Err(_) => break,
                }
            };
            self.handle(msg, terminal)?;
            // Take everything already queued (typing, key repeat, several reports) before
            // filtering and drawing once.
            while self.running
                && let Ok(msg) = rx.try_recv()
            {
                self.handle(msg, terminal)?;
            }
            self.flush_input();
        }
        Ok(())
    }

    fn handle(&mut self, msg: Msg, terminal: &mut DefaultTerminal) -> anyhow::Result<()> {
        if let Msg::Key(key) = msg {
            self.on_key(key);
            return Ok(());
        }
        self.flush_input();
        match msg {
            Msg::Key(_) => {}
            Msg::Resize => self.resize(terminal)?,
            Msg::Worker(event) => {
                let effects = self.app.on_event(event);
                self.perform(effects);
            }
        }
        Ok(())
    }

    /// A bound key becomes an action; any other key, while typing, edits the input line, and
    /// the app hears of the new text once the queued keys are done (one filter per burst).
    fn on_key(&mut self, key: KeyEvent) {
        if self.app.is_editing() {
            match self.keymap.editor_action(&key) {
                Some(action) => self.act(action),
                None => self.input_pending |= self.block_editor.input(key),
            }
            return;
        }
        let typing = self.app.is_typing();
        match self.keymap.action_for(self.app.screen, typing, &key) {
            Some(action) => {
                self.flush_input();
                let effects = self.app.update(action);
                self.perform(effects);
                self.sync_editor();
            }
            None if typing => self.input_pending |= self.editor.input(key),
            None => {}
        }
    }

    fn act(&mut self, action: Action) {
        self.flush_input();
        let effects = self.app.update(action);
        self.perform(effects);
        self.sync_editor();
    }

    /// Tells the app the input line's (or the phase editor's) text, if it changed since last
    /// told.
    fn flush_input(&mut self) {
        if std::mem::take(&mut self.input_pending) {
            let text = if self.app.is_editing() {
                self.block_editor.text()
            } else {
                self.editor.text()
            };
            let effects = self.app.update(Action::SetInput(text));
            self.perform(effects);
        }
    }

    /// Starts the editor afresh when the app opened a new input line (or phase editor).
    fn sync_editor(&mut self) {
        if self.app.is_editing() {
            if self.block_editor.session() != self.app.input_session {
                let text = self.app.input_text().unwrap_or("").to_string();
                self.block_editor.reset(&text, self.app.input_session);
            }
            return;
        }
        if self.editor.session() != self.app.input_session {
            let text = self.app.input_text().unwrap_or("").to_string();
            self.editor.reset(&text, self.app.input_session);
        }
    }

    fn resize(&mut self, terminal: &mut DefaultTerminal) -> anyhow::Result<()> {
        let size = terminal.size()?;
        let effects = self
            .app
            .on_event(AppEvent::Viewport(layout::viewport(size)));
        self.perform(effects);
        Ok(())
    }

    fn perform(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Quit => self.running = false,
                Effect::LoadEstate { generation } => self.workers.load(generation),
                Effect::StartImport(paths) => {
                    let progress = self
                        .app
                        .import
                        .as_ref()
                        .map(|job| Arc::clone(&job.progress))
                        .unwrap_or_default();
                    self.workers.import(paths, progress);
                }
                Effect::SavePlan {
                    generation,
                    plan,
                    source,
                } => {
                    if let Some(loaded) = &self.app.loaded {
                        let estate = Arc::clone(&loaded.estate);
                        // The edit's own words (`what` in App::save_plan) are not in the
                        // effect yet; the history says where it came from meanwhile.
                        let summary = "plan edited in the workbench".to_string();
                        self.workers
                            .save_plan(generation, *plan, source, estate, summary);
                    }
                }
                Effect::WritePlan { plan, path } => self.workers.write_plan(*plan, path),
                Effect::ComputeReach {
                    generation,
                    workload,
                } => {
                    if let Some(loaded) = &self.app.loaded {
                        self.workers.reach(generation, workload, Arc::clone(loaded));
                    }
                }
                Effect::PreviewExport {
                    generation,
                    name,
                    plan,
                } => {
                    if let Some(loaded) = &self.app.loaded {
                        let estate = Arc::clone(&loaded.estate);
                        self.workers.preview_export(generation, name, *plan, estate);
                    }
                }
                Effect::WriteExport { out, names, plan } => {
                    if let Some(loaded) = &self.app.loaded {
                        let estate = Arc::clone(&loaded.estate);
                        self.workers.write_export(out, names, *plan, estate);
                    }
                }
                Effect::CancelImport => {
                    if let Some(job) = &self.app.import {
                        job.progress.cancel.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    }
}
