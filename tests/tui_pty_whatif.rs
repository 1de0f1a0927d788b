//! The what-if workflow end to end in a pseudo-terminal: a scenario made, a workload moved, the
//! deltas read off the scenario line, the comparison, undo and redo (also across a restart), the
//! history, the time window, and the scenario line at 80×24. Harness and chained scenarios as in
//! `tests/tui_pty.rs`.

mod pty;

use pty::workbench::*;
use pty::{Key, LARGE, SMALL, TIMEOUT, TestResult, Tui, USER};

/// The what-if loop: a new scenario, a move with its deltas against the baseline, the
/// comparison listing the move, undo and redo, the audit trail naming the user; the workspace
/// keeps it all after the quit (the CLI sees it).
#[test]
fn what_if_session_move_see_deltas_compare_undo() -> TestResult {
    let mut tui = Tui::start(LARGE)?;
    wait_loaded(&tui)?;
    new_scenario(&mut tui, "hl7-move")?;
    tui.send_key(Key::Esc)?;
    tui.wait_gone("Scenarios · ", TIMEOUT)?;
    wait_scenario_line(&tui, "on hl7-move without deltas", |line| {
        line.starts_with(" ▣ hl7-move · denied 48 ") && !line.contains('(')
    })?;
    // On Northwind, ci-agent-01 in identity exposes one more crown jewel and lowers the mean
    // blast radius (209.30 → 208.91).
    move_first_unassigned(&mut tui)?;
    wait_scenario_line(&tui, "with the move's deltas vs the baseline", |line| {
        line.contains("jewels exposed 50 (+1)")
            && line.contains("blast 208.9 (−0.4)")
            && line.contains("Δ vs baseline")
    })?;
    tui.send_keys("c")?;
    let compare = tui.wait_for_all(
        &[
            "Compare baseline → hl7-move",
            "Crown jewels exposed",
            "Membership moved",
        ],
        TIMEOUT,
    )?;
    if !has_line_with(&compare, &["ci-agent-01", "unassigned", "identity"]) {
        return Err(format!("the move is not under Membership moved:\n{compare}").into());
    }
    if !has_line_with(&compare, &["Crown jewels exposed", "49", "50", "+1"]) {
        return Err(format!("the metrics table misses the jewels' change:\n{compare}").into());
    }
    tui.send_key(Key::Esc)?;
    tui.wait_gone("Compare baseline → hl7-move", TIMEOUT)?;
    tui.send_keys("u")?;
    tui.wait_for_all(
        &["undone: ci-agent-01 moved to identity", "Unassigned 11"],
        TIMEOUT,
    )?;
    wait_scenario_line(&tui, "back to the baseline's figures", |line| {
        line.contains("jewels exposed 49") && !line.contains('(')
    })?;
    tui.send_key(Key::Ctrl('r'))?;
    tui.wait_for_all(
        &["redone: ci-agent-01 moved to identity", "Unassigned 10"],
        TIMEOUT,
    )?;
    wait_scenario_line(&tui, "with the deltas again", |line| {
        line.contains("jewels exposed 50 (+1)")
    })?;
    tui.send_keys("H")?;
    let history = tui.wait_for_all(&["History · ", "changes, newest first", "redo"], TIMEOUT)?;
    for (action, what) in [
        ("edit", "ci-agent-01 moved to identity"),
        ("undo", "undid #"),
        ("redo", "redid #"),
        ("scenario new", "created hl7-move"),
    ] {
        if !has_line_with(&history, &[USER, "hl7-move", action, what]) {
            return Err(format!("no {action} by {USER} in the history:\n{history}").into());
        }
    }
    tui.send_key(Key::Esc)?;
    tui.wait_gone("History · ", TIMEOUT)?;
    quit_restored(&mut tui)?;
    // The workspace is the record: the scenario is still active, the edit and its undo/redo
    // are in the history.
    let list = cli(&tui.prepared, &["scenario", "list"])?;
    if !has_line_with(&list, &["*", "hl7-move", "baseline"]) {
        return Err(format!("hl7-move is not the active scenario after the quit:\n{list}").into());
    }
    let history = cli(&tui.prepared, &["history"])?;
    for action in ["edit", "undo", "redo"] {
        if !has_line_with(&history, &[USER, "hl7-move", action, "ci-agent-01"]) {
            return Err(format!("`blastwall history` lacks the {action}:\n{history}").into());
        }
    }
    let diff = cli(&tui.prepared, &["scenario", "diff", "baseline", "hl7-move"])?;
    if !has_line_with(&diff, &["ci-agent-01", "unassigned", "identity"]) {
        return Err(format!("`scenario diff` lacks the move:\n{diff}").into());
    }
    Ok(())
}

