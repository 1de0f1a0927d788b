//! The rollout plan: the phases in order with their zones, controls, mode, date, owner and exit
//! criteria (with their state), the blast-radius effect of each phase, and the guardrails.
//! Floats have one decimal, so the text is stable.

use std::fmt::Write as _;

use super::markdown::{cell, code, count, table};
use super::{Context, markdown_digests};
use crate::analysis::rollout::{PhaseStatus, Step};
use crate::export::yaml::{Node, entry, number, text, to_yaml};
use crate::model::rollout::{Check, Criterion, Phase};

/// A criterion as one line: the checkbox's text, or the check's name and bound.
pub fn criterion_label(criterion: &Criterion) -> String {
    match criterion {
        Criterion::Checkbox { text, .. } => text.clone(),
        Criterion::Check(check) => match check {
            Check::ObservationDays { min } => format!("{} (min {min})", check.name()),
            Check::MaxPlannedBlast { max } => format!("{} (max {max})", check.name()),
            Check::NoDeniedFlows | Check::RulesOwned | Check::NoBlindSpots => {
                check.name().to_string()
            }
        },
    }
}

/// A mean radius with one decimal.
fn mean(step: &Step) -> String {
    format!("{:.1}", step.blast_mean)
}

fn worst(ctx: &Context, step: &Step) -> String {
    step.worst
        .and_then(|w| ctx.estate.workloads.get(w as usize))
        .map_or_else(String::new, |w| w.name.clone())
}

/// The controls as written: `a, b`, with `(proposed)` when Blastwall proposed them.
fn controls(status: &PhaseStatus) -> String {
    let names: Vec<String> = status
        .enforcement
        .iter()
        .map(|e| code(e.as_str()))
        .collect();
    let list = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    if status.proposed {
        format!("{list} (proposed)")
    } else {
        list
    }
}

/// The phases with their evaluation, in plan order.
fn phases<'c>(ctx: &'c Context) -> impl Iterator<Item = (&'c Phase, &'c PhaseStatus)> {
    let statuses = &ctx.rollout().phases;
    statuses
        .iter()
        .filter_map(|s| ctx.plan.phases.get(s.phase).map(|p| (p, s)))
}

/// `rollout-plan.md`.
pub fn markdown(ctx: &Context) -> String {
    let rollout = ctx.rollout();
    let mut out = String::from("# Rollout plan\n\n");
    out.push_str(&markdown_digests(ctx));
    let _ = writeln!(out, "\n{}.\n", count(rollout.phases.len(), "phase"));
    let step_row = |name: String, step: &Step| {
        vec![
            name,
            step.enforced.join(", "),
            format!("{} of {}", step.denied, step.evaluated),
            mean(step),
            step.blast_max.to_string(),
            worst(ctx, step),
        ]
    };
    let mut rows = vec![step_row("before".to_string(), &rollout.before)];
    for (n, (phase, status)) in phases(ctx).enumerate() {
        rows.push(step_row(
            format!("{}. {}", n + 1, phase.name),
            &status.after,
        ));
    }
    let header = [
        "step",
        "enforced zones",
        "denied flows",
        "mean blast radius",
        "max blast radius",
        "worst workload",
    ];
    table(&mut out, &header, &rows);
    for (n, (phase, status)) in phases(ctx).enumerate() {
        phase_section(&mut out, n + 1, phase, status);
    }
    if !rollout.never_enforced.is_empty() {
        let zones: Vec<String> = rollout.never_enforced.iter().map(|z| code(z)).collect();
        let _ = writeln!(out, "\n## Never enforced\n\n{}", zones.join(", "));
    }
    guardrails_section(&mut out, ctx);
    out
}

fn phase_section(out: &mut String, n: usize, phase: &Phase, status: &PhaseStatus) {
    let _ = writeln!(out, "\n## Phase {n}: {}\n", cell(&phase.name));
    if let Some(description) = &phase.description {
        let _ = writeln!(out, "{}\n", cell(description));
    }
    let zones: Vec<String> = phase.zones.iter().map(|z| code(z)).collect();
    let optional = |v: &Option<String>| v.as_deref().map_or_else(|| "-".to_string(), cell);
    let _ = writeln!(out, "- zones: {}", zones.join(", "));
    let _ = writeln!(out, "- mode: {}", phase.mode.as_str());
    let _ = writeln!(out, "- controls: {}", controls(status));
    let _ = writeln!(out, "- target date: {}", optional(&phase.target_date));
    let _ = writeln!(out, "- owner: {}", optional(&phase.owner));
    let _ = writeln!(
        out,
        "- breaks: {} observed flows into its zones the plan denies",
        status.breaks.len()
    );
    let after = &status.after;
    let _ = writeln!(
        out,
        "- after this phase: {} of {} flows denied; blast radius mean {}, max {}",
        after.denied,
        after.evaluated,
        mean(after),
        after.blast_max
    );
    let ready = if status.ready() { "yes" } else { "no" };
    let _ = writeln!(out, "- ready to leave: {ready}");
    if phase.exit_criteria.is_empty() {
        return;
    }
    out.push_str("\nExit criteria:\n\n");
    let rows: Vec<Vec<String>> = phase
        .exit_criteria
        .iter()
        .zip(&status.criteria)
        .map(|(c, s)| {
            vec![
                criterion_label(c),
                s.state.as_str().into(),
                s.detail.clone(),
            ]
        })
        .collect();
    table(out, &["criterion", "status", "detail"], &rows);
}

