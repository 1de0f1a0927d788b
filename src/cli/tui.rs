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
        crate::tui::run(demo, Some(note), theme, test_panic_key)?;
        return Ok(ExitCode::SUCCESS);
    }
    crate::ops::workspace::ensure_parent(&choice.path)?;
    crate::tui::run(choice.path.clone(), None, theme, test_panic_key)?;
    Ok(ExitCode::SUCCESS)
}
