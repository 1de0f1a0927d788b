//! Scenarios as use cases: list, create (and switch to), switch, rename, delete, promote, each
//! recorded under the current OS user; the note commands print when one is active; and
//! `diff`, two scenarios compared on the same estate.

use super::history::current_user;
use crate::analysis::blast::Blast;
use crate::analysis::scenario::{Analyzed, Comparison, compare};
use crate::analysis::simulate::simulate;
use crate::analysis::zones::assign_zones;
use crate::export::scenario_diff::comparison_markdown;
use crate::model::plan::Plan;
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

/// Why two scenarios could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("no scenario {0:?}\n  hint: `blastwall scenario list` shows the scenarios")]
    Unknown(String),
    #[error("{BASELINE} has no plan yet\n  hint: `blastwall plan apply FILE` stores one")]
    NoBaselinePlan,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Two scenarios compared on the same estate.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDiff {
    pub a: String,
    pub b: String,
    pub comparison: Comparison,
}

/// How many of the most exposed workloads get a blast radius row.
pub const DIFF_TOP: usize = 10;

/// Compares scenario `a` with `b` (default: the active scenario) on the workspace's estate (as
/// narrowed by its time window): both plans are zoned, simulated and ranked by planned blast
/// radius, then compared.
pub fn diff(workspace: &Workspace, a: &str, b: Option<&str>) -> Result<ScenarioDiff, DiffError> {
    let b = match b {
        Some(b) => b.to_string(),
        None => workspace.active_scenario()?,
    };
    let (plan_a, plan_b) = (plan_of(workspace, a)?, plan_of(workspace, &b)?);
    let estate = super::load_resolved(workspace)?;
    let zones_a = assign_zones(&plan_a, &estate);
    let zones_b = assign_zones(&plan_b, &estate);
    let simulation_a = simulate(&plan_a, &estate, &zones_a);
    let simulation_b = simulate(&plan_b, &estate, &zones_b);
    let ranking_a = Blast::new(&plan_a, &estate, &zones_a).planned_ranking();
    let ranking_b = Blast::new(&plan_b, &estate, &zones_b).planned_ranking();
    let analyzed_a = Analyzed {
        plan: &plan_a,
        zones: &zones_a,
        simulation: &simulation_a,
        ranking: &ranking_a,
    };
    let analyzed_b = Analyzed {
        plan: &plan_b,
        zones: &zones_b,
        simulation: &simulation_b,
        ranking: &ranking_b,
    };
    let comparison = compare(&estate, &analyzed_a, &analyzed_b, DIFF_TOP);
    Ok(ScenarioDiff {
        a: a.to_string(),
        b,
        comparison,
    })
}

fn plan_of(workspace: &Workspace, name: &str) -> Result<Plan, DiffError> {
    match workspace.load_plan_of(name)? {
        Some((plan, _)) => Ok(plan),
        None if name == BASELINE => Err(DiffError::NoBaselinePlan),
        None => Err(DiffError::Unknown(name.to_string())),
    }
}

impl ScenarioDiff {
    /// The comparison as Markdown, with the scenario names.
    pub fn markdown(&self) -> String {
        comparison_markdown(&self.a, &self.b, &self.comparison)
    }

    /// `{"a": A, "b": B, "metrics": {"a": …, "b": …}, …}`: the comparison's keys, with its two
    /// metric blocks (`a` and `b` in the comparison) under `metrics` so that `a` and `b` name
    /// the scenarios.
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        let mut value = serde_json::to_value(&self.comparison)?;
        let mut out = serde_json::Map::new();
        out.insert("a".into(), self.a.clone().into());
        out.insert("b".into(), self.b.clone().into());
        if let serde_json::Value::Object(fields) = &mut value {
            let metrics_a = fields.remove("a").unwrap_or_default();
            let metrics_b = fields.remove("b").unwrap_or_default();
            out.insert(
                "metrics".into(),
                serde_json::json!({ "a": metrics_a, "b": metrics_b }),
            );
            out.extend(std::mem::take(fields));
        }
        Ok(serde_json::Value::Object(out))
    }
}
