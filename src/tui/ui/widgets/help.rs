//! The `?` overlay, generated from the keymap so it cannot drift from the bindings. It scrolls
//! (j/k, PgUp/PgDn, the wheel) when the keys do not fit.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Row, Table};

use crate::tui::app::Screen;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use crate::tui::ui::hits;

use super::super::layout::overlay_areas;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    screen: Screen,
    scroll: usize,
    keymap: &Keymap,
    theme: &Theme,
) {
    hits::cover();
    let entries = keymap.help(screen);
    let keys_width = entries
        .iter()
        .map(|e| e.keys.chars().count())
        .max()
        .unwrap_or(4)
        .min(24) as u16;
    let (popup, _) = overlay_areas(area);
    let fits = usize::from(popup.height.saturating_sub(2)).max(1);
    let popup = Rect {
        height: popup.height.min(entries.len() as u16 + 2),
        ..popup
    };
    let start = scroll.min(entries.len().saturating_sub(fits));
    let end = entries.len().min(start + fits);
    let rows = entries[start..end].iter().map(|e| {
        Row::new([
            Line::styled(e.keys.clone(), theme.accent),
            Line::styled(e.desc.clone(), theme.text),
        ])
    });
    let title = Line::styled(format!(" Keys · {} ", screen.title()), theme.title);
    let mut block = Block::bordered()
        .border_style(theme.border)
        .title(title)
        .title_bottom(Line::styled(
            " ? or Esc closes · : runs any command ",
            theme.muted,
        ));
    if entries.len() > fits {
        block = block.title_bottom(
            Line::styled(
                format!(" {}–{} of {} · j/k scroll ", start + 1, end, entries.len()),
                theme.muted,
            )
            .alignment(Alignment::Right),
        );
    }
    let table = Table::new(rows, [Constraint::Length(keys_width), Constraint::Fill(1)])
        .column_spacing(2)
        .block(block);
    frame.render_widget(Clear, popup);
    frame.render_widget(table, popup);
}
