//! `blastwall tui` (and `blastwall` alone): the workbench. With no workspace chosen and no
//! default workspace yet, it opens the bundled demo estate in a workspace of its own.

use std::process::ExitCode;

use crate::ops::WorkspaceChoice;

/// `theme` is the `--theme` option.
pub fn run(choice: &WorkspaceChoice, theme: Option<&str>) -> anyhow::Result<ExitCode> {
    if choice.is_default && !choice.path.exists() {
        let demo = crate::ops::demo::open_demo()?;
        let note = format!(
            "Demo: the bundled Northwind estate ({}); use --workspace for your own",
            demo.display()
        );
        crate::tui::run(demo, Some(note), theme)?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::ops::workspace::ensure_parent(&choice.path)?;
    let note = startup_note(choice)?;
    crate::tui::run(choice.path.clone(), note, theme)?;
    Ok(ExitCode::SUCCESS)
}

/// The active scenario, for the status line. A `--since`/`--until` window is checked but the
/// workbench does not apply it yet: its workers open their own connections; each would call
/// `Workspace::set_window` with the window `crate::ops::window::narrow` sets.
fn startup_note(choice: &WorkspaceChoice) -> anyhow::Result<Option<String>> {
    if !choice.path.exists() {
        return Ok(None);
    }
    let mut workspace = crate::store::Workspace::open(&choice.path)?;
    let args = super::window_args();
    let narrowed =
        crate::ops::window::narrow(&mut workspace, args.since.as_deref(), args.until.as_deref());
    match narrowed {
        Ok(Some(_)) => eprintln!(
            "note: the workbench shows every flow; --since/--until narrow the other commands"
        ),
        Ok(None) => {}
        Err(crate::ops::window::WindowError::Input(message)) => anyhow::bail!("{message}"),
        Err(error) => return Err(error.into()),
    }
    Ok(crate::ops::scenario::active_note(&workspace)?)
}