/// Undo works on what the workspace stored, not on the session: a move made before a quit is
/// undone after a restart.
#[test]
fn undo_survives_a_restart() -> TestResult {
    let mut tui = Tui::start(LARGE)?;
    wait_loaded(&tui)?;
    move_first_unassigned(&mut tui)?;
    tui.wait_for("ci-agent-01 moved to identity — plan saved", TIMEOUT)?;
    wait_scenario_line(&tui, "with the move's delta vs the last edit", |line| {
        line.contains("jewels exposed 50 (+1)") && line.contains("Δ vs before the last edit")
    })?;
    quit_restored(&mut tui)?;
    let mut tui = Tui::spawn(tui.into_prepared(), LARGE, &[])?;
    wait_loaded(&tui)?;
    // The move was kept: identity has 8 members, Unassigned 10.
    open_screen(&mut tui, 3)?;
    tui.wait_for("Unassigned 10", TIMEOUT)?;
    tui.send_keys("u")?;
    tui.wait_for_all(
        &["undone: ci-agent-01 moved to identity", "Unassigned 11"],
        TIMEOUT,
    )?;
    tui.wait_until("identity with 7 members again", TIMEOUT, |screen| {
        zone_row(screen, "identity").is_some_and(|row| row.get(3).map(String::as_str) == Some("7"))
    })?;
    // ci-agent-01 heads the Unassigned list again.
    tui.send_keys("lll")?;
    tui.wait_for("▸ Unassigned 11", TIMEOUT)?;
    let screen = tui.wait_for("ci-agent-01", TIMEOUT)?;
    if !has_line_with(&screen, &["▶ ci-agent-01"]) {
        return Err(format!("ci-agent-01 is not back in Unassigned:\n{screen}").into());
    }
    quit_restored(&mut tui)
}

/// `T 1h` counts only the last hour of flows (back from the newest): fewer flows on the Flows
/// screen, a note on the scenario line; an empty window brings every flow back.
#[test]
fn time_window_narrows_the_flows() -> TestResult {
    let mut tui = Tui::start(LARGE)?;
    wait_loaded(&tui)?;
    let screen = open_screen(&mut tui, 2)?;
    let all = flows_count(&screen).ok_or("no count in the Flows title")?;
    if all != 2552 {
        return Err(format!("expected 2,552 flows before the window, saw {all}").into());
    }
    let line = narrow_flows(&mut tui, "1h")?;
    if !line.contains("window 1h") {
        return Err(format!("no window note on the scenario line: {line:?}").into());
    }
    let narrowed = tui.wait_until("fewer flows in the Flows title", TIMEOUT, |screen| {
        flows_count(screen).is_some_and(|n| n > 0 && n < all)
    })?;
    let some = flows_count(&narrowed).ok_or("no count in the Flows title")?;
    // The window is kept in the prompt (`1h`); Ctrl-U clears it, and Enter considers every
    // flow again.
    tui.send_keys("T")?;
    let prompt = tui.wait_for(" Time window of the flows ", TIMEOUT)?;
    if prompt_text(&prompt, "When:") != Some("1h") {
        return Err(format!("the prompt forgot the window:\n{prompt}").into());
    }
    tui.send_key(Key::Ctrl('u'))?;
    tui.wait_until("the window text cleared", TIMEOUT, |screen| {
        prompt_text(screen, "When:").is_some_and(str::is_empty)
    })?;
    tui.send_key(Key::Enter)?;
    tui.wait_for_all(&["every flow considered again", "Flows 2,552"], TIMEOUT)?;
    wait_scenario_line(&tui, "without the window", |line| !line.contains("window "))?;
    if some >= all {
        return Err(format!("the window left {some} of {all} flows").into());
    }
    quit_restored(&mut tui)
}

/// At 80×24 the scenario line fits (short labels), the help scrolls to the new keys, and the
/// palette finds Undo and runs it (here it undoes the plan apply; Ctrl-r brings it back).
#[test]
fn scenario_line_help_and_palette_fit_80x24() -> TestResult {
    let mut tui = Tui::start(SMALL)?;
    wait_loaded(&tui)?;
    let line = wait_scenario_line(&tui, "on the baseline", |line| {
        line.starts_with(" ▣ baseline · denied 48 · unused 1 · blast 209.3 · max 329 · jewels 49")
    })?;
    if line.contains("exposed") || line.contains("Δ") {
        return Err(format!("the scenario line is not the narrow one: {line:?}").into());
    }
    tui.send_keys("?")?;
    let help = tui.wait_for_all(&["Keys · Estate", "j/k scroll"], TIMEOUT)?;
    if !has_line_with(&help, &["1–", " of ", "j/k scroll"]) {
        return Err(format!("no scroll indicator on the help:\n{help}").into());
    }
    if scenario_line(&help).is_none() {
        return Err(format!("the help hides the scenario line:\n{help}").into());
    }
    tui.send_keys("G")?;
    let help = tui.wait_for_all(
        &[
            "Undo the last change (kept in the workspace)",
            "Scenarios: switch, new, rename, delete, promote",
            "Time window of the flows considered",
        ],
        TIMEOUT,
    )?;
    if !has_line_with(&help, &["Ctrl-r", "Redo"]) {
        return Err(format!("Ctrl-r is not listed in the help:\n{help}").into());
    }
    tui.send_key(Key::Esc)?;
    tui.wait_gone("Keys · Estate", TIMEOUT)?;
    tui.send_keys(":")?;
    tui.wait_for("Commands ·", TIMEOUT)?;
    tui.send_keys("undo")?;
    let palette = tui.wait_for("Undo the last change", TIMEOUT)?;
    if !has_line_with(&palette, &["▶ Undo the last change", " u "]) {
        return Err(format!("Undo is not the palette's first match:\n{palette}").into());
    }
    tui.send_key(Key::Enter)?;
    tui.wait_for_all(&["undone: applied", " ▣ baseline · no plan yet"], TIMEOUT)?;
    tui.send_key(Key::Ctrl('r'))?;
    tui.wait_for("redone: applied", TIMEOUT)?;
    wait_scenario_line(&tui, "with the plan's figures again", |line| {
        line.contains("denied 48") && line.contains("jewels 49")
    })?;
    quit_restored(&mut tui)
}
