//! Scenarios as use cases: list, create (and switch to), switch, rename, delete, promote, each
//! recorded under the current OS user; and the note commands print when one is active.

use super::history::current_user;
pub use crate::store::{BASELINE, ScenarioInfo};
use crate::store::{StoreError, Workspace};

/// The baseline first, then the scenarios by name.
pub fn list(workspace: &Workspace) -> Result<Vec<ScenarioInfo>, StoreError> {
    workspace.scenarios()
}

/// Creates `name` as a copy of `from` (default: the active scenario) and switches to it.
/// Returns the scenario it was copied from.
pub fn create(
    workspace: &mut Workspace,
    name: &str,
    from: Option<&str>,
) -> Result<String, StoreError> {
    let from = match from {
        Some(from) => from.to_string(),
        None => workspace.active_scenario()?,
    };
    workspace.create_scenario(name, Some(&from), true, &current_user())?;
    Ok(from)
}

/// Makes `name` active; false when it already was.
pub fn switch(workspace: &mut Workspace, name: &str) -> Result<bool, StoreError> {
    workspace.switch_scenario(name, &current_user())
}

/// Renames a scenario (its undo history ends with the old name).
pub fn rename(workspace: &mut Workspace, old: &str, new: &str) -> Result<(), StoreError> {
    workspace.rename_scenario(old, new, &current_user())
}

/// Deletes a scenario; true when it was active (the baseline is then).
pub fn delete(workspace: &mut Workspace, name: &str) -> Result<bool, StoreError> {
    workspace.delete_scenario(name, &current_user())
}

/// Makes scenario `name` (default: the active one) the baseline, deleting it unless `keep`.
/// Returns the name promoted.
pub fn promote(
    workspace: &mut Workspace,
    name: Option<&str>,
    keep: bool,
) -> Result<String, StoreError> {
    let name = match name {
        Some(name) => name.to_string(),
        None => workspace.active_scenario()?,
    };
    workspace.promote_scenario(&name, keep, &current_user())?;
    Ok(name)
}

/// The note for commands that read the plan: `Some` when a scenario other than the baseline
/// is active.
pub fn active_note(workspace: &Workspace) -> Result<Option<String>, StoreError> {
    let active = workspace.active_scenario()?;
    Ok((active != BASELINE)
        .then(|| format!("scenario {active} is active (blastwall scenario switch {BASELINE})")))
}
