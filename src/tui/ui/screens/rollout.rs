//! Screen 6, Rollout: the plan's phases in order (mode, zones, controls, date, owner,
//! readiness), the selected phase's exit criteria with their live state, the planned blast
//! radius after each step as a bar chart, and the guardrails the plan breaks.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, Cell, Paragraph, Row, Wrap};

use crate::analysis::rollout::{PhaseStatus, Rollout, State, Step};
use crate::model::plan::Plan;
use crate::model::rollout::{Criterion, Phase, PhaseMode};
use crate::tui::app::ListId;
use crate::tui::app::{ListView, LoadedEstate, RolloutPane, RolloutView};
use crate::tui::theme::Theme;

use super::super::format::count;
use super::super::layout::rollout_areas;
use super::super::widgets::table::{WindowedTable, header};
use super::clip;

/// What the screen says without a plan (as the other plan screens do).
pub const NO_PLAN: &str = "No plan yet — blastwall plan apply FILE";

pub fn render(
    frame: &mut Frame,
    area: Rect,
    view: &RolloutView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let analysis = &loaded.plan;
    let (Some(plan), Some(rollout)) = (&analysis.plan, &analysis.rollout) else {
        message(frame, area, NO_PLAN, theme);
        return;
    };
    let steps = if plan.phases.is_empty() {
        0
    } else {
        plan.phases.len() as u16 + 1
    };
    let areas = rollout_areas(area, plan.phases.len() as u16, steps);
    render_phases(frame, areas.phases, view, plan, rollout, theme);
    render_criteria(
        frame,
        areas.criteria,
        areas.detail,
        view,
        plan,
        rollout,
        theme,
    );
    render_chart(frame, areas.chart, plan, rollout, theme);
    render_guardrails(frame, areas.guardrails, loaded, theme);
}

fn message(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(" Rollout ", theme.title));
    let paragraph = Paragraph::new(Line::styled(text.to_string(), theme.warning))
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .block(block);
    frame.render_widget(paragraph, area);
}

/// A pane title, marked when the pane has the keyboard.
fn title<'a>(name: String, focused: bool, theme: &Theme) -> Line<'a> {
    if focused {
        Line::styled(format!(" ▸ {name} "), theme.accent)
    } else {
        Line::styled(format!(" {name} "), theme.title)
    }
}

fn selection(list: &ListView, focused: bool) -> Option<(usize, usize)> {
    Some((list.selected, list.offset)).filter(|_| focused || !list.is_empty())
}

fn render_phases(
    frame: &mut Frame,
    area: Rect,
    view: &RolloutView,
    plan: &Plan,
    rollout: &Rollout,
    theme: &Theme,
) {
    let focused = view.pane == RolloutPane::Phases;
    if plan.phases.is_empty() {
        let block = Block::bordered().border_style(theme.border).title(title(
            "Phases 0".into(),
            focused,
            theme,
        ));
        let lines = vec![
            Line::styled("No phases yet.", theme.warning),
            Line::styled(
                "Add them to the plan file under phases: (docs/plan-format.md), or press e \
                 to start one from a template.",
                theme.muted,
            ),
        ];
        let paragraph = Paragraph::new(lines).wrap(Wrap { trim: true }).block(block);
        frame.render_widget(paragraph, area);
        return;
    }
    let ready = rollout.phases.iter().filter(|p| p.ready()).count();
    let name = format!("Phases {} · {ready} ready · in order", plan.phases.len());
    let table = WindowedTable {
        title: title(name, focused, theme),
        header: header(
            &[
                "#", "PHASE", "MODE", "ZONES", "CONTROLS", "TARGET", "OWNER", "READY",
            ],
            &["READY"],
        ),
        widths: vec![
            Constraint::Length(2),
            Constraint::Fill(3),
            Constraint::Length(7),
            Constraint::Fill(3),
            Constraint::Fill(3),
            Constraint::Length(10),
            Constraint::Fill(2),
            Constraint::Length(6),
        ],
        len: plan.phases.len(),
        selection: selection(&view.phases, focused),
        list: Some(ListId::Phases),
    };
    table.render(frame, area, theme, |position| {
        let (Some(phase), status) = (plan.phases.get(position), rollout.phases.get(position))
        else {
            return Row::default();
        };
        phase_row(position, phase, status, theme)
    });
}

