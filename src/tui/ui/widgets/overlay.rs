//! The list overlays (finder, palette): a box over the screen with an input line on top and a
//! table of matches under it; clicks reach only the overlay's rows.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Row, Table, TableState};

use crate::tui::app::{ListId, ListView, window_start};
use crate::tui::theme::Theme;
use crate::tui::ui::hits::{self, RowsHit};
use crate::tui::ui::layout::overlay_areas;

use super::LineEditor;
use super::prompt::render_input;

/// What one overlay shows.
pub struct ListOverlay<'a> {
    pub title: String,
    /// Keys, at the bottom of the box.
    pub hint: String,
    pub query: &'a str,
    pub header: Row<'a>,
    pub widths: Vec<Constraint>,
    pub list: &'a ListView,
    /// Shown instead of the table when there are no rows.
    pub empty: &'a str,
}

impl ListOverlay<'_> {
    pub fn render<'r>(
        self,
        frame: &mut Frame,
        body: Rect,
        editor: Option<&LineEditor>,
        theme: &Theme,
        row: impl Fn(usize) -> Row<'r>,
    ) {
        hits::cover();
        let (popup, table_area) = overlay_areas(body);
        let len = self.list.len();
        let mut block = Block::bordered()
            .border_style(theme.accent)
            .title(Line::styled(format!(" {} ", self.title), theme.title))
            .title_bottom(Line::styled(format!(" {} ", self.hint), theme.muted));
        if len > 0 {
            block = block.title_bottom(
                Line::styled(format!(" {}/{len} ", self.list.selected + 1), theme.muted)
                    .alignment(Alignment::Right),
            );
        }
        let inner = block.inner(popup);
        frame.render_widget(Clear, popup);
        frame.render_widget(block, popup);
        let [input, _] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        let [label, field] =
            Layout::horizontal([Constraint::Length(2), Constraint::Fill(1)]).areas(input);
        frame.render_widget(Span::styled("› ", theme.accent), label);
        render_input(frame, field, self.query, editor, theme);
        if len == 0 {
            frame.render_widget(Line::styled(self.empty, theme.muted), table_area);
            return;
        }
        let height = usize::from(table_area.height.saturating_sub(1)).max(1);
        let start = window_start(self.list.selected, self.list.offset, height);
        let end = len.min(start + height);
        let rows: Vec<Row<'r>> = (start..end)
            .filter_map(|p| self.list.visible.get(p).map(|&i| row(i)))
            .collect();
        hits::rows(RowsHit {
            rows: Rect {
                y: table_area.y + 1,
                height: table_area.height.saturating_sub(1),
                ..table_area
            },
            first: start,
            len,
            list: ListId::Overlay,
        });
        let table = Table::new(rows, self.widths)
            .header(self.header.style(theme.title))
            .style(theme.text)
            .row_highlight_style(theme.selected)
            .highlight_symbol("▶ ")
            .column_spacing(2);
        let mut state = TableState::default().with_selected(Some(self.list.selected - start));
        frame.render_stateful_widget(table, table_area, &mut state);
    }
}

/// `text` with the characters at `positions` (char indices) picked out.
pub fn highlighted<'a>(text: &str, positions: &[usize], theme: &Theme) -> Line<'a> {
    let spans: Vec<Span<'a>> = text
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let style = if positions.contains(&i) {
                theme.accent
            } else {
                theme.text
            };
            Span::styled(c.to_string(), style)
        })
        .collect();
    Line::from(spans)
}
