//! The one-line text input (filter, import path), on `ratatui-textarea`. The runtime owns it,
//! feeds it keys and tells the app the new text; the app never sees the editor itself.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use crate::tui::theme::Theme;

/// A single-line editor.
#[derive(Debug, Clone)]
pub struct LineEditor {
    area: TextArea<'static>,
    session: u64,
    style: Style,
}

impl LineEditor {
    pub fn new(theme: &Theme) -> LineEditor {
        let mut editor = LineEditor {
            area: TextArea::default(),
            session: 0,
            style: theme.text,
        };
        editor.reset("", 0);
        editor
    }

    /// Starts a new input session with `text`.
    pub fn reset(&mut self, text: &str, session: u64) {
        let mut area = TextArea::new(vec![text.to_string()]);
        area.set_style(self.style);
        area.set_cursor_line_style(Style::new());
        area.set_cursor_style(self.style.add_modifier(Modifier::REVERSED));
        area.move_cursor(ratatui_textarea::CursorMove::End);
        self.area = area;
        self.session = session;
    }

    /// The session the editor was last reset for.
    pub fn session(&self) -> u64 {
        self.session
    }

    /// Edits with a key; `true` if the text changed. Keys that would add a line are ignored;
    /// Ctrl-U clears the line, as in a shell.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('u') {
            let had_text = !self.text().is_empty();
            self.area.move_cursor(ratatui_textarea::CursorMove::End);
            self.area.delete_line_by_head();
            return had_text;
        }
        let newline = matches!(key.code, KeyCode::Enter | KeyCode::Tab)
            || ctrl && matches!(key.code, KeyCode::Char('m' | 'j'));
        !newline && self.area.input(key)
    }

    pub fn text(&self) -> String {
        self.area.lines().join("")
    }

    pub fn render(&self, frame: &mut Frame, area: Rect) {
        frame.render_widget(&self.area, area);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_u_clears_the_line_and_enter_adds_no_line() {
        let mut editor = LineEditor::new(&Theme::default());
        editor.reset("7d..2025-11-10", 1);
        assert!(!editor.input(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        assert_eq!(editor.text(), "7d..2025-11-10");
        assert!(editor.input(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        assert_eq!(editor.text(), "");
        assert!(!editor.input(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        assert!(editor.input(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE)));
        assert_eq!(editor.text(), "1");
    }
}
