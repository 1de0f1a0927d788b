//! Screen 2, Flows: service edges by volume, and the evidence behind the selected one.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};

use crate::analysis::{ResolvedEstate, ServiceEdge};
use crate::tui::app::ListId;
use crate::tui::app::{FlowsView, LoadedEstate, OutcomeFilter, endpoint_label};
use crate::tui::theme::Theme;

use super::super::format::{bytes, count, port_proto, sources, time_or_dash};
use super::super::layout::split_detail;
use super::super::widgets::table::{WindowedTable, header};
use super::{clip, field, heading, list_title, outcome_style};

/// Columns: name, width, and whether a narrow table keeps it.
const COLUMNS: [(&str, Constraint, bool); 7] = [
    ("CLIENT", Constraint::Fill(1), true),
    ("SERVER", Constraint::Fill(1), true),
    ("PORT/PROTO", Constraint::Length(10), true),
    ("OUTCOME", Constraint::Length(8), true),
    ("RECORDS", Constraint::Length(9), true),
    ("BYTES", Constraint::Length(9), false),
    ("SOURCES", Constraint::Length(14), false),
];

/// Right-aligned columns.
const NUMERIC: [bool; 7] = [false, false, false, false, true, true, false];

pub fn render(
    frame: &mut Frame,
    area: Rect,
    view: &FlowsView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let (list_area, detail_area) = split_detail(area, view.list.detail_open);
    let estate = &loaded.estate;
    let compact = list_area.width < 100;
    let keep = |i: usize| !compact || COLUMNS[i].2;
    let names: Vec<&str> = (0..COLUMNS.len())
        .filter(|&i| keep(i))
        .map(|i| COLUMNS[i].0)
        .collect();
    let outcome =
        (view.outcome != OutcomeFilter::All).then(|| format!("outcome {}", view.outcome.label()));
    let table = WindowedTable {
        title: list_title(
            "Flows",
            &view.list,
            estate.service_edges.len(),
            "by bytes ↓",
            outcome,
            theme,
        ),
        header: header(&names, &["RECORDS", "BYTES"]),
        widths: (0..COLUMNS.len())
            .filter(|&i| keep(i))
            .map(|i| COLUMNS[i].1)
            .collect(),
        len: view.list.len(),
        selection: Some((view.list.selected, view.list.offset)),
        list: Some(ListId::Flows),
    };
    table.render(frame, list_area, theme, |position| {
        let Some(edge) = view
            .list
            .visible
            .get(position)
            .and_then(|&i| estate.service_edges.get(i))
        else {
            return Row::default();
        };
        let cells = flow_cells(edge, estate, theme);
        Row::new(
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, c)| c),
        )
    });
    if let Some(detail_area) = detail_area {
        render_detail(frame, detail_area, view, loaded, theme);
    }
}

fn flow_cells<'a>(edge: &ServiceEdge, estate: &ResolvedEstate, theme: &Theme) -> [Cell<'a>; 7] {
    let outcome = edge.stats.outcome();
    let texts = [
        endpoint_label(estate, edge.client),
        endpoint_label(estate, edge.server),
        port_proto(edge.port, edge.protocol),
        outcome.as_str().to_string(),
        count(edge.stats.records),
        bytes(edge.stats.bytes),
        sources(edge.stats.sources),
    ];
    let mut cells = texts.map(|t| (t, theme.text));
    cells[3].1 = outcome_style(outcome, theme);
    let mut column = 0;
    cells.map(|(text, style)| {
        let alignment = if NUMERIC[column] {
            Alignment::Right
        } else {
            Alignment::Left
        };
        column += 1;
        Cell::from(Line::styled(text, style).alignment(alignment))
    })
}

fn render_detail(
    frame: &mut Frame,
    area: Rect,
    view: &FlowsView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(" Evidence ", theme.title));
    let estate = &loaded.estate;
    let selected = view
        .list
        .selected_item()
        .and_then(|i| Some((i, estate.service_edges.get(i)?)));
    let Some((index, edge)) = selected else {
        let text = Paragraph::new(Line::styled("No flow selected", theme.muted));
        frame.render_widget(text.block(block), area);
        return;
    };
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines = summary_lines(edge, estate, width, theme);
    let pairs = loaded.index.evidence.get(index);
    lines.push(Line::default());
    lines.push(heading(format!("Address pairs ({})", pairs.len()), theme));
    let room = usize::from(area.height.saturating_sub(2)).saturating_sub(lines.len());
    lines.extend(pair_lines(pairs, estate, room, width, theme));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The address pairs behind a service edge, as many as fit in `room` lines.
fn pair_lines<'a>(
    pairs: &[u32],
    estate: &ResolvedEstate,
    room: usize,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let room = room.max(1);
    let shown = if pairs.len() > room {
        room - 1
    } else {
        pairs.len()
    };
    let pair_width = width.saturating_sub(14).max(8);
    let mut lines: Vec<Line<'a>> = pairs
        .iter()
        .take(shown)
        .filter_map(|&i| estate.edges.get(i as usize))
        .map(|edge| {
            let pair = format!("{} → {}", edge.client, edge.server);
            Line::from(vec![
                Span::styled(
                    format!("  {:<pair_width$}", clip(&pair, pair_width)),
                    theme.text,
                ),
                Span::styled(format!("{:>10}", count(edge.stats.records)), theme.muted),
            ])
        })
        .collect();
    if pairs.len() > shown {
        let more = format!("  +{} more", pairs.len() - shown);
        lines.push(Line::styled(more, theme.muted));
    }
    lines
}

fn summary_lines<'a>(
    edge: &ServiceEdge,
    estate: &ResolvedEstate,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let stats = &edge.stats;
    let outcome = stats.outcome();
    let label_width = width.saturating_sub(12);
    vec![
        field(
            "client",
            clip(&endpoint_label(estate, edge.client), label_width),
            theme,
        ),
        field(
            "server",
            clip(&endpoint_label(estate, edge.server), label_width),
            theme,
        ),
        field("service", port_proto(edge.port, edge.protocol), theme),
        Line::from(vec![
            Span::styled(format!("{:<11} ", "outcome"), theme.muted),
            Span::styled(outcome.as_str(), outcome_style(outcome, theme)),
        ]),
        field("records", count(stats.records), theme),
        field("  accepted", count(stats.accepted), theme),
        field("  rejected", count(stats.rejected), theme),
        field(
            "bytes",
            format!("{} ({})", bytes(stats.bytes), count(stats.bytes)),
            theme,
        ),
        field("packets", count(stats.packets), theme),
        field("first seen", time_or_dash(stats.first_seen), theme),
        field("last seen", time_or_dash(stats.last_seen), theme),
        field("sources", sources(stats.sources), theme),
    ]
}
