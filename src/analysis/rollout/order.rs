//! A suggested phase order: observation first, then enforcement starting with the most valuable
//! data (zone sensitivity, then workloads holding regulated data classes), the less risky first
//! among equals (fewer flows that would break, fewer unowned rules).

use super::Rollout;
use crate::analysis::resolve::ResolvedEstate;
use crate::analysis::zones::ZoneMap;
use crate::model::plan::{Plan, Sensitivity};
use crate::model::rollout::PhaseMode;
use crate::model::workload::Attribute;

/// The suggested order (phase indices) with one line of reasoning per phase, in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderAdvice {
    pub order: Vec<usize>,
    pub reasons: Vec<String>,
}

struct Weighed {
    phase: usize,
    observe: bool,
    sensitivity: Option<Sensitivity>,
    regulated: u64,
    breaks: usize,
    unowned: usize,
}

/// Data classes that make a workload a regulated data holder.
const REGULATED: [&str; 4] = ["pci", "phi", "pii", "restricted"];

pub fn suggest_order(
    plan: &Plan,
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    rollout: &Rollout,
) -> OrderAdvice {
    let mut weighed: Vec<Weighed> = rollout
        .phases
        .iter()
        .map(|status| {
            let phase = &plan.phases[status.phase];
            let ids: Vec<u32> = phase.zones.iter().filter_map(|n| zones.index(n)).collect();
            let sensitivity = phase
                .zones
                .iter()
                .filter_map(|n| plan.zone(n))
                .map(|z| z.sensitivity)
                .max();
            let regulated = estate
                .workloads
                .iter()
                .zip(&zones.workload_zone)
                .filter(|(w, z)| {
                    ids.contains(z)
                        && REGULATED
                            .contains(&w.attribute(Attribute::DataClass).to_lowercase().as_str())
                })
                .count() as u64;
            let unowned = status
                .rules_in_scope
                .iter()
                .filter(|&&r| {
                    plan.rules[r]
                        .owner
                        .as_deref()
                        .is_none_or(|o| o.trim().is_empty())
                })
                .count();
            Weighed {
                phase: status.phase,
                observe: phase.mode == PhaseMode::Observe,
                sensitivity,
                regulated,
                breaks: status.breaks.len(),
                unowned,
            }
        })
        .collect();
    weighed.sort_by(|a, b| {
        b.observe
            .cmp(&a.observe)
            .then(b.sensitivity.cmp(&a.sensitivity))
            .then(b.regulated.cmp(&a.regulated))
            .then((a.breaks + a.unowned).cmp(&(b.breaks + b.unowned)))
            .then(a.phase.cmp(&b.phase))
    });
    let reasons = weighed.iter().map(|w| reason(plan, w)).collect();
    OrderAdvice {
        order: weighed.iter().map(|w| w.phase).collect(),
        reasons,
    }
}

fn reason(plan: &Plan, w: &Weighed) -> String {
    let phase = &plan.phases[w.phase];
    if w.observe {
        return format!(
            "{}: observe first — it logs and enforces nothing, and gathers the evidence the \
             enforce phases need",
            phase.name
        );
    }
    let value = match w.sensitivity {
        Some(s) => format!("{} sensitivity", s.as_str()),
        None => "no zone".to_string(),
    };
    let regulated = match w.regulated {
        0 => String::new(),
        n => format!(", {n} workloads with regulated data"),
    };
    let mut risks = Vec::new();
    if w.breaks > 0 {
        risks.push(format!("{} observed flows would break", w.breaks));
    }
    if w.unowned > 0 {
        risks.push(format!("{} rules have no owner", w.unowned));
    }
    let risk = match risks.as_slice() {
        [] => "nothing would break and every rule has an owner".to_string(),
        _ => format!("{}: fix before enforcing", risks.join(" and ")),
    };
    format!("{}: {value}{regulated}; {risk}", phase.name)
}
