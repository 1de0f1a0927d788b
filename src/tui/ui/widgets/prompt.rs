//! The import prompt: a one-line path input in a box.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::theme::Theme;

use super::super::layout::centered;
use super::LineEditor;

pub const FORMATS: &str =
    "CMDB CSV, kubectl pods JSON, describe-instances, VPC flow logs, Zeek conn.log, Hubble JSON";

pub fn render(
    frame: &mut Frame,
    area: Rect,
    text: &str,
    editor: Option<&LineEditor>,
    theme: &Theme,
) {
    let popup = centered(area, 76, 5);
    let block = Block::bordered()
        .border_style(theme.accent)
        .title(Line::styled(" Import a file or directory ", theme.title))
        .title_bottom(Line::styled(" Enter imports · Esc cancels ", theme.muted));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let [input, hint] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(2)]).areas(inner);
    let [label, field] =
        Layout::horizontal([Constraint::Length(6), Constraint::Fill(1)]).areas(input);
    frame.render_widget(Span::styled("Path: ", theme.accent), label);
    render_input(frame, field, text, editor, theme);
    let hint_text = Paragraph::new(Line::styled(FORMATS, theme.muted))
        .wrap(ratatui::widgets::Wrap { trim: true });
    frame.render_widget(hint_text, hint);
}

/// The editor if the runtime has one, else the text with a block cursor (tests, previews).
pub fn render_input(
    frame: &mut Frame,
    area: Rect,
    text: &str,
    editor: Option<&LineEditor>,
    theme: &Theme,
) {
    match editor {
        Some(editor) => editor.render(frame, area),
        None => {
            let cursor = Span::styled(" ", theme.selected);
            frame.render_widget(
                Line::from(vec![Span::styled(text.to_string(), theme.text), cursor]),
                area,
            );
        }
    }
}
