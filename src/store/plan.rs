//! The segmentation plan: one row, the plan as JSON, and the file it was applied from.

use rusqlite::{OptionalExtension, params};

use super::{StoreError, Workspace};
use crate::model::plan::Plan;

impl Workspace {
    /// Stores the plan, replacing the one stored before, in one transaction.
    pub fn save_plan(&mut self, plan: &Plan, source_path: Option<&str>) -> Result<(), StoreError> {
        let body = serde_json::to_string(plan)
            .map_err(|e| self.corrupt(format!("the plan could not be written as JSON: {e}")))?;
        let path = self.path.clone();
        let sql = |source| StoreError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO plan (id, body, source_path) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, source_path = excluded.source_path",
            params![body, source_path],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)
    }

    /// The stored plan and the file it was applied from, if a plan was stored.
    pub fn load_plan(&self) -> Result<Option<(Plan, Option<String>)>, StoreError> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT body, source_path FROM plan WHERE id = 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some((body, source_path)) = row else {
            return Ok(None);
        };
        let plan = serde_json::from_str(&body)
            .map_err(|e| self.corrupt(format!("the stored plan: {e}")))?;
        Ok(Some((plan, source_path)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plan::{Peer, PortSpec, Rule, RuleStatus, Selector, Sensitivity, Zone};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

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
        Workspace::open(&path)?.save_plan(&first, Some("/plans/a.yaml"))?;
        let workspace = Workspace::open(&path)?;
        assert_eq!(
            workspace.load_plan()?,
            Some((first, Some("/plans/a.yaml".to_string())))
        );
        let mut workspace = workspace;
        let second = plan("web")?;
        workspace.save_plan(&second, None)?;
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
