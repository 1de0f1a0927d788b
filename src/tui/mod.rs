//! The terminal workbench: `app` (state and behaviour, no terminal), `runtime` (terminal,
//! events, workers, main loop), `ui` (drawing), plus the keymap and the theme as data.

pub mod app;
pub mod keymap;
pub mod runtime;
pub mod theme;
pub mod ui;

#[cfg(test)]
mod tests;

/// Opens the workbench on a workspace file. `status_note` is shown in the status line at start;
/// `theme` is the `--theme` option (else `theme` in `config.toml`, else dark); `window` the
/// `--since`/`--until` the flows are narrowed to (`T` changes it). `test_panic_key`
/// is a test hook: pressing that key panics (see [`runtime::run`]).
pub fn run(
    workspace_path: std::path::PathBuf,
    status_note: Option<String>,
    theme: Option<&str>,
    test_panic_key: Option<char>,
    window: (Option<String>, Option<String>),
) -> anyhow::Result<()> {
    runtime::run(workspace_path, status_note, theme, test_panic_key, window)
}