fn guardrails_section(out: &mut String, ctx: &Context) {
    let plan = ctx.plan;
    if plan.guardrails.is_empty() {
        return;
    }
    out.push_str("\n## Guardrails\n\n");
    let rows: Vec<Vec<String>> = plan
        .guardrails
        .iter()
        .enumerate()
        .map(|(i, g)| {
            vec![
                plan.guardrail_name(i),
                g.from.to_string(),
                g.to.to_string(),
                ports(&g.ports),
                g.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(out, &["guardrail", "from", "to", "ports", "note"], &rows);
}

fn ports(ports: &[crate::model::plan::PortSpec]) -> String {
    if ports.is_empty() {
        return "all".to_string();
    }
    let ports: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
    ports.join(", ")
}

/// `rollout-plan.yaml`.
pub fn yaml(ctx: &Context) -> String {
    let rollout = ctx.rollout();
    let phases = phases(ctx).map(|(p, s)| phase_node(ctx, p, s)).collect();
    let never = rollout.never_enforced.iter().map(|z| text(z)).collect();
    let guardrails = ctx.plan.guardrails.iter().enumerate().map(|(i, g)| {
        let mut fields = vec![
            entry("name", text(&ctx.plan.guardrail_name(i))),
            entry("from", text(&g.from.to_string())),
            entry("to", text(&g.to.to_string())),
            entry("ports", text(&ports(&g.ports))),
        ];
        if let Some(note) = &g.note {
            fields.push(entry("note", text(note)));
        }
        Node::Map(fields)
    });
    to_yaml(&[
        entry("estate_digest", text(&ctx.digests.estate)),
        entry("plan_digest", text(&ctx.digests.plan)),
        entry("before", step_node(ctx, &rollout.before)),
        entry("phases", Node::List(phases)),
        entry("never_enforced", Node::FlowList(never)),
        entry("guardrails", Node::List(guardrails.collect())),
    ])
}

fn step_node(ctx: &Context, step: &Step) -> Node {
    let enforced = step.enforced.iter().map(|z| text(z)).collect();
    let mut fields = vec![
        entry("enforced", Node::FlowList(enforced)),
        entry("denied_flows", number(step.denied)),
        entry("evaluated_flows", number(step.evaluated)),
        entry("blast_mean", number(mean(step))),
        entry("blast_max", number(step.blast_max)),
    ];
    let worst = worst(ctx, step);
    if !worst.is_empty() {
        fields.push(entry("worst", text(&worst)));
    }
    Node::Map(fields)
}

fn phase_node(ctx: &Context, phase: &Phase, status: &PhaseStatus) -> Node {
    let zones = phase.zones.iter().map(|z| text(z)).collect();
    let controls = status
        .enforcement
        .iter()
        .map(|e| text(e.as_str()))
        .collect();
    let mut fields = vec![
        entry("name", text(&phase.name)),
        entry("zones", Node::FlowList(zones)),
        entry("mode", text(phase.mode.as_str())),
        entry("controls", Node::FlowList(controls)),
        entry("controls_proposed", number(status.proposed)),
    ];
    for (key, value) in [
        ("target_date", &phase.target_date),
        ("owner", &phase.owner),
        ("description", &phase.description),
    ] {
        if let Some(value) = value {
            fields.push(entry(key, text(value)));
        }
    }
    let criteria = phase
        .exit_criteria
        .iter()
        .zip(&status.criteria)
        .map(|(c, s)| {
            Node::Map(vec![
                entry("criterion", text(&criterion_label(c))),
                entry("status", text(s.state.as_str())),
                entry("detail", text(&s.detail)),
            ])
        });
    fields.extend([
        entry("exit_criteria", Node::List(criteria.collect())),
        entry("ready", number(status.ready())),
        entry("breaks", number(status.breaks.len())),
        entry("after", step_node(ctx, &status.after)),
    ]);
    Node::Map(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::TestResult;
    use crate::export::deliverables::tests::{Fixture, PLAN};

    #[test]
    fn phases_show_controls_criteria_effect_and_guardrails() -> TestResult {
        let fixture = Fixture::new(PLAN)?;
        let ctx = fixture.ctx();
        let md = markdown(&ctx);
        for needle in [
            "1 phase.",
            "| before |",
            "| 1. data first | data |",
            "## Phase 1: data first",
            "(proposed)",
            "- target date: 2026-01-15",
            "| DBA signed off | open |",
            "| no-internet-to-data | {zone: internet} | {zone: data} | all |",
        ] {
            assert!(md.contains(needle), "{needle:?} not in\n{md}");
        }
        let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml(&ctx))?;
        let phase = &value["phases"][0];
        assert_eq!(phase["controls_proposed"].as_bool(), Some(true));
        assert_eq!(phase["exit_criteria"][1]["status"].as_str(), Some("open"));
        assert_eq!(phase["after"]["enforced"][0].as_str(), Some("data"));
        let mean = value["before"]["blast_mean"].as_f64().ok_or("mean")?;
        assert!(mean >= 0.0);
        let text = format!("{:?}", value["before"]["blast_mean"]);
        assert!(text.contains('.'), "{text}");
        Ok(())
    }

    #[test]
    fn criteria_read_as_written() {
        let check = Criterion::Check(Check::ObservationDays { min: 14 });
        assert_eq!(criterion_label(&check), "observation_days (min 14)");
        let box_ = Criterion::Checkbox {
            text: "signed".into(),
            ticked: None,
        };
        assert_eq!(criterion_label(&box_), "signed");
    }
}
