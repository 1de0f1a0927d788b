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

use pty::{Key, LARGE, SMALL, TIMEOUT, TestResult, Tui};

/// Text only the Estate screen of the prepared workspace shows once it is loaded.
const ESTATE_LOADED: &str = "330 workloads · 2,552 edges · 169 blind spots";

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
    tui.wait_for_all(&[ESTATE_LOADED, "Workloads 330"], TIMEOUT)
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
    for wanted in ["Workloads 33/330", "pay-api-01", "pay-db-02", "dc1-hsm-01"] {
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
    let screen = tui.wait_gone("Find ·", TIMEOUT)?;
    if !screen.contains("Workloads 330") {
        return Err(format!("not on the Estate screen:\n{screen}").into());
    }
    tui.wait_for("▶ pay-db-02", TIMEOUT)?;
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
    tui.wait_for("Planned ranking", TIMEOUT)?;
    // A left click (SGR mouse report) on the second tab.
    let screen = tui.contents();
    let first = screen.lines().next().unwrap_or_default();
    let column = first.find("2 Flows").ok_or("the Flows tab")? + 2;
    tui.send_keys(&format!("\x1b[<0;{column};1M\x1b[<0;{column};1m"))?;
    tui.wait_for("Flows 2,552", TIMEOUT)?;
    quit_restored(&mut tui)
}
