//! Screen 7, Export: the deliverables as a checklist (each target with its files), the output
//! folder, a preview of the selected file (rendered on a worker) and what the last export wrote.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};

use crate::export::deliverables::TARGETS;
use crate::tui::app::ListId;
use crate::tui::app::export::file_name;
use crate::tui::app::{ExportRow, ExportView, LoadedEstate};
use crate::tui::theme::Theme;

use super::super::format::{bytes, count};
use super::super::layout::export_areas;
use super::super::widgets::table::{WindowedTable, header};
use super::clip;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    view: &ExportView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let areas = export_areas(area);
    render_checklist(frame, areas.checklist, view, theme);
    render_folder(frame, areas.folder, view, theme);
    render_written(frame, areas.written, view, theme);
    crate::tui::ui::hits::preview(areas.preview);
    render_preview(frame, areas.preview, view, loaded, theme);
}

fn mark(chosen: Option<bool>) -> &'static str {
    match chosen {
        Some(true) => "[x]",
        Some(false) => "[-]",
        None => "[ ]",
    }
}

fn render_checklist(frame: &mut Frame, area: Rect, view: &ExportView, theme: &Theme) {
    let chosen = view.chosen.iter().filter(|c| **c).count();
    let name = format!(
        " Deliverables · {chosen}/{} files chosen ",
        view.chosen.len()
    );
    let table = WindowedTable {
        title: Line::styled(name, theme.title),
        header: header(&["", "TARGET / FILE"], &[]),
        widths: vec![Constraint::Length(3), Constraint::Fill(1)],
        len: view.rows.len(),
        selection: Some((view.list.selected, view.list.offset)),
        list: Some(ListId::Export),
    };
    table.render(frame, area, theme, |position| {
        let Some(&row) = view.rows.get(position) else {
            return Row::default();
        };
        let box_cell = Cell::from(mark(view.row_chosen(row)));
        match row {
            ExportRow::Target(t) => {
                let name = TARGETS.get(t).map_or("", |t| t.name);
                Row::new([box_cell, Cell::from(Span::styled(name, theme.accent))])
            }
            ExportRow::File { file, .. } => Row::new([
                box_cell,
                Cell::from(format!("  {}", file_name(file).unwrap_or(""))),
            ]),
        }
    });
}

fn render_folder(frame: &mut Frame, area: Rect, view: &ExportView, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(" Output folder · o changes it ", theme.title));
    let width = usize::from(area.width.saturating_sub(2));
    let paragraph =
        Paragraph::new(Line::styled(clip(&view.folder, width), theme.text)).block(block);
    frame.render_widget(paragraph, area);
}

fn render_written(frame: &mut Frame, area: Rect, view: &ExportView, theme: &Theme) {
    let width = usize::from(area.width.saturating_sub(2));
    let (title, lines) = match &view.written {
        _ if view.writing => (
            " Writing… ".to_string(),
            vec![Line::styled("rendering and writing the files", theme.muted)],
        ),
        None => (
            " Written ".to_string(),
            vec![Line::styled(
                "Nothing written yet — x writes the chosen files",
                theme.muted,
            )],
        ),
        Some(Err(message)) => (
            " Not written ".to_string(),
            vec![Line::styled(message.clone(), theme.danger)],
        ),
        Some(Ok(written)) => {
            let total: u64 = written.files.iter().map(|f| f.1).sum();
            let mut lines = vec![Line::styled(clip(&written.out, width), theme.muted)];
            let name_width = width.saturating_sub(11);
            lines.extend(written.files.iter().map(|(name, size)| {
                Line::from(vec![
                    Span::styled(
                        format!("{:<name_width$}", clip(name, name_width)),
                        theme.text,
                    ),
                    Span::styled(format!("{:>10}", bytes(*size)), theme.muted),
                ])
            }));
            (
                format!(" Written {} files · {} ", written.files.len(), bytes(total)),
                lines,
            )
        }
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(title, theme.title));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn render_preview(
    frame: &mut Frame,
    area: Rect,
    view: &ExportView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let preview = &view.preview;
    let name = preview.name.as_deref().unwrap_or("—");
    let height = usize::from(area.height.saturating_sub(2));
    let (title, lines) = match &preview.text {
        _ if !loaded.plan.has_plan() => (
            " Preview ".to_string(),
            vec![Line::styled(
                "No plan yet — blastwall plan apply FILE",
                theme.warning,
            )],
        ),
        _ if preview.loading => (
            format!(" Preview · {name} "),
            vec![Line::styled("rendering…", theme.muted)],
        ),
        None => (" Preview ".to_string(), Vec::new()),
        Some(Err(message)) => (
            format!(" Preview · {name} "),
            vec![Line::styled(message.clone(), theme.danger)],
        ),
        Some(Ok(text)) => {
            let total = text.lines().count();
            let lines: Vec<Line> = text
                .lines()
                .skip(preview.scroll)
                .take(height)
                .map(|l| Line::styled(l.to_string(), theme.text))
                .collect();
            let last = (preview.scroll + height).min(total);
            (
                format!(
                    " Preview · {name} · lines {}–{last} of {} · PgUp/PgDn ",
                    (preview.scroll + 1).min(total),
                    count(total as u64)
                ),
                lines,
            )
        }
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(title, theme.title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .alignment(Alignment::Left),
        area,
    );
}
