//! The terminal's lifecycle, in one place: raw mode, the alternate screen and mouse capture on
//! the way in, restored on every way out (return, error, panic).

use std::io::{self, Write};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::DefaultTerminal;

/// The terminal in workbench mode; dropping it restores the terminal.
pub struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    /// Enters raw mode, the alternate screen and mouse capture. `ratatui::try_init` first
    /// installs a panic hook that restores the terminal and then runs the hook that was there
    /// before; ours wraps it to release the mouse first, so a panic message is printed on a
    /// sane terminal.
    pub fn enter() -> io::Result<TerminalGuard> {
        let terminal = ratatui::try_init()?;
        let restore = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            release_mouse();
            restore(info);
        }));
        execute!(io::stdout(), EnableMouseCapture)?;
        Ok(TerminalGuard { terminal })
    }

    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }
}

fn release_mouse() {
    let mut out = io::stdout();
    let _ = execute!(out, DisableMouseCapture);
    let _ = out.flush();
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        release_mouse();
        ratatui::restore();
    }
}
