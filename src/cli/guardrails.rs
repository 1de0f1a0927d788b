//! Broken guardrails as `simulate`, `check` and their `--json` print them.

use std::io::{self, Write};

use serde::Serialize;

use super::output::{EdgeJson, count, edge_table, table};
use crate::analysis::ResolvedEstate;
use crate::analysis::guardrails::GuardrailStatus;
use crate::analysis::zones::ZoneMap;
use crate::model::plan::Plan;

/// A broken guardrail: what opens it and the observed flows it forbids that the plan allows.
#[derive(Debug, Serialize)]
pub struct GuardrailJson {
    pub name: String,
    pub from: String,
    pub to: String,
    pub opened_by: Vec<String>,
    pub flows: Vec<EdgeJson>,
}

impl GuardrailJson {
    /// The broken ones among `statuses`, in plan order.
    pub fn broken(
        plan: &Plan,
        estate: &ResolvedEstate,
        zones: &ZoneMap,
        statuses: &[GuardrailStatus],
    ) -> Vec<GuardrailJson> {
        statuses
            .iter()
            .filter(|status| status.is_broken())
            .filter_map(|status| {
                let guardrail = plan.guardrails.get(status.guardrail)?;
                Some(GuardrailJson {
                    name: plan.guardrail_name(status.guardrail),
                    from: guardrail.from.to_string(),
                    to: guardrail.to.to_string(),
                    opened_by: (status.opened_by.iter())
                        .map(|o| o.describe(plan, zones))
                        .collect(),
                    flows: EdgeJson::sorted(estate, zones, status.allowed_flows.iter().copied()),
                })
            })
            .collect()
    }
}

/// `broken guardrails: N`, a table of them, and the flows each lets through.
pub fn print_guardrails(out: &mut impl Write, guardrails: &[GuardrailJson]) -> io::Result<()> {
    writeln!(out, "\nbroken guardrails: {}", guardrails.len())?;
    if guardrails.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = guardrails
        .iter()
        .map(|g| {
            vec![
                g.name.clone(),
                g.from.clone(),
                g.to.clone(),
                g.opened_by.join("; "),
                count(u64::try_from(g.flows.len()).unwrap_or(u64::MAX)),
            ]
        })
        .collect();
    table(
        out,
        &["GUARDRAIL", "FROM", "TO", "OPENED BY", "FLOWS"],
        &rows,
    )?;
    for guardrail in guardrails.iter().filter(|g| !g.flows.is_empty()) {
        writeln!(
            out,
            "\nflows guardrail {} forbids that the plan allows:",
            guardrail.name
        )?;
        edge_table(out, &guardrail.flows)?;
    }
    Ok(())
}
