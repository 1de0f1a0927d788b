//! A bordered table that builds only the rows in view.

use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, HighlightSpacing, Row, Table, TableState};

use crate::tui::app::window_start;
use crate::tui::theme::Theme;

use super::super::layout::table_rows;

/// A table of `len` rows of which only those in view are built, by `row(position)`.
pub struct WindowedTable<'a> {
    pub title: Line<'a>,
    pub header: Row<'a>,
    pub widths: Vec<Constraint>,
    pub len: usize,
    /// The selected position and the stored scroll offset; `None` for a table without selection.
    pub selection: Option<(usize, usize)>,
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
        let block = Block::bordered()
            .border_style(theme.border)
            .title(self.title);
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
