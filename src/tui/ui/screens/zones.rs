//! Screen 3, Zones: the plan's zones in order (first match wins) with sensitivity, member
//! counts and selectors; the selected zone's selectors and members; the unassigned workloads.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::model::plan::{Sensitivity, Zone};
use crate::tui::app::ListId;
use crate::tui::app::plan_edit::selector_text;
use crate::tui::app::{ListView, LoadedEstate, ZonePane, ZonesView};
use crate::tui::theme::Theme;

use super::super::format::count;
use super::super::widgets::table::{WindowedTable, header};

pub fn render(
    frame: &mut Frame,
    area: Rect,
    view: &ZonesView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let [panes, legend] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(2)]).areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(panes);
    let [zones_area, unassigned_area] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Fill(1)]).areas(left);
    let [selectors_area, members_area] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Fill(1)]).areas(right);
    render_zones(frame, zones_area, view, loaded, theme);
    render_selectors(frame, selectors_area, view, loaded, theme);
    let zone = selected_zone(view, loaded).map_or("—", |z| z.name.as_str());
    let members = format!("Members of {zone}");
    render_workloads(
        frame,
        members_area,
        &members,
        view,
        ZonePane::Members,
        loaded,
        theme,
    );
    render_workloads(
        frame,
        unassigned_area,
        "Unassigned",
        view,
        ZonePane::Unassigned,
        loaded,
        theme,
    );
    frame.render_widget(Paragraph::new(legend_lines(view, loaded, theme)), legend);
}

fn selected_zone<'a>(view: &ZonesView, loaded: &'a LoadedEstate) -> Option<&'a Zone> {
    let plan = loaded.plan.plan.as_ref()?;
    plan.zones.get(view.zone()?)
}

fn sensitivity_style(sensitivity: Sensitivity, theme: &Theme) -> Style {
    match sensitivity {
        Sensitivity::Low => theme.zone_low,
        Sensitivity::Medium => theme.zone_medium,
        Sensitivity::High => theme.zone_high,
        Sensitivity::Critical => theme.zone_critical,
    }
}

/// A pane title, marked when the pane has the keyboard.
fn title<'a>(name: String, focused: bool, theme: &Theme) -> Line<'a> {
    if focused {
        Line::styled(format!(" ▸ {name} "), theme.accent)
    } else {
        Line::styled(format!(" {name} "), theme.title)
    }
}

/// The selection to draw: only the focused pane shows one.
fn selection(list: &ListView, focused: bool) -> Option<(usize, usize)> {
    focused.then_some((list.selected, list.offset))
}

fn render_zones(
    frame: &mut Frame,
    area: Rect,
    view: &ZonesView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let zones = loaded
        .plan
        .plan
        .as_ref()
        .map_or(&[][..], |p| p.zones.as_slice());
    let counts = loaded.plan.zones.workload_counts();
    let name = match view.moving {
        Some(pick) => {
            let workloads = &loaded.estate.workloads;
            let name = workloads
                .get(pick.workload as usize)
                .map_or("?", |w| w.name.as_str());
            format!("Move {name} to which zone?")
        }
        None => format!("Zones {} · first match wins", zones.len()),
    };
    let selected = match view.moving {
        Some(pick) => Some((pick.target, 0)),
        None => Some((view.list.selected, view.list.offset)),
    };
    // Below 60 columns the figures' headers shorten so the zone names keep room.
    let narrow = area.width < 60;
    let table = WindowedTable {
        title: title(
            name,
            view.pane == ZonePane::Zones || view.moving.is_some(),
            theme,
        ),
        header: if narrow {
            header(&["#", "ZONE", "SENS.", "MEMB", "SEL"], &["MEMB", "SEL"])
        } else {
            header(
                &["#", "ZONE", "SENSITIVITY", "MEMBERS", "SELECTORS"],
                &["MEMBERS", "SELECTORS"],
            )
        },
        widths: if narrow {
            vec![
                Constraint::Length(2),
                Constraint::Fill(1),
                Constraint::Length(8),
                Constraint::Length(4),
                Constraint::Length(3),
            ]
        } else {
            vec![
                Constraint::Length(3),
                Constraint::Fill(1),
                Constraint::Length(11),
                Constraint::Length(7),
                Constraint::Length(9),
            ]
        },
        len: zones.len(),
        selection: selected,
        list: Some(ListId::Zones(ZonePane::Zones)),
    };
    table.render(frame, area, theme, |position| {
        let Some(zone) = zones.get(position) else {
            return Row::default();
        };
        let members = counts.get(position).copied().unwrap_or(0);
        Row::new([
            Cell::from(format!("{}", position + 1)),
            Cell::from(zone.name.clone()),
            Cell::from(Span::styled(
                zone.sensitivity.as_str(),
                sensitivity_style(zone.sensitivity, theme),
            )),
            Cell::from(Line::from(count(members)).alignment(Alignment::Right)),
            Cell::from(Line::from(zone.members.len().to_string()).alignment(Alignment::Right)),
        ])
    });
}

