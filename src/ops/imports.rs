//! Listing the imports of a workspace, and removing some with everything they brought.

use serde::Serialize;

use crate::model::time::rfc3339;
use crate::store::{ImportHoldings, StoreError, Workspace};

/// One import as `imports list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportEntry {
    pub id: i64,
    pub path: String,
    pub format: String,
    /// RFC 3339, UTC.
    pub imported_at: String,
    pub workload_records: u64,
    pub networks: u64,
    pub pods: u64,
    pub flow_records: u64,
    pub edges: u64,
}

impl From<ImportHoldings> for ImportEntry {
    fn from(h: ImportHoldings) -> Self {
        ImportEntry {
            id: h.id,
            path: h.path,
            format: h.format,
            imported_at: rfc3339(h.imported_at),
            workload_records: h.workload_records,
            networks: h.networks,
            pods: h.pods,
            flow_records: h.flow_records,
            edges: h.edges,
        }
    }
}

/// Every import, in id order.
pub fn list_imports(workspace: &Workspace) -> Result<Vec<ImportEntry>, StoreError> {
    Ok(workspace
        .list_imports()?
        .into_iter()
        .map(ImportEntry::from)
        .collect())
}

/// Removes the imports `ids` and all they brought, all or nothing: an id that names no import
/// fails the whole removal. Returns what was removed, in id order. The stored plan is untouched.
pub fn remove_imports(
    workspace: &mut Workspace,
    ids: &[i64],
) -> Result<Vec<ImportEntry>, StoreError> {
    let known = workspace.list_imports()?;
    let named: Vec<String> = (known.iter())
        .filter(|i| ids.contains(&i.id))
        .map(|i| format!("{} ({})", i.id, i.path))
        .collect();
    let summary = format!("removed import {}", named.join(", "));
    let change = super::history::change("imports remove", summary);
    Ok(workspace
        .remove_imports(ids, &change)?
        .into_iter()
        .map(ImportEntry::from)
        .collect())
}
