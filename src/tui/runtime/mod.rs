//! The imperative shell: the terminal, the event channel, the workers and the main loop.
//! Only this loop mutates the app.

pub mod config;
pub mod events;
mod jobs;
pub mod terminal;
pub mod workers;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::DefaultTerminal;

use super::app::{Action, App, AppEvent, Effect, JobProgress};
use super::keymap::{Keymap, Scope};
use super::theme::Theme;
use super::ui::{
    self, Chrome, layout,
    widgets::{BlockEditor, LineEditor},
};
use events::{EventReader, Msg};
use terminal::TerminalGuard;
use workers::Workers;

/// How often the gauge refreshes while an import or another long job runs.
const IMPORT_TICK: Duration = Duration::from_millis(100);

/// Runs the workbench on the workspace at `workspace_path` until the user quits. `theme` is the
/// `--theme` option; a problem with the theme or the config is told in the status line.
/// `test_panic_key` is a test hook (the hidden `--test-panic-key`): pressing that key panics, so
/// the end-to-end tests can check that a panic restores the terminal. `None` in normal use.
pub fn run(
    workspace_path: PathBuf,
    status_note: Option<String>,
    theme: Option<&str>,
    test_panic_key: Option<char>,
    window: (Option<String>, Option<String>),
) -> anyhow::Result<()> {
    let no_color = config::no_color(std::env::var_os("NO_COLOR").as_deref());
    let dir = config::config_dir();
    let (theme, theme_note) = config::load_theme(dir.as_deref(), theme, no_color);
    let (keymap, keymap_note) = config::load_keymap(dir.as_deref());
    let notes: Vec<String> = [theme_note, keymap_note, status_note]
        .into_iter()
        .flatten()
        .collect();
    let note = (!notes.is_empty()).then(|| notes.join(" · "));
    let mut app = App::new(workspace_path.display().to_string(), note);
    app.set_commands(keymap.commands());
    app.window = window;
    let (tx, rx) = mpsc::channel();
    let mut runtime = Runtime {
        app,
        editor: LineEditor::new(&theme),
        block_editor: BlockEditor::new(&theme),
        keymap,
        theme,
        workers: Workers::new(workspace_path, tx.clone()),
        running: true,
        input_pending: false,
        test_panic_key,
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
    /// Test hook only (`--test-panic-key`): this key panics. `None` in normal use.
    test_panic_key: Option<char>,
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
            let msg = if self.app.is_importing() || self.app.is_busy() {
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
            Msg::Mouse(mouse) => self.on_mouse(mouse),
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
        if let Some(c) = self.test_panic_key
            && key.code == KeyCode::Char(c)
        {
            test_panic(c);
        }
        if self.app.is_editing() {
            match self.keymap.editor_action(&key) {
                Some(action) => self.act(action),
                None => self.input_pending |= self.block_editor.input(key),
            }
            return;
        }
        let typing = self.app.is_typing();
        let scopes: &[Scope] = if typing {
            &[Scope::Prompt]
        } else if self.app.scenarios_view.open {
            &[Scope::Scenarios, Scope::Global]
        } else if self.app.rules_view.open {
            &[Scope::Rules, Scope::Global]
        } else if self.app.overlay_open() {
            &[Scope::Global]
        } else {
            &[Scope::of(self.app.screen), Scope::Global]
        };
        match self.keymap.action_in(scopes, &key) {
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

    /// A click selects the tab or row under it (a second click on the selected row is Enter);
    /// the wheel scrolls what is under the pointer.
    fn on_mouse(&mut self, mouse: MouseEvent) {
        if self.app.is_editing() {
            return;
        }
        let hit = ui::hits::snapshot().at(mouse.column, mouse.row);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => match hit {
                Some(ui::hits::Hit::Tab(screen)) => self.act(Action::GotoScreen(screen.number())),
                Some(ui::hits::Hit::Row(list, position)) => {
                    let again = self.app.list().selected == position;
                    self.act(Action::ClickRow { list, position });
                    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
                    if again
                        && let Some(action) =
                            self.keymap
                                .action_for(self.app.screen, self.app.is_typing(), &enter)
                    {
                        self.act(action);
                    }
                }
                _ => {}
            },
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let lines: isize = if mouse.kind == MouseEventKind::ScrollUp {
                    -3
                } else {
                    3
                };
                match hit {
                    Some(ui::hits::Hit::Preview) => self.act(Action::ScrollPreview(lines)),
                    _ => self.act(Action::Wheel(lines)),
                }
            }
            _ => {}
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

    /// The progress handle of the long job the app just started (a fresh one if none).
    fn job_progress(&self) -> Arc<JobProgress> {
        self.app
            .busy
            .as_ref()
            .map(|job| Arc::clone(&job.progress))
            .unwrap_or_default()
    }

    fn perform(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Quit => self.running = false,
                Effect::LoadEstate { generation } => {
                    let window = self.app.window.clone();
                    self.workers.load(generation, self.job_progress(), window)
                }
                Effect::Scenario(op) => self.workers.scenario(op),
                Effect::Suggest => {
                    if let Some(loaded) = &self.app.loaded {
                        let estate = Arc::clone(&loaded.estate);
                        self.workers.suggest(estate, self.job_progress());
                    }
                }
                Effect::ListScenarios => self.workers.list_scenarios(),
                Effect::Compare { a, b } => self.workers.compare(a, b, self.app.window.clone()),
                Effect::LoadHistory => self.workers.history(),
                Effect::Step { generation, step } => {
                    if let Some(loaded) = &self.app.loaded {
                        let estate = Arc::clone(&loaded.estate);
                        let progress = self.job_progress();
                        self.workers.step(generation, step, estate, progress);
                    }
                }
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
                    what,
                } => {
                    if let Some(loaded) = &self.app.loaded {
                        let estate = Arc::clone(&loaded.estate);
                        let progress = self.job_progress();
                        self.workers
                            .save_plan(generation, *plan, source, estate, what, progress);
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
                        let progress = self.job_progress();
                        self.workers
                            .write_export(out, names, *plan, estate, progress);
                    }
                }
                Effect::Find {
                    generation,
                    query,
                    plan,
                } => {
                    if let Some(loaded) = &self.app.loaded {
                        self.workers
                            .find(generation, query, plan.map(|p| *p), Arc::clone(loaded));
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

/// The test hook's panic (`--test-panic-key`): the end-to-end tests press the key and check
/// that the terminal comes back restored (raw mode off, main screen, cursor shown) with the
/// message printed on it.
#[allow(clippy::panic)] // the test hook: this panic is its whole purpose
fn test_panic(key: char) -> ! {
    panic!("test panic: key {key:?} pressed (--test-panic-key)");
}