fn render_selectors(
    frame: &mut Frame,
    area: Rect,
    view: &ZonesView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let members = selected_zone(view, loaded).map_or(&[][..], |z| z.members.as_slice());
    let focused = view.pane == ZonePane::Selectors && view.moving.is_none();
    let table = WindowedTable {
        title: title(format!("Selectors {}", members.len()), focused, theme),
        header: header(&["SELECTOR"], &[]),
        widths: vec![Constraint::Fill(1)],
        len: members.len(),
        selection: selection(&view.selectors, focused),
        list: Some(ListId::Zones(ZonePane::Selectors)),
    };
    table.render(frame, area, theme, |position| {
        members
            .get(position)
            .map_or_else(Row::default, |s| Row::new([Cell::from(selector_text(s))]))
    });
}

fn render_workloads(
    frame: &mut Frame,
    area: Rect,
    name: &str,
    view: &ZonesView,
    pane: ZonePane,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let list = match pane {
        ZonePane::Members => &view.members,
        _ => &view.unassigned,
    };
    let focused = view.pane == pane && view.moving.is_none();
    let table = WindowedTable {
        title: title(
            format!("{name} {}", count(list.len() as u64)),
            focused,
            theme,
        ),
        header: header(&["WORKLOAD", "KIND", "APP"], &[]),
        widths: vec![
            Constraint::Fill(2),
            Constraint::Length(10),
            Constraint::Fill(1),
        ],
        len: list.len(),
        selection: selection(list, focused),
        list: Some(ListId::Zones(pane)),
    };
    let workloads = &loaded.estate.workloads;
    table.render(frame, area, theme, |position| {
        let Some(w) = list.visible.get(position).and_then(|&i| workloads.get(i)) else {
            return Row::default();
        };
        Row::new([
            Cell::from(w.name.clone()),
            Cell::from(w.kind.as_str()),
            Cell::from(w.app().to_string()),
        ])
    });
}

fn legend_lines<'a>(view: &ZonesView, loaded: &LoadedEstate, theme: &Theme) -> Vec<Line<'a>> {
    let first = if !loaded.plan.has_plan() {
        Line::styled(
            "No plan yet — n creates a zone and starts one (or blastwall plan apply FILE)",
            theme.warning,
        )
    } else if let Some(name) = &view.confirm_delete {
        Line::styled(
            format!("Delete zone {name}? d or y deletes it"),
            theme.warning,
        )
    } else {
        Line::styled(
            "A workload belongs to the first zone (in this order) with a matching selector",
            theme.muted,
        )
    };
    vec![
        first,
        Line::styled(
            "h/l pane · n new · R rename · K/J reorder · d delete · a/x selector · m move · w write · L lint",
            theme.muted,
        ),
    ]
}
