//! The controls that can enforce a zone: proposed from its workloads' kinds and the enforcement
//! options their networks offer (a topology file may list them; each kind of network has
//! defaults).

use rustc_hash::FxHashMap;

use crate::analysis::merge::Workload;
use crate::analysis::resolve::ResolvedEstate;
use crate::analysis::zones::ZoneMap;
use crate::model::network::{Enforcement, NetworkRef};
use crate::model::plan::UNMANAGED;
use crate::model::workload::WorkloadKind;

/// The controls for each zone of the map (by zone index), in `Enforcement::ALL` order.
pub fn zone_controls(estate: &ResolvedEstate, zones: &ZoneMap) -> Vec<Vec<Enforcement>> {
    let options = network_options(estate);
    let mut found = vec![[false; Enforcement::ALL.len()]; zones.names.len()];
    for (w, workload) in estate.workloads.iter().enumerate() {
        let Some(&zone) = zones.workload_zone.get(w) else {
            continue;
        };
        let control = control_for(workload, &options);
        if let Some(slot) = Enforcement::ALL.iter().position(|e| *e == control) {
            found[zone as usize][slot] = true;
        }
    }
    let unmanaged = zones.index(UNMANAGED);
    found
        .iter()
        .enumerate()
        .map(|(z, slots)| {
            if Some(z as u32) == unmanaged {
                return vec![Enforcement::Nac];
            }
            Enforcement::ALL
                .iter()
                .zip(slots)
                .filter(|(_, on)| **on)
                .map(|(e, _)| *e)
                .collect()
        })
        .collect()
}

/// The controls for a set of zones (a phase): the union of theirs.
pub fn propose_enforcement(
    estate: &ResolvedEstate,
    zones: &ZoneMap,
    names: &[String],
) -> Vec<Enforcement> {
    let per_zone = zone_controls(estate, zones);
    let ids: Vec<usize> = names
        .iter()
        .filter_map(|n| zones.index(n))
        .map(|z| z as usize)
        .collect();
    Enforcement::ALL
        .into_iter()
        .filter(|e| ids.iter().any(|&z| per_zone[z].contains(e)))
        .collect()
}

fn network_options(estate: &ResolvedEstate) -> FxHashMap<&NetworkRef, &[Enforcement]> {
    estate
        .networks
        .iter()
        .map(|n| (&n.key, n.enforcement.as_slice()))
        .collect()
}

/// The one control that suits a workload best: a NetworkPolicy (else Cilium, else a mesh) for
/// Kubernetes workloads, a security group for cloud instances, a host firewall (else NAC) for
/// hosts — among the options its networks offer, else the kind's usual control.
fn control_for(
    workload: &Workload,
    options: &FxHashMap<&NetworkRef, &[Enforcement]>,
) -> Enforcement {
    let offered: Vec<Enforcement> = workload
        .networks
        .iter()
        .filter_map(|n| options.get(n))
        .flat_map(|o| o.iter().copied())
        .collect();
    let preference: &[Enforcement] = match workload.kind {
        WorkloadKind::Instance => &[Enforcement::SecurityGroup, Enforcement::HostFirewall],
        WorkloadKind::Host => &[Enforcement::HostFirewall, Enforcement::Nac],
        WorkloadKind::Observed => &[
            Enforcement::Networkpolicy,
            Enforcement::Cilium,
            Enforcement::ServiceMesh,
            Enforcement::SecurityGroup,
            Enforcement::HostFirewall,
        ],
        _ => &[
            Enforcement::Networkpolicy,
            Enforcement::Cilium,
            Enforcement::ServiceMesh,
        ],
    };
    preference
        .iter()
        .copied()
        .find(|p| offered.contains(p))
        .unwrap_or(preference[0])
}
