//! Units: the smallest groups a suggested plan names, and the selectors that claim exactly them.
//!
//! Workloads of one application and tier form a unit (`labels: {app: orders, tier: data}`), an
//! application without tiers is one unit (`app: vdi`), and a workload without an application is
//! a unit of its own (`workload: NAME`). A selector is only used where it claims exactly the
//! unit's workloads; otherwise the unit is named workload by workload.

use rustc_hash::FxHashMap;

use crate::analysis::merge::Workload;
use crate::model::Attribute;
use crate::model::plan::Selector;

/// Workloads a plan treats as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub app: String,
    pub tier: String,
    /// Workload indices, in name order.
    pub members: Vec<u32>,
    /// Selectors claiming exactly the members (one, or one `workload:` per member).
    pub selectors: Vec<Selector>,
    /// A readable name for rule names: `orders-data`, `vdi`, the workload's name.
    pub label: String,
}

impl Unit {
    /// The one selector that names the whole unit, if there is one.
    pub fn selector(&self) -> Option<&Selector> {
        match self.selectors.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// Every workload's unit.
#[derive(Debug, Clone, Default)]
pub struct Units {
    /// Sorted by (app, tier, label).
    pub units: Vec<Unit>,
    /// The unit of each workload.
    pub of: Vec<u32>,
}

pub fn units(workloads: &[Workload]) -> Units {
    let mut groups: FxHashMap<(String, String, String), Vec<u32>> = FxHashMap::default();
    for (w, workload) in workloads.iter().enumerate() {
        let app = workload.app().to_string();
        let tier = workload.attribute(Attribute::Tier).to_string();
        let own = if app.is_empty() {
            workload.name.clone()
        } else {
            String::new()
        };
        groups.entry((app, tier, own)).or_default().push(w as u32);
    }
    let mut keys: Vec<_> = groups.into_iter().collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));

    // How many workloads each (app label, tier label) pair and each app hold, to tell which
    // selectors are exact.
    let mut by_labels: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    for workload in workloads {
        if let (Some(app), Some(tier)) = (workload.labels.get("app"), workload.labels.get("tier")) {
            *by_labels.entry((app, tier)).or_default() += 1;
        }
    }
    let mut tiered_apps: FxHashMap<&str, bool> = FxHashMap::default();
    for workload in workloads {
        let tiered = !workload.attribute(Attribute::Tier).is_empty();
        *tiered_apps.entry(workload.app()).or_default() |= tiered;
    }

    let mut out = Units {
        units: Vec::with_capacity(keys.len()),
        of: vec![0; workloads.len()],
    };
    for ((app, tier, own), mut members) in keys {
        members.sort_by(|&a, &b| workloads[a as usize].name.cmp(&workloads[b as usize].name));
        let by_name = || {
            members
                .iter()
                .map(|&w| Selector::Workload(workloads[w as usize].name.clone()))
                .collect()
        };
        let selectors = if !own.is_empty() {
            by_name()
        } else if !tier.is_empty() {
            let exact = by_labels.get(&(app.as_str(), tier.as_str())) == Some(&members.len());
            if exact {
                let labels = [("app", &app), ("tier", &tier)]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect();
                vec![Selector::Labels(labels)]
            } else {
                by_name()
            }
        } else if tiered_apps.get(app.as_str()) == Some(&false) {
            vec![Selector::App(app.clone())]
        } else {
            by_name()
        };
        let label = match (own.is_empty(), tier.is_empty()) {
            (false, _) => own.clone(),
            (true, true) => app.clone(),
            (true, false) => format!("{app}-{tier}"),
        };
        let index = out.units.len() as u32;
        for &w in &members {
            out.of[w as usize] = index;
        }
        out.units.push(Unit {
            app,
            tier,
            members,
            selectors,
            label,
        });
    }
    out
}
