//! Scenarios: named copies of the plan to try changes on. `baseline` is the stored plan (the
//! `plan` table); the others live in `scenarios`. Which one is active is a setting; every plan
//! read and write goes to the active one. Each operation is one transaction and records itself
//! in the history.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::history::{Change, close_stack, insert_change};
use super::plan::{read_body, save_body};
use super::{StoreError, Workspace, refused};
use crate::model::plan::Plan;

/// The name of the stored plan as a scenario.
pub const BASELINE: &str = "baseline";

const ACTIVE_KEY: &str = "active_scenario";

/// A scenario as `scenario list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    /// The scenario it was copied from (none for the baseline).
    pub based_on: Option<String>,
    /// Unix seconds (none for the baseline).
    pub created_at: Option<i64>,
    /// Whether it holds a plan (the baseline may not yet).
    pub has_plan: bool,
    pub zones: usize,
    pub rules: usize,
    pub active: bool,
}

/// The active scenario: the setting, or the baseline when it is unset or names no scenario.
pub(super) fn active_in(conn: &Connection) -> rusqlite::Result<String> {
    let name: Option<String> = conn
        .query_row(
            "SELECT s.name FROM settings t JOIN scenarios s ON s.name = t.value WHERE t.key = ?1",
            params![ACTIVE_KEY],
            |row| row.get(0),
        )
        .optional()?;
    Ok(name.unwrap_or_else(|| BASELINE.to_string()))
}

fn set_active(conn: &Connection, name: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![ACTIVE_KEY, name],
    )
    .map(|_| ())
}

fn exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    if name == BASELINE {
        return Ok(true);
    }
    conn.query_row(
        "SELECT COUNT(*) FROM scenarios WHERE name = ?1",
        params![name],
        |row| row.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Why a name cannot name a new scenario, if it cannot.
fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a scenario name cannot be empty".into());
    }
    if name.eq_ignore_ascii_case(BASELINE) {
        return Some(format!(
            "{name:?} is the stored plan's name; pick another name"
        ));
    }
    if name.chars().count() > 64 {
        return Some(format!(
            "scenario name {name:?} is longer than 64 characters"
        ));
    }
    let bad = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')));
    bad.map(|c| {
        format!("scenario name {name:?} has {c:?}; expected letters, digits, '-', '_' or '.'")
    })
}

fn check_new_name(conn: &Connection, name: &str, errors: &super::Errors) -> Result<(), StoreError> {
    if let Some(problem) = name_problem(name) {
        return Err(refused(
            problem,
            "for example: blastwall scenario new tighter-db",
        ));
    }
    if exists(conn, name).map_err(|e| errors.sql(e))? {
        return Err(refused(
            format!("scenario {name} already exists"),
            "`blastwall scenario list` shows the scenarios; pick another name",
        ));
    }
    Ok(())
}

fn unknown(name: &str) -> StoreError {
    refused(
        format!("no scenario {name:?}"),
        "`blastwall scenario list` shows the scenarios",
    )
}

fn require(conn: &Connection, name: &str, errors: &super::Errors) -> Result<(), StoreError> {
    match exists(conn, name).map_err(|e| errors.sql(e))? {
        true => Ok(()),
        false => Err(unknown(name)),
    }
}

fn not_baseline(name: &str, what: &str) -> Result<(), StoreError> {
    match name == BASELINE {
        true => Err(refused(
            format!("the baseline (the stored plan) cannot be {what}"),
            "`blastwall scenario new NAME` copies it into a scenario",
        )),
        false => Ok(()),
    }
}

impl Workspace {
    /// The active scenario (`baseline` when none was chosen or the chosen one is gone).
    pub fn active_scenario(&self) -> Result<String, StoreError> {
        active_in(&self.conn).map_err(|e| self.sql(e))
    }

