//! The estate seen through the stored plan: zones, simulation, blast radius.

use crate::analysis::ResolvedEstate;
use crate::analysis::zones::{ZoneMap, assign_zones};
use crate::model::plan::Plan;
use crate::store::{StoreError, Workspace};

/// The resolved estate, the stored plan (if any) and the zones it draws.
pub struct PlanView {
    pub estate: ResolvedEstate,
    pub plan: Option<Plan>,
    /// The plan's zones; with no plan every workload is `unassigned`.
    pub zones: ZoneMap,
}

impl PlanView {
    /// The plan, or an empty one (every workload unassigned, defaults only).
    pub fn plan_or_default(&self) -> Plan {
        self.plan.clone().unwrap_or_default()
    }
}

/// Loads the estate and the stored plan and assigns zones.
pub fn load_plan_view(workspace: &Workspace) -> Result<PlanView, StoreError> {
    let estate = super::load_resolved(workspace)?;
    let plan = workspace.load_plan()?.map(|(plan, _)| plan);
    let zones = assign_zones(&plan.clone().unwrap_or_default(), &estate);
    Ok(PlanView {
        estate,
        plan,
        zones,
    })
}
