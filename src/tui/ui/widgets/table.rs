//! A bordered table that builds only the rows in view.

use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::text::Line;
use ratatui::widgets::{
    Block, Cell, HighlightSpacing, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table,
    TableState,
};

use crate::tui::app::{ListId, window_start};
use crate::tui::theme::Theme;
use crate::tui::ui::hits::{self, RowsHit};

use super::super::layout::table_rows;

/// A table of `len` rows of which only those in view are built, by `row(position)`.
pub struct WindowedTable<'a> {
    pub title: Line<'a>,
    pub header: Row<'a>,
    pub widths: Vec<Constraint>,
    pub len: usize,
    /// The selected position and the stored scroll offset; `None` for a table without selection.
    pub selection: Option<(usize, usize)>,
    /// The list a click on a row selects in, if any.
    pub list: Option<ListId>,
}

impl WindowedTable<'_> {
    pub fn render<'r>(
        self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        row: impl Fn(usize) -> Row<'r>,
    ) {
        let height = table_rows(area);
        let (start, selected) = match self.selection {
            Some((selected, offset)) => {
                let start = window_start(selected, offset, height);
                (start, Some(selected - start))
            }
            None => (0, None),
        };
        let end = self.len.min(start + height);
        let rows: Vec<Row<'r>> = (start..end).map(row).collect();
        let mut block = Block::bordered()
            .border_style(theme.border)
            .title(self.title);
        if let Some((selected, _)) = self.selection.filter(|_| self.len > 0) {
            // Where the selection is: `12/340`.
            block = block.title_bottom(
                Line::styled(
                    format!(" {}/{} ", (selected + 1).min(self.len), self.len),
                    theme.muted,
                )
                .alignment(Alignment::Right),
            );
        }
        if let Some(list) = self.list {
            hits::rows(RowsHit {
                rows: Rect {
                    x: area.x.saturating_add(1),
                    y: area.y.saturating_add(2),
                    width: area.width.saturating_sub(2),
                    height: height as u16,
                },
                first: start,
                len: self.len,
                list,
            });
        }
        let mut table = Table::new(rows, self.widths)
            .header(self.header.style(theme.title))
            .block(block)
            .style(theme.text)
            .row_highlight_style(theme.selected);
        if self.selection.is_some() {
            table = table
                .highlight_symbol("▶ ")
                .highlight_spacing(HighlightSpacing::Always);
        }
        let mut state = TableState::default().with_selected(selected.filter(|_| self.len > 0));
        frame.render_stateful_widget(table, area, &mut state);
        if self.len > height && height > 0 {
            let mut bar = ScrollbarState::new(self.len.saturating_sub(height)).position(start);
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight)
                    .begin_symbol(None)
                    .end_symbol(None)
                    .style(theme.muted),
                area.inner(Margin {
                    vertical: 2,
                    horizontal: 0,
                }),
                &mut bar,
            );
        }
    }
}

/// A header row from column names; those listed in `right` are right-aligned (numbers).
pub fn header<'a>(names: &[&'a str], right: &[&str]) -> Row<'a> {
    Row::new(names.iter().map(|name| {
        let alignment = if right.contains(name) {
            Alignment::Right
        } else {
            Alignment::Left
        };
        Cell::from(Line::from(*name).alignment(alignment))
    }))
}
