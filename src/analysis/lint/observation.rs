//! The evidence itself: no flows at all, or too short a window of them.

use super::{Context, Finding, Subject, plural};
use crate::model::time::utc_parts;

/// A week: weekly jobs, backups and batch runs show up only in a window at least this long.
const WEEK: i64 = 7 * 86_400;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let edges = &cx.estate.service_edges;
    if edges.is_empty() {
        if !cx.plan.rules.is_empty() {
            out.push(cx.finding(
                "no-flows",
                Subject::Estate,
                format!(
                    "the workspace has no flow records: the plan's {} are checked against no traffic",
                    plural(cx.plan.rules.len(), "rule")
                ),
                "import flow logs (blastwall import FILES) covering at least a week",
            ));
        }
        return;
    }
    let first = edges
        .iter()
        .filter_map(|e| e.stats.first_seen.or(e.stats.last_seen))
        .min();
    let last = edges
        .iter()
        .filter_map(|e| e.stats.last_seen.or(e.stats.first_seen))
        .max();
    let message = match (first, last) {
        (Some(first), Some(last)) if last - first < WEEK => format!(
            "observed flows span {} ({} to {}), less than the 7 days that show weekly jobs",
            span(last - first),
            minute(first),
            minute(last)
        ),
        (Some(_), Some(_)) => return,
        _ => "no flow record carries a timestamp: the observation window is unknown".to_string(),
    };
    out.push(cx.finding(
        "short-observation-window",
        Subject::Estate,
        message,
        "import at least 7 days of flows before enforcing: rules for weekly and monthly traffic are missing otherwise",
    ));
}

/// A duration in days and hours, or hours and minutes under a day: `2 days 4 hours`, `6 hours`.
fn span(seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    let unit = |n: i64, noun: &str| plural(n.max(0) as usize, noun);
    match (days, hours, minutes) {
        (0, 0, m) => unit(m, "minute"),
        (0, h, 0) => unit(h, "hour"),
        (0, h, m) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
        (d, 0, _) => unit(d, "day"),
        (d, h, _) => format!("{} {}", unit(d, "day"), unit(h, "hour")),
    }
}

/// A Unix time in UTC, to the minute: `2025-11-17 08:00 UTC`.
fn minute(seconds: i64) -> String {
    let (year, month, day, hour, minute, _) = utc_parts(seconds);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_in_days_and_hours() {
        assert_eq!(span(6 * 3600), "6 hours");
        assert_eq!(span(90), "1 minute");
        assert_eq!(span(3600 + 1800), "1 hour 30 minutes");
        assert_eq!(span(2 * 86_400 + 4 * 3600 + 59), "2 days 4 hours");
        assert_eq!(span(86_400), "1 day");
        assert_eq!(minute(1_763_366_400), "2025-11-17 08:00 UTC");
    }
}
