//! End-to-end tests of the workbench in a real pseudo-terminal: the `blastwall` binary on a
//! Northwind workspace, driven by keys, checked on the screen a vt100 parser rebuilds from its
//! output (harness: `tests/pty/mod.rs`).
//!
//! Each scenario is a function taking the running [`Tui`], so later tests can chain them: start
//! a [`Tui`], call the scenarios that set the stage (`open_screen`, `filter_estate`,
//! `move_first_unassigned`…), then press the keys of the feature under test and `wait_for` what
//! it shows. Nothing here writes a file: `w` (write the plan) and `x` (write the export) are
//! never pressed; zone edits are stored in the test's own workspace.

mod pty;

use std::path::PathBuf;

use pty::{Key, LARGE, Prepared, SMALL, TIMEOUT, TestResult, Tui, USER};

/// On the scenario line once the prepared workspace (which has a plan) is loaded and analysed:
/// `▣ baseline · denied 48 · …`.
const ESTATE_LOADED: &str = " · denied ";

/// Each screen: its number key, the title in the tab bar at 80 columns, and a line only that
/// screen shows (on the Northwind workspace with its plan), short enough for 80 columns.
const SCREENS: [(&str, &str, &str); 7] = [
    ("1", "1 Estate", "Blind spots (169)"),
    ("2", "2 Flows", "Flows 2,552"),
    ("3", "3 Zones", "Zones 10 · first match"),
    ("4", "4 Matrix", "Zone matrix · rows client"),
    ("5", "5 Blast", "Blast radius ─"),
    ("6", "6 Rollout", "Phases 5"),
    ("7", "7 Export", "Deliverables · 22/22"),
];

// ---------------------------------------------------------------------------------------------
// Scenarios: building blocks for the tests below and for later ones.
// ---------------------------------------------------------------------------------------------

/// Waits for the workbench to show the loaded estate (the Estate screen, its workloads).
fn wait_loaded(tui: &Tui) -> TestResult<String> {
    tui.wait_for_all(
        &[ESTATE_LOADED, "Workloads 330", "Blind spots (169)"],
        TIMEOUT,
    )
}

/// Presses a screen's number key and waits for the line only that screen shows.
fn open_screen(tui: &mut Tui, number: usize) -> TestResult<String> {
    let (key, _, marker) = SCREENS
        .get(number.wrapping_sub(1))
        .ok_or_else(|| format!("no screen numbered {number}"))?;
    tui.send_keys(key)?;
    tui.wait_for(marker, TIMEOUT)
}

/// On Estate: `f`, the text, Enter; waits for the list title naming the filter.
fn filter_estate(tui: &mut Tui, text: &str) -> TestResult<String> {
    open_screen(tui, 1)?;
    tui.send_keys("f")?;
    tui.wait_for("Filter", TIMEOUT)?;
    tui.send_keys(text)?;
    tui.wait_for(&format!("filter \"{text}\""), TIMEOUT)?;
    tui.send_key(Key::Enter)?;
    tui.wait_for(ESTATE_LOADED, TIMEOUT)
}

/// On Zones: focuses the Unassigned pane, `m` on its first workload (ci-agent-01), `j` picks the
/// second zone (identity), Enter moves it; waits for the status message. The plan is stored in
/// the workspace and re-simulated; nothing is written to files.
fn move_first_unassigned(tui: &mut Tui) -> TestResult<String> {
    open_screen(tui, 3)?;
    tui.send_keys("lll")?;
    tui.wait_for("▸ Unassigned 11", TIMEOUT)?;
    tui.send_keys("m")?;
    tui.wait_for("Move ci-agent-01 to which zone?", TIMEOUT)?;
    tui.send_keys("j")?;
    tui.send_key(Key::Enter)?;
    tui.wait_for_all(&["ci-agent-01 moved to identity", "Unassigned 10"], TIMEOUT)
}

/// `q`, then the exit status; checks the terminal came back: main screen, cursor shown.
fn quit_restored(tui: &mut Tui) -> TestResult {
    tui.send_keys("q")?;
    let status = tui.wait_exit(TIMEOUT)?;
    if !status.success() {
        return Err(format!("q exited with {status}").into());
    }
    check_restored(tui)
}

