//! Screen 1, Estate: workloads, blind spots, and the selected workload's details.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};

use crate::analysis::resolve::BlindSpotAddress;
use crate::analysis::{BlindSpot, ResolvedEstate, Workload};
use crate::model::Attribute;
use crate::tui::app::ListId;
use crate::tui::app::{EstateView, LoadedEstate, endpoint_label};
use crate::tui::theme::Theme;

use super::super::format::{addresses, count, net, port_proto};
use super::super::layout::{estate_areas, split_detail};
use super::super::widgets::table::{WindowedTable, header};
use super::{clip, field, heading, list_field, list_title, outcome_style, wrapped_field};

/// Flows listed per direction in the detail pane.
const DETAIL_FLOWS: usize = 20;

/// Columns: name, width, and whether a narrow table keeps it.
const COLUMNS: [(&str, Constraint, bool); 7] = [
    ("NAME", Constraint::Fill(3), true),
    ("KIND", Constraint::Length(11), true),
    ("APP", Constraint::Fill(2), true),
    ("TIER", Constraint::Length(8), false),
    ("ENV", Constraint::Length(6), false),
    ("ADDRESSES", Constraint::Length(25), true),
    ("ZONE", Constraint::Length(4), false),
];

pub fn render(
    frame: &mut Frame,
    area: Rect,
    view: &EstateView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let (list_area, detail_area) = split_detail(area, view.list.detail_open);
    let (workloads_area, blind_area) = estate_areas(list_area);
    render_workloads(frame, workloads_area, view, &loaded.estate, theme);
    render_blind_spots(frame, blind_area, view, &loaded.estate, theme);
    if let Some(detail_area) = detail_area {
        render_detail(frame, detail_area, view, loaded, theme);
    }
}

fn render_workloads(
    frame: &mut Frame,
    area: Rect,
    view: &EstateView,
    estate: &ResolvedEstate,
    theme: &Theme,
) {
    let compact = area.width < 90;
    // Beside an open detail pane on a small terminal: the name and the app only.
    let narrow = area.width < 60;
    let keep = |i: usize| {
        if narrow {
            matches!(COLUMNS[i].0, "NAME" | "APP")
        } else {
            !compact || COLUMNS[i].2
        }
    };
    let names: Vec<&str> = (0..COLUMNS.len())
        .filter(|&i| keep(i))
        .map(|i| COLUMNS[i].0)
        .collect();
    let widths: Vec<Constraint> = (0..COLUMNS.len())
        .filter(|&i| keep(i))
        .map(|i| match (COLUMNS[i].0, compact) {
            ("ADDRESSES", true) => Constraint::Length(16),
            _ => COLUMNS[i].1,
        })
        .collect();
    let table = WindowedTable {
        title: list_title(
            "Workloads",
            &view.list,
            estate.workloads.len(),
            "by name",
            None,
            theme,
        ),
        header: header(&names, &[]),
        widths,
        len: view.list.len(),
        selection: Some((view.list.selected, view.list.offset)),
        list: Some(ListId::Workloads),
    };
    table.render(frame, area, theme, |position| {
        let Some(workload) = view
            .list
            .visible
            .get(position)
            .and_then(|&i| estate.workloads.get(i))
        else {
            return Row::default();
        };
        let cells = workload_cells(workload, if compact { 1 } else { 2 }, theme);
        Row::new(
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep(*i))
                .map(|(_, c)| c),
        )
    });
}

fn workload_cells<'a>(workload: &Workload, shown_addresses: usize, theme: &Theme) -> [Cell<'a>; 7] {
    let kind_style = if workload.observed_only {
        theme.warning
    } else {
        theme.text
    };
    [
        Cell::from(workload.name.clone()),
        Cell::from(Span::styled(workload.kind.as_str(), kind_style)),
        Cell::from(workload.app().to_string()),
        Cell::from(workload.attribute(Attribute::Tier).to_string()),
        Cell::from(workload.attribute(Attribute::Env).to_string()),
        Cell::from(addresses(&workload.addresses, shown_addresses)),
        Cell::from(Span::styled("—", theme.muted)),
    ]
}

fn render_blind_spots(
    frame: &mut Frame,
    area: Rect,
    view: &EstateView,
    estate: &ResolvedEstate,
    theme: &Theme,
) {
    let shown = if view.blind_spots.len() == estate.blind_spots.len() {
        format!("({})", count(estate.blind_spots.len() as u64))
    } else {
        format!(
            "({}/{})",
            count(view.blind_spots.len() as u64),
            count(estate.blind_spots.len() as u64)
        )
    };
    let title = Line::from(vec![
        Span::styled(" Blind spots ", theme.title),
        Span::styled(format!("{shown} "), theme.muted),
        Span::styled("· addresses no workload owns · by records ↓ ", theme.muted),
    ]);
    let table = WindowedTable {
        title,
        header: header(&["ADDRESS", "CLASS", "NETWORK", "RECORDS"], &["RECORDS"]),
        widths: vec![
            Constraint::Min(15),
            Constraint::Length(10),
            Constraint::Fill(3),
            Constraint::Length(8),
        ],
        len: view.blind_spots.len(),
        selection: None,
        list: None,
    };
    table.render(frame, area, theme, |position| {
        match view
            .blind_spots
            .get(position)
            .and_then(|&i| estate.blind_spots.get(i))
        {
            Some(spot) => blind_spot_row(spot, theme),
            None => Row::default(),
        }
    });
}

