//! The status lines: the scenario line (active scenario, time window, the plan's headline
//! figures and their deltas against the baseline or the last edit), then the message (or the
//! workspace), the counts, and the gauge of a running job.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Gauge;

use crate::analysis::scenario::Metrics;
use crate::tui::app::{App, Screen, StatusKind};
use crate::tui::theme::Theme;

use super::super::format::count;
use super::LineEditor;
use super::prompt::render_input;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    editor: Option<&LineEditor>,
    theme: &Theme,
) {
    frame.render_widget(Line::from("").style(theme.status), area);
    // While a job runs its gauge takes the place of the figures on narrow terminals.
    let right = if (app.is_importing() || app.is_busy()) && area.width < 120 {
        String::new()
    } else {
        right_text(app)
    };
    let gauge_width = if app.is_importing() || app.is_busy() {
        40.min(area.width * 2 / 5)
    } else {
        0
    };
    // The message keeps at least 44 columns; the figures get what is left.
    let room = usize::from(area.width.saturating_sub(gauge_width)).saturating_sub(44);
    let right = if right.chars().count() > room {
        fit(&right, room)
    } else {
        right
    };
    let [left, figures, gauge] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(right.chars().count() as u16 + 1),
        Constraint::Length(gauge_width),
    ])
    .areas(area);
    if app.prompt.is_none() && app.list().filter_focused {
        let [label, field] =
            Layout::horizontal([Constraint::Length(8), Constraint::Fill(1)]).areas(left);
        frame.render_widget(Span::styled(" Filter ", theme.accent), label);
        render_input(frame, field, &app.list().filter, editor, theme);
    } else {
        let (text, style) = match &app.status {
            Some(message) if message.kind == StatusKind::Error => {
                (message.text.as_str(), theme.status.patch(theme.danger))
            }
            Some(message) => (message.text.as_str(), theme.status),
            None => (app.workspace_label.as_str(), theme.status),
        };
        let text = fit(text, usize::from(left.width).saturating_sub(2));
        frame.render_widget(Line::styled(format!(" {text}"), style), left);
    }
    frame.render_widget(Line::styled(right, theme.status), figures);
    if app.import.is_none()
        && let Some(job) = &app.busy
    {
        let ratio = job.progress.ratio().clamp(0.0, 1.0);
        let stage = job.progress.current();
        let label = if stage.is_empty() {
            format!("{} · Esc cancels", job.what)
        } else {
            format!("{stage} · Esc cancels")
        };
        frame.render_widget(
            Gauge::default()
                .gauge_style(theme.gauge)
                .ratio(ratio)
                .label(label),
            gauge,
        );
    }
    if let Some(job) = &app.import {
        let file = job.progress.current_file();
        let name = file.rsplit('/').next().unwrap_or(&file);
        let ratio = job.progress.ratio().clamp(0.0, 1.0);
        let label = format!("{name} {:.0}%", ratio * 100.0);
        frame.render_widget(
            Gauge::default()
                .gauge_style(theme.gauge)
                .ratio(ratio)
                .label(label),
            gauge,
        );
    }
}

/// Cuts text to `width` characters, ending in `…` when cut.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The workspace's file name, then the screen's hint or the estate's counts.
fn right_text(app: &App) -> String {
    let name = std::path::Path::new(&app.workspace_label)
        .file_name()
        .map_or_else(
            || app.workspace_label.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
    format!("│ {name} {}", screen_text(app))
}

fn screen_text(app: &App) -> String {
    if app.loading {
        return "· loading… ".to_string();
    }
    match &app.loaded {
        // Zones and Matrix with the findings panel closed: what the reviewer found instead.
        Some(loaded)
            if matches!(app.screen, Screen::Zones | Screen::Matrix)
                && !app.lint_open()
                && loaded.plan.has_plan() =>
        {
            let summary = loaded.plan.lint_summary().unwrap_or_default();
            format!("· {summary} · L shows ")
        }
        Some(loaded) if app.screen == Screen::Rollout && loaded.plan.has_plan() => {
            "· Tab focus · K/J move · Space tick · e edit · n new · w write ".to_string()
        }
        Some(loaded) if app.screen == Screen::Export && loaded.plan.has_plan() => {
            "· Space choose · o folder · x write · PgUp/PgDn scroll ".to_string()
        }
        Some(loaded) => {
            let f = &loaded.figures;
            format!(
                "· {} workloads · {} edges · {} blind spots ",
                count(f.workloads),
                count(f.workload_edges),
                count(f.unresolved_addresses)
            )
        }
        None => String::new(),
    }
}

/// The scenario line: `scenario hl7-move · denied 31 (+3) · unused 4 · blast 12.4 (+0.6) max 80
/// · jewels exposed 5 (+1) · Δ vs baseline`, then the time window's note.
pub fn render_scenario(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    // Below 120 columns the labels shorten so the figures fit.
    let narrow = area.width < 120;
    let mut spans = vec![Span::styled(format!(" ▣ {} ", app.scenario()), theme.title)];
    if let Some(window) = app.window_text() {
        spans.push(Span::styled(format!("· window {window} "), theme.accent));
    }
    if let Some(loaded) = &app.loaded
        && let Some(now) = loaded.plan.metrics
    {
        let (base, against) = match (loaded.baseline, app.before_edit) {
            (Some(base), _) => (Some(base), "vs baseline"),
            (None, Some(before)) => (Some(before), "vs before the last edit"),
            (None, None) => (None, ""),
        };
        let delta = |now: f64, then: Option<f64>, decimals: usize| -> String {
            match then {
                Some(then) if (now - then).abs() >= 0.05 => {
                    let sign = if now > then { "+" } else { "−" };
                    format!(" ({sign}{:.decimals$})", (now - then).abs())
                }
                _ => String::new(),
            }
        };
        let figure = |label: &str, value: String, change: String| -> Vec<Span<'static>> {
            let mut out = vec![
                Span::styled(format!("· {label} "), theme.muted),
                Span::styled(value, theme.text),
            ];
            if !change.is_empty() {
                out.push(Span::styled(change, theme.accent));
            }
            out.push(Span::raw(" "));
            out
        };
        let then = |f: fn(&Metrics) -> f64| base.as_ref().map(f);
        spans.extend(figure(
            "denied",
            count(now.denied_flows),
            delta(now.denied_flows as f64, then(|m| m.denied_flows as f64), 0),
        ));
        spans.extend(figure(
            "unused",
            count(now.unused_rules),
            delta(now.unused_rules as f64, then(|m| m.unused_rules as f64), 0),
        ));
        spans.extend(figure(
            "blast",
            format!("{:.1}", now.mean_blast),
            delta(now.mean_blast, then(|m| m.mean_blast), 1),
        ));
        spans.extend(figure(
            "max",
            count(now.max_blast),
            delta(now.max_blast as f64, then(|m| m.max_blast as f64), 0),
        ));
        spans.extend(figure(
            if narrow { "jewels" } else { "jewels exposed" },
            count(now.crown_jewels_exposed),
            delta(
                now.crown_jewels_exposed as f64,
                then(|m| m.crown_jewels_exposed as f64),
                0,
            ),
        ));
        if base.is_some() && !narrow {
            spans.push(Span::styled(format!("· Δ {against} "), theme.muted));
        }
    } else if app.loaded.is_some() {
        spans.push(Span::styled("· no plan yet ", theme.muted));
    }
    frame.render_widget(Line::from(spans).style(theme.status), area);
}
