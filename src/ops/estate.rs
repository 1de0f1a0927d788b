//! Reading the estate back: merged, resolved, and its figures.

use crate::analysis::{Figures, ResolvedEstate, resolve_estate_owned};
use crate::store::{StoreError, Workspace};

/// Loads and resolves the whole workspace.
pub fn load_resolved(workspace: &Workspace) -> Result<ResolvedEstate, StoreError> {
    Ok(resolve_estate_owned(workspace.load_estate()?))
}

/// The headline figures of the workspace.
pub fn stats(workspace: &Workspace) -> Result<Figures, StoreError> {
    Ok(Figures::of(&load_resolved(workspace)?))
}