fn blind_spot_row<'a>(spot: &BlindSpotAddress, theme: &Theme) -> Row<'a> {
    let class_style = match spot.class {
        BlindSpot::Internet => theme.warning,
        BlindSpot::Unmanaged => theme.danger,
    };
    let network = spot
        .network
        .as_ref()
        .map_or_else(|| "—".to_string(), ToString::to_string);
    Row::new([
        Cell::from(spot.address.to_string()),
        Cell::from(Span::styled(spot.class.as_str(), class_style)),
        Cell::from(network),
        Cell::from(Line::from(count(spot.records)).alignment(Alignment::Right)),
    ])
}

fn render_detail(
    frame: &mut Frame,
    area: Rect,
    view: &EstateView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let block = Block::bordered().border_style(theme.border);
    let selected = view
        .list
        .selected_item()
        .and_then(|i| Some((i, loaded.estate.workloads.get(i)?)));
    let Some((index, workload)) = selected else {
        let text = Paragraph::new(Line::styled("No workload selected", theme.muted));
        frame.render_widget(
            text.block(block.title(Line::styled(" Details ", theme.title))),
            area,
        );
        return;
    };
    let width = usize::from(area.width.saturating_sub(2));
    let mut lines = workload_lines(workload, width, theme);
    for (name, flows, inbound) in [
        ("Flows in", &loaded.index.flows_in, true),
        ("Flows out", &loaded.index.flows_out, false),
    ] {
        let list = flows.get(index);
        lines.push(Line::default());
        lines.push(heading(format!("{name} ({})", list.len()), theme));
        lines.extend(flow_lines(list, inbound, &loaded.estate, width, theme));
    }
    // Labels last: they can be many, and the flows matter more.
    let labels: Vec<String> = workload
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    lines.push(Line::default());
    lines.push(heading(format!("Labels ({})", labels.len()), theme));
    lines.extend(labels.iter().map(|label| {
        Line::styled(
            format!("  {}", clip(label, width.saturating_sub(2))),
            theme.text,
        )
    }));
    let title = Line::styled(format!(" {} ", workload.name), theme.title);
    let paragraph = Paragraph::new(lines)
        .block(block.title(title))
        .wrap(Wrap { trim: false });
    frame.render_widget(paragraph, area);
}

fn workload_lines<'a>(workload: &Workload, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![field("kind", workload.kind.as_str(), theme)];
    for attribute in Attribute::ALL {
        let value = workload.attribute(attribute);
        if !value.is_empty() {
            lines.push(field(attribute.label(), value, theme));
        }
    }
    let identity = workload.identity.as_deref().unwrap_or("");
    lines.extend(wrapped_field("identity", identity, width, theme));
    let addresses: Vec<String> = workload.addresses.iter().map(net).collect();
    lines.extend(list_field("addresses", &addresses, width, theme));
    let networks: Vec<String> = workload.networks.iter().map(ToString::to_string).collect();
    lines.extend(list_field("networks", &networks, width, theme));
    if workload.observed_only {
        lines.push(field(
            "observed",
            "only in flows: no inventory lists it",
            theme,
        ));
    }
    lines
}

fn flow_lines<'a>(
    list: &[u32],
    inbound: bool,
    estate: &ResolvedEstate,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let peer_width = width.saturating_sub(34).max(8);
    let mut lines: Vec<Line<'a>> = list
        .iter()
        .take(DETAIL_FLOWS)
        .filter_map(|&i| estate.service_edges.get(i as usize))
        .map(|edge| {
            let peer = endpoint_label(estate, if inbound { edge.client } else { edge.server });
            let outcome = edge.stats.outcome();
            Line::from(vec![
                Span::styled(if inbound { "← " } else { "→ " }, theme.muted),
                Span::styled(
                    format!("{:<peer_width$} ", clip(&peer, peer_width)),
                    theme.text,
                ),
                Span::styled(
                    format!("{:<10} ", port_proto(edge.port, edge.protocol)),
                    theme.text,
                ),
                Span::styled(
                    format!("{:<9}", outcome.as_str()),
                    outcome_style(outcome, theme),
                ),
                Span::styled(format!("{:>10}", count(edge.stats.records)), theme.text),
            ])
        })
        .collect();
    if list.len() > DETAIL_FLOWS {
        lines.push(Line::styled(
            format!("  +{} more", list.len() - DETAIL_FLOWS),
            theme.muted,
        ));
    }
    if list.is_empty() {
        lines.push(Line::styled("  none observed", theme.muted));
    }
    lines
}
