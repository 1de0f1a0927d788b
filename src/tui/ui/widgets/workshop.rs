//! The workshop overlays: the scenarios list, the audit trail and the comparison of two
//! scenarios.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, TableState};

use crate::model::time::rfc3339;
use crate::tui::app::history::HistoryView;
use crate::tui::app::scenarios::{CompareView, ScenariosView};
use crate::tui::app::{App, ListId, ListView, peer_text, window_start};
use crate::tui::theme::Theme;
use crate::tui::ui::format::count;
use crate::tui::ui::hits::{self, RowsHit};
use crate::tui::ui::layout::overlay_areas;
use crate::tui::ui::screens::clip;
use crate::tui::ui::widgets::table::header;

/// What a list overlay without an input line shows.
struct ListBox<'a, 'r> {
    title: String,
    hint: &'a str,
    head: Row<'r>,
    widths: Vec<Constraint>,
    list: &'a ListView,
}

/// A bordered list overlay without an input line.
fn list_box<'r>(
    frame: &mut Frame,
    body: Rect,
    spec: ListBox<'_, 'r>,
    theme: &Theme,
    row: impl Fn(usize) -> Row<'r>,
) {
    let ListBox {
        title,
        hint,
        head,
        widths,
        list,
    } = spec;
    hits::cover();
    let (popup, _) = overlay_areas(body);
    let len = list.len();
    let mut block = Block::bordered()
        .border_style(theme.accent)
        .title(Line::styled(format!(" {title} "), theme.title))
        .title_bottom(Line::styled(format!(" {hint} "), theme.muted));
    if len > 0 {
        block = block.title_bottom(
            Line::styled(
                format!(" {}/{len} ", (list.selected + 1).min(len)),
                theme.muted,
            )
            .alignment(Alignment::Right),
        );
    }
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let height = usize::from(inner.height.saturating_sub(1)).max(1);
    let start = window_start(list.selected, list.offset, height);
    let end = len.min(start + height);
    hits::rows(RowsHit {
        rows: Rect {
            y: inner.y + 1,
            height: inner.height.saturating_sub(1),
            ..inner
        },
        first: start,
        len,
        list: ListId::Overlay,
    });
    let rows: Vec<Row<'r>> = (start..end)
        .filter_map(|p| list.visible.get(p).map(|&i| row(i)))
        .collect();
    let table = Table::new(rows, widths)
        .header(head.style(theme.title))
        .style(theme.text)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶ ")
        .column_spacing(2);
    let mut state =
        TableState::default().with_selected((len > 0).then(|| list.selected.saturating_sub(start)));
    frame.render_stateful_widget(table, inner, &mut state);
}

pub fn render_scenarios(frame: &mut Frame, body: Rect, view: &ScenariosView, theme: &Theme) {
    let title = if view.loading && view.rows.is_empty() {
        "Scenarios · loading…".to_string()
    } else {
        format!("Scenarios · {}", view.rows.len())
    };
    list_box(
        frame,
        body,
        ListBox {
            title,
            hint: "Enter switch · n new (copy of the active) · R rename · d delete · P promote · c compare · Esc",
            head: header(
                &[
                    "",
                    "SCENARIO",
                    "BASED ON",
                    "CREATED (UTC)",
                    "ZONES",
                    "RULES",
                ],
                &["ZONES", "RULES"],
            ),
            widths: vec![
                Constraint::Length(1),
                Constraint::Fill(2),
                Constraint::Fill(1),
                Constraint::Length(20),
                Constraint::Length(5),
                Constraint::Length(6),
            ],
            list: &view.list,
        },
        theme,
        |i| {
            let Some(row) = view.rows.get(i) else {
                return Row::default();
            };
            let mark = if row.active { "●" } else { " " };
            Row::new([
                Line::styled(mark, theme.accent),
                Line::styled(row.name.clone(), theme.text),
                Line::styled(row.based_on.clone().unwrap_or_default(), theme.muted),
                Line::styled(row.created_at.map(rfc3339).unwrap_or_default(), theme.muted),
                Line::from(row.zones.to_string()).alignment(Alignment::Right),
                Line::from(row.rules.to_string()).alignment(Alignment::Right),
            ])
        },
    );
}

