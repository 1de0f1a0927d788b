//! What the runtime and the workers report to the app.

use super::state::{LoadedEstate, Viewport};

/// A report from outside the keyboard: a finished job, or a new terminal size.
#[derive(Debug)]
pub enum AppEvent {
    /// A load finished; `generation` is the one its [`Effect::LoadEstate`](super::Effect) carried.
    EstateLoaded {
        generation: u64,
        result: Result<Box<LoadedEstate>, String>,
    },
    /// The import finished with a one-line summary, or failed (nothing was written).
    ImportFinished(Result<String, String>),
    /// The terminal was resized: this many list rows now fit.
    Viewport(Viewport),
}
