//! Frame time of the workbench at the sizes (50,000 workloads, 2,000,000 service edges,
//! the bench plan; `benches/support` names the environment variables that change them): on every
//! screen, one keystroke (the action a key maps to) and the next frame drawn into ratatui's
//! `TestBackend` at 160 × 45. The target is under 16 ms.
//!
//! `cargo bench --bench tui`.

#[allow(dead_code)]
mod support;

use std::sync::{Arc, OnceLock};

use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;

use blastwall::analysis::ResolvedEstate;
use blastwall::tui::app::{Action, App, AppEvent, LoadedEstate, PlanAnalysis};
use blastwall::tui::keymap::Keymap;
use blastwall::tui::theme::Theme;
use blastwall::tui::ui::{self, Chrome, layout};

use support::fixture;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 45;

fn main() {
    divan::main();
}

/// The estate and the analysis of the bench plan, computed once.
fn loaded() -> &'static (Arc<ResolvedEstate>, PlanAnalysis) {
    static LOADED: OnceLock<(Arc<ResolvedEstate>, PlanAnalysis)> = OnceLock::new();
    LOADED.get_or_init(|| {
        let fixture = fixture();
        let estate = Arc::new(fixture.estate.clone());
        let analysis = PlanAnalysis::compute(&estate, Some(fixture.plan.clone()), None);
        (estate, analysis)
    })
}

/// The workbench with the estate and plan loaded, on screen `screen` (1–7).
fn app_on(screen: usize) -> App {
    let (estate, analysis) = loaded();
    let mut app = App::new("bench.blastwall", None);
    app.set_commands(Keymap::default().commands());
    app.on_event(AppEvent::Viewport(layout::viewport(Size::new(
        WIDTH, HEIGHT,
    ))));
    app.start();
    app.on_event(AppEvent::EstateLoaded {
        generation: app.load_generation,
        result: Ok(Box::new(LoadedEstate::with_plan(
            Arc::clone(estate),
            analysis.clone(),
        ))),
    });
    app.update(Action::GotoScreen(screen));
    app
}

/// A key (moving the selection down, or up on the way back) and the frame after it.
#[divan::bench(args = [1, 2, 3, 4, 5, 6, 7], sample_count = 40)]
fn keystroke_to_frame(bencher: Bencher, screen: usize) {
    let mut app = app_on(screen);
    let (theme, keymap) = (Theme::default(), Keymap::default());
    let Ok(mut terminal) = Terminal::new(TestBackend::new(WIDTH, HEIGHT));
    let mut down = true;
    bencher.bench_local(|| {
        app.update(if down {
            Action::MoveDown
        } else {
            Action::MoveUp
        });
        down = !down;
        let chrome = Chrome {
            theme: &theme,
            keymap: &keymap,
            editor: None,
            block_editor: None,
        };
        let _ = terminal.draw(|frame| ui::draw(frame, &app, &chrome));
    });
}
