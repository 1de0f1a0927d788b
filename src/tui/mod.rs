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
/// `theme` is the `--theme` option (else `theme` in `config.toml`, else dark).
pub fn run(
    workspace_path: std::path::PathBuf,
    status_note: Option<String>,
    theme: Option<&str>,
) -> anyhow::Result<()> {
    runtime::run(workspace_path, status_note, theme)
}
