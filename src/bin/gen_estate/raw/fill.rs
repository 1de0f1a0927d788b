//! Filling the edge pool up to `--edges`: more of what the traffic model
//! already does. An edge of the model is a template; a new edge swaps its
//! client for another workload of the client's application, its server for
//! another server of the same application and port, both, or lets a peer of
//! the server's own application (or of a neighbouring application) call the
//! server. 1.5% of the edges have an end the importer cannot resolve
//! (internet hosts, devices missing from the inventories): the model's own
//! such edges, thinned or topped up.

use super::pool::{Edge, Pool};
use crate::deps::TCP;
use crate::model::{Model, Res};
use crate::net::FxMap;
use crate::rng::Rng;

const NONE: u32 = u32::MAX;
/// Consecutive misses (duplicates, self-loops) before a strategy is given up.
const MAX_MISSES: u32 = 50_000;
/// Share of edges, per mille, with an unresolvable end.
const UNKNOWN_PER_MILLE: usize = 15;

/// Addresses grouped by (application, address family), and who serves what.
struct Groups {
    of: Vec<u32>,
    /// Address family per address (true: IPv4).
    v4: Vec<bool>,
    members: Vec<Vec<u32>>,
    apps: u32,
    servers: FxMap<(u32, u16, u8), Vec<u32>>,
    /// Base edges between two resolvable ends.
    known: Vec<Edge>,
    /// Base edges from a resolvable client to an unresolvable server.
    outward: Vec<Edge>,
    /// Unresolvable addresses: IPv6, IPv4.
    unknown: [Vec<u32>; 2],
    /// Resolvable addresses: IPv6, IPv4.
    all: [Vec<u32>; 2],
}

fn groups(pool: &Pool, m: &Model) -> Groups {
    let a = &pool.addrs;
    let mut names: Vec<&str> = m
        .workloads
        .iter()
        .filter_map(|w| w.app.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    let app_id: FxMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, i as u32))
        .collect();
    let mut g = Groups {
        of: vec![NONE; a.len()],
        v4: (0..a.len() as u32).map(|i| a.v4(i)).collect(),
        members: vec![Vec::new(); names.len() * 2],
        apps: names.len() as u32,
        servers: FxMap::default(),
        known: Vec::new(),
        outward: Vec::new(),
        unknown: [Vec::new(), Vec::new()],
        all: [Vec::new(), Vec::new()],
    };
    for i in 0..a.len() as u32 {
        let fam = usize::from(a.v4(i));
        let Some(w) = a.owner[i as usize] else {
            g.unknown[fam].push(i);
            continue;
        };
        g.all[fam].push(i);
        let app = m.workloads[w as usize].app.as_deref();
        if let Some(&id) = app.and_then(|n| app_id.get(n)) {
            let gi = id * 2 + fam as u32;
            g.of[i as usize] = gi;
            g.members[gi as usize].push(i);
        }
    }
    for e in &pool.edges {
        match (a.known(e.c), a.known(e.s)) {
            (true, true) => g.known.push(*e),
            (true, false) => g.outward.push(*e),
            _ => {}
        }
        let gs = g.of[e.s as usize];
        if gs != NONE {
            let list = g.servers.entry((gs, e.port, e.proto)).or_default();
            if !list.contains(&e.s) {
                list.push(e.s);
            }
        }
    }
    g
}

fn pick(rng: &mut Rng, list: &[u32]) -> Option<u32> {
    (!list.is_empty()).then(|| list[rng.idx(list.len())])
}

impl Groups {
    fn member(&self, rng: &mut Rng, group: u32) -> Option<u32> {
        pick(rng, self.members.get(group as usize)?)
    }

    fn neighbour(&self, rng: &mut Rng, group: u32) -> Option<u32> {
        if group == NONE || self.apps < 2 {
            return None;
        }
        let (app, fam) = (group / 2, group % 2);
        let d = rng.range(1, 3) as u32 % self.apps;
        let other = if rng.chance(1, 2) {
            (app + d) % self.apps
        } else {
            (app + self.apps - d) % self.apps
        };
        self.member(rng, other * 2 + fam)
    }

    /// A new resolvable edge from a template of the model.
    fn known_edge(&self, rng: &mut Rng) -> Option<Edge> {
        let t = *self.known.get(rng.idx(self.known.len()))?;
        let (gc, gs) = (self.of[t.c as usize], self.of[t.s as usize]);
        let server = |rng: &mut Rng| {
            let list = self.servers.get(&(gs, t.port, t.proto))?;
            pick(rng, list)
        };
        let (c, s) = match rng.below(100) {
            0..35 => (self.member(rng, gc)?, t.s),
            35..60 => (t.c, server(rng)?),
            60..80 => (self.member(rng, gc)?, server(rng)?),
            80..92 => (self.member(rng, gs)?, t.s),
            _ => (self.neighbour(rng, gs)?, t.s),
        };
        let reject = t.reject || (t.proto == TCP && rng.chance(1, 80));
        Some(Edge { c, s, reject, ..t })
    }

    /// A new edge with one unresolvable end: an outside client calling a
    /// served port, or a workload calling an outside server.
    fn unknown_edge(&self, rng: &mut Rng) -> Option<Edge> {
        if rng.chance(1, 2) && !self.outward.is_empty() {
            let t = self.outward[rng.idx(self.outward.len())];
            let c = self.member(rng, self.of[t.c as usize]).unwrap_or(t.c);
            return Some(Edge { c, ..t });
        }
        let t = *self.known.get(rng.idx(self.known.len()))?;
        let c = pick(rng, &self.unknown[usize::from(self.v4[t.s as usize])])?;
        let reject = t.proto == TCP && rng.chance(3, 10);
        Some(Edge { c, reject, ..t })
    }

    /// Any workload calling any served port (when the templates run dry).
    fn any_edge(&self, rng: &mut Rng) -> Option<Edge> {
        let t = *self.known.get(rng.idx(self.known.len()))?;
        let c = pick(rng, &self.all[usize::from(self.v4[t.s as usize])])?;
        Some(Edge { c, ..t })
    }
}

/// Adds edges until the pool holds `target` of them.
pub fn fill(pool: &mut Pool, m: &Model, target: usize, rng: &mut Rng) -> Res<()> {
    let goal = target * UNKNOWN_PER_MILLE / 1000;
    pool.thin_unknown(goal);
    let g = groups(pool, m);
    let base = pool.edges.len();
    let mut unknown_goal = goal.saturating_sub(pool.unknown_edges());
    let (mut unknown_added, mut misses, mut unknown_misses) = (0usize, 0u32, 0u32);
    let mut wide = false;
    while pool.edges.len() < target {
        let added = pool.edges.len() - base;
        let outside = unknown_added < unknown_goal
            && unknown_added * (target - base) <= unknown_goal * added.max(1);
        let edge = if outside {
            g.unknown_edge(rng)
        } else if wide {
            g.any_edge(rng)
        } else {
            g.known_edge(rng)
        };
        if edge.is_some_and(|e| pool.push(e)) {
            misses = 0;
            unknown_added += usize::from(outside);
            continue;
        }
        if outside {
            unknown_misses += 1;
            if unknown_misses > MAX_MISSES {
                unknown_goal = unknown_added;
            }
            continue;
        }
        misses += 1;
        if misses > MAX_MISSES && !wide {
            (wide, misses) = (true, 0);
        } else if misses > MAX_MISSES {
            return Err(format!(
                "--edges {target}: this estate gives only about {} plausible edges; use more --workloads",
                pool.edges.len()
            )
            .into());
        }
    }
    Ok(())
}
