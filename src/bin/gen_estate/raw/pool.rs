//! The edge pool of the raw benchmark files: every address-level service edge
//! (client, server, service port, protocol) the records are drawn from, with
//! each address formatted once. Edges start from the traffic model and are
//! filled up to the requested number in `fill.rs`.

use super::fmt::Texts;
use crate::deps::{ICMP, Style, TCP, UDP};
use crate::model::{Model, Res};
use crate::net::{FxMap, FxSet, fmt_addr, is_local, is_v4};
use crate::rng::Rng;
use crate::traffic::Traffic;

/// Every address that may appear in a raw record, formatted once.
#[derive(Debug, Default)]
pub struct Addrs {
    pub addr: Vec<u128>,
    /// Workload owning the address (None: the importer cannot resolve it).
    pub owner: Vec<Option<u32>>,
    /// What a sensor treats as local (Zeek's `local_orig`/`local_resp`).
    pub local: Vec<bool>,
    pub text: Texts,
    index: FxMap<u128, u32>,
}

impl Addrs {
    pub fn len(&self) -> usize {
        self.addr.len()
    }

    pub fn known(&self, i: u32) -> bool {
        self.owner[i as usize].is_some()
    }

    pub fn v4(&self, i: u32) -> bool {
        is_v4(self.addr[i as usize])
    }

    fn add(&mut self, addr: u128, owner: Option<u32>) -> u32 {
        if let Some(&i) = self.index.get(&addr) {
            return i;
        }
        let i = self.addr.len() as u32;
        self.addr.push(addr);
        self.owner.push(owner);
        self.local.push(is_local(addr));
        self.text.push(&fmt_addr(addr));
        self.index.insert(addr, i);
        i
    }
}

/// One service edge, as the importer folds it (ICMP has port 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub c: u32,
    pub s: u32,
    pub port: u16,
    pub proto: u8,
    /// Every record of the edge is a rejection (TCP only, so Zeek agrees).
    pub reject: bool,
}

/// The addresses and edges the raw writers draw from.
#[derive(Debug, Default)]
pub struct Pool {
    pub addrs: Addrs,
    pub edges: Vec<Edge>,
    /// `enis.get(eni_of[server])` is the interface a VPC record is logged at.
    pub enis: Texts,
    pub eni_of: Vec<u32>,
    seen: FxSet<u64>,
}

const ADDR_BITS: u32 = 23;

fn proto_code(proto: u8) -> Option<u64> {
    match proto {
        TCP => Some(0),
        UDP => Some(1),
        ICMP => Some(2),
        58 => Some(3),
        _ => None,
    }
}

impl Pool {
    /// Adds an edge unless it is a self-loop, a family mix or already present.
    pub fn push(&mut self, e: Edge) -> bool {
        let Some(code) = proto_code(e.proto) else {
            return false;
        };
        if e.c == e.s || self.addrs.v4(e.c) != self.addrs.v4(e.s) {
            return false;
        }
        let port = if e.proto == ICMP || e.proto == 58 {
            0
        } else {
            e.port
        };
        let key = u64::from(e.c)
            | u64::from(e.s) << ADDR_BITS
            | u64::from(port) << (2 * ADDR_BITS)
            | code << (2 * ADDR_BITS + 16);
        if !self.seen.insert(key) {
            return false;
        }
        self.edges.push(Edge {
            port,
            reject: e.reject && e.proto == TCP,
            ..e
        });
        true
    }

    pub fn unknown_edges(&self) -> usize {
        self.edges
            .iter()
            .filter(|e| !self.addrs.known(e.c) || !self.addrs.known(e.s))
            .count()
    }

    /// Keeps `keep` of the edges with an unresolvable end, evenly spread
    /// (the traffic model has many internet clients; a large pool has a few).
    pub fn thin_unknown(&mut self, keep: usize) {
        let total = self.unknown_edges();
        if total <= keep {
            return;
        }
        let a = &self.addrs;
        let mut u = 0usize;
        self.edges.retain(|e| {
            if a.known(e.c) && a.known(e.s) {
                return true;
            }
            let take = (u + 1) * keep / total > u * keep / total;
            u += 1;
            take
        });
    }

    /// Shuffles the edges (the hot ones of the skewed sampling are the first)
    /// and frees the duplicate check.
    pub fn seal(&mut self, rng: &mut Rng) {
        for i in (1..self.edges.len()).rev() {
            let j = rng.idx(i + 1);
            self.edges.swap(i, j);
        }
        self.seen = FxSet::default();
    }
}

/// The addresses (traffic parties first, then every other owned address) and
/// the edges of the traffic model, folded to the address level.
pub fn base(m: &Model, t: &Traffic, seed: u64) -> Res<Pool> {
    let mut pool = Pool::default();
    for p in &t.parties {
        pool.addrs.add(p.addr, p.wl_addr);
    }
    let mut owned: Vec<(u128, u32)> = m.addr_owner.iter().map(|(a, w)| (*a, *w)).collect();
    owned.sort_unstable();
    for (a, w) in owned {
        pool.addrs.add(a, Some(w));
    }
    if pool.addrs.len() >= 1 << ADDR_BITS {
        return Err(format!(
            "{} addresses: the raw edge pool holds at most {}",
            pool.addrs.len(),
            1u32 << ADDR_BITS
        )
        .into());
    }
    enis(&mut pool, m, seed);
    for conv in &t.convs {
        let (c, s) = (&t.parties[conv.c as usize], &t.parties[conv.s as usize]);
        let (Some(&ci), Some(&si)) = (pool.addrs.index.get(&c.addr), pool.addrs.index.get(&s.addr))
        else {
            continue;
        };
        pool.push(Edge {
            c: ci,
            s: si,
            port: conv.port,
            proto: conv.proto,
            reject: conv.style == Style::Reject,
        });
    }
    Ok(pool)
}

/// Interface ids: a cloud address is logged at its own ENI, any other at one
/// of the estate's ENIs (a NAT or transit gateway attachment, say).
fn enis(pool: &mut Pool, m: &Model, seed: u64) {
    let mut by_addr: FxMap<u128, u32> = FxMap::default();
    for (i, e) in m.cloud.enis.iter().enumerate() {
        pool.enis.push(&e.id);
        for a in std::iter::once(&e.primary).chain(&e.secondary).chain(&e.v6) {
            by_addr.insert(*a, i as u32);
        }
    }
    let mut rng = Rng::derive(seed, "raw-enis");
    if pool.enis.len() == 0 {
        pool.enis.push(&rng.aws_id("eni"));
    }
    let n = pool.enis.len();
    pool.eni_of = pool
        .addrs
        .addr
        .iter()
        .map(|a| by_addr.get(a).copied().unwrap_or_else(|| rng.idx(n) as u32))
        .collect();
}
