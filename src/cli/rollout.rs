//! `blastwall rollout`: the phases of the stored plan, what each one changes, and whether it is
//! ready to leave; `suggest-order` and `tick`.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use super::output::{count, json};
use crate::model::rollout::Criterion;
use crate::ops::WorkspaceChoice;
use crate::ops::rollout::{
    RolloutView, StepJson, advise_order, load_rollout, reorder_phases, tick, tick_now,
};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<RolloutCommand>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Suggest a phase order: observation first, then the most valuable data, the least risky
    /// first among equals; one line of reasoning per phase.
    SuggestOrder {
        /// Reorder the stored plan's phases this way.
        #[arg(long)]
        apply: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Tick a statement among a phase's exit criteria (records the OS user and the time).
    Tick {
        /// The phase, by name or number (1-based).
        phase: String,
        /// The exit criterion, by number (1-based).
        item: usize,
        /// Clear the tick instead.
        #[arg(long)]
        untick: bool,
    },
}

#[derive(Serialize)]
struct CriterionJson {
    criterion: String,
    kind: &'static str,
    state: &'static str,
    detail: String,
    /// Met or ticked.
    #[serde(skip)]
    done: bool,
}

#[derive(Serialize)]
struct PhaseJson {
    name: String,
    zones: Vec<String>,
    mode: &'static str,
    enforcement: Vec<&'static str>,
    enforcement_proposed: bool,
    target_date: Option<String>,
    owner: Option<String>,
    criteria: Vec<CriterionJson>,
    ready: bool,
    breaks: usize,
    after: StepJson,
}

#[derive(Serialize)]
struct GuardrailJson {
    name: String,
    from: String,
    to: String,
    broken: bool,
    opened_by: Vec<String>,
    allowed_flows: usize,
}

#[derive(Serialize)]
struct RolloutJson {
    before: StepJson,
    phases: Vec<PhaseJson>,
    never_enforced: Vec<String>,
    guardrails: Vec<GuardrailJson>,
}

pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        None => show(choice, args.json),
        Some(RolloutCommand::SuggestOrder { apply, json }) => suggest(choice, *apply, *json),
        Some(RolloutCommand::Tick {
            phase,
            item,
            untick,
        }) => {
            let mut workspace = super::open(choice)?;
            super::note_scenario(&workspace)?;
            let stamp = (!untick).then(tick_now);
            let text = tick(&mut workspace, phase, *item, stamp.clone())?;
            let mut out = std::io::stdout().lock();
            match stamp {
                Some(t) => writeln!(out, "ticked {text:?} ({} at {})", t.by, t.at)?,
                None => writeln!(out, "unticked {text:?}")?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn criterion_text(criterion: &Criterion) -> (String, &'static str) {
    match criterion {
        Criterion::Checkbox { text, .. } => (text.clone(), "checkbox"),
        Criterion::Check(check) => (check.name().to_string(), "check"),
    }
}

fn report(view: &RolloutView) -> RolloutJson {
    let (plan, estate, zones) = (&view.plan, &view.view.estate, &view.view.zones);
    let phases = view
        .rollout
        .phases
        .iter()
        .map(|status| {
            let phase = &plan.phases[status.phase];
            let criteria = phase
                .exit_criteria
                .iter()
                .zip(&status.criteria)
                .map(|(criterion, s)| {
                    let (text, kind) = criterion_text(criterion);
                    let text = match criterion {
                        Criterion::Check(crate::model::rollout::Check::ObservationDays { min }) => {
                            format!("{text} (min {min})")
                        }
                        Criterion::Check(crate::model::rollout::Check::MaxPlannedBlast { max }) => {
                            format!("{text} (max {max})")
                        }
                        _ => text,
                    };
                    CriterionJson {
                        criterion: text,
                        kind,
                        state: s.state.as_str(),
                        detail: s.detail.clone(),
                        done: s.state.is_done(),
                    }
                })
                .collect();
            PhaseJson {
                name: phase.name.clone(),
                zones: phase.zones.clone(),
                mode: phase.mode.as_str(),
                enforcement: status.enforcement.iter().map(|e| e.as_str()).collect(),
                enforcement_proposed: status.proposed,
                target_date: phase.target_date.clone(),
                owner: phase.owner.clone(),
                criteria,
                ready: status.ready(),
                breaks: status.breaks.len(),
                after: StepJson::new(&status.after, estate),
            }
        })
        .collect();
    let guardrails = view
        .guardrails
        .iter()
        .map(|g| {
            let guardrail = &plan.guardrails[g.guardrail];
            GuardrailJson {
                name: plan.guardrail_name(g.guardrail),
                from: guardrail.from.to_string(),
                to: guardrail.to.to_string(),
                broken: g.is_broken(),
                opened_by: g
                    .opened_by
                    .iter()
                    .map(|o| o.describe(plan, zones))
                    .collect(),
                allowed_flows: g.allowed_flows.len(),
            }
        })
        .collect();
    RolloutJson {
        before: StepJson::new(&view.rollout.before, estate),
        phases,
        never_enforced: view.rollout.never_enforced.clone(),
        guardrails,
    }
}

fn step_line(step: &StepJson) -> String {
    let worst = step
        .worst
        .as_ref()
        .map(|w| format!(" ({w})"))
        .unwrap_or_default();
    format!(
        "{} of {} flows denied; blast radius mean {:.1}, max {}{worst}",
        count(step.denied),
        count(step.evaluated),
        step.blast_mean,
        count(step.blast_max)
    )
}

fn show(choice: &WorkspaceChoice, as_json: bool) -> anyhow::Result<ExitCode> {
    let workspace = super::open_plan_flows(choice)?;
    let view = load_rollout(&workspace)?;
    let report = report(&view);
    let mut out = std::io::stdout().lock();
    if as_json {
        json(&mut out, &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "before any phase: {}", step_line(&report.before))?;
    if report.phases.is_empty() {
        writeln!(
            out,
            "\nthe plan has no phases yet (see docs/rollout.md; `blastwall rollout suggest-order` \
             weighs an order once there are some)"
        )?;
    }
    for (n, phase) in report.phases.iter().enumerate() {
        let controls = match phase.enforcement.as_slice() {
            [] => "none".to_string(),
            list => list.join(", "),
        };
        let proposed = if phase.enforcement_proposed {
            " (proposed)"
        } else {
            ""
        };
        writeln!(
            out,
            "\n{}. {} [{}] zones: {}; controls: {controls}{proposed}",
            n + 1,
            phase.name,
            phase.mode,
            if phase.zones.is_empty() {
                "none".to_string()
            } else {
                phase.zones.join(", ")
            }
        )?;
        let mut meta = Vec::new();
        if let Some(date) = &phase.target_date {
            meta.push(format!("target {date}"));
        }
        if let Some(owner) = &phase.owner {
            meta.push(format!("owner {owner}"));
        }
        if !meta.is_empty() {
            writeln!(out, "   {}", meta.join(", "))?;
        }
        writeln!(out, "   after: {}", step_line(&phase.after))?;
        let done = phase.criteria.iter().filter(|c| c.done).count();
        writeln!(
            out,
            "   exit criteria: {done} of {} done{}",
            phase.criteria.len(),
            if phase.ready { " — ready" } else { "" }
        )?;
        for (i, c) in phase.criteria.iter().enumerate() {
            let mark = if c.done { "x" } else { " " };
            writeln!(
                out,
                "     {}. [{mark}] {} — {}",
                i + 1,
                c.criterion,
                c.detail
            )?;
        }
    }
    if !report.never_enforced.is_empty() {
        writeln!(
            out,
            "\nnever enforced (no enforce phase names them): {}",
            report.never_enforced.join(", ")
        )?;
    }
    let broken: Vec<&GuardrailJson> = report.guardrails.iter().filter(|g| g.broken).collect();
    if !report.guardrails.is_empty() {
        writeln!(
            out,
            "\nguardrails: {} of {} broken",
            broken.len(),
            report.guardrails.len()
        )?;
        for g in broken {
            writeln!(
                out,
                "  {} ({} → {}): opened by {}; {} observed flows allowed",
                g.name,
                g.from,
                g.to,
                if g.opened_by.is_empty() {
                    "nothing in the rules".to_string()
                } else {
                    g.opened_by.join(", ")
                },
                g.allowed_flows
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct OrderJson {
    order: Vec<OrderEntry>,
    applied: bool,
}

#[derive(Serialize)]
struct OrderEntry {
    phase: String,
    reason: String,
}

fn suggest(choice: &WorkspaceChoice, apply: bool, as_json: bool) -> anyhow::Result<ExitCode> {
    let mut workspace = if apply {
        super::open(choice)?
    } else {
        super::open_to_read(choice)?
    };
    super::narrow(&mut workspace)?;
    super::note_scenario(&workspace)?;
    let view = load_rollout(&workspace)?;
    let advice = advise_order(&view);
    let entries: Vec<OrderEntry> = advice
        .order
        .iter()
        .zip(&advice.reasons)
        .map(|(&p, reason)| OrderEntry {
            phase: view.plan.phases[p].name.clone(),
            reason: reason.clone(),
        })
        .collect();
    if apply {
        reorder_phases(&mut workspace, &advice.order)?;
    }
    let mut out = std::io::stdout().lock();
    if as_json {
        json(
            &mut out,
            &OrderJson {
                order: entries,
                applied: apply,
            },
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        writeln!(out, "the plan has no phases to order")?;
    }
    for (n, entry) in entries.iter().enumerate() {
        writeln!(out, "{}. {}", n + 1, entry.reason)?;
    }
    if apply {
        writeln!(out, "\nthe stored plan's phases are now in this order")?;
    } else if advice.order.iter().enumerate().any(|(i, &p)| i != p) {
        writeln!(out, "\n--apply puts the stored plan's phases in this order")?;
    } else {
        writeln!(out, "\nthe phases are already in this order")?;
    }
    Ok(ExitCode::SUCCESS)
}
