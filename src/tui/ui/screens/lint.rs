//! The findings panel under Zones and Matrix: the plan reviewer's findings, severity coloured,
//! and the selected finding's hint.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use crate::analysis::lint::Severity;
use crate::tui::app::ListId;
use crate::tui::app::{LintView, LoadedEstate};
use crate::tui::theme::Theme;

use super::super::widgets::table::{WindowedTable, header};

pub fn severity_style(severity: Severity, theme: &Theme) -> Style {
    match severity {
        Severity::High => theme.lint_high,
        Severity::Medium => theme.lint_medium,
        Severity::Low => theme.lint_low,
    }
}

pub fn render(
    frame: &mut Frame,
    findings_area: Rect,
    hint_area: Rect,
    view: &LintView,
    loaded: &LoadedEstate,
    theme: &Theme,
) {
    let analysis = &loaded.plan;
    let findings = &analysis.findings;
    let summary = analysis
        .lint_summary()
        .unwrap_or_else(|| "lint: no plan".into());
    let title = Line::styled(
        format!(" ▸ {summary} · Enter jumps · L closes "),
        theme.accent,
    );
    let table = WindowedTable {
        title,
        header: header(&["SEVERITY", "KIND", "SUBJECT", "MESSAGE"], &[]),
        widths: vec![
            Constraint::Length(8),
            Constraint::Length(24),
            Constraint::Length(16),
            Constraint::Fill(1),
        ],
        len: view.list.len(),
        selection: Some((view.list.selected, view.list.offset)),
        list: Some(ListId::Findings),
    };
    table.render(frame, findings_area, theme, |position| {
        let Some(finding) = view
            .list
            .visible
            .get(position)
            .and_then(|&i| findings.get(i))
        else {
            return Row::default();
        };
        Row::new([
            Cell::from(Span::styled(
                finding.severity.as_str(),
                severity_style(finding.severity, theme),
            )),
            Cell::from(finding.kind),
            Cell::from(finding.subject_name.clone()),
            Cell::from(finding.message.clone()),
        ])
    });
    let hint = match view.list.selected_item().and_then(|i| findings.get(i)) {
        Some(finding) => Line::from(vec![
            Span::styled("hint ", theme.muted),
            Span::styled(finding.hint.clone(), theme.text),
        ]),
        None if analysis.has_plan() => Line::styled("No findings", theme.muted),
        None => Line::styled("No plan to review yet", theme.muted),
    };
    frame.render_widget(Paragraph::new(hint).wrap(Wrap { trim: true }), hint_area);
}
