//! Screen 4, Matrix: client zone × server zone, each cell with its observed edges and what the
//! plan allows and denies; Enter lists a cell's flows with their verdicts and rules.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::analysis::simulate::Verdict;
use crate::tui::app::ListId;
use crate::tui::app::{CellStatus, LoadedEstate, MatrixCell, MatrixView, endpoint_label};
use crate::tui::theme::Theme;

use super::super::format::{count, port_proto};
use super::super::layout::split_detail;
use super::super::widgets::table::{WindowedTable, header};
use super::clip;

const LABEL_WIDTH: u16 = 13;
const CELL_WIDTH: u16 = 12;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    view: &MatrixView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let (grid_area, flows_area) = split_detail(area, view.flows.detail_open);
    render_grid(frame, grid_area, view, loaded, theme);
    if let Some(flows_area) = flows_area {
        render_flows(frame, flows_area, view, loaded, theme);
    }
}

fn status_style(status: CellStatus, theme: &Theme) -> Style {
    match status {
        CellStatus::NoTraffic => theme.muted,
        CellStatus::AllAllowed => theme.allowed,
        CellStatus::SomeDenied => theme.denied,
        CellStatus::AllowedWithoutTraffic => theme.warning,
    }
}

/// `edges ✓allowed ✗denied`, or `·` for nothing, `rule` for a rule without traffic.
fn cell_text(cell: &MatrixCell) -> String {
    match cell.status() {
        CellStatus::NoTraffic => "·".to_string(),
        CellStatus::AllowedWithoutTraffic => "rule".to_string(),
        _ => format!("{} ✓{} ✗{}", cell.evaluated, cell.allowed, cell.denied),
    }
}

fn render_grid(
    frame: &mut Frame,
    area: Rect,
    view: &MatrixView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(
            " Zone matrix · rows client, columns server ",
            theme.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [grid, legend] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(inner);
    let analysis = &loaded.plan;
    let names = &analysis.zones.names;
    let fits = usize::from(grid.width.saturating_sub(LABEL_WIDTH) / CELL_WIDTH).max(1);
    let first = (view.col + 1).saturating_sub(fits);
    let columns: Vec<usize> = (first..names.len()).take(fits).collect();
    let header_cells = std::iter::once(Cell::from("client ↓")).chain(
        columns
            .iter()
            .map(|&c| Cell::from(clip(&names[c], usize::from(CELL_WIDTH) - 1))),
    );
    let rows = names.iter().enumerate().map(|(r, name)| {
        let label = Cell::from(Line::styled(
            clip(name, usize::from(LABEL_WIDTH) - 1),
            theme.title,
        ));
        Row::new(std::iter::once(label).chain(columns.iter().map(|&c| {
            let cell = analysis.matrix.cell(r, c).copied().unwrap_or_default();
            let mut style = status_style(cell.status(), theme);
            if (r, c) == (view.row, view.col) {
                style = theme.selected;
            }
            Cell::from(Line::styled(cell_text(&cell), style).alignment(Alignment::Right))
        })))
    });
    let widths = std::iter::once(Constraint::Length(LABEL_WIDTH))
        .chain(columns.iter().map(|_| Constraint::Length(CELL_WIDTH)));
    let table = Table::new(rows, widths).header(Row::new(header_cells).style(theme.title));
    frame.render_widget(table, grid);
    frame.render_widget(Paragraph::new(legend_lines(view, loaded, theme)), legend);
}

fn legend_lines<'a>(view: &MatrixView, loaded: &LoadedEstate, theme: &Theme) -> Vec<Line<'a>> {
    let analysis = &loaded.plan;
    let cell = analysis
        .matrix
        .cell(view.row, view.col)
        .copied()
        .unwrap_or_default();
    let pair = format!(
        "{} → {}: {} observed, {} allowed, {} denied, {} already blocked",
        analysis.zones.name(view.row as u32),
        analysis.zones.name(view.col as u32),
        cell.evaluated,
        cell.allowed,
        cell.denied,
        cell.blocked
    );
    let first = if analysis.has_plan() {
        Line::styled(pair, theme.text)
    } else {
        Line::styled("No plan yet — blastwall plan apply FILE", theme.warning)
    };
    vec![
        first,
        Line::from(vec![
            Span::styled("all allowed ", theme.allowed),
            Span::styled("some denied ", theme.denied),
            Span::styled("· no traffic ", theme.muted),
            Span::styled("rule: allowed without traffic", theme.warning),
        ]),
        Line::styled(
            "Enter lists the cell's flows · a proposes a rule for a denied flow · L lint findings",
            theme.muted,
        ),
    ]
}

fn verdict_text(verdict: Option<Verdict>) -> (&'static str, bool) {
    match verdict {
        Some(Verdict::IntraZone) => ("intra-zone", true),
        Some(Verdict::EastWest) => ("east-west", true),
        Some(Verdict::Rule) => ("rule", true),
        Some(Verdict::Denied) => ("denied", false),
        Some(Verdict::AlreadyBlocked) => ("blocked", false),
        None => ("—", true),
    }
}

fn render_flows(
    frame: &mut Frame,
    area: Rect,
    view: &MatrixView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let estate = &loaded.estate;
    let analysis = &loaded.plan;
    let title = Line::styled(
        format!(
            " Flows {} → {} · {} ",
            analysis.zones.name(view.row as u32),
            analysis.zones.name(view.col as u32),
            view.flows.len()
        ),
        theme.title,
    );
    let table = WindowedTable {
        title,
        header: header(
            &["CLIENT", "SERVER", "PORT", "RECORDS", "VERDICT", "RULES"],
            &["RECORDS"],
        ),
        widths: vec![
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(9),
            Constraint::Length(7),
            Constraint::Length(10),
            Constraint::Fill(1),
        ],
        len: view.flows.len(),
        selection: Some((view.flows.selected, view.flows.offset)),
        list: Some(ListId::CellFlows),
    };
    table.render(frame, area, theme, |position| {
        let Some((index, edge)) = view
            .flows
            .visible
            .get(position)
            .and_then(|&i| Some((i, estate.service_edges.get(i)?)))
        else {
            return Row::default();
        };
        let (verdict, allowed) = verdict_text(analysis.simulation.verdicts.get(index).copied());
        let style = if allowed { theme.allowed } else { theme.denied };
        Row::new([
            Cell::from(endpoint_label(estate, edge.client)),
            Cell::from(endpoint_label(estate, edge.server)),
            Cell::from(port_proto(edge.port, edge.protocol)),
            Cell::from(Line::from(count(edge.stats.records)).alignment(Alignment::Right)),
            Cell::from(Line::styled(verdict, style)),
            Cell::from(view.rules.get(position).cloned().unwrap_or_default()),
        ])
    });
}
