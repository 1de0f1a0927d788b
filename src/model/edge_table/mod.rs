//! Flow records aggregated into edges while files are read, in as little memory as the common
//! case allows: an IPv4 edge without hints (most of any flow log) takes 48 bytes, key and
//! statistics, instead of the 128 of an [`EdgeKey`] and its [`EdgeStats`]; every other edge,
//! and one whose counters or times outgrow the compact form, is kept in full.
//!
//! A table is split into parts with disjoint keys ([`EdgeTable::part_of`]), so that threads can
//! each aggregate one part of the same file and the parts are joined without merging.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr};

mod part;

use part::Part;

use super::{EdgeKey, EdgeStats, HintId, Protocol, SourceKind, SourceSet};

/// One flow record, once its edge is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowSample {
    pub accepted: bool,
    pub bytes: u64,
    pub packets: u64,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub source: SourceKind,
}

impl EdgeStats {
    /// Adds one flow record.
    pub fn record(&mut self, sample: &FlowSample) {
        self.records += 1;
        if sample.accepted {
            self.accepted += 1;
        } else {
            self.rejected += 1;
        }
        self.bytes = self.bytes.saturating_add(sample.bytes);
        self.packets = self.packets.saturating_add(sample.packets);
        self.see(sample.start, sample.end);
        self.sources.insert(sample.source);
    }
}

/// An IPv4 edge without hints; `service` is the port shifted left by 8 bits, then the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct V4Key {
    client: u32,
    server: u32,
    service: u32,
}

/// Addresses of one estate differ in few bits, which a fast multiplicative hash (FxHash) leaves
/// clustered: the key is mixed into one well-spread word first (the finaliser of MurmurHash3).
impl Hash for V4Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.mix());
    }
}

impl V4Key {
    /// The key mixed into one well-spread word (the finaliser of MurmurHash3).
    pub(crate) fn mix(&self) -> u64 {
        let mut x = (u64::from(self.client) << 32 | u64::from(self.server))
            ^ u64::from(self.service).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^= x >> 33;
        x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        x ^ (x >> 33)
    }

    pub(crate) fn of(key: &EdgeKey) -> Option<V4Key> {
        match (key.client, key.server) {
            (IpAddr::V4(client), IpAddr::V4(server))
                if key.client_hint.is_none() && key.server_hint.is_none() =>
            {
                Some(V4Key {
                    client: u32::from(client),
                    server: u32::from(server),
                    service: u32::from(key.port) << 8 | u32::from(key.protocol.0),
                })
            }
            _ => None,
        }
    }

    pub(crate) fn key(self) -> EdgeKey {
        EdgeKey {
            client: IpAddr::V4(Ipv4Addr::from(self.client)),
            server: IpAddr::V4(Ipv4Addr::from(self.server)),
            port: (self.service >> 8) as u16,
            protocol: Protocol(self.service as u8),
            client_hint: HintId::NONE,
            server_hint: HintId::NONE,
        }
    }
}

/// Unset times: the compact form keeps times as `u32` Unix seconds from 1 to `u32::MAX - 1`,
/// an unset first time as `u32::MAX` and an unset last time as 0, so that a plain minimum and
/// maximum keep them (times outside that range make the edge a full one).
const NO_FIRST: u32 = u32::MAX;
const NO_LAST: u32 = 0;

/// The statistics of a [`V4Key`] edge, 4-byte aligned. `records` is `accepted + rejected`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tally {
    accepted: u32,
    rejected: u32,
    bytes: [u32; 2],
    packets: [u32; 2],
    first: u32,
    last: u32,
    sources: u32,
}

fn split(value: u64) -> [u32; 2] {
    [(value >> 32) as u32, value as u32]
}

fn join(value: [u32; 2]) -> u64 {
    u64::from(value[0]) << 32 | u64::from(value[1])
}

