//! Screen 5, Blast radius: pick a workload, see what it reaches per mode, per zone and per hop,
//! and how it gets to the crown jewels; or the planned ranking of every workload.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};

use crate::analysis::ResolvedEstate;
use crate::analysis::blast::{Mode, Reach};
use crate::tui::app::ListId;
use crate::tui::app::{BlastReport, BlastView, LoadedEstate, PlanAnalysis};
use crate::tui::theme::Theme;

use super::super::format::count;
use super::super::layout::blast_areas;
use super::super::widgets::table::{WindowedTable, header};
use super::{clip, heading, list_title};

/// Shown where the planned mode would be, without a plan.
pub const NO_PLAN: &str = "No plan yet — blastwall plan apply FILE (observed and flat only)";

pub fn render(
    frame: &mut Frame,
    area: Rect,
    view: &BlastView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let (finder, report) = blast_areas(area);
    render_finder(frame, finder, view, loaded, theme);
    if view.ranking_open {
        render_ranking(frame, report, view, loaded, theme);
    } else {
        render_report(frame, report, view, loaded, theme);
    }
}

fn render_finder(
    frame: &mut Frame,
    area: Rect,
    view: &BlastView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let workloads = &loaded.estate.workloads;
    let table = WindowedTable {
        title: list_title(
            "Workloads",
            &view.list,
            workloads.len(),
            if view.list.filter.trim().is_empty() {
                "by name"
            } else {
                "best match first"
            },
            None,
            theme,
        ),
        header: header(&["NAME"], &[]),
        widths: vec![Constraint::Fill(1)],
        len: view.list.len(),
        selection: (!view.ranking_open).then_some((view.list.selected, view.list.offset)),
        list: Some(ListId::BlastFinder),
    };
    table.render(frame, area, theme, |position| {
        let name = view
            .list
            .visible
            .get(position)
            .and_then(|&i| workloads.get(i))
            .map_or("", |w| w.name.as_str());
        let style = match view.picked {
            Some(p) if view.list.visible.get(position) == Some(&(p as usize)) => theme.accent,
            _ => theme.text,
        };
        Row::new([Cell::from(Line::styled(name.to_string(), style))])
    });
}

fn render_ranking(
    frame: &mut Frame,
    area: Rect,
    view: &BlastView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let plan = &loaded.plan;
    let estate = &loaded.estate;
    let table = WindowedTable {
        title: list_title(
            "Planned ranking",
            &view.ranking,
            plan.ranking.len(),
            "by planned reach ↓",
            None,
            theme,
        ),
        header: header(
            &["WORKLOAD", "ZONE", "REACHABLE", "CROWN JEWELS"],
            &["REACHABLE", "CROWN JEWELS"],
        ),
        widths: vec![
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(13),
        ],
        len: view.ranking.len(),
        selection: Some((view.ranking.selected, view.ranking.offset)),
        list: Some(ListId::Ranking),
    };
    table.render(frame, area, theme, |position| {
        let Some(&(w, reachable, jewels)) = plan.ranking.get(position) else {
            return Row::default();
        };
        let jewel_style = if jewels > 0 { theme.danger } else { theme.text };
        Row::new([
            Cell::from(workload_name(estate, w)),
            Cell::from(
                plan.zones
                    .name(plan.zones.zone_of(workload_endpoint(w)))
                    .to_string(),
            ),
            Cell::from(Line::from(count(reachable)).alignment(Alignment::Right)),
            Cell::from(Line::styled(count(jewels), jewel_style).alignment(Alignment::Right)),
        ])
    });
}

fn render_report(
    frame: &mut Frame,
    area: Rect,
    view: &BlastView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let estate = &loaded.estate;
    let title = match view.picked {
        Some(w) => format!(" Blast radius of {} ", workload_name(estate, w)),
        None => " Blast radius ".to_string(),
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(title, theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let report = view
        .report
        .as_deref()
        .filter(|r| Some(r.workload) == view.picked);
    let Some(report) = report else {
        let text = if view.computing {
            "Computing…"
        } else {
            "Pick a workload: f filters the list, Enter shows its blast radius, t the planned ranking"
        };
        let message = Paragraph::new(Line::styled(text, theme.muted)).wrap(Wrap { trim: true });
        frame.render_widget(message, inner);
        return;
    };
    let [modes, middle, paths] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(mode_lines(report, &loaded.plan, theme)),
        modes,
    );
    let [zones, _, rings] = Layout::horizontal([
        Constraint::Length(40),
        Constraint::Length(2),
        Constraint::Fill(1),
    ])
    .areas(middle);
    let zone_lines = zone_lines(report, &loaded.plan, theme);
    frame.render_widget(Paragraph::new(zone_lines), zones);
    frame.render_widget(
        Paragraph::new(ring_lines(report, rings.width, theme)),
        rings,
    );
    let width = usize::from(paths.width);
    frame.render_widget(
        Paragraph::new(path_lines(report, estate, width, theme)),
        paths,
    );
}

fn workload_endpoint(w: u32) -> crate::analysis::Endpoint {
    crate::analysis::Endpoint::Workload(w)
}

fn workload_name(estate: &ResolvedEstate, w: u32) -> String {
    estate
        .workloads
        .get(w as usize)
        .map_or_else(|| format!("#{w}"), |x| x.name.clone())
}

/// `label  flat  observed  planned` rows, one value per mode.
fn mode_row<'a>(
    label: &str,
    values: [String; 3],
    style: ratatui::style::Style,
    theme: &Theme,
) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{label:<14}"), theme.muted)];
    spans.extend(
        values
            .into_iter()
            .map(|v| Span::styled(format!("{v:>10}"), style)),
    );
    Line::from(spans)
}

