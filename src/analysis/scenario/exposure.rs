//! Crown jewels exposed to the internet: the entries are the workloads some flow from an
//! internet address may reach under the plan (the defaults between `internet` and the workload's
//! zone allow, or an enabled rule whose `from` admits the internet ([`InternetSpace::admits`])
//! has the workload on its `to` side, on any port). Exposed are the crown jewels among the
//! entries and among everything the entries reach in planned mode, found in one search from all
//! entries ([`Blast::planned_reach_from`]).

use super::internet::InternetSpace;
use crate::analysis::blast::Blast;
use crate::analysis::resolve::ResolvedEstate;
use crate::analysis::zones::{Members, ZoneMap};
use crate::model::plan::{INTERNET, Plan};

/// Workloads (by index, ascending) that traffic from the internet may reach directly.
pub fn internet_entries(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Vec<u32> {
    let internet = zones.internet();
    let east_west = plan.defaults.east_west.allows();
    let intra = plan.intra_zone(INTERNET).allows();
    let mut entry: Vec<bool> = zones
        .workload_zone
        .iter()
        .map(|&zone| if zone == internet { intra } else { east_west })
        .collect();
    entry.resize(estate.workloads.len(), false);
    let space = InternetSpace::new(estate, zones);
    let members = Members::new(estate, zones);
    for rule in plan
        .rules
        .iter()
        .filter(|r| r.enabled && !r.ports.is_empty())
    {
        if space.admits(&rule.from) {
            members.for_each(&rule.to, |w| {
                if let Some(slot) = entry.get_mut(w as usize) {
                    *slot = true;
                }
            });
        }
    }
    (0..entry.len() as u32)
        .filter(|&w| entry[w as usize])
        .collect()
}

/// Crown-jewel workloads reachable in planned mode from the workloads that `internet` may reach
/// directly (the entries themselves included); sorted by workload name.
pub fn exposed_crown_jewels(plan: &Plan, estate: &ResolvedEstate, zones: &ZoneMap) -> Vec<u32> {
    let blast = Blast::new(plan, estate, zones);
    exposed_with(&blast, estate, &internet_entries(plan, estate, zones))
}

/// [`exposed_crown_jewels`] with the plan's [`Blast`] already built and the entries known: crown
/// jewels among the entries or in their planned reach, sorted by workload name.
pub fn exposed_with(blast: &Blast, estate: &ResolvedEstate, entries: &[u32]) -> Vec<u32> {
    let reach = blast.planned_reach_from(entries);
    let mut out: Vec<u32> = (0..reach.len() as u32)
        .filter(|&w| reach[w as usize] && blast.is_crown_jewel(w))
        .collect();
    out.sort_by(|&a, &b| {
        let name = |w: u32| estate.workloads.get(w as usize).map(|x| x.name.as_str());
        name(a).cmp(&name(b)).then(a.cmp(&b))
    });
    out
}
