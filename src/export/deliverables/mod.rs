//! The deliverables `blastwall export` writes: the zone map, the flow-to-policy matrix and the
//! rollout plan, each in several formats. Pure: (plan, estate, zones, simulation) in, text out;
//! deterministic (no clock, stable order), so the same workspace gives byte-identical files.
//!
//! The targets are a registry ([`TARGETS`]): one entry per target with its files, each file with
//! its renderer. A new target (an enforcement format) is one more entry.

pub mod digest;
pub mod flow_matrix;
pub mod markdown;
pub mod rollout_plan;
pub mod zone_map;

use std::cell::OnceCell;

use crate::analysis::ResolvedEstate;
use crate::analysis::rollout::{Rollout, evaluate};
use crate::analysis::simulate::Simulation;
use crate::analysis::zones::ZoneMap;
use crate::model::plan::Plan;

pub use digest::Digests;

/// What every renderer reads: the plan, the estate, its zones, the plan's simulation, the
/// digests, and the rollout (evaluated once, on first use).
pub struct Context<'a> {
    pub plan: &'a Plan,
    pub estate: &'a ResolvedEstate,
    pub zones: &'a ZoneMap,
    pub simulation: &'a Simulation,
    pub digests: Digests,
    rollout: OnceCell<Rollout>,
}

impl<'a> Context<'a> {
    pub fn new(
        plan: &'a Plan,
        estate: &'a ResolvedEstate,
        zones: &'a ZoneMap,
        simulation: &'a Simulation,
    ) -> Context<'a> {
        Context {
            plan,
            estate,
            zones,
            simulation,
            digests: Digests::new(plan, estate),
            rollout: OnceCell::new(),
        }
    }

    /// The rollout, evaluated on first use.
    pub fn rollout(&self) -> &Rollout {
        self.rollout
            .get_or_init(|| evaluate(self.plan, self.estate, self.zones, self.simulation))
    }
}

/// One file of a target, or a folder of files whose names depend on the data.
pub struct Deliverable {
    /// The file name, e.g. `flow-matrix.csv`, or for [`Render::Many`] the folder, ending in
    /// `/` (`enforcement/hosts/`).
    pub name: &'static str,
    pub render: Render,
}

/// How a deliverable renders.
pub enum Render {
    /// One file.
    One(fn(&Context) -> String),
    /// Files named relative to the deliverable's folder, in a stable order.
    Many(fn(&Context) -> Vec<(String, String)>),
}

impl Deliverable {
    /// The files it renders: (path relative to the output folder, text).
    pub fn files(&self, ctx: &Context) -> Vec<(String, String)> {
        match self.render {
            Render::One(render) => vec![(self.name.to_string(), render(ctx))],
            Render::Many(render) => render(ctx)
                .into_iter()
                .map(|(name, text)| (format!("{}{name}", self.name), text))
                .collect(),
        }
    }
}

/// A target: a name `--only` accepts, and its files.
pub struct Target {
    pub name: &'static str,
    /// What it is, for help texts and the workbench.
    pub about: &'static str,
    pub files: &'static [Deliverable],
}

