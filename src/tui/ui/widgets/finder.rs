//! The `/` finder overlay and the `:` palette overlay.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::Row;

use crate::tui::app::{App, FinderView};
use crate::tui::theme::Theme;

use super::LineEditor;
use super::overlay::{ListOverlay, highlighted};
use crate::tui::ui::screens::clip;
use crate::tui::ui::widgets::table::header;

pub fn render_finder(
    frame: &mut Frame,
    body: Rect,
    view: &FinderView,
    editor: Option<&LineEditor>,
    theme: &Theme,
) {
    let shown = view.hits.len();
    let title = if view.searching {
        "Find · searching…".to_string()
    } else if view.total > shown {
        format!("Find · best {shown} of {} matches", view.total)
    } else {
        format!("Find · {} matches", view.total)
    };
    let empty = if view.query.trim().is_empty() {
        "Type part of a workload, app, zone, rule, address or port (e.g. hl7, 10.1.2.3, 5432/tcp)"
    } else if view.searching {
        "Searching…"
    } else {
        "Nothing matches"
    };
    ListOverlay {
        title,
        hint: "Enter goes there · ↑↓ choose · Esc closes".into(),
        query: &view.query,
        header: header(&["KIND", "MATCH", "WHERE"], &[]),
        widths: vec![
            Constraint::Length(9),
            Constraint::Fill(3),
            Constraint::Fill(2),
        ],
        list: &view.list,
        empty,
    }
    .render(frame, body, editor, theme, |i| {
        let Some(hit) = view.hits.get(i) else {
            return Row::default();
        };
        Row::new([
            Line::styled(hit.item.target.kind(), theme.muted),
            highlighted(&hit.item.text, &hit.positions, theme),
            Line::styled(clip(&hit.item.detail, 60), theme.muted),
        ])
    });
}

pub fn render_palette(
    frame: &mut Frame,
    body: Rect,
    app: &App,
    editor: Option<&LineEditor>,
    theme: &Theme,
) {
    let view = &app.palette;
    ListOverlay {
        title: format!("Commands · {}", view.list.len()),
        hint: "Enter runs · ↑↓ choose · Esc closes".into(),
        query: &view.query,
        header: header(&["COMMAND", "KEYS"], &[]),
        widths: vec![Constraint::Fill(1), Constraint::Length(18)],
        list: &view.list,
        empty: "No command matches",
    }
    .render(frame, body, editor, theme, |i| {
        let Some(command) = app.commands.get(i) else {
            return Row::default();
        };
        Row::new([
            Line::styled(command.label(), theme.text),
            Line::styled(command.keys.clone(), theme.accent),
        ])
    });
}
