//! `blastwall simulate`: default-deny against the observed flows.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::guardrails::{GuardrailJson, print_guardrails};
use super::output::{EdgeJson, count, edge_table, json, table};
use crate::analysis::guardrails::check_guardrails;
use crate::analysis::simulate::{Simulation, Verdict, simulate};
use crate::ops::plan_view::{PlanView, load_plan_view};
use crate::store::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct SimulationJson {
    evaluated: u64,
    allowed: u64,
    denied: u64,
    denied_edges: Vec<EdgeJson>,
    by_rule: BTreeMap<String, u64>,
    unused_rules: Vec<String>,
    already_blocked: u64,
    already_blocked_edges: Vec<EdgeJson>,
    /// Broken guardrails (none when the plan keeps them all).
    guardrails: Vec<GuardrailJson>,
}

fn edges(view: &PlanView, sim: &Simulation, verdict: Verdict) -> Vec<EdgeJson> {
    let indices = (sim.verdicts.iter().enumerate())
        .filter(|(_, v)| **v == verdict)
        .map(|(i, _)| i);
    EdgeJson::sorted(&view.estate, &view.zones, indices)
}

pub fn run(workspace: &Workspace, args: &Args) -> anyhow::Result<ExitCode> {
    let view = load_plan_view(workspace)?;
    let Some(plan) = &view.plan else {
        anyhow::bail!(
            "no plan in workspace {}\n  hint: blastwall plan apply FILE",
            workspace.path()
        );
    };
    let sim = simulate(plan, &view.estate, &view.zones);
    let by_rule: BTreeMap<String, u64> = (0..plan.rules.len())
        .filter(|&r| plan.rules[r].enabled)
        .map(|r| (plan.rule_name(r), sim.rule_edges[r]))
        .collect();
    let report = SimulationJson {
        evaluated: sim.evaluated,
        allowed: sim.allowed,
        denied: sim.denied,
        denied_edges: edges(&view, &sim, Verdict::Denied),
        by_rule,
        unused_rules: sim
            .unused_rules(plan)
            .into_iter()
            .map(|r| plan.rule_name(r))
            .collect(),
        already_blocked: sim.already_blocked,
        already_blocked_edges: edges(&view, &sim, Verdict::AlreadyBlocked),
        guardrails: GuardrailJson::broken(
            plan,
            &view.estate,
            &view.zones,
            &check_guardrails(plan, &view.estate, &view.zones, &sim),
        ),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        json(&mut out, &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} edges evaluated: {} allowed, {} denied (would break under enforcement); {} already blocked",
        count(report.evaluated),
        count(report.allowed),
        count(report.denied),
        count(report.already_blocked)
    )?;
    if !report.denied_edges.is_empty() {
        writeln!(out, "\ndenied:")?;
        edge_table(&mut out, &report.denied_edges)?;
    }
    writeln!(out, "\nrules:")?;
    let rows: Vec<Vec<String>> = report
        .by_rule
        .iter()
        .map(|(name, n)| vec![name.clone(), count(*n)])
        .collect();
    table(&mut out, &["RULE", "EDGES"], &rows)?;
    if !report.unused_rules.is_empty() {
        writeln!(
            out,
            "\nunused rules (match no observed edge): {}",
            report.unused_rules.join(", ")
        )?;
    }
    if !plan.guardrails.is_empty() {
        print_guardrails(&mut out, &report.guardrails)?;
    }
    Ok(ExitCode::SUCCESS)
}