/// The terminal after the workbench exited: the alternate screen left (in the parsed state and
/// as the leave sequence in the output), and the cursor shown again.
fn check_restored(tui: &Tui) -> TestResult {
    if tui.alternate_screen() {
        return Err(format!("still on the alternate screen:\n{}", tui.contents()).into());
    }
    if !tui.output_contains("\x1b[?1049l") {
        return Err("the output never left the alternate screen (no ESC[?1049l)".into());
    }
    if !tui.output_contains("\x1b[?25h") || tui.cursor_hidden() {
        return Err("the cursor was not shown again (no ESC[?25h)".into());
    }
    if !tui.output_contains("\x1b[?1000l") {
        return Err("mouse reporting was not turned off (no ESC[?1000l)".into());
    }
    Ok(())
}

/// `/`, the query, `down` times Down once `expect` is listed, Enter: the match opened on its
/// screen.
fn find(tui: &mut Tui, query: &str, expect: &str, down: usize) -> TestResult<String> {
    tui.send_keys("/")?;
    tui.wait_for("Find ·", TIMEOUT)?;
    tui.send_keys(query)?;
    tui.wait_for(expect, TIMEOUT)?;
    for _ in 0..down {
        tui.send_key(Key::Down)?;
    }
    tui.send_key(Key::Enter)?;
    tui.wait_gone("Find ·", TIMEOUT)
}

/// The Zones screen's row for a zone: its cells (number, name, sensitivity, members,
/// selectors), read from the zone list pane.
fn zone_row(screen: &str, zone: &str) -> Option<Vec<String>> {
    screen.lines().find_map(|line| {
        let pane = line.split("││").next()?;
        let cells: Vec<String> = pane
            .trim_matches(|c: char| c == '│' || c == '▶' || c.is_whitespace())
            .split_whitespace()
            .map(str::to_string)
            .collect();
        (cells.get(1).map(String::as_str) == Some(zone)).then_some(cells)
    })
}

/// The scenario line (above the status line): ` ▣ NAME · denied N · …`.
fn scenario_line(screen: &str) -> Option<&str> {
    screen.lines().find(|line| line.starts_with(" ▣ "))
}

/// Waits until the scenario line is shown and `ready` holds for it.
fn wait_scenario_line(tui: &Tui, what: &str, ready: impl Fn(&str) -> bool) -> TestResult<String> {
    let screen = tui.wait_until(&format!("the scenario line {what}"), TIMEOUT, |screen| {
        scenario_line(screen).is_some_and(&ready)
    })?;
    Ok(scenario_line(&screen).unwrap_or_default().to_string())
}

/// Whether one line of `text` contains every one of `parts`.
fn has_line_with(text: &str, parts: &[&str]) -> bool {
    text.lines()
        .any(|line| parts.iter().all(|part| line.contains(part)))
}

/// The count in the Flows screen's title (`┌ Flows 2,552 ─…`).
fn flows_count(screen: &str) -> Option<usize> {
    let (_, rest) = screen.split_once("┌ Flows ")?;
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The text typed in the open prompt (after `When:`, `Name:`…), up to the popup's border.
fn prompt_text<'a>(screen: &'a str, label: &str) -> Option<&'a str> {
    screen.lines().find_map(|line| {
        let (_, rest) = line.split_once(label)?;
        rest.split('│').next().map(str::trim)
    })
}

/// The CLI on the test's workspace (`blastwall --workspace PATH ARGS…`); its standard output.
fn cli(prepared: &Prepared, args: &[&str]) -> TestResult<String> {
    let args: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    prepared.cli(&args)
}

/// `S`, `n`, the name, Enter: a new scenario (a copy of the active one), then active. Waits for
/// the status and the scenario line naming it; the list stays open.
fn new_scenario(tui: &mut Tui, name: &str) -> TestResult<String> {
    tui.send_keys("S")?;
    tui.wait_until("the scenarios listed", TIMEOUT, |screen| {
        screen.contains("Scenarios · ") && has_line_with(screen, &["●", "baseline"])
    })?;
    tui.send_keys("n")?;
    tui.wait_for(" New scenario ", TIMEOUT)?;
    tui.send_keys(name)?;
    tui.send_key(Key::Enter)?;
    tui.wait_for_all(
        &[
            &format!("scenario {name} created and active"),
            &format!(" ▣ {name} · denied "),
        ],
        TIMEOUT,
    )
}

