//! The workbench as data: state, actions, the update function and the effects it asks for.
//! No terminal and no widget types here, so every behaviour is testable with plain values.

pub mod action;
mod blast;
pub mod effect;
pub mod event;
pub mod export;
pub mod find_index;
pub mod finder;
pub mod history;
pub mod index;
pub mod job;
pub mod lint;
pub mod list;
pub mod matrix;
pub mod packed;
pub mod palette;
pub mod plan_edit;
mod plan_save;
pub mod plan_state;
pub mod pointer;
pub mod rollout;
pub mod rules;
pub mod scenarios;
pub mod state;
pub mod text_edit;
mod update;
pub mod zones;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_blast;
#[cfg(test)]
mod tests_export;
#[cfg(test)]
mod tests_lint;
#[cfg(test)]
mod tests_matrix;
#[cfg(test)]
mod tests_plan_edit;
#[cfg(test)]
mod tests_rollout;
#[cfg(test)]
mod tests_scenarios;
#[cfg(test)]
mod tests_workshop;
#[cfg(test)]
mod tests_zones;

pub use action::Action;
pub use effect::Effect;
pub use event::AppEvent;
pub use export::{ExportRow, ExportView, ExportWritten};
pub use find_index::{FindHit, FindItem, FindTarget};
pub use finder::FinderView;
pub use index::{EstateIndex, OutcomeFilter, blind_spot, endpoint_label};
pub use job::{BusyJob, JobKind, JobProgress};
pub use lint::{LintView, peer_text};
pub use list::{ListView, window_start};
pub use matrix::{CellStatus, MatrixCell, ZoneMatrix};
pub use palette::{Command, PaletteView};
pub use plan_state::{BlastReport, PlanAnalysis};
pub use pointer::ListId;
pub use rollout::{PhaseEdit, RolloutPane, RolloutView};
pub use state::{
    App, BlastView, EstateView, FlowsView, ImportJob, LoadedEstate, MatrixView, Prompt, PromptKind,
    Screen, StatusKind, StatusMessage, Viewport,
};
pub use zones::{MovePick, ZonePane, ZonesView};