    /// The baseline first, then the scenarios by name.
    pub fn scenarios(&self) -> Result<Vec<ScenarioInfo>, StoreError> {
        let active = self.active_scenario()?;
        let mut statement = self
            .conn
            .prepare("SELECT name, based_on, created_at FROM scenarios ORDER BY name")
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?))
            })
            .map_err(|e| self.sql(e))?;
        let mut named = vec![(BASELINE.to_string(), None, None)];
        for row in rows {
            named.push(row.map_err(|e| self.sql(e))?);
        }
        let mut out = Vec::with_capacity(named.len());
        for (name, based_on, created_at) in named {
            let plan: Option<Plan> = self.load_plan_of(&name)?.map(|(plan, _)| plan);
            out.push(ScenarioInfo {
                active: name == active,
                has_plan: plan.is_some(),
                zones: plan.as_ref().map_or(0, |p| p.zones.len()),
                rules: plan.as_ref().map_or(0, |p| p.rules.len()),
                name,
                based_on,
                created_at,
            });
        }
        Ok(out)
    }

    /// Creates scenario `name` as a copy of `from` (default: the active scenario), and makes it
    /// the active one when `switch`. Refused (nothing changed) for a bad or taken name, an
    /// unknown `from`, or a `from` with no plan.
    pub fn create_scenario(
        &mut self,
        name: &str,
        from: Option<&str>,
        switch: bool,
        user: &str,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx, errors| {
            let sql = |e| errors.sql(e);
            check_new_name(tx, name, errors)?;
            let from = match from {
                Some(from) => from.to_string(),
                None => active_in(tx).map_err(sql)?,
            };
            require(tx, &from, errors)?;
            let Some((body, _)) = read_body(tx, &from).map_err(sql)? else {
                return Err(refused(
                    format!("scenario {from} has no plan to copy"),
                    "`blastwall plan apply FILE` stores one first",
                ));
            };
            tx.execute(
                "INSERT INTO scenarios (name, body, based_on, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, body, from, super::history::now()],
            )
            .map_err(sql)?;
            let mut summary = format!("created {name} from {from}");
            if switch {
                set_active(tx, name).map_err(sql)?;
                summary.push_str(" and switched to it");
            }
            let change = Change::new(user, "scenario new", summary);
            insert_change(tx, name, &change, None, None).map_err(sql)?;
            Ok(())
        })
    }

    /// Makes `name` the active scenario (`baseline` allowed). Returns false when it already was
    /// (nothing is recorded then).
    pub fn switch_scenario(&mut self, name: &str, user: &str) -> Result<bool, StoreError> {
        self.in_transaction(|tx, errors| {
            let sql = |e| errors.sql(e);
            require(tx, name, errors)?;
            let active = active_in(tx).map_err(sql)?;
            if active == name {
                return Ok(false);
            }
            set_active(tx, name).map_err(sql)?;
            let change = Change::new(user, "scenario switch", format!("{active} -> {name}"));
            insert_change(tx, name, &change, None, None).map_err(sql)?;
            Ok(true)
        })
    }

    /// Renames a scenario (not the baseline); it stays active if it was. Its undo history is
    /// closed: changes made under the old name can no longer be undone.
    pub fn rename_scenario(&mut self, old: &str, new: &str, user: &str) -> Result<(), StoreError> {
        self.in_transaction(|tx, errors| {
            let sql = |e| errors.sql(e);
            not_baseline(old, "renamed")?;
            require(tx, old, errors)?;
            check_new_name(tx, new, errors)?;
            let was_active = active_in(tx).map_err(sql)? == old;
            tx.execute(
                "UPDATE scenarios SET name = ?1 WHERE name = ?2",
                params![new, old],
            )
            .map_err(sql)?;
            tx.execute(
                "UPDATE scenarios SET based_on = ?1 WHERE based_on = ?2",
                params![new, old],
            )
            .map_err(sql)?;
            close_stack(tx, old).map_err(sql)?;
            if was_active {
                set_active(tx, new).map_err(sql)?;
            }
            let change = Change::new(user, "scenario rename", format!("{old} -> {new}"));
            insert_change(tx, new, &change, None, None).map_err(sql)?;
            Ok(())
        })
    }

    /// Deletes a scenario (not the baseline). Deleting the active one makes the baseline
    /// active. Returns whether it was the active one.
    pub fn delete_scenario(&mut self, name: &str, user: &str) -> Result<bool, StoreError> {
        self.in_transaction(|tx, errors| {
            let sql = |e| errors.sql(e);
            not_baseline(name, "deleted")?;
            require(tx, name, errors)?;
            let was_active = delete_in(tx, name).map_err(sql)?;
            let mut summary = format!("deleted {name}");
            if was_active {
                summary.push_str("; baseline is active");
            }
            let change = Change::new(user, "scenario delete", summary);
            insert_change(tx, name, &change, None, None).map_err(sql)?;
            Ok(was_active)
        })
    }

    /// Makes scenario `name`'s plan the baseline (recorded as a baseline plan change, so
    /// `undo` on the baseline takes it back), deletes the scenario unless `keep`, and makes the
    /// baseline active.
    pub fn promote_scenario(
        &mut self,
        name: &str,
        keep: bool,
        user: &str,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx, errors| {
            let sql = |e| errors.sql(e);
            if name == BASELINE {
                return Err(refused(
                    "the baseline is the stored plan already",
                    "name the scenario to promote: blastwall scenario promote NAME",
                ));
            }
            require(tx, name, errors)?;
            let Some((body, _)) = read_body(tx, name).map_err(sql)? else {
                return Err(unknown(name));
            };
            if !keep {
                delete_in(tx, name).map_err(sql)?;
            }
            set_active(tx, BASELINE).map_err(sql)?;
            let summary = match keep {
                true => format!("baseline := {name} (kept)"),
                false => format!("baseline := {name} (scenario deleted)"),
            };
            let change = Change::new(user, "scenario promote", summary);
            save_body(tx, BASELINE, &body, None, &change).map_err(sql)
        })
    }
}

/// Deletes a scenario row and closes its history; returns whether it was the active one (the
/// baseline is then active).
fn delete_in(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    let was_active = active_in(conn)? == name;
    conn.execute("DELETE FROM scenarios WHERE name = ?1", params![name])?;
    close_stack(conn, name)?;
    if was_active {
        set_active(conn, BASELINE)?;
    }
    Ok(was_active)
}
