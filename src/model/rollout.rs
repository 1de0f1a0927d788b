//! The rollout in the plan: phases that enforce zones one step at a time, each with its exit
//! criteria, and guardrails (flows no rule may ever allow). The file format is in
//! `docs/plan-format.md` and `docs/rollout.md`.

use serde::{Deserialize, Serialize};

use super::network::Enforcement;
use super::plan::{Peer, PortSpec};

/// What a phase does at its enforcement points.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum PhaseMode {
    /// Log only (audit): enforces nothing.
    #[default]
    Observe,
    /// Default-deny for flows whose server is in the phase's zones (ingress enforcement).
    Enforce,
}

impl PhaseMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseMode::Observe => "observe",
            PhaseMode::Enforce => "enforce",
        }
    }

    pub fn parse(text: &str) -> Option<PhaseMode> {
        [PhaseMode::Observe, PhaseMode::Enforce]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// A criterion Blastwall evaluates from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// No observed flow into the phase's zones would be denied.
    NoDeniedFlows,
    /// Every enabled rule in the phase's scope has an owner.
    RulesOwned,
    /// No observed flow joins the phase's zones to an address no inventory explains.
    NoBlindSpots,
    /// Flows into the phase's zones have been observed over at least `min` days.
    ObservationDays { min: u32 },
    /// After this phase, no workload's planned blast radius exceeds `max`.
    MaxPlannedBlast { max: u64 },
}

impl Check {
    pub const NAMES: [&'static str; 5] = [
        "no_denied_flows",
        "rules_owned",
        "no_blind_spots",
        "observation_days",
        "max_planned_blast",
    ];

    pub fn name(self) -> &'static str {
        match self {
            Check::NoDeniedFlows => "no_denied_flows",
            Check::RulesOwned => "rules_owned",
            Check::NoBlindSpots => "no_blind_spots",
            Check::ObservationDays { .. } => "observation_days",
            Check::MaxPlannedBlast { .. } => "max_planned_blast",
        }
    }
}

/// Who ticked a checkbox, and when (RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tick {
    pub by: String,
    pub at: String,
}

/// One exit criterion of a phase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// A statement a person confirms.
    Checkbox { text: String, ticked: Option<Tick> },
    /// A check evaluated from the data.
    Check(Check),
}

/// One step of the rollout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// Unique, not empty.
    pub name: String,
    /// The zones this phase enforces (or observes), by name.
    pub zones: Vec<String>,
    /// The controls that enforce it; empty means "propose from the zones".
    pub enforcement: Vec<Enforcement>,
    pub mode: PhaseMode,
    /// `YYYY-MM-DD`.
    pub target_date: Option<String>,
    pub owner: Option<String>,
    pub description: Option<String>,
    pub exit_criteria: Vec<Criterion>,
}

/// Traffic that must never be allowed, whatever the rules say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardrail {
    /// Optional and unique; an unnamed guardrail is `guardrail-N`, N its 1-based position.
    pub name: Option<String>,
    pub from: Peer,
    pub to: Peer,
    /// The services it forbids: every one when empty.
    pub ports: Vec<PortSpec>,
    pub note: Option<String>,
}

impl Guardrail {
    /// Whether the guardrail forbids a service port and protocol.
    pub fn covers_port(&self, port: u16, protocol: u8) -> bool {
        self.ports.is_empty() || self.ports.iter().any(|p| p.matches(port, protocol))
    }
}
