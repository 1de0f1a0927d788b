//! The phase editor: a multi-line YAML text on `ratatui-textarea`, in a box over the screen,
//! with the error of the last apply under it. The runtime owns the text area and tells the app
//! the text; without one (tests, previews) the app's copy of the text is drawn.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui_textarea::{CursorMove, TextArea};

use crate::tui::app::PhaseEdit;
use crate::tui::theme::Theme;

/// A multi-line editor.
#[derive(Debug, Clone)]
pub struct BlockEditor {
    area: TextArea<'static>,
    session: u64,
    style: Style,
    numbers: Style,
}

impl BlockEditor {
    pub fn new(theme: &Theme) -> BlockEditor {
        let mut editor = BlockEditor {
            area: TextArea::default(),
            session: 0,
            style: theme.text,
            numbers: theme.muted,
        };
        editor.reset("", 0);
        editor
    }

    /// Starts a new editing session with `text`, the cursor at the top.
    pub fn reset(&mut self, text: &str, session: u64) {
        let mut area = TextArea::new(text.lines().map(str::to_string).collect());
        area.set_style(self.style);
        area.set_cursor_line_style(Style::new());
        area.set_cursor_style(self.style.add_modifier(Modifier::REVERSED));
        area.set_line_number_style(self.numbers);
        area.set_tab_length(2);
        area.move_cursor(CursorMove::Top);
        self.area = area;
        self.session = session;
    }

    pub fn session(&self) -> u64 {
        self.session
    }

    /// Edits with a key; `true` if the text changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        self.area.input(key)
    }

    pub fn text(&self) -> String {
        let mut text = self.area.lines().join("\n");
        text.push('\n');
        text
    }
}

/// Draws the editor box over `area`: the text (live editor, else `edit.text`) and the error.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    edit: &PhaseEdit,
    editor: Option<&BlockEditor>,
    hint: &str,
    theme: &Theme,
) {
    let width = (area.width * 9 / 10).max(40.min(area.width));
    let height = (area.height * 9 / 10).max(10.min(area.height));
    let popup = super::super::layout::centered(area, width, height);
    let title = match (edit.field, edit.phase) {
        (Some(_), _) => format!(" {} · {} ", edit.title, edit_title(edit)),
        (None, Some(_)) => " Edit the phase (YAML) ".to_string(),
        (None, None) => " New phase (YAML) ".to_string(),
    };
    let block = Block::bordered()
        .border_style(theme.accent)
        .title(Line::styled(title, theme.title))
        .title_bottom(Line::styled(format!(" {hint} "), theme.muted));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let error_height = if edit.error.is_some() { 4 } else { 0 };
    let [text_area, error_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(error_height)]).areas(inner);
    match editor {
        Some(editor) => frame.render_widget(&editor.area, text_area),
        None => {
            let lines: Vec<Line> = edit
                .text
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    Line::from(vec![
                        ratatui::text::Span::styled(format!("{:>2} ", i + 1), theme.muted),
                        ratatui::text::Span::styled(l.to_string(), theme.text),
                    ])
                })
                .collect();
            frame.render_widget(Paragraph::new(lines), text_area);
        }
    }
    if let Some(error) = &edit.error {
        let paragraph = Paragraph::new(Line::styled(error.clone(), theme.danger))
            .wrap(Wrap { trim: true })
            .block(
                Block::new()
                    .borders(ratatui::widgets::Borders::TOP)
                    .border_style(theme.border),
            );
        frame.render_widget(paragraph, error_area);
    }
}

/// What the edited text is for, by the field's kind.
fn edit_title(edit: &PhaseEdit) -> &'static str {
    use crate::tui::app::text_edit::TextField;
    match edit.field {
        Some(TextField::ZoneDescription(_)) => "shown in the zone map",
        Some(TextField::ZoneNote(_)) => "for the planners",
        Some(TextField::RuleJustification(_)) => "shown to the auditors",
        Some(TextField::RuleNote(_)) => "for the planners",
        None => "",
    }
}
