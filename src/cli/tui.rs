//! `blastwall tui` (and `blastwall` alone): the workbench. With no workspace chosen and no
//! default workspace yet, it opens the bundled demo estate in a workspace of its own.

use std::process::ExitCode;

use crate::ops::WorkspaceChoice;

/// `theme` is the `--theme` option; `test_panic_key` the hidden test hook (`--test-panic-key`).
pub fn run(
    choice: &WorkspaceChoice,
    theme: Option<&str>,
    test_panic_key: Option<char>,
) -> anyhow::Result<ExitCode> {
    if choice.is_default && !choice.path.exists() {
        let demo = crate::ops::demo::open_demo()?;
        let note = format!(
            "Demo: the bundled Northwind estate ({}); use --workspace for your own",
            demo.display()
        );
        let args = super::window_args();
        crate::tui::run(
            demo,
            Some(note),
            theme,
            test_panic_key,
            (args.since, args.until),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::ops::workspace::ensure_parent(&choice.path)?;
    let note = startup_note(choice)?;
    let args = super::window_args();
    crate::tui::run(
        choice.path.clone(),
        note,
        theme,
        test_panic_key,
        (args.since, args.until),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The active scenario, for the status line. A bad `--since`/`--until` is an error before the
/// terminal is taken over; the workbench's workers then apply the window to every load (and
/// `T` changes it).
fn startup_note(choice: &WorkspaceChoice) -> anyhow::Result<Option<String>> {
    if !choice.path.exists() {
        return Ok(None);
    }
    let mut workspace = crate::store::Workspace::open(&choice.path)?;
    let args = super::window_args();
    let narrowed =
        crate::ops::window::narrow(&mut workspace, args.since.as_deref(), args.until.as_deref());
    match narrowed {
        Ok(_) => {}
        Err(crate::ops::window::WindowError::Input(message)) => anyhow::bail!("{message}"),
        Err(error) => return Err(error.into()),
    }
    Ok(crate::ops::scenario::active_note(&workspace)?)
}
