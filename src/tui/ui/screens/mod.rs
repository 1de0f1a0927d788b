//! One file per screen.

pub mod blast;
pub mod estate;
pub mod export;
pub mod flows;
pub mod lint;
pub mod matrix;
pub mod rollout;
pub mod zones;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::model::Outcome;
use crate::tui::app::ListView;
use crate::tui::theme::Theme;

use super::format::count;

/// A list block title: ` Workloads 12/40 · by name · filter "db" `: the rows shown, the sort
/// order, then `extra` and the filter.
pub fn list_title<'a>(
    name: &str,
    list: &ListView,
    total: usize,
    sort: &str,
    extra: Option<String>,
    theme: &Theme,
) -> Line<'a> {
    let mut spans = vec![Span::styled(format!(" {name} "), theme.title)];
    let shown = if list.len() == total {
        format!("{} ", count(total as u64))
    } else {
        format!("{}/{} ", count(list.len() as u64), count(total as u64))
    };
    spans.push(Span::styled(shown, theme.muted));
    spans.push(Span::styled(format!("· {sort} "), theme.muted));
    if let Some(extra) = extra {
        spans.push(Span::styled(format!("· {extra} "), theme.accent));
    }
    if !list.filter.is_empty() {
        spans.push(Span::styled(
            format!("· filter \"{}\" ", list.filter),
            theme.accent,
        ));
    }
    Line::from(spans)
}

/// `label  value` for detail panes.
pub fn field<'a>(label: &str, value: impl Into<String>, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<11} "), theme.muted),
        Span::styled(value.into(), theme.text),
    ])
}

/// A labelled field whose value may be long: wrapped to `width`, continuation lines indented
/// under the value.
pub fn wrapped_field<'a>(label: &str, value: &str, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let room = width.saturating_sub(12).max(8);
    let chars: Vec<char> = value.chars().collect();
    if chars.is_empty() {
        return vec![field(label, "—", theme)];
    }
    chars
        .chunks(room)
        .enumerate()
        .map(|(i, chunk)| {
            field(
                if i == 0 { label } else { "" },
                chunk.iter().collect::<String>(),
                theme,
            )
        })
        .collect()
}

/// A labelled list, one value per line.
pub fn list_field<'a>(
    label: &str,
    values: &[String],
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    if values.is_empty() {
        return vec![field(label, "—", theme)];
    }
    values
        .iter()
        .enumerate()
        .flat_map(|(i, value)| wrapped_field(if i == 0 { label } else { "" }, value, width, theme))
        .collect()
}

/// A section heading in a detail pane.
pub fn heading<'a>(text: impl Into<String>, theme: &Theme) -> Line<'a> {
    Line::styled(text.into(), theme.accent)
}

/// The style of an outcome.
pub fn outcome_style(outcome: Outcome, theme: &Theme) -> Style {
    match outcome {
        Outcome::Accepted => theme.allowed,
        Outcome::Rejected => theme.denied,
    }
}

/// At most `width` characters, with an ellipsis when cut.
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut clipped: String = text.chars().take(width.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}