/// A time the compact form holds (`Some(None)` for unset), or `None` when it cannot.
fn time(value: Option<i64>) -> Option<Option<u32>> {
    match value {
        None => Some(None),
        Some(t) => u32::try_from(t)
            .ok()
            .filter(|&t| t != NO_FIRST && t != NO_LAST)
            .map(Some),
    }
}

impl Tally {
    pub(crate) const EMPTY: Tally = Tally {
        accepted: 0,
        rejected: 0,
        bytes: [0; 2],
        packets: [0; 2],
        first: NO_FIRST,
        last: NO_LAST,
        sources: 0,
    };

    /// Adds a record; `false` (and nothing changed) when the compact form cannot hold the sum.
    pub(crate) fn add(&mut self, sample: &FlowSample) -> bool {
        let (Some(start), Some(end)) = (time(sample.start), time(sample.end)) else {
            return false;
        };
        let (accepted, rejected) = if sample.accepted {
            (self.accepted.checked_add(1), Some(self.rejected))
        } else {
            (Some(self.accepted), self.rejected.checked_add(1))
        };
        let (Some(accepted), Some(rejected)) = (accepted, rejected) else {
            return false;
        };
        self.accepted = accepted;
        self.rejected = rejected;
        self.bytes = split(join(self.bytes).saturating_add(sample.bytes));
        self.packets = split(join(self.packets).saturating_add(sample.packets));
        // As `EdgeStats::see`: a record with one time was seen at that instant.
        self.first = self.first.min(start.or(end).unwrap_or(NO_FIRST));
        self.last = self.last.max(end.or(start).unwrap_or(NO_LAST));
        self.sources |= SourceSet::of(sample.source).0;
        true
    }

    pub(crate) fn stats(&self) -> EdgeStats {
        EdgeStats {
            records: u64::from(self.accepted) + u64::from(self.rejected),
            accepted: u64::from(self.accepted),
            rejected: u64::from(self.rejected),
            bytes: join(self.bytes),
            packets: join(self.packets),
            first_seen: (self.first != NO_FIRST).then_some(i64::from(self.first)),
            last_seen: (self.last != NO_LAST).then_some(i64::from(self.last)),
            sources: SourceSet(self.sources),
        }
    }
}

/// Flow records aggregated into edges, in parts with disjoint keys.
#[derive(Debug)]
pub struct EdgeTable {
    parts: Vec<Part>,
}

impl Default for EdgeTable {
    fn default() -> EdgeTable {
        EdgeTable::with_parts(1)
    }
}

impl EdgeTable {
    /// An empty table of `parts` parts (at least one).
    pub fn with_parts(parts: usize) -> EdgeTable {
        EdgeTable {
            parts: (0..parts.max(1)).map(|_| Part::default()).collect(),
        }
    }

    /// The part (of `parts`) an edge belongs to: a mix of the client's and server's addresses,
    /// the port and the protocol, the same for the compact and the full form of a key.
    pub fn part_of(key: &EdgeKey, parts: usize) -> usize {
        fn bits(address: IpAddr) -> u64 {
            match address {
                IpAddr::V4(v4) => u64::from(u32::from(v4)),
                IpAddr::V6(v6) => {
                    let value = u128::from(v6);
                    (value as u64) ^ ((value >> 64) as u64)
                }
            }
        }
        let mixed = (bits(key.client).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ bits(key.server)
            ^ u64::from(key.port) << 40)
            .wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        ((mixed >> 32) as usize) % parts.max(1)
    }

    /// Adds one flow record to its edge.
    pub fn add(&mut self, key: EdgeKey, sample: &FlowSample) {
        let part = EdgeTable::part_of(&key, self.parts.len());
        self.parts[part].add(key, sample);
    }

    /// Adds a record to part `part` of `parts`, for a thread that holds only that part (its
    /// table has one part); the key must belong to it.
    pub fn add_to_own_part(&mut self, key: EdgeKey, sample: &FlowSample) {
        if let Some(part) = self.parts.first_mut() {
            part.add(key, sample);
        }
    }

