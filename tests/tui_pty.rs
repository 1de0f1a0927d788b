//! End-to-end tests of the workbench in a real pseudo-terminal: the `blastwall` binary on a
//! Northwind workspace, driven by keys, checked on the screen a vt100 parser rebuilds from its
//! output (harness: `tests/pty/mod.rs`, chained scenarios: `tests/pty/workbench.rs`; the what-if
//! workflow is in `tests/tui_pty_whatif.rs`).
//!
//! Each scenario is a function taking the running [`Tui`], so later tests can chain them: start
//! a [`Tui`], call the scenarios that set the stage (`open_screen`, `filter_estate`,
//! `move_first_unassigned`…), then press the keys of the feature under test and `wait_for` what
//! it shows. Nothing here writes a file: `w` (write the plan) and `x` (write the export) are
//! never pressed; zone edits are stored in the test's own workspace.

mod pty;

use pty::workbench::*;
use pty::{Key, LARGE, SMALL, TIMEOUT, TestResult, Tui};

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