fn phase_row<'a>(
    position: usize,
    phase: &Phase,
    status: Option<&PhaseStatus>,
    theme: &Theme,
) -> Row<'a> {
    let mode_style = match phase.mode {
        PhaseMode::Enforce => theme.accent,
        PhaseMode::Observe => theme.muted,
    };
    let controls = match status {
        Some(s) if s.proposed && s.enforcement.is_empty() => {
            Span::styled("proposed: —", theme.muted)
        }
        Some(s) => {
            let names: Vec<&str> = s.enforcement.iter().map(|e| e.as_str()).collect();
            if s.proposed {
                Span::styled(format!("proposed: {}", names.join(", ")), theme.muted)
            } else {
                Span::styled(names.join(", "), theme.text)
            }
        }
        None => Span::raw(""),
    };
    let ready = match status {
        Some(s) if s.ready() => Span::styled("ready", theme.allowed),
        Some(s) => {
            let done = s.criteria.iter().filter(|c| c.state.is_done()).count();
            Span::styled(format!("{done}/{}", s.criteria.len()), theme.warning)
        }
        None => Span::raw("…"),
    };
    Row::new([
        Cell::from(format!("{}", position + 1)),
        Cell::from(phase.name.clone()),
        Cell::from(Span::styled(phase.mode.as_str(), mode_style)),
        Cell::from(phase.zones.join(", ")),
        Cell::from(controls),
        Cell::from(phase.target_date.clone().unwrap_or_else(|| "—".into())),
        Cell::from(phase.owner.clone().unwrap_or_else(|| "—".into())),
        Cell::from(Line::from(ready).alignment(Alignment::Right)),
    ])
}

fn state_style(state: State, theme: &Theme) -> Style {
    match state {
        State::Met | State::Ticked => theme.allowed,
        State::Unmet => theme.denied,
        State::Open => theme.warning,
    }
}

fn criterion_text(criterion: &Criterion) -> String {
    match criterion {
        Criterion::Checkbox {
            text,
            ticked: Some(_),
        } => format!("☑ {text}"),
        Criterion::Checkbox { text, ticked: None } => format!("☐ {text}"),
        Criterion::Check(check) => format!("check {}", check_text(check)),
    }
}

fn check_text(check: &crate::model::rollout::Check) -> String {
    use crate::model::rollout::Check;
    match check {
        Check::ObservationDays { min } => format!("observation_days ≥ {min}"),
        Check::MaxPlannedBlast { max } => format!("max_planned_blast ≤ {max}"),
        other => other.name().to_string(),
    }
}

fn render_criteria(
    frame: &mut Frame,
    area: Rect,
    detail_area: Rect,
    view: &RolloutView,
    plan: &Plan,
    rollout: &Rollout,
    theme: &Theme,
) {
    let focused = view.pane == RolloutPane::Criteria;
    let index = view.phase();
    let phase = index.and_then(|i| plan.phases.get(i));
    let status = index.and_then(|i| rollout.phases.get(i));
    let criteria = phase.map_or(&[][..], |p| p.exit_criteria.as_slice());
    let name = match phase {
        Some(p) => format!("Exit criteria of {} · {}", p.name, criteria.len()),
        None => "Exit criteria".to_string(),
    };
    let table = WindowedTable {
        title: title(name, focused, theme),
        header: header(&["STATE", "CRITERION"], &[]),
        widths: vec![Constraint::Length(6), Constraint::Fill(1)],
        len: criteria.len(),
        selection: Some((view.criteria.selected, view.criteria.offset)).filter(|_| focused),
        list: Some(ListId::Criteria),
    };
    table.render(frame, area, theme, |position| {
        let Some(criterion) = criteria.get(position) else {
            return Row::default();
        };
        let state = status.and_then(|s| s.criteria.get(position));
        let state_cell = match state {
            Some(c) => Span::styled(c.state.as_str(), state_style(c.state, theme)),
            None => Span::styled("…", theme.muted),
        };
        Row::new([
            Cell::from(state_cell),
            Cell::from(criterion_text(criterion)),
        ])
    });
    let selected = if focused {
        view.criteria.selected_item()
    } else {
        None
    };
    let lines = match selected.and_then(|c| status.and_then(|s| s.criteria.get(c))) {
        Some(c) => vec![Line::from(vec![
            Span::styled(
                format!("{}: ", c.state.as_str()),
                state_style(c.state, theme),
            ),
            Span::styled(c.detail.clone(), theme.text),
        ])],
        None if criteria.is_empty() && phase.is_some() => vec![Line::styled(
            "No exit criteria: the phase is ready as soon as it starts (e adds some)",
            theme.muted,
        )],
        None => vec![Line::styled(
            "Tab picks a criterion: its detail shows here; Space ticks a statement",
            theme.muted,
        )],
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(" Detail ", theme.title));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        detail_area,
    );
}