    /// Adds an edge aggregated elsewhere.
    pub fn add_stats(&mut self, key: EdgeKey, stats: &EdgeStats) {
        let part = EdgeTable::part_of(&key, self.parts.len());
        self.parts[part].add_stats(key, stats);
    }

    /// Joins tables built by threads, one part each, with disjoint keys: table `i` must hold
    /// only keys of part `i` of `tables.len()`.
    pub fn join_parts(tables: Vec<EdgeTable>) -> EdgeTable {
        EdgeTable {
            parts: tables.into_iter().flat_map(|t| t.parts).collect(),
        }
    }

    /// The number of distinct edges (cheapest once [`EdgeTable::finish`]ed).
    pub fn len(&self) -> usize {
        self.parts.iter().map(Part::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(Part::is_empty)
    }

    /// The statistics of one edge.
    pub fn get(&self, key: &EdgeKey) -> Option<EdgeStats> {
        self.parts[EdgeTable::part_of(key, self.parts.len())].get(key)
    }

    /// Every edge, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (EdgeKey, EdgeStats)> + '_ {
        self.parts.iter().flat_map(Part::entries)
    }

    /// Adds what waits, sorts each part's compact edges in place and frees their indexes: call
    /// it when no more records come (more may, at the cost of rebuilding indexes). A thread that
    /// built one part calls it on its own table, so parts are sorted in parallel.
    pub fn finish(&mut self) {
        for part in &mut self.parts {
            part.finish();
        }
    }

    /// Every edge in key order: the sorted runs of the parts merged (a part not yet finished is
    /// finished into a copy).
    pub fn sorted(&self) -> SortedEdges<'_> {
        let runs: Vec<Cow<'_, [(V4Key, Tally)]>> = self
            .parts
            .iter()
            .flat_map(Part::compact_runs)
            .filter(|run| !run.is_empty())
            .collect();
        let heads = runs
            .iter()
            .enumerate()
            .filter_map(|(i, run)| run.first().map(|(k, _)| Reverse((*k, i))))
            .collect();
        let mut full: Vec<(EdgeKey, EdgeStats)> =
            self.parts.iter().flat_map(Part::full_entries).collect();
        full.sort_unstable_by_key(|(k, _)| *k);
        SortedEdges {
            at: vec![0; runs.len()],
            heads,
            runs,
            full,
            next_full: 0,
        }
    }
}

/// The edges of a table in key order (see [`EdgeTable::sorted`]).
pub struct SortedEdges<'a> {
    runs: Vec<Cow<'a, [(V4Key, Tally)]>>,
    at: Vec<usize>,
    /// The next key of each run not yet done, least first.
    heads: BinaryHeap<Reverse<(V4Key, usize)>>,
    full: Vec<(EdgeKey, EdgeStats)>,
    next_full: usize,
}

impl Iterator for SortedEdges<'_> {
    type Item = (EdgeKey, EdgeStats);

    fn next(&mut self) -> Option<(EdgeKey, EdgeStats)> {
        let compact = self
            .heads
            .peek()
            .map(|Reverse((key, run))| (*run, key.key()));
        let full = self.full.get(self.next_full);
        match (compact, full) {
            (Some((run, key)), next_full)
                if next_full.is_none_or(|(full_key, _)| key < *full_key) =>
            {
                let stats = self.runs[run][self.at[run]].1.stats();
                self.at[run] += 1;
                self.heads.pop();
                if let Some((next, _)) = self.runs[run].get(self.at[run]) {
                    self.heads.push(Reverse((*next, run)));
                }
                Some((key, stats))
            }
            (_, Some((key, stats))) => {
                self.next_full += 1;
                Some((*key, *stats))
            }
            (_, None) => None,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let compact: usize = self
            .runs
            .iter()
            .zip(&self.at)
            .map(|(run, at)| run.len() - at)
            .sum();
        let left = compact + self.full.len() - self.next_full;
        (left, Some(left))
    }
}

#[cfg(test)]
mod tests;