/// `T`, the window, Enter: the flows narrowed, as the scenario line says.
fn narrow_flows(tui: &mut Tui, window: &str) -> TestResult<String> {
    tui.send_keys("T")?;
    tui.wait_for_all(&[" Time window of the flows ", "When:"], TIMEOUT)?;
    tui.send_keys(window)?;
    tui.wait_for(&format!("When: {window}"), TIMEOUT)?;
    tui.send_key(Key::Enter)?;
    let expected = format!("window {window}");
    wait_scenario_line(tui, "saying the flows are narrowed", |line| {
        line.contains(&expected)
    })
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn starts_on_estate_and_switches_screens() -> TestResult {
    let mut tui = Tui::start(LARGE)?;
    let screen = wait_loaded(&tui)?;
    if !screen.contains("Blind spots (169)") {
        return Err(format!("the first screen is not Estate:\n{screen}").into());
    }
    for number in [2, 3, 4, 5, 6, 7, 1] {
        open_screen(&mut tui, number)?;
    }
    // Tab goes to the next screen, Shift-Tab back.
    tui.send_key(Key::Tab)?;
    tui.wait_for("Flows 2,552", TIMEOUT)?;
    tui.send_key(Key::BackTab)?;
    tui.wait_for("Blind spots (169)", TIMEOUT)?;
    quit_restored(&mut tui)
}

#[test]
fn help_overlay_opens_and_closes() -> TestResult {
    let mut tui = Tui::start(LARGE)?;
    wait_loaded(&tui)?;
    tui.send_keys("?")?;
    tui.wait_for_all(&["Keys · Estate", "Quit", "Zones screen"], TIMEOUT)?;
    tui.send_key(Key::Esc)?;
    tui.wait_gone("Keys · Estate", TIMEOUT)?;
    // Help follows the screen: Zones lists its own keys.
    open_screen(&mut tui, 3)?;
    tui.send_keys("?")?;
    tui.wait_for_all(
        &["Keys · Zones", "Move the selected workload to another zone"],
        TIMEOUT,
    )?;
    tui.send_key(Key::Esc)?;
    tui.wait_gone("Keys · Zones", TIMEOUT)?;
    quit_restored(&mut tui)
}

#[test]
fn every_tab_number_fits_80x24() -> TestResult {
    let mut tui = Tui::start(SMALL)?;
    wait_loaded(&tui)?;
    for number in [1, 5, 7] {
        let screen = open_screen(&mut tui, number)?;
        let tabs = screen.lines().next().unwrap_or_default();
        for (_, title, _) in SCREENS {
            if !tabs.contains(title) {
                return Err(format!("{title:?} missing from the tab bar: {tabs:?}").into());
            }
        }
    }
    quit_restored(&mut tui)
}

#[test]
fn filter_lists_matching_workloads() -> TestResult {
    let mut tui = Tui::start(SMALL)?;
    wait_loaded(&tui)?;
    let screen = filter_estate(&mut tui, "pay")?;
    for wanted in ["Workloads 33/330", "pay-api-01", "pay-db-01", "dc1-hsm-01"] {
        if !screen.contains(wanted) {
            return Err(format!("{wanted:?} not listed after the filter:\n{screen}").into());
        }
    }
    if screen.contains("ad-aws-01") {
        return Err(format!("a workload not matching \"pay\" is still listed:\n{screen}").into());
    }
    // Esc clears the filter.
    tui.send_key(Key::Esc)?;
    tui.wait_gone("filter \"pay\"", TIMEOUT)?;
    tui.wait_for("Workloads 330", TIMEOUT)?;
    quit_restored(&mut tui)
}

#[test]
fn zones_move_a_workload_to_another_zone() -> TestResult {
    let mut tui = Tui::start(LARGE)?;
    wait_loaded(&tui)?;
    let before = open_screen(&mut tui, 3)?;
    let identity = zone_row(&before, "identity").ok_or("no identity row on Zones")?;
    if identity.get(3).map(String::as_str) != Some("7") {
        return Err(format!("identity should have 7 members before: {identity:?}").into());
    }
    move_first_unassigned(&mut tui)?;
    // The move adds a workload selector to identity: 8 members, 3 selectors.
    let after = tui.wait_until("identity with 8 members", TIMEOUT, |screen| {
        zone_row(screen, "identity").is_some_and(|row| row.get(3).map(String::as_str) == Some("8"))
    })?;
    let identity = zone_row(&after, "identity").ok_or("no identity row after the move")?;
    if identity.get(4).map(String::as_str) != Some("3") {
        return Err(format!("identity should have 3 selectors after: {identity:?}").into());
    }
    quit_restored(&mut tui)?;
    // Nothing was written back: the plan file the workspace was built from is unchanged.
    let copy = std::fs::read(tui.prepared.dir.path().join("plan.yaml"))?;
    let original = std::fs::read(pty::northwind().join("plan.yaml"))?;
    if copy != original {
        return Err("the plan file changed although w was never pressed".into());
    }
    Ok(())
}

#[test]
fn quit_exits_zero_and_restores_the_terminal() -> TestResult {
    let mut tui = Tui::start(SMALL)?;
    wait_loaded(&tui)?;
    if !tui.alternate_screen() {
        return Err("the workbench does not use the alternate screen".into());
    }
    quit_restored(&mut tui)
}

/// The hidden `--test-panic-key` makes the workbench panic on that key: the panic hook must
/// give the terminal back (main screen, cursor) and the message must be readable on it.
#[test]
fn panic_restores_the_terminal() -> TestResult {
    let mut tui = Tui::start_with(SMALL, &["--test-panic-key", "%"])?;
    wait_loaded(&tui)?;
    tui.send_keys("%")?;
    let status = tui.wait_exit(TIMEOUT)?;
    if status.success() {
        return Err("the test panic exited with status 0".into());
    }
    check_restored(&tui)?;
    let screen = tui.contents();
    if !screen.contains("test panic: key '%' pressed") {
        return Err(format!("the panic message is not on the main screen:\n{screen}").into());
    }
    Ok(())
}

#[test]
fn the_finder_goes_to_a_workload_and_a_zone() -> TestResult {
    let mut tui = Tui::start(SMALL)?;
    wait_loaded(&tui)?;
    // Enter right after typing: the finder goes to the best match once the search answers.
    tui.send_keys("/")?;
    tui.wait_for("Find ·", TIMEOUT)?;
    tui.send_keys("pay-db-02")?;
    tui.send_key(Key::Enter)?;
    tui.wait_gone("Find ·", TIMEOUT)?;
    // At 80 columns the workload's details take the whole width; Esc shows the list with it
    // selected.
    tui.wait_for_all(&["┌ pay-db-02", "addresses   10.20.4.13"], TIMEOUT)?;
    tui.send_key(Key::Esc)?;
    tui.wait_for_all(&["Workloads 330", "▶ pay-db-02"], TIMEOUT)?;
    find(&mut tui, "identity", "zone · critical", 1)?;
    tui.wait_for("▸ Zones 10", TIMEOUT)?;
    quit_restored(&mut tui)
}

#[test]
fn the_palette_runs_a_command_and_the_mouse_clicks_tabs() -> TestResult {
    let mut tui = Tui::start(LARGE)?;
    wait_loaded(&tui)?;
    tui.send_keys(":")?;
    tui.wait_for("Commands ·", TIMEOUT)?;
    tui.send_keys("planned ranking")?;
    tui.wait_for("Blast radius: Planned ranking", TIMEOUT)?;
    tui.send_key(Key::Enter)?;
    // The palette lists "Planned ranking" too: wait for it to close, or the click below could
    // land on it.
    tui.wait_gone("Commands ·", TIMEOUT)?;
    tui.wait_for("Planned ranking", TIMEOUT)?;
    // A left click (SGR mouse report) on the second tab.
    let screen = tui.contents();
    let first = screen.lines().next().unwrap_or_default();
    let column = first.find("2 Flows").ok_or("the Flows tab")? + 2;
    tui.send_keys(&format!("\x1b[<0;{column};1M\x1b[<0;{column};1m"))?;
    tui.wait_for("Flows 2,552", TIMEOUT)?;
    quit_restored(&mut tui)
}

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