/// Every target, in the order files are written and listed.
pub const TARGETS: &[Target] = &[
    Target {
        name: "zone-map",
        about: "zones with their members, selectors and proposed controls, and a Mermaid diagram",
        files: &[
            Deliverable {
                name: "zone-map.md",
                render: Render::One(zone_map::markdown),
            },
            Deliverable {
                name: "zone-map.yaml",
                render: Render::One(zone_map::yaml),
            },
            Deliverable {
                name: "zone-map.mmd",
                render: Render::One(zone_map::mermaid),
            },
        ],
    },
    Target {
        name: "flow-matrix",
        about: "one row per evaluated flow: its verdict, the rule that allows it and why",
        files: &[
            Deliverable {
                name: "flow-matrix.md",
                render: Render::One(flow_matrix::markdown),
            },
            Deliverable {
                name: "flow-matrix.yaml",
                render: Render::One(flow_matrix::yaml),
            },
            Deliverable {
                name: "flow-matrix.csv",
                render: Render::One(flow_matrix::csv),
            },
        ],
    },
    Target {
        name: "rollout-plan",
        about: "the phases with their controls, exit criteria and blast-radius effect",
        files: &[
            Deliverable {
                name: "rollout-plan.md",
                render: Render::One(rollout_plan::markdown),
            },
            Deliverable {
                name: "rollout-plan.yaml",
                render: Render::One(rollout_plan::yaml),
            },
        ],
    },
    Target {
        name: "kubernetes",
        about: "NetworkPolicies: a default deny per namespace, then exactly the plan's allows",
        files: &[
            Deliverable {
                name: "enforcement/kubernetes/README.md",
                render: Render::One(crate::export::enforcement::kubernetes::readme),
            },
            Deliverable {
                name: "enforcement/kubernetes/default-deny.yaml",
                render: Render::One(crate::export::enforcement::kubernetes::default_deny),
            },
            Deliverable {
                name: "enforcement/kubernetes/allow.yaml",
                render: Render::One(crate::export::enforcement::kubernetes::allow),
            },
        ],
    },
    Target {
        name: "cilium",
        about: "CiliumNetworkPolicies per workload, with audit-mode notes for observe phases",
        files: &[
            Deliverable {
                name: "enforcement/cilium/README.md",
                render: Render::One(crate::export::enforcement::cilium::readme),
            },
            Deliverable {
                name: "enforcement/cilium/policies.yaml",
                render: Render::One(crate::export::enforcement::cilium::policies_yaml),
            },
        ],
    },
    Target {
        name: "istio",
        about: "Istio AuthorizationPolicies from service-account identities, allow-nothing per namespace",
        files: &[
            Deliverable {
                name: "enforcement/istio/README.md",
                render: Render::One(crate::export::enforcement::istio::readme),
            },
            Deliverable {
                name: "enforcement/istio/authorization-policies.yaml",
                render: Render::One(crate::export::enforcement::istio::authorization_policies),
            },
        ],
    },
    Target {
        name: "probes",
        about: "synthetic probes: flows that must connect and flows that must be refused, and a script",
        files: &[
            Deliverable {
                name: "validation/probes.yaml",
                render: Render::One(crate::export::validation::probes_yaml),
            },
            Deliverable {
                name: "validation/probes.sh",
                render: Render::One(crate::export::validation::probes_sh),
            },
            Deliverable {
                name: "validation/README.md",
                render: Render::One(crate::export::validation::readme),
            },
        ],
    },
    Target {
        name: "aws",
        about: "Terraform security groups for EC2 instances, with standalone ingress and egress rules",
        files: &[
            Deliverable {
                name: "enforcement/aws/README.md",
                render: Render::One(crate::export::enforcement::aws::readme),
            },
            Deliverable {
                name: "enforcement/aws/security_groups.tf",
                render: Render::One(crate::export::enforcement::aws::terraform),
            },
        ],
    },
    Target {
        name: "hosts",
        about: "nftables rulesets per group of hosts: default drop, or log only in observe phases",
        files: &[
            Deliverable {
                name: "enforcement/hosts/README.md",
                render: Render::One(crate::export::enforcement::hosts::readme),
            },
            Deliverable {
                name: "enforcement/hosts/",
                render: Render::Many(crate::export::enforcement::hosts::rulesets),
            },
        ],
    },
];

/// A name `--only` does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export target `{name}`; valid targets: {}", valid_names().join(", "))]
pub struct UnknownTarget {
    pub name: String,
}

/// Every name `--only` accepts: the targets, then every file name.
pub fn valid_names() -> Vec<&'static str> {
    let targets = TARGETS.iter().map(|t| t.name);
    targets.chain(all_files().map(|d| d.name)).collect()
}

/// Every file of every target, in registry order.
pub fn all_files() -> impl Iterator<Item = &'static Deliverable> {
    TARGETS.iter().flat_map(|t| t.files.iter())
}

/// The files some names select (target names or file names), in registry order, each once.
/// No names selects every file.
pub fn select(names: &[&str]) -> Result<Vec<&'static Deliverable>, UnknownTarget> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if let Some(unknown) = names.iter().find(|n| !valid_names().contains(n)) {
        return Err(UnknownTarget {
            name: (*unknown).to_string(),
        });
    }
    let chosen = |target: &Target, file: &Deliverable| {
        names.is_empty() || names.contains(&target.name) || names.contains(&file.name)
    };
    let files = TARGETS
        .iter()
        .flat_map(|t| t.files.iter().filter(move |f| chosen(t, f)));
    Ok(files.collect())
}

/// Renders one target's files: (file name, text), in order.
pub fn render(target: &Target, ctx: &Context) -> Vec<(String, String)> {
    target
        .files
        .iter()
        .flat_map(|file| file.files(ctx))
        .collect()
}

/// Renders one file by name, if some target has it.
pub fn render_file(name: &str, ctx: &Context) -> Option<String> {
    all_files()
        .find(|file| file.name == name)
        .and_then(|file| file.files(ctx).into_iter().next())
        .map(|(_, text)| text)
}

/// The digest lines of a Markdown header.
pub(crate) fn markdown_digests(ctx: &Context) -> String {
    format!(
        "Estate digest `{}` · plan digest `{}` (xxh3-64). Written by `blastwall export`.\n",
        ctx.digests.estate, ctx.digests.plan
    )
}

#[cfg(test)]
mod tests;
