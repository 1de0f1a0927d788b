//! The audit trail and undo/redo as use cases: who is changing things, the history as a list
//! and as Markdown, undo and redo of the active scenario's plan changes.

use crate::model::time::rfc3339;
use crate::store::{Change, HistoryEntry, StoreError, Workspace};

/// The OS user: `USER`, else `USERNAME`, else `LOGNAME`, else `unknown`.
pub fn current_user() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// A change by the current OS user.
pub fn change(action: &str, summary: impl Into<String>) -> Change {
    Change::new(&current_user(), action, summary)
}

/// The recorded changes, newest first (at most `limit`).
pub fn history(
    workspace: &Workspace,
    limit: Option<usize>,
) -> Result<Vec<HistoryEntry>, StoreError> {
    workspace.history(limit)
}

/// Undoes the newest plan change of the active scenario, as the current user.
pub fn undo(workspace: &mut Workspace) -> Result<Option<HistoryEntry>, StoreError> {
    workspace.undo(&current_user())
}

/// Redoes the change undone last in the active scenario, as the current user.
pub fn redo(workspace: &mut Workspace) -> Result<Option<HistoryEntry>, StoreError> {
    workspace.redo(&current_user())
}

/// The history as a Markdown table, oldest first: when (UTC, RFC 3339), who, scenario,
/// action, summary. `entries` come newest first, as [`history`] returns them.
pub fn history_markdown(entries: &[HistoryEntry]) -> String {
    let mut out = String::from("# History\n\n");
    if entries.is_empty() {
        out.push_str("No changes recorded.\n");
        return out;
    }
    out.push_str("| When (UTC) | Who | Scenario | Action | Summary |\n");
    out.push_str("|---|---|---|---|---|\n");
    for entry in entries.iter().rev() {
        let summary = match entry.undone {
            true => format!("{} (undone)", entry.summary),
            false => entry.summary.clone(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            rfc3339(entry.at),
            cell(&entry.user),
            cell(&entry.scenario),
            cell(&entry.action),
            cell(&summary)
        ));
    }
    out
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, summary: &str, undone: bool) -> HistoryEntry {
        HistoryEntry {
            id,
            at: 1_763_366_400 + id,
            user: "alice".into(),
            scenario: "baseline".into(),
            action: "plan apply".into(),
            summary: summary.into(),
            undone,
        }
    }

    #[test]
    fn markdown_lists_oldest_first_and_escapes_cells() {
        let text = history_markdown(&[entry(2, "b | c", true), entry(1, "a", false)]);
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| 2025")).collect();
        assert_eq!(
            rows,
            [
                "| 2025-11-17T08:00:01Z | alice | baseline | plan apply | a |",
                "| 2025-11-17T08:00:02Z | alice | baseline | plan apply | b \\| c (undone) |",
            ]
        );
        assert!(history_markdown(&[]).contains("No changes recorded."));
    }

    #[test]
    fn someone_is_always_the_user() {
        assert!(!current_user().is_empty());
    }
}
