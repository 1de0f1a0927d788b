//! Where things go. The runtime uses the same functions to tell the app how many rows fit.

use ratatui::layout::{Constraint, Layout, Rect, Size};

use crate::tui::app::Viewport;

/// Tab bar, screen, the scenario line (scenario, window, the plan's figures and their deltas)
/// and the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameAreas {
    pub tabs: Rect,
    pub body: Rect,
    pub scenario: Rect,
    pub status: Rect,
}

pub fn frame_areas(area: Rect) -> FrameAreas {
    let [tabs, body, scenario, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    FrameAreas {
        tabs,
        body,
        scenario,
        status,
    }
}

/// The list and, when open, the detail pane on its right. Below 100 columns the open detail
/// takes the whole width (the list is empty; Esc brings it back, j/k still move through it).
pub fn split_detail(body: Rect, detail_open: bool) -> (Rect, Option<Rect>) {
    if !detail_open {
        return (body, None);
    }
    if body.width < 100 {
        return (Rect { width: 0, ..body }, Some(body));
    }
    // 44% of the width, but at least 60 columns while the list keeps 40.
    let width = (body.width * 44 / 100).max(60.min(body.width.saturating_sub(40)));
    let [list, detail] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(width)]).areas(body);
    (list, Some(detail))
}

/// Estate screen: workloads above, blind spots below.
pub fn estate_areas(list: Rect) -> (Rect, Rect) {
    let [workloads, blind_spots] =
        Layout::vertical([Constraint::Percentage(64), Constraint::Min(4)]).areas(list);
    (workloads, blind_spots)
}

/// Blast radius screen: the workload finder on the left, the reach (or ranking) on the right.
pub fn blast_areas(body: Rect) -> (Rect, Rect) {
    let width = (body.width / 4).clamp(24, 40).min(body.width);
    let [finder, report] =
        Layout::horizontal([Constraint::Length(width), Constraint::Fill(1)]).areas(body);
    (finder, report)
}

/// Zones and Matrix with the findings panel open: the screen above, the findings table and the
/// selected finding's hint below.
pub fn lint_areas(body: Rect) -> (Rect, Rect, Rect) {
    let [screen, findings, hint] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Percentage(36),
        Constraint::Length(2),
    ])
    .areas(body);
    (screen, findings, hint)
}

/// Rollout screen: the phases above; below, the selected phase's exit criteria (with the
/// selected criterion's detail under them) on the left, the blast-radius chart and the
/// guardrails on the right; the key line at the bottom.
pub struct RolloutAreas {
    pub phases: Rect,
    pub criteria: Rect,
    pub detail: Rect,
    pub chart: Rect,
    pub guardrails: Rect,
}

pub fn rollout_areas(body: Rect, phases: u16, steps: u16) -> RolloutAreas {
    let height = (phases.max(2) + 3).min(body.height * 2 / 5);
    let [phases, bottom] =
        Layout::vertical([Constraint::Length(height), Constraint::Fill(1)]).areas(body);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(52), Constraint::Fill(1)]).areas(bottom);
    let [criteria, detail] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(5)]).areas(left);
    // One row per step, with a gap between bars when there is room.
    let room = right.height.saturating_sub(7);
    let chart_height = if steps == 0 {
        0
    } else if steps * 2 < room {
        steps * 2 + 1
    } else {
        (steps + 2).min(room)
    };
    let [chart, guardrails] =
        Layout::vertical([Constraint::Length(chart_height), Constraint::Fill(1)]).areas(right);
    RolloutAreas {
        phases,
        criteria,
        detail,
        chart,
        guardrails,
    }
}

/// Export screen: the checklist and folder on the left, the preview on the right, the files
/// written under the checklist.
pub struct ExportAreas {
    pub checklist: Rect,
    pub folder: Rect,
    pub written: Rect,
    pub preview: Rect,
}

pub fn export_areas(body: Rect) -> ExportAreas {
    let width = (body.width * 2 / 5).clamp(30.min(body.width), 56);
    let [left, preview] =
        Layout::horizontal([Constraint::Length(width), Constraint::Fill(1)]).areas(body);
    let [checklist, folder, written] = Layout::vertical([
        Constraint::Length(15),
        Constraint::Length(3),
        Constraint::Fill(1),
    ])
    .areas(left);
    ExportAreas {
        checklist,
        folder,
        written,
        preview,
    }
}

/// Data rows of a bordered table with a header row.
pub fn table_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(3))
}

/// How many list rows fit on each screen in a terminal of this size.
pub fn viewport(size: Size) -> Viewport {
    let body = frame_areas(Rect::new(0, 0, size.width, size.height)).body;
    let (workloads, _) = estate_areas(body);
    Viewport {
        estate_rows: table_rows(workloads).max(1),
        flows_rows: table_rows(body).max(1),
        blast_rows: table_rows(body).max(1),
        matrix_rows: table_rows(split_detail(body, true).1.unwrap_or(body)).max(1),
        lint_rows: table_rows(lint_areas(body).1).max(1),
        rollout_rows: table_rows(rollout_areas(body, u16::MAX / 4, 0).phases).max(1),
        export_rows: table_rows(export_areas(body).checklist).max(1),
        preview_rows: usize::from(export_areas(body).preview.height.saturating_sub(2)).max(1),
        overlay_rows: usize::from(overlay_areas(body).1.height.saturating_sub(1)).max(1),
    }
}

/// The smallest terminal the workbench draws in; below it, it says what it needs.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// A list overlay (finder, palette, help): its box over the body, and the table inside under
/// its input line.
pub fn overlay_areas(body: Rect) -> (Rect, Rect) {
    let popup = centered(
        body,
        body.width.saturating_sub(4).min(110),
        body.height.saturating_sub(2).min(34),
    );
    let inner = Rect {
        x: popup.x + 1,
        y: popup.y + 1,
        width: popup.width.saturating_sub(2),
        height: popup.height.saturating_sub(2),
    };
    let [_input, table] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    (popup, table)
}

/// A rectangle of at most `width` × `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    area.centered(
        Constraint::Length(width.min(area.width)),
        Constraint::Length(height.min(area.height)),
    )
}
