//! The `?` overlay, generated from the keymap so it cannot drift from the bindings.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Row, Table};

use crate::tui::app::Screen;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;

use super::super::layout::centered;

pub fn render(frame: &mut Frame, area: Rect, screen: Screen, keymap: &Keymap, theme: &Theme) {
    let entries = keymap.help(screen);
    let keys_width = entries
        .iter()
        .map(|e| e.keys.chars().count())
        .max()
        .unwrap_or(4) as u16;
    let height = entries.len() as u16 + 3;
    let popup = centered(area, 64, height);
    let rows = entries.iter().map(|e| {
        Row::new([
            Line::styled(e.keys.clone(), theme.accent),
            Line::styled(e.desc.clone(), theme.text),
        ])
    });
    let title = Line::styled(format!(" Keys · {} ", screen.title()), theme.title);
    let block = Block::bordered()
        .border_style(theme.border)
        .title(title)
        .title_bottom(Line::styled(" ? or Esc closes ", theme.muted));
    let table = Table::new(rows, [Constraint::Length(keys_width), Constraint::Fill(1)])
        .column_spacing(2)
        .block(block);
    frame.render_widget(Clear, popup);
    frame.render_widget(table, popup);
}
