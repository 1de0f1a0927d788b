//! The workbench as data: state, actions, the update function and the effects it asks for.
//! No terminal and no widget types here, so every behaviour is testable with plain values.

pub mod action;
pub mod effect;
pub mod event;
pub mod index;
pub mod list;
pub mod packed;
pub mod state;
mod update;

#[cfg(test)]
mod tests;

pub use action::Action;
pub use effect::Effect;
pub use event::AppEvent;
pub use index::{EstateIndex, OutcomeFilter, blind_spot, endpoint_label};
pub use list::{ListView, window_start};
pub use state::{
    App, EstateView, FlowsView, ImportJob, LoadedEstate, Prompt, Screen, StatusKind, StatusMessage,
    Viewport,
};
