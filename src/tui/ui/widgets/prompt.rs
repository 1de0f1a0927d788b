//! The import prompt: a one-line path input in a box.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::app::{Prompt, PromptKind};
use crate::tui::theme::Theme;

use super::super::layout::centered;
use super::LineEditor;

pub const FORMATS: &str =
    "CMDB CSV, kubectl pods JSON, describe-instances, VPC flow logs, Zeek conn.log, Hubble JSON";

/// Title, label, hint under the input, and the Enter action, per prompt.
fn wording(kind: PromptKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        PromptKind::Import => (" Import a file or directory ", "Path: ", FORMATS, "imports"),
        PromptKind::NewZone => (
            " New zone ",
            "Name: ",
            "Unique, no spaces; not internet, unmanaged or unassigned",
            "creates it",
        ),
        PromptKind::RenameZone => (
            " Rename the zone ",
            "Name: ",
            "Rules naming the zone ({zone: …}) are renamed too",
            "renames",
        ),
        PromptKind::AddSelector => (
            " Add a selector ",
            "Sel.: ",
            "kind: value — app: billing · cidr: 10.0.0.0/24 · labels: tier=data · workload: NAME \
             · namespace · service_account · identity · network",
            "adds it",
        ),
        PromptKind::NewScenario => (
            " New scenario ",
            "Name: ",
            "A copy of the active scenario, then active; letters, digits, - _ . (not baseline)",
            "creates it",
        ),
        PromptKind::RenameScenario => (
            " Rename the scenario ",
            "Name: ",
            "Letters, digits, - _ . — unique, not baseline",
            "renames",
        ),
        PromptKind::Window => (
            " Time window of the flows ",
            "When: ",
            "7d (back from the newest flow) · 2025-11-01..2025-11-15 · ..2025-11-10 · \
             2025-11-17T08:00:00Z.. — empty: every flow",
            "narrows",
        ),
        PromptKind::ExportFolder => (
            " Export folder ",
            "Path: ",
            "Created if missing; a relative path is taken from the current directory",
            "keeps it",
        ),
    }
}

pub fn render(
    frame: &mut Frame,
    area: Rect,
    prompt: &Prompt,
    editor: Option<&LineEditor>,
    theme: &Theme,
) {
    let (title, label_text, hint_text, enter) = wording(prompt.kind);
    let text = prompt.text.as_str();
    let popup = centered(area, 76, 5);
    let block = Block::bordered()
        .border_style(theme.accent)
        .title(Line::styled(title, theme.title))
        .title_bottom(Line::styled(
            format!(" Enter {enter} · Esc cancels "),
            theme.muted,
        ));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let [input, hint] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(2)]).areas(inner);
    let [label, field] =
        Layout::horizontal([Constraint::Length(6), Constraint::Fill(1)]).areas(input);
    frame.render_widget(Span::styled(label_text, theme.accent), label);
    render_input(frame, field, text, editor, theme);
    let hint_text = Paragraph::new(Line::styled(hint_text, theme.muted))
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
