//! A batch of records staged before formatting. The pool's edges, address
//! texts and interface ids are looked up at random and mostly miss the CPU
//! caches; staging a batch issues those lookups back to back (independent
//! misses overlap) so formatting then reads only the batch.

use super::fmt::SLOT;
use super::order::Picker;
use super::pool::{Edge, Pool};
use crate::rng::Rng;

/// Records staged at once.
pub const BATCH: usize = 64;

/// One staged record: its edge and copies of what formatting reads.
#[derive(Clone, Copy)]
pub struct Staged {
    pub edge: Edge,
    /// Client and server address texts (`SLOT`-byte windows) and lengths.
    pub text: [[u8; SLOT]; 2],
    pub len: [usize; 2],
    /// Whether client and server are local (Zeek's `local_orig`/`local_resp`).
    pub local: [bool; 2],
    /// The interface the record is logged at (VPC).
    pub eni: [u8; SLOT],
    pub eni_len: usize,
}

pub struct Batch {
    pub rows: [Option<Staged>; BATCH],
}

impl Batch {
    pub fn new() -> Batch {
        Batch {
            rows: [None; BATCH],
        }
    }

    /// Stages the records whose flow record indices are `flows` (None: a
    /// line without an edge, such as NODATA).
    pub fn load(&mut self, pool: &Pool, picker: &Picker, flows: &[Option<u64>], rng: &mut Rng) {
        let mut idx = [usize::MAX; BATCH];
        for (slot, f) in idx.iter_mut().zip(flows) {
            if let Some(f) = f {
                *slot = picker.edge(*f, rng);
            }
        }
        let mut edges = [None; BATCH];
        for (e, &i) in edges.iter_mut().zip(&idx[..flows.len()]) {
            *e = pool.edges.get(i).copied();
        }
        for (row, e) in self.rows.iter_mut().zip(&edges[..flows.len()]) {
            *row = e.map(|e| stage(pool, e));
        }
    }
}

fn stage(pool: &Pool, edge: Edge) -> Staged {
    let a = &pool.addrs;
    let mut s = Staged {
        edge,
        text: [[0; SLOT]; 2],
        len: [0; 2],
        local: [a.local[edge.c as usize], a.local[edge.s as usize]],
        eni: [0; SLOT],
        eni_len: 0,
    };
    for (k, addr) in [edge.c, edge.s].into_iter().enumerate() {
        let (w, len) = a.text.get(addr);
        s.text[k].copy_from_slice(&w[..SLOT]);
        s.len[k] = len;
    }
    let (w, len) = pool.enis.get(pool.eni_of[edge.s as usize]);
    s.eni.copy_from_slice(&w[..SLOT]);
    s.eni_len = len;
    s
}
