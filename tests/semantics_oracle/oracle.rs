//! The oracle: zones, the simulation and the one-step relations of blast radius, by brute force.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::IpAddr;

use blastwall::analysis::blast::Mode;
use blastwall::analysis::{BlindSpot, Endpoint, ResolvedEstate, Workload};
use blastwall::model::{Attribute, WorkloadKind};

use super::plan::{Plan, Ports, Rule, Sel, Side};

pub struct Oracle<'a> {
    pub estate: &'a ResolvedEstate,
    pub plan: &'a Plan,
    pub workload_zone: Vec<String>,
    pub address_zone: BTreeMap<IpAddr, String>,
}

#[derive(Default)]
pub struct Sim {
    /// Per service edge: None when only ever rejected, else whether the plan allows it.
    pub allowed: Vec<Option<bool>>,
    pub rule_edges: Vec<u64>,
    pub evaluated: u64,
    pub denied: BTreeMap<(String, String, u16, u8), u64>,
}

impl<'a> Oracle<'a> {
    pub fn new(plan: &'a Plan, estate: &'a ResolvedEstate) -> Oracle<'a> {
        let mut oracle = Oracle {
            estate,
            plan,
            workload_zone: Vec::new(),
            address_zone: BTreeMap::new(),
        };
        for workload in &estate.workloads {
            let zone = plan
                .zones
                .iter()
                .find(|z| z.members.iter().any(|m| oracle.picks(m, workload)));
            oracle
                .workload_zone
                .push(zone.map_or("unassigned".into(), |z| z.name.clone()));
        }
        for spot in &estate.blind_spots {
            let zone = plan.zones.iter().find(|z| {
                z.members
                    .iter()
                    .any(|m| matches!(m, Sel::Cidr(c) if c.contains(&spot.address)))
            });
            let zone = match (zone, spot.class) {
                (Some(zone), _) => zone.name.clone(),
                (None, BlindSpot::Internet) => "internet".into(),
                (None, BlindSpot::Unmanaged) => "unmanaged".into(),
            };
            oracle.address_zone.insert(spot.address, zone);
        }
        oracle
    }

    pub fn picks(&self, sel: &Sel, w: &Workload) -> bool {
        let kubernetes = !matches!(w.kind, WorkloadKind::Host | WorkloadKind::Instance);
        match sel {
            Sel::Labels(labels) => labels.iter().all(|(k, v)| label(w, k) == Some(v)),
            Sel::Workload(name) => w.name.to_lowercase() == name.to_lowercase(),
            Sel::App(app) => w.app() == app,
            Sel::Namespace(ns) => kubernetes && w.namespace.as_ref() == Some(ns),
            Sel::Account(account) => kubernetes && w.identity.as_ref() == Some(account),
            Sel::Identity(identity) => w.identity.as_ref() == Some(identity),
            Sel::Cidr(cidr) => w.addresses.iter().any(|a| cidr.contains(a)),
            Sel::Network(wanted) => w.networks.iter().any(|r| {
                r.id == *wanted
                    || self.estate.networks.iter().any(|n| {
                        n.key == *r
                            && (n.name == *wanted
                                || n.parent
                                    .as_ref()
                                    .is_some_and(|p| format!("{}/{}", p.id, r.id) == *wanted))
                    })
            }),
        }
    }

    pub fn zone(&self, endpoint: Endpoint) -> &str {
        match endpoint {
            Endpoint::Workload(i) => &self.workload_zone[i as usize],
            Endpoint::Address(a) => self.address_zone.get(&a).map_or("?not-a-blind-spot", |z| z),
        }
    }

    pub fn intra_allows(&self, zone: &str) -> bool {
        let own = self
            .plan
            .zones
            .iter()
            .find(|z| z.name == zone)
            .and_then(|z| z.intra_allow);
        own.unwrap_or(self.plan.intra_allow)
    }

    pub fn matches(&self, side: &Side, endpoint: Endpoint) -> bool {
        match (side, endpoint) {
            (Side::Any, _) => true,
            (Side::Zone(zone), _) => self.zone(endpoint) == zone,
            (Side::Sel(sel), Endpoint::Workload(i)) => {
                self.picks(sel, &self.estate.workloads[i as usize])
            }
            (Side::Sel(Sel::Cidr(cidr)), Endpoint::Address(a)) => cidr.contains(&a),
            (Side::Sel(_), Endpoint::Address(_)) => false,
        }
    }

    pub fn label(&self, endpoint: Endpoint) -> String {
        match endpoint {
            Endpoint::Workload(i) => self.estate.workloads[i as usize].name.clone(),
            Endpoint::Address(a) => a.to_string(),
        }
    }

    /// Enabled rules matching an edge on both sides and on ports.
    pub fn rules_for(
        &self,
        client: Endpoint,
        server: Endpoint,
        port: u16,
        protocol: u8,
    ) -> Vec<usize> {
        let covers = |p: &Ports| {
            p.protocol.is_none_or(|q| q == protocol) && (p.first..=p.last).contains(&port)
        };
        (0..self.plan.rules.len())
            .filter(|&r| {
                let rule = &self.plan.rules[r];
                rule.enabled
                    && self.matches(&rule.from, client)
                    && self.matches(&rule.to, server)
                    && rule.ports.iter().any(covers)
            })
            .collect()
    }

    pub fn simulate(&self) -> Sim {
        let mut sim = Sim {
            rule_edges: vec![0; self.plan.rules.len()],
            ..Sim::default()
        };
        for edge in &self.estate.service_edges {
            if edge.stats.accepted == 0 {
                sim.allowed.push(None);
                continue;
            }
            sim.evaluated += 1;
            let (zc, zs) = (self.zone(edge.client), self.zone(edge.server));
            let by_zone = if zc == zs {
                self.intra_allows(zc)
            } else {
                self.plan.east_west_allow
            };
            let rules = self.rules_for(edge.client, edge.server, edge.port, edge.protocol.0);
            for &r in &rules {
                sim.rule_edges[r] += 1;
            }
            let allowed = by_zone || !rules.is_empty();
            if !allowed {
                let key = (
                    self.label(edge.client),
                    self.label(edge.server),
                    edge.port,
                    edge.protocol.0,
                );
                *sim.denied.entry(key).or_default() += 1;
            }
            sim.allowed.push(Some(allowed));
        }
        sim
    }

    // ---- Blast radius -------------------------------------------------------------------------

    pub fn is_jewel(&self, w: usize) -> bool {
        let zone = &self.workload_zone[w];
        let critical = self
            .plan
            .zones
            .iter()
            .any(|z| &z.name == zone && z.critical);
        let class = self.estate.workloads[w]
            .attribute(Attribute::DataClass)
            .to_lowercase();
        critical || ["pci", "phi", "pii", "restricted"].contains(&class.as_str())
    }

    /// The one-step relation of a mode, as sorted successor lists.
    pub fn steps(&self, mode: Mode) -> Vec<Vec<usize>> {
        let n = self.estate.workloads.len();
        let mut next = vec![BTreeSet::new(); n];
        match mode {
            Mode::Observed => {
                for edge in self
                    .estate
                    .service_edges
                    .iter()
                    .filter(|e| e.stats.accepted > 0)
                {
                    if let (Endpoint::Workload(c), Endpoint::Workload(s)) =
                        (edge.client, edge.server)
                    {
                        if c != s {
                            next[c as usize].insert(s as usize);
                        }
                    }
                }
            }
            Mode::Planned => {
                let side = |r: &Rule, from: bool| -> Vec<bool> {
                    let peer = if from { &r.from } else { &r.to };
                    (0..n)
                        .map(|w| r.enabled && self.matches(peer, Endpoint::Workload(w as u32)))
                        .collect()
                };
                let froms: Vec<Vec<bool>> = self.plan.rules.iter().map(|r| side(r, true)).collect();
                let tos: Vec<Vec<bool>> = self.plan.rules.iter().map(|r| side(r, false)).collect();
                for (w, successors) in next.iter_mut().enumerate() {
                    for x in (0..n).filter(|&x| x != w) {
                        let (zw, zx) = (&self.workload_zone[w], &self.workload_zone[x]);
                        let by_zone = if zw == zx {
                            self.intra_allows(zw)
                        } else {
                            self.plan.east_west_allow
                        };
                        if by_zone || (0..froms.len()).any(|r| froms[r][w] && tos[r][x]) {
                            successors.insert(x);
                        }
                    }
                }
            }
            Mode::Flat => {
                for (w, successors) in next.iter_mut().enumerate() {
                    successors.extend((0..n).filter(|&x| x != w));
                }
            }
        }
        next.into_iter().map(|s| s.into_iter().collect()).collect()
    }
}

/// A workload's label: its attributes count as labels (`app`, `tier`, … `data_class`).
fn label<'w>(w: &'w Workload, key: &str) -> Option<&'w str> {
    let attribute = Attribute::ALL.into_iter().find(|a| a.label() == key);
    match attribute.map(|a| w.attribute(a)) {
        Some(value) if !value.is_empty() => Some(value),
        _ => w.labels.get(key).map(String::as_str),
    }
}

pub fn bfs(next: &[Vec<usize>], start: usize) -> Vec<Option<u32>> {
    let mut depth = vec![None; next.len()];
    depth[start] = Some(0);
    let mut queue = VecDeque::from([start]);
    while let Some(w) = queue.pop_front() {
        let d = depth[w].unwrap_or(0);
        for &x in &next[w] {
            if depth[x].is_none() {
                depth[x] = Some(d + 1);
                queue.push_back(x);
            }
        }
    }
    depth
}
