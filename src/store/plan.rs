//! The segmentation plan of each scenario: the baseline in the one-row `plan` table (with the
//! file it was applied from), every other scenario's in `scenarios`. Saving a plan writes the
//! active scenario and appends the change to the history in one transaction.

use rusqlite::{Connection, OptionalExtension, params};

use super::history::{Change, insert_change};
use super::scenarios::{BASELINE, active_in};
use super::{StoreError, Workspace};
use crate::model::plan::Plan;

impl Workspace {
    /// Stores the plan of the active scenario, replacing the one stored before, and records the
    /// change (with the plans before and after, so that it can be undone) in one transaction.
    /// A new change discards what was undone in that scenario (it can no longer be redone).
    /// `source` is the file the plan came from; only the baseline keeps it.
    pub fn save_plan(
        &mut self,
        plan: &Plan,
        source: Option<&str>,
        change: &Change,
    ) -> Result<(), StoreError> {
        let body = serde_json::to_string(plan)
            .map_err(|e| self.corrupt(format!("the plan could not be written as JSON: {e}")))?;
        self.in_transaction(|tx, errors| {
            let scenario = active_in(tx).map_err(|e| errors.sql(e))?;
            save_body(tx, &scenario, &body, source, change).map_err(|e| errors.sql(e))
        })
    }

    /// The active scenario's plan and, for the baseline, the file it was applied from.
    pub fn load_plan(&self) -> Result<Option<(Plan, Option<String>)>, StoreError> {
        let scenario = self.active_scenario()?;
        self.load_plan_of(&scenario)
    }

    /// The plan of scenario `name` (`baseline` is the stored plan) and, for the baseline, the
    /// file it was applied from. `None` when the baseline has no plan or no such scenario exists.
    pub fn load_plan_of(&self, name: &str) -> Result<Option<(Plan, Option<String>)>, StoreError> {
        let row = read_body(&self.conn, name).map_err(|e| self.sql(e))?;
        let Some((body, source_path)) = row else {
            return Ok(None);
        };
        let plan = serde_json::from_str(&body)
            .map_err(|e| self.corrupt(format!("the stored plan of scenario {name}: {e}")))?;
        Ok(Some((plan, source_path)))
    }
}

/// Writes `body` as the plan of `scenario`, discards its redo stack and records `change`.
pub(super) fn save_body(
    conn: &Connection,
    scenario: &str,
    body: &str,
    source: Option<&str>,
    change: &Change,
) -> rusqlite::Result<()> {
    let before = read_body(conn, scenario)?.map(|(body, _)| body);
    write_body(conn, scenario, Some(body), Some(source))?;
    conn.execute(
        "UPDATE history SET state = 2 WHERE scenario = ?1 AND state = 1",
        params![scenario],
    )?;
    insert_change(conn, scenario, change, before.as_deref(), Some(body))?;
    Ok(())
}

/// The stored JSON body of a scenario's plan and (baseline only) its source path.
pub(super) fn read_body(
    conn: &Connection,
    scenario: &str,
) -> rusqlite::Result<Option<(String, Option<String>)>> {
    if scenario == BASELINE {
        conn.query_row(
            "SELECT body, source_path FROM plan WHERE id = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
    } else {
        conn.query_row(
            "SELECT body FROM scenarios WHERE name = ?1",
            params![scenario],
            |row| Ok((row.get(0)?, None)),
        )
        .optional()
    }
}

/// Writes a scenario's plan body. For the baseline, `body` `None` removes the plan and
/// `source` `Some(path)` replaces the source path (`None` keeps it). A scenario always has a
/// body: `None` leaves it as it is.
pub(super) fn write_body(
    conn: &Connection,
    scenario: &str,
    body: Option<&str>,
    source: Option<Option<&str>>,
) -> rusqlite::Result<()> {
    match (scenario == BASELINE, body) {
        (true, None) => conn.execute("DELETE FROM plan WHERE id = 1", []),
        (true, Some(body)) => match source {
            Some(source) => conn.execute(
                "INSERT INTO plan (id, body, source_path) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, source_path = excluded.source_path",
                params![body, source],
            ),
            None => conn.execute(
                "INSERT INTO plan (id, body, source_path) VALUES (1, ?1, NULL)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body",
                params![body],
            ),
        },
        (false, Some(body)) => conn.execute(
            "UPDATE scenarios SET body = ?1 WHERE name = ?2",
            params![body, scenario],
        ),
        (false, None) => Ok(0),
    }
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::{Peer, PortSpec, Rule, RuleStatus, Selector, Sensitivity, Zone};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn edit() -> Change {
        Change {
            user: "alice".into(),
            action: "plan apply".into(),
            summary: "a test".into(),
        }
    }

    fn plan(zone: &str) -> Result<Plan, Box<dyn std::error::Error>> {
        Ok(Plan {
            zones: vec![Zone {
                name: zone.into(),
                sensitivity: Sensitivity::High,
                intra_zone: None,
                description: Some("é \"quoted\"\nline".into()),
                note: None,
                members: vec![
                    Selector::Cidr("10.0.0.0/8".parse()?),
                    Selector::Workload("db-01".into()),
                ],
            }],
            rules: vec![Rule {
                name: None,
                from: Peer::Any,
                to: Peer::Zone(zone.into()),
                ports: vec![PortSpec::Any],
                justification: None,
                owner: None,
                status: RuleStatus::Proposed,
                enabled: false,
                baseline: false,
                note: None,
                evidence: None,
            }],
            phases: vec![crate::model::rollout::Phase {
                name: "one".into(),
                zones: vec![zone.into()],
                enforcement: Vec::new(),
                mode: crate::model::rollout::PhaseMode::Enforce,
                target_date: None,
                owner: None,
                description: None,
                exit_criteria: Vec::new(),
            }],
            ..Plan::default()
        })
    }

    #[test]
    fn a_new_workspace_has_no_plan() -> TestResult {
        assert!(Workspace::in_memory()?.load_plan()?.is_none());
        Ok(())
    }

    #[test]
    fn a_saved_plan_reads_back_and_a_second_replaces_it() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("w.blastwall");
        let first = plan("pci")?;
        Workspace::open(&path)?.save_plan(&first, Some("/plans/a.yaml"), &edit())?;
        let workspace = Workspace::open(&path)?;
        assert_eq!(
            workspace.load_plan()?,
            Some((first, Some("/plans/a.yaml".to_string())))
        );
        let mut workspace = workspace;
        let second = plan("web")?;
        workspace.save_plan(&second, None, &edit())?;
        assert_eq!(workspace.load_plan()?, Some((second, None)));
        Ok(())
    }

    #[test]
    fn a_damaged_plan_is_reported_as_such() -> TestResult {
        let workspace = Workspace::in_memory()?;
        workspace
            .conn
            .execute("INSERT INTO plan (id, body) VALUES (1, 'not json')", [])?;
        let error = workspace.load_plan().err().ok_or("expected an error")?;
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
        Ok(())
    }
}