pub fn render_history(frame: &mut Frame, body: Rect, view: &HistoryView, theme: &Theme) {
    let title = if view.loading && view.rows.is_empty() {
        "History · loading…".to_string()
    } else {
        format!("History · {} changes, newest first", view.rows.len())
    };
    // Narrow terminals get the short time (`11-23 04:16`) so the summary keeps room.
    let narrow = body.width < 120;
    let when = move |at: i64| {
        let full = rfc3339(at);
        if narrow {
            format!("{} {}", &full[5..10], &full[11..16])
        } else {
            full
        }
    };
    list_box(
        frame,
        body,
        ListBox {
            title,
            hint: "u undo · Ctrl-r redo · ↑↓ move · Esc closes",
            head: header(&["WHEN (UTC)", "WHO", "SCENARIO", "ACTION", "WHAT"], &[]),
            widths: vec![
                Constraint::Length(if narrow { 11 } else { 20 }),
                Constraint::Length(8),
                Constraint::Length(10),
                Constraint::Length(12),
                Constraint::Fill(1),
            ],
            list: &view.list,
        },
        theme,
        |i| {
            let Some(entry) = view.rows.get(i) else {
                return Row::default();
            };
            let style = if entry.undone {
                theme.muted
            } else {
                theme.text
            };
            let what = if entry.undone {
                format!("{} (undone)", entry.summary)
            } else {
                entry.summary.clone()
            };
            Row::new([
                Line::styled(when(entry.at), theme.muted),
                Line::styled(clip(&entry.user, 8), style),
                Line::styled(clip(&entry.scenario, 10), style),
                Line::styled(clip(&entry.action, 12), style),
                Line::styled(what, style),
            ])
        },
    );
}

pub fn render_compare(frame: &mut Frame, body: Rect, view: &CompareView, theme: &Theme) {
    hits::cover();
    let (popup, _) = overlay_areas(body);
    let height = usize::from(popup.height.saturating_sub(2)).max(1);
    let total = view.lines.len();
    let start = view.scroll.min(total.saturating_sub(height));
    let mut block = Block::bordered()
        .border_style(theme.accent)
        .title(Line::styled(
            format!(" Compare {} → {} ", view.a, view.b),
            theme.title,
        ))
        .title_bottom(Line::styled(
            " j/k PgUp/PgDn scroll · Esc closes · `blastwall scenario diff` prints the same ",
            theme.muted,
        ));
    if total > height {
        block = block.title_bottom(
            Line::styled(
                format!(
                    " {}–{} of {} ",
                    start + 1,
                    (start + height).min(total),
                    total
                ),
                theme.muted,
            )
            .alignment(Alignment::Right),
        );
    }
    let lines: Vec<Line> = if view.loading {
        vec![Line::styled(
            "Comparing: both plans are zoned, simulated and ranked…",
            theme.muted,
        )]
    } else {
        view.lines[start..(start + height).min(total)]
            .iter()
            .map(|line| markdown_line(line, theme))
            .collect()
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// One line of the comparison, styled: headings stand out, table rules fade.
fn markdown_line<'a>(line: &str, theme: &Theme) -> Line<'a> {
    if let Some(heading) = line.strip_prefix("# ").or_else(|| line.strip_prefix("## ")) {
        return Line::styled(heading.to_string(), theme.title);
    }
    if line.starts_with('─') {
        return Line::styled(line.to_string(), theme.border);
    }
    Line::styled(line.to_string(), theme.text)
}

/// The `A` overlay: every rule with its state and how many observed edges it carries.
pub fn render_rules(frame: &mut Frame, body: Rect, app: &App, theme: &Theme) {
    let Some(plan) = app.current_plan() else {
        return;
    };
    let carried = app.loaded.as_ref().map(|l| &l.plan.simulation.rule_edges);
    let view = &app.rules_view;
    let disabled = plan.rules.iter().filter(|r| !r.enabled).count();
    list_box(
        frame,
        body,
        ListBox {
            title: format!("Allow rules · {} · {disabled} disabled", plan.rules.len()),
            hint: "Space enable/disable · e justification · N note · Enter its cell · Esc",
            head: header(&["ON", "RULE", "FROM → TO", "PORTS", "EDGES"], &["EDGES"]),
            widths: vec![
                Constraint::Length(2),
                Constraint::Fill(2),
                Constraint::Fill(3),
                Constraint::Fill(1),
                Constraint::Length(7),
            ],
            list: &view.list,
        },
        theme,
        |i| {
            let Some(rule) = plan.rules.get(i) else {
                return Row::default();
            };
            let (mark, style) = if rule.enabled {
                ("✓", theme.allowed)
            } else {
                ("✗", theme.muted)
            };
            let ports: Vec<String> = rule.ports.iter().map(ToString::to_string).collect();
            let edges = carried
                .and_then(|c| c.get(i))
                .map_or_else(String::new, |n| count(*n));
            Row::new([
                Line::styled(mark, style),
                Line::styled(plan.rule_name(i), theme.text),
                Line::styled(
                    format!("{} → {}", peer_text(&rule.from), peer_text(&rule.to)),
                    theme.muted,
                ),
                Line::styled(ports.join(", "), theme.muted),
                Line::from(edges).alignment(Alignment::Right),
            ])
        },
    );
}
