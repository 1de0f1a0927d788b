//! The stored plan seen through the estate: zones, simulation, lint findings, the planned
//! blast ranking and the rollout (phases and guardrails), computed on a worker (never while drawing), plus one workload's reach in every
//! mode.

use crate::analysis::ResolvedEstate;
use crate::analysis::blast::{Blast, Mode, Reach};
use crate::analysis::guardrails::GuardrailStatus;
use crate::analysis::lint::{Finding, Severity, lint};
use crate::analysis::rollout::Rollout;
use crate::analysis::scenario::{Analyzed, Metrics, exposed_with, internet_entries};
use crate::analysis::simulate::{Simulation, simulate};
use crate::analysis::zones::{ZoneMap, assign_zones};
use crate::model::plan::Plan;
use crate::ops::rollout::evaluate_plan;

use super::job::JobProgress;
use super::matrix::ZoneMatrix;

/// The stored plan (or none) with what it implies for the estate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanAnalysis {
    pub plan: Option<Plan>,
    /// The file the plan was applied from, if known (where `w` writes it back).
    pub source: Option<String>,
    /// The plan's zones; with no plan every workload is `unassigned`.
    pub zones: ZoneMap,
    pub simulation: Simulation,
    /// Planned reach of every workload, largest first: (workload, reachable, crown jewels).
    /// Empty without a plan.
    pub ranking: Vec<(u32, u64, u64)>,
    pub matrix: ZoneMatrix,
    /// The plan reviewer's findings, high first. Empty without a plan.
    pub findings: Vec<Finding>,
    /// The phases evaluated (effect, controls, exit criteria); `None` without a plan.
    pub rollout: Option<Rollout>,
    /// Every guardrail checked against the plan and the observed flows.
    pub guardrails: Vec<GuardrailStatus>,
    /// The headline figures (denied flows, unused rules, blast radius, exposed crown jewels)
    /// the status line compares against the baseline; `None` without a plan.
    pub metrics: Option<Metrics>,
}

impl PlanAnalysis {
    /// Assigns zones, simulates, lints and ranks. Runs on a worker.
    pub fn compute(
        estate: &ResolvedEstate,
        plan: Option<Plan>,
        source: Option<String>,
    ) -> PlanAnalysis {
        PlanAnalysis::compute_with(estate, plan, source, &JobProgress::default())
            .unwrap_or_default()
    }

    /// How many stages [`compute_with`](Self::compute_with) reports.
    pub const STAGES: u32 = 6;

    /// [`compute`](Self::compute), reporting each stage to `progress`; `None` once cancelled.
    pub fn compute_with(
        estate: &ResolvedEstate,
        plan: Option<Plan>,
        source: Option<String>,
        progress: &JobProgress,
    ) -> Option<PlanAnalysis> {
        let effective = plan.clone().unwrap_or_default();
        progress.stage("assigning zones").then_some(())?;
        let zones = assign_zones(&effective, estate);
        progress.stage("simulating default-deny").then_some(())?;
        let simulation = match &plan {
            Some(plan) => simulate(plan, estate, &zones),
            None => Simulation::default(),
        };
        progress.stage("reviewing the plan").then_some(())?;
        let findings = match &plan {
            Some(plan) => lint(plan, estate, &zones, &simulation),
            None => Vec::new(),
        };
        progress.stage("ranking blast radius").then_some(())?;
        let (ranking, exposed) = match &plan {
            Some(plan) => {
                let blast = Blast::new(plan, estate, &zones);
                let entries = internet_entries(plan, estate, &zones);
                (
                    blast.planned_ranking(),
                    exposed_with(&blast, estate, &entries).len() as u64,
                )
            }
            None => (Vec::new(), 0),
        };
        let metrics = plan.as_ref().map(|plan| {
            let analyzed = Analyzed {
                plan,
                zones: &zones,
                simulation: &simulation,
                ranking: &ranking,
            };
            Metrics::of(&analyzed, exposed)
        });
        progress.stage("evaluating the rollout").then_some(())?;
        let (rollout, guardrails) = match &plan {
            Some(plan) => {
                let (rollout, guardrails) = evaluate_plan(plan, estate, &zones, &simulation);
                (Some(rollout), guardrails)
            }
            None => (None, Vec::new()),
        };
        progress.stage("building the matrix").then_some(())?;
        let matrix = ZoneMatrix::compute(estate, &zones, &effective, &simulation);
        Some(PlanAnalysis {
            matrix,
            plan,
            source,
            zones,
            simulation,
            ranking,
            findings,
            rollout,
            guardrails,
            metrics,
        })
    }

    pub fn has_plan(&self) -> bool {
        self.plan.is_some()
    }

    /// How many findings of each severity: (high, medium, low).
    pub fn lint_counts(&self) -> (usize, usize, usize) {
        let of = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        (of(Severity::High), of(Severity::Medium), of(Severity::Low))
    }

    /// `lint: 0 high, 19 medium, 3 low`, or `None` without a plan.
    pub fn lint_summary(&self) -> Option<String> {
        let (high, medium, low) = self.lint_counts();
        self.has_plan()
            .then(|| format!("lint: {high} high, {medium} medium, {low} low"))
    }
}

/// What one workload reaches, per mode (flat, observed, and planned when there is a plan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlastReport {
    pub workload: u32,
    pub reaches: Vec<Reach>,
}

impl BlastReport {
    /// Computes the reach of `workload` in every mode the plan allows. Runs on a worker.
    pub fn compute(estate: &ResolvedEstate, analysis: &PlanAnalysis, workload: u32) -> BlastReport {
        let plan = analysis.plan.clone().unwrap_or_default();
        let blast = Blast::new(&plan, estate, &analysis.zones);
        let reaches = Mode::ALL
            .into_iter()
            .filter(|mode| *mode != Mode::Planned || analysis.has_plan())
            .map(|mode| blast.reach(workload, mode))
            .collect();
        BlastReport { workload, reaches }
    }

    pub fn reach(&self, mode: Mode) -> Option<&Reach> {
        self.reaches.iter().find(|r| r.mode == mode)
    }
}
