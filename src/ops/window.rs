//! The time window as a use case: read `--since`/`--until` (dates, RFC 3339 times, or
//! durations back from the newest observation, so that outputs never depend on the clock) and
//! narrow a workspace's flows to it.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::model::number::thousands;
use crate::model::time::days_from_civil;
use crate::store::{StoreError, Workspace};
pub use crate::store::{TimeWindow, WindowReport};

/// Why a window could not be set.
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

const EXPECTED: &str = "expected a date (2025-11-17), an RFC 3339 time (2025-11-17T08:00:00Z) \
                        or a duration back from the newest flow (90m, 12h, 30d, 2w)";

/// Reads `--since` and `--until`. A date is the start of that day (UTC) for `since` and its
/// end (23:59:59) for `until`; a duration counts back from `newest`, the newest observation
/// in the workspace (never the wall clock).
pub fn parse_window(
    since: Option<&str>,
    until: Option<&str>,
    newest: Option<i64>,
) -> Result<TimeWindow, String> {
    let since = since
        .map(|t| parse_bound("--since", t, false, newest))
        .transpose()?;
    let until = until
        .map(|t| parse_bound("--until", t, true, newest))
        .transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(format!(
                "--since is after --until ({} > {}), so no flow could be in the window\n  hint: swap them",
                crate::model::time::rfc3339(s),
                crate::model::time::rfc3339(u)
            ));
        }
    }
    Ok(TimeWindow { since, until })
}

fn parse_bound(
    flag: &str,
    text: &str,
    end_of_day: bool,
    newest: Option<i64>,
) -> Result<i64, String> {
    let text = text.trim();
    let bad = || format!("{flag} {text:?}: {EXPECTED}\n  hint: {flag} 2025-11-17, or {flag} 30d");
    if let Some(seconds) = duration(text) {
        let seconds = seconds.ok_or_else(bad)?;
        let newest = newest.ok_or_else(|| {
            format!(
                "{flag} {text}: the workspace has no dated flows to count back from\n  hint: \
                 give a date or a time instead (2025-11-17, 2025-11-17T08:00:00Z)"
            )
        })?;
        return Ok(newest.saturating_sub(seconds));
    }
    if is_date(text) {
        let date: Date = text.parse().map_err(|e| {
            format!("{flag} {text:?}: not a calendar date ({e})\n  hint: YYYY-MM-DD, in UTC")
        })?;
        let day = days_from_civil(
            i64::from(date.year()),
            date.month().unsigned_abs().into(),
            date.day().unsigned_abs().into(),
        );
        let start = day * 86_400;
        return Ok(if end_of_day { start + 86_399 } else { start });
    }
    let time: Timestamp = text.parse().map_err(|_| bad())?;
    Ok(time.as_second())
}

/// `YYYY-MM-DD`, shape only.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// A relative duration (`30d`): `None` when `text` is not shaped like one, `Some(None)` when it
/// is but does not fit.
fn duration(text: &str) -> Option<Option<i64>> {
    let unit = match text.chars().last()? {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return None,
    };
    let digits = &text[..text.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<i64>().ok().and_then(|n| n.checked_mul(unit)))
}

/// Sets the window `--since`/`--until` describe on the workspace and says what it leaves out;
/// `None` (and nothing set) when neither is given.
pub fn narrow(
    workspace: &mut Workspace,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<Option<(TimeWindow, WindowReport)>, WindowError> {
    if since.is_none() && until.is_none() {
        return Ok(None);
    }
    let newest = workspace.newest_observation()?;
    let window = parse_window(since, until, newest).map_err(WindowError::Input)?;
    workspace.set_window(window);
    Ok(Some((window, workspace.window_report()?)))
}

/// The note a narrowed command prints: `window: flows seen since … (N of M address-level edges
/// left out)`.
pub fn note(window: &TimeWindow, report: &WindowReport) -> String {
    format!(
        "window: {} ({} of {} address-level edges left out)",
        window.describe(),
        thousands(report.edges_left_out),
        thousands(report.edges)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    // 2025-11-17T00:00:00Z
    const T0: i64 = 1_763_337_600;

    #[test]
    fn dates_times_and_durations() -> Result<(), String> {
        let w = parse_window(Some("2025-11-17"), Some("2025-11-17"), None)?;
        assert_eq!(
            w,
            TimeWindow {
                since: Some(T0),
                until: Some(T0 + DAY - 1)
            }
        );
        let w = parse_window(Some("2025-11-17T08:00:00Z"), None, None)?;
        assert_eq!(w.since, Some(T0 + 8 * 3600));
        let w = parse_window(Some("2025-11-17T09:00:00+01:00"), None, None)?;
        assert_eq!(w.since, Some(T0 + 8 * 3600));
        let newest = Some(T0 + 10 * DAY);
        assert_eq!(
            parse_window(Some("2w"), None, newest)?.since,
            Some(T0 - 4 * DAY)
        );
        assert_eq!(
            parse_window(Some("30d"), None, newest)?.since,
            Some(T0 - 20 * DAY)
        );
        assert_eq!(
            parse_window(Some("12h"), None, newest)?.since,
            Some(T0 + 10 * DAY - 12 * 3600)
        );
        assert_eq!(
            parse_window(None, Some("90m"), newest)?.until,
            Some(T0 + 10 * DAY - 5400)
        );
        assert_eq!(parse_window(None, None, newest)?, TimeWindow::default());
        Ok(())
    }

    #[test]
    fn bad_bounds_say_what_was_expected() {
        let error =
            |s: Option<&str>, u: Option<&str>, n| parse_window(s, u, n).err().unwrap_or_default();
        assert!(error(Some("yesterday"), None, None).contains("expected a date"));
        assert!(error(Some("2025-13-01"), None, None).contains("not a calendar date"));
        assert!(error(Some("30d"), None, None).contains("no dated flows"));
        assert!(error(Some("99999999999999999999d"), None, Some(0)).contains("--since"));
        assert!(error(Some("2025-11-18"), Some("2025-11-17"), None).contains("swap them"));
    }

    #[test]
    fn describes_itself() {
        let w = TimeWindow {
            since: Some(T0),
            until: None,
        };
        assert_eq!(w.describe(), "flows seen since 2025-11-17T00:00:00Z");
        assert_eq!(TimeWindow::default().describe(), "all flows");
    }
}
