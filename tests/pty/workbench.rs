//! Scenarios on the running workbench that tests chain: wait for the Northwind workspace to
//! load, open a screen, filter, move a workload, find, make a scenario, narrow the flows, quit
//! and check the terminal came back; plus readers of what the screen shows.

use std::path::PathBuf;

use super::{Key, Prepared, TIMEOUT, TestResult, Tui};

/// On the scenario line once the prepared workspace (which has a plan) is loaded and analysed:
/// `▣ baseline · denied 48 · …`.
pub const ESTATE_LOADED: &str = " · denied ";

/// Each screen: its number key, the title in the tab bar at 80 columns, and a line only that
/// screen shows (on the Northwind workspace with its plan), short enough for 80 columns.
pub const SCREENS: [(&str, &str, &str); 7] = [
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
pub fn wait_loaded(tui: &Tui) -> TestResult<String> {
    tui.wait_for_all(
        &[ESTATE_LOADED, "Workloads 330", "Blind spots (169)"],
        TIMEOUT,
    )
}

/// Presses a screen's number key and waits for the line only that screen shows.
pub fn open_screen(tui: &mut Tui, number: usize) -> TestResult<String> {
    let (key, _, marker) = SCREENS
        .get(number.wrapping_sub(1))
        .ok_or_else(|| format!("no screen numbered {number}"))?;
    tui.send_keys(key)?;
    tui.wait_for(marker, TIMEOUT)
}

/// On Estate: `f`, the text, Enter; waits for the list title naming the filter.
pub fn filter_estate(tui: &mut Tui, text: &str) -> TestResult<String> {
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
pub fn move_first_unassigned(tui: &mut Tui) -> TestResult<String> {
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
pub fn quit_restored(tui: &mut Tui) -> TestResult {
    tui.send_keys("q")?;
    let status = tui.wait_exit(TIMEOUT)?;
    if !status.success() {
        return Err(format!("q exited with {status}").into());
    }
    check_restored(tui)
}

/// The terminal after the workbench exited: the alternate screen left (in the parsed state and
/// as the leave sequence in the output), and the cursor shown again.
pub fn check_restored(tui: &Tui) -> TestResult {
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
pub fn find(tui: &mut Tui, query: &str, expect: &str, down: usize) -> TestResult<String> {
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
pub fn zone_row(screen: &str, zone: &str) -> Option<Vec<String>> {
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
pub fn scenario_line(screen: &str) -> Option<&str> {
    screen.lines().find(|line| line.starts_with(" ▣ "))
}

/// Waits until the scenario line is shown and `ready` holds for it.
pub fn wait_scenario_line(
    tui: &Tui,
    what: &str,
    ready: impl Fn(&str) -> bool,
) -> TestResult<String> {
    let screen = tui.wait_until(&format!("the scenario line {what}"), TIMEOUT, |screen| {
        scenario_line(screen).is_some_and(&ready)
    })?;
    Ok(scenario_line(&screen).unwrap_or_default().to_string())
}

/// Whether one line of `text` contains every one of `parts`.
pub fn has_line_with(text: &str, parts: &[&str]) -> bool {
    text.lines()
        .any(|line| parts.iter().all(|part| line.contains(part)))
}

/// The count in the Flows screen's title (`┌ Flows 2,552 ─…`).
pub fn flows_count(screen: &str) -> Option<usize> {
    let (_, rest) = screen.split_once("┌ Flows ")?;
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The text typed in the open prompt (after `When:`, `Name:`…), up to the popup's border.
pub fn prompt_text<'a>(screen: &'a str, label: &str) -> Option<&'a str> {
    screen.lines().find_map(|line| {
        let (_, rest) = line.split_once(label)?;
        rest.split('│').next().map(str::trim)
    })
}

/// The CLI on the test's workspace (`blastwall --workspace PATH ARGS…`); its standard output.
pub fn cli(prepared: &Prepared, args: &[&str]) -> TestResult<String> {
    let args: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    prepared.cli(&args)
}

/// `S`, `n`, the name, Enter: a new scenario (a copy of the active one), then active. Waits for
/// the status and the scenario line naming it; the list stays open.
pub fn new_scenario(tui: &mut Tui, name: &str) -> TestResult<String> {
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
pub fn narrow_flows(tui: &mut Tui, window: &str) -> TestResult<String> {
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
