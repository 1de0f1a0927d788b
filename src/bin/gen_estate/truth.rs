//! Expected figures, computed from the generator's own bookkeeping: the set of
//! conversations each source actually wrote records for, and the model.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use crate::catalog::NAMESPACES;
use crate::deps::ICMP;
use crate::model::{CLUSTER, Model, Res};
use crate::net::FxSet;
use crate::traffic::{HUBBLE, Traffic};

/// Workload endpoints live in 0100::/16 (RFC 6666 discard space), which no
/// generated address uses, so they never collide with bare addresses.
const WL_TAG: u128 = 0x0100 << 112;

/// What one flow writer reports back.
#[derive(Debug, Default)]
pub struct Tally {
    pub source: u8,
    pub records: u64,
    pub skipped: u64,
    /// Conversation indices with at least one record (duplicates allowed).
    pub used: Vec<u32>,
    pub label: &'static str,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub workloads: usize,
    pub applications: usize,
    pub networks: usize,
    pub flow_records: u64,
    pub flow_records_skipped: u64,
    pub edges: usize,
    pub workload_edges: usize,
    pub unresolved_addresses: usize,
}

pub fn compute(m: &Model, t: &Traffic, tallies: &[Tally]) -> Expected {
    let mut edges: FxSet<(u128, u128, u32)> = FxSet::default();
    let mut wl_edges: FxSet<(u128, u128, u32)> = FxSet::default();
    let mut unresolved: FxSet<u128> = FxSet::default();
    let mut created: BTreeSet<u32> = BTreeSet::new();
    let mut exp = Expected::default();
    for tally in tallies {
        exp.flow_records += tally.records;
        exp.flow_records_skipped += tally.skipped;
        let hubble = tally.source == HUBBLE;
        for &i in &tally.used {
            let conv = &t.convs[i as usize];
            let (c, s) = (&t.parties[conv.c as usize], &t.parties[conv.s as usize]);
            let port = if conv.proto == ICMP {
                0
            } else {
                u32::from(conv.port)
            };
            let key = (port << 8) | u32::from(conv.proto);
            edges.insert((c.addr, s.addr, key));
            let (cw, sw) = if hubble {
                (c.wl_id, s.wl_id)
            } else {
                (c.wl_addr, s.wl_addr)
            };
            let ep = |addr: u128, wl: Option<u32>| wl.map_or(addr, |w| WL_TAG | u128::from(w));
            wl_edges.insert((ep(c.addr, cw), ep(s.addr, sw), key));
            for (p, w) in [(c, cw), (s, sw)] {
                match w {
                    None => {
                        unresolved.insert(p.addr);
                    }
                    Some(w) if m.workloads[w as usize].observed_only => {
                        created.insert(w);
                    }
                    Some(_) => {}
                }
            }
        }
    }
    let present = |i: usize| !m.workloads[i].observed_only || created.contains(&(i as u32));
    let live: Vec<usize> = (0..m.workloads.len()).filter(|&i| present(i)).collect();
    let apps: BTreeSet<&str> = live
        .iter()
        .filter_map(|&i| m.workloads[i].app.as_deref())
        .collect();
    exp.workloads = live.len();
    exp.applications = apps.len();
    exp.networks = networks(m).len();
    exp.edges = edges.len();
    exp.workload_edges = wl_edges.len();
    exp.unresolved_addresses = unresolved.len();
    exp
}

/// Every network the importer knows of, by (kind, id).
pub fn networks(m: &Model) -> BTreeSet<(&'static str, String)> {
    let mut n = BTreeSet::new();
    n.insert(("site", "dc1".to_string()));
    for v in &m.vlans {
        n.insert(("vlan", v.id.clone()));
    }
    n.insert(("cluster", CLUSTER.to_string()));
    for ns in NAMESPACES {
        n.insert(("namespace", (*ns).to_string()));
    }
    let c = &m.cloud;
    for v in &c.vpcs {
        n.insert(("vpc", v.id.clone()));
    }
    for s in c.subnets.iter().filter(|s| s.declared) {
        n.insert(("subnet", s.id.clone()));
    }
    for inst in &c.instances {
        if let Some(si) = inst.subnet {
            n.insert(("subnet", c.subnets[si].id.clone()));
            n.insert(("vpc", c.vpcs[c.subnets[si].vpc].id.clone()));
        }
        for &e in &inst.enis {
            let s = &c.subnets[c.enis[e].subnet];
            n.insert(("subnet", s.id.clone()));
            n.insert(("vpc", c.vpcs[s.vpc].id.clone()));
        }
    }
    for p in m.k8s.pods.iter().filter(|p| p.in_dump) {
        n.insert(("namespace", m.k8s.wls[p.k].ns.clone()));
    }
    n
}

pub fn write(dir: &Path, e: &Expected) -> Res<()> {
    let body = format!(
        "{{\n  \"workloads\": {},\n  \"applications\": {},\n  \"networks\": {},\n  \"flow_records\": {},\n  \"flow_records_skipped\": {},\n  \"edges\": {},\n  \"workload_edges\": {},\n  \"unresolved_addresses\": {}\n}}\n",
        e.workloads,
        e.applications,
        e.networks,
        e.flow_records,
        e.flow_records_skipped,
        e.edges,
        e.workload_edges,
        e.unresolved_addresses
    );
    let mut f = std::fs::File::create(dir.join("expected.json"))?;
    f.write_all(body.as_bytes())?;
    Ok(())
}
