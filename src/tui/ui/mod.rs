//! Drawing. Everything here reads the app and never changes it.

pub mod format;
pub mod hits;
pub mod layout;
pub mod screens;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{App, LoadedEstate, Screen};
use super::keymap::Keymap;
use super::theme::Theme;
use widgets::{BlockEditor, LineEditor};

/// The empty-workspace message every screen shows.
pub const EMPTY_MESSAGE: &str = "No workloads yet — press i to import files (CMDB CSV, kubectl pods JSON, \
     describe-instances, VPC flow logs, Zeek conn.log, Hubble JSON)";

/// What drawing needs besides the app.
#[derive(Clone, Copy)]
pub struct Chrome<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    /// The live input line, when the runtime has one.
    pub editor: Option<&'a LineEditor>,
    /// The live phase editor, when the runtime has one.
    pub block_editor: Option<&'a BlockEditor>,
}

/// Draws the whole workbench.
pub fn draw(frame: &mut Frame, app: &App, chrome: &Chrome) {
    hits::clear();
    let size = frame.area();
    if size.width < layout::MIN_WIDTH || size.height < layout::MIN_HEIGHT {
        draw_too_small(frame, size, chrome.theme);
        return;
    }
    let areas = layout::frame_areas(size);
    draw_tabs(frame, areas.tabs, app, chrome.theme);
    match app.loaded.as_deref() {
        Some(loaded) if !loaded.is_empty() => {
            draw_screen(frame, areas.body, app, loaded, chrome.theme)
        }
        Some(_) => draw_message(frame, areas.body, app.screen, EMPTY_MESSAGE, chrome.theme),
        None if app.loading => draw_message(
            frame,
            areas.body,
            app.screen,
            "Loading workspace…",
            chrome.theme,
        ),
        None => draw_message(
            frame,
            areas.body,
            app.screen,
            "The workspace could not be loaded (see the status line) — press r to try again",
            chrome.theme,
        ),
    }
    widgets::status::render_scenario(frame, areas.scenario, app, chrome.theme);
    widgets::status::render(frame, areas.status, app, chrome.editor, chrome.theme);
    if app.finder.open {
        widgets::finder::render_finder(frame, areas.body, &app.finder, chrome.editor, chrome.theme);
    }
    if app.palette.open {
        widgets::finder::render_palette(frame, areas.body, app, chrome.editor, chrome.theme);
    }
    if app.scenarios_view.open {
        widgets::workshop::render_scenarios(frame, areas.body, &app.scenarios_view, chrome.theme);
    }
    if app.history_view.open {
        widgets::workshop::render_history(frame, areas.body, &app.history_view, chrome.theme);
    }
    if app.rules_view.open {
        widgets::workshop::render_rules(frame, areas.body, app, chrome.theme);
    }
    if app.compare_view.open {
        widgets::workshop::render_compare(frame, areas.body, &app.compare_view, chrome.theme);
    }
    // Inputs last: a prompt or the text editor may be opened from an overlay.
    if let Some(prompt) = &app.prompt {
        widgets::prompt::render(frame, areas.body, prompt, chrome.editor, chrome.theme);
    }
    if let Some(edit) = &app.phase_edit {
        let hint = chrome.keymap.editor_hint();
        widgets::block_editor::render(
            frame,
            areas.body,
            edit,
            chrome.block_editor,
            &hint,
            chrome.theme,
        );
    }
    if app.help_open {
        widgets::help::render(
            frame,
            areas.body,
            app.screen,
            app.help_scroll,
            chrome.keymap,
            chrome.theme,
        );
    }
}

/// Below the minimum size: what size is needed, and how to quit.
fn draw_too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled("Blastwall needs a bigger terminal", theme.title),
        Line::styled(
            format!(
                "at least {}×{}; this one is {}×{}",
                layout::MIN_WIDTH,
                layout::MIN_HEIGHT,
                area.width,
                area.height
            ),
            theme.text,
        ),
        Line::styled("resize it, or press q to quit", theme.muted),
    ];
    let y = area.height.saturating_sub(3) / 2;
    let paragraph = Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(
        paragraph,
        Rect {
            y: area.y + y,
            height: area.height - y,
            ..area
        },
    );
}

fn draw_screen(frame: &mut Frame, area: Rect, app: &App, loaded: &LoadedEstate, theme: &Theme) {
    let area = if app.lint_open() {
        let (screen, findings, hint) = layout::lint_areas(area);
        screens::lint::render(frame, findings, hint, &app.lint_view, loaded, theme);
        screen
    } else {
        area
    };
    match app.screen {
        Screen::Estate => screens::estate::render(frame, area, &app.estate_view, loaded, theme),
        Screen::Flows => screens::flows::render(frame, area, &app.flows_view, loaded, theme),
        Screen::Zones => screens::zones::render(frame, area, &app.zones_view, loaded, theme),
        Screen::Matrix => screens::matrix::render(frame, area, &app.matrix_view, loaded, theme),
        Screen::Blast => screens::blast::render(frame, area, &app.blast_view, loaded, theme),
        Screen::Rollout => screens::rollout::render(frame, area, &app.rollout_view, loaded, theme),
        Screen::Export => screens::export::render(frame, area, &app.export_view, loaded, theme),
    }
}

/// The tab bar, as wide as fits: every title with the brand, then short titles without it and
/// closer together, then numbers only for the other tabs (every number stays visible).
fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let hint = "? help ";
    let room = usize::from(area.width).saturating_sub(hint.len());
    let label = |screen: Screen, level: u8| match level {
        0 => format!(" {} {} ", screen.number(), screen.title()),
        1 => format!(" {} {} ", screen.number(), screen.short_title()),
        _ if screen == app.screen => format!(" {} {} ", screen.number(), screen.short_title()),
        _ => format!(" {} ", screen.number()),
    };
    let width = |level: u8| -> usize {
        let brand = if level == 0 { " Blastwall  ".len() } else { 0 };
        let gap = usize::from(level == 0);
        let tabs: usize = (Screen::ALL.iter())
            .map(|s| label(*s, level).chars().count() + gap)
            .sum();
        // The space after the last tab may touch the hint.
        (brand + tabs).saturating_sub(gap)
    };
    let level = (0..2u8).find(|&l| width(l) <= room).unwrap_or(2);
    let mut spans = Vec::new();
    if level == 0 {
        spans.extend([Span::styled(" Blastwall ", theme.title), Span::raw(" ")]);
    }
    let mut x = area.x
        + if level == 0 {
            " Blastwall  ".len() as u16
        } else {
            0
        };
    for screen in Screen::ALL.iter() {
        let style = if *screen == app.screen {
            theme.selected
        } else {
            theme.muted
        };
        let text = label(*screen, level);
        let width = text.chars().count() as u16;
        hits::tab(Rect::new(x, area.y, width, 1), *screen);
        x += width + u16::from(level == 0);
        spans.push(Span::styled(text, style));
        if level == 0 {
            spans.push(Span::raw(" "));
        }
    }
    frame.render_widget(Line::from(spans), area);
    let hint = Line::styled(hint, theme.muted).alignment(Alignment::Right);
    frame.render_widget(hint, area);
}

fn draw_message(frame: &mut Frame, area: Rect, screen: Screen, message: &str, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(format!(" {} ", screen.title()), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text_area = Rect {
        y: inner.y + inner.height / 3,
        height: inner.height - inner.height / 3,
        ..inner
    };
    let paragraph = Paragraph::new(Line::styled(message, theme.muted))
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(paragraph, text_area);
}
