//! The terminal's lifecycle, in one place: raw mode and the alternate screen on the way in,
//! restored on every way out (return, error, panic).

use std::io;

use ratatui::DefaultTerminal;

/// The terminal in workbench mode; dropping it restores the terminal.
pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen. `ratatui::try_init` first installs a panic hook
    /// that restores the terminal and then runs the hook that was there before, so a panic
    /// message is printed on a sane terminal.
    pub fn enter() -> io::Result<TerminalGuard> {
        let terminal = ratatui::try_init()?;
        Ok(TerminalGuard { terminal })
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}