fn mode_lines<'a>(report: &BlastReport, plan: &PlanAnalysis, theme: &Theme) -> Vec<Line<'a>> {
    let value = |mode: Mode, f: &dyn Fn(&Reach) -> String| {
        report.reach(mode).map_or_else(|| "—".to_string(), f)
    };
    let per_mode = |f: &dyn Fn(&Reach) -> String| Mode::ALL.map(|m| value(m, f));
    let names = Mode::ALL.map(|m| m.as_str().to_string());
    let mut lines = vec![
        heading("Reach per mode", theme),
        mode_row("", names, theme.title, theme),
        mode_row(
            "reachable",
            per_mode(&|r| count(r.reachable)),
            theme.text,
            theme,
        ),
        mode_row("hops", per_mode(&|r| r.hops.to_string()), theme.text, theme),
        mode_row(
            "crown jewels",
            per_mode(&|r| count(r.crown_jewels.len() as u64)),
            theme.danger,
            theme,
        ),
    ];
    if !plan.has_plan() {
        lines.push(Line::styled(NO_PLAN, theme.warning));
    }
    lines
}

fn zone_lines<'a>(report: &BlastReport, plan: &PlanAnalysis, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![
        heading("Reach per zone", theme),
        Line::styled(
            format!("{:<14}{:>8}{:>9}{:>8}", "", "flat", "observed", "planned"),
            theme.title,
        ),
    ];
    for (zone, name) in plan.zones.names.iter().enumerate() {
        let counts = Mode::ALL.map(|m| report.reach(m).and_then(|r| r.by_zone.get(zone).copied()));
        if counts.iter().all(|c| c.unwrap_or(0) == 0) {
            continue;
        }
        let text = counts.map(|c| c.map_or_else(|| "—".to_string(), count));
        lines.push(Line::from(vec![
            Span::styled(format!("{:<14}", clip(name, 13)), theme.text),
            Span::styled(
                format!("{:>7} {:>7} {:>7}", text[0], text[1], text[2]),
                theme.text,
            ),
        ]));
    }
    if lines.len() == 2 {
        lines.push(Line::styled("nothing in reach", theme.muted));
    }
    lines
}

/// Workloads first reached at each hop, one small bar each, per mode.
fn ring_lines<'a>(report: &BlastReport, width: u16, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![heading("Rings by hop", theme)];
    let bar_room = usize::from(width).saturating_sub(26).max(4);
    for reach in &report.reaches {
        let widest = reach.rings.iter().copied().max().unwrap_or(0).max(1);
        for (hop, &n) in reach.rings.iter().enumerate().skip(1) {
            let bar = (n as usize * bar_room).div_ceil(widest as usize);
            lines.push(Line::from(vec![
                Span::styled(format!("{:<9}", reach.mode.as_str()), theme.muted),
                Span::styled(format!("hop {hop:<2} "), theme.text),
                Span::styled("█".repeat(bar), theme.gauge),
                Span::styled(format!(" {}", count(n)), theme.text),
            ]));
        }
    }
    lines
}

/// `mode  a → b → c` for every crown jewel in reach, planned first.
fn path_lines<'a>(
    report: &BlastReport,
    estate: &ResolvedEstate,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![heading("Paths to crown jewels", theme)];
    for mode in [Mode::Planned, Mode::Observed, Mode::Flat] {
        let Some(reach) = report.reach(mode) else {
            continue;
        };
        for jewel in &reach.crown_jewels {
            let path: Vec<String> = jewel
                .path
                .iter()
                .map(|&w| workload_name(estate, w))
                .collect();
            let text = clip(&path.join(" → "), width.saturating_sub(10));
            lines.push(Line::from(vec![
                Span::styled(format!("{:<9} ", mode.as_str()), theme.muted),
                Span::styled(text, theme.danger),
            ]));
        }
    }
    if lines.len() == 1 {
        lines.push(Line::styled("no crown jewel in reach", theme.allowed));
    }
    lines
}