/// The steps of the chart: `before`, then each phase.
fn steps<'a>(plan: &'a Plan, rollout: &'a Rollout) -> Vec<(String, &'a Step)> {
    let mut steps = vec![("before".to_string(), &rollout.before)];
    for (i, status) in rollout.phases.iter().enumerate() {
        let name = plan.phases.get(i).map_or("", |p| p.name.as_str());
        steps.push((format!("{} {name}", i + 1), &status.after));
    }
    steps
}

fn render_chart(frame: &mut Frame, area: Rect, plan: &Plan, rollout: &Rollout, theme: &Theme) {
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(
            " Planned blast radius per step · mean ",
            theme.title,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if plan.phases.is_empty() || inner.height == 0 {
        return;
    }
    let steps = steps(plan, rollout);
    let notes: Vec<String> = steps
        .iter()
        .map(|(_, s)| format!("max {} · {} denied", count(s.blast_max), count(s.denied)))
        .collect();
    let notes_width = notes.iter().map(|n| n.chars().count()).max().unwrap_or(0) as u16;
    let label_width = (inner.width / 4).clamp(8, 18) as usize;
    let [bars_area, notes_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(notes_width + 1)]).areas(inner);
    let largest = steps
        .iter()
        .map(|(_, s)| (s.blast_mean * 10.0).round() as u64)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars: Vec<Bar> = steps
        .iter()
        .map(|(name, s)| {
            Bar::default()
                .label(Line::styled(clip(name, label_width), theme.text))
                .value((s.blast_mean * 10.0).round() as u64)
                .text_value(format!("{:.1}", s.blast_mean))
        })
        .collect();
    let gap = u16::from(inner.height as usize >= steps.len() * 2 - 1);
    let chart = BarChart::horizontal(bars)
        .bar_width(1)
        .bar_gap(gap)
        .max(largest)
        .bar_style(theme.accent)
        .value_style(theme.selected);
    frame.render_widget(chart, bars_area);
    let lines: Vec<Line> = notes
        .into_iter()
        .flat_map(|n| {
            let note = Line::styled(format!(" {n}"), theme.muted);
            let spacer = (gap > 0).then(|| Line::raw(""));
            std::iter::once(note).chain(spacer)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), notes_area);
}

fn render_guardrails(frame: &mut Frame, area: Rect, loaded: &LoadedEstate, theme: &Theme) {
    let analysis = &loaded.plan;
    let Some(plan) = &analysis.plan else { return };
    let statuses = &analysis.guardrails;
    let broken: Vec<_> = statuses.iter().filter(|g| g.is_broken()).collect();
    let (text, style) = match (statuses.len(), broken.len()) {
        (0, _) => ("Guardrails · none declared".to_string(), theme.title),
        (n, 0) => (format!("Guardrails {n} · none broken"), theme.title),
        (n, b) => (format!("Guardrails {n} · {b} broken"), theme.danger),
    };
    let block = Block::bordered()
        .border_style(theme.border)
        .title(Line::styled(format!(" {text} "), style));
    let mut lines = Vec::new();
    for status in statuses {
        let name = plan.guardrail_name(status.guardrail);
        if !status.is_broken() {
            lines.push(Line::from(vec![
                Span::styled("✓ ", theme.allowed),
                Span::styled(name, theme.text),
            ]));
            continue;
        }
        lines.push(Line::from(vec![
            Span::styled("✗ ", theme.danger),
            Span::styled(name, theme.danger),
        ]));
        let mut openers: Vec<String> = status
            .opened_by
            .iter()
            .map(|o| o.describe(plan, &analysis.zones))
            .collect();
        if !status.allowed_flows.is_empty() {
            openers.push(format!(
                "{} observed flows allowed",
                count(status.allowed_flows.len() as u64)
            ));
        }
        let opened = format!("  opened by {}", openers.join(", "));
        lines.push(Line::styled(opened, theme.muted));
    }
    if statuses.is_empty() {
        lines.push(Line::styled(
            "Declare flows no rule may allow under guardrails: in the plan file",
            theme.muted,
        ));
    }
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block);
    frame.render_widget(paragraph, area);
}
