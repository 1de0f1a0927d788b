//! One channel into the main loop: keys and resizes from a reader thread, and worker reports.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::Duration;

use crossterm::event::{self, Event, KeyEvent, KeyEventKind, MouseEvent, MouseEventKind};

use crate::tui::app::AppEvent;

/// A message for the main loop.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// A click or a wheel turn (moves and drags are dropped at the source).
    Mouse(MouseEvent),
    Resize,
    Worker(AppEvent),
}

/// The thread reading terminal events; it stops when dropped or when the loop is gone.
pub struct EventReader {
    stop: Arc<AtomicBool>,
}

impl EventReader {
    pub fn spawn(tx: Sender<Msg>) -> std::io::Result<EventReader> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        thread::Builder::new()
            .name("blastwall-input".into())
            .spawn(move || read_events(&tx, &flag))?;
        Ok(EventReader { stop })
    }
}

impl Drop for EventReader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn read_events(tx: &Sender<Msg>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        // Polling with a timeout only lets the thread notice `stop`; nothing is redrawn.
        match event::poll(Duration::from_millis(250)) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(_) => return,
        }
        let msg = match event::read() {
            Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Msg::Key(key),
            Ok(Event::Resize(_, _)) => Msg::Resize,
            Ok(Event::Mouse(mouse))
                if matches!(
                    mouse.kind,
                    MouseEventKind::Down(_) | MouseEventKind::ScrollDown | MouseEventKind::ScrollUp
                ) =>
            {
                Msg::Mouse(mouse)
            }
            Ok(_) => continue,
            Err(_) => return,
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}
