//! One part of an [`super::EdgeTable`]. Records are aggregated where the memory they touch is
//! in cache: compact edges are spread over [`SUBS`] small sub-tables by a hash of their key, and
//! records wait in a short buffer per sub-table until it is worth visiting, so a file of
//! millions of edges is aggregated sub-table by sub-table instead of one cache miss per record.
//! A sub-table is a dense vector of edges and an index into it; [`Part::finish`] drops the
//! indexes and leaves one vector in key order, which costs no more memory than the edges.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::{FlowSample, Tally, V4Key};
use crate::model::{EdgeKey, EdgeStats};

/// Sub-tables per part.
const SUBS: usize = 512;
/// Records a sub-table's buffer holds before they are added.
const PENDING: usize = 512;

#[derive(Debug, Default, Clone)]
struct Sub {
    index: FxHashMap<V4Key, u32>,
    dense: Vec<(V4Key, Tally)>,
}

#[derive(Debug, Default, Clone)]
pub(super) struct Part {
    subs: Vec<Sub>,
    pending: Vec<Vec<(V4Key, FlowSample)>>,
    /// Once finished: the compact edges of each sub-table in key order (`subs` and `pending`
    /// are empty).
    runs: Vec<Vec<(V4Key, Tally)>>,
    finished: bool,
    /// Edges that are not compact, and compact keys that outgrew the compact form.
    full: FxHashMap<EdgeKey, EdgeStats>,
    /// Compact keys that moved to `full` (rare: only these need a look there).
    spilled: FxHashSet<V4Key>,
}

fn sub_of(key: &V4Key) -> usize {
    (key.mix() >> 48) as usize % SUBS
}

impl Part {
    fn open(&mut self) {
        if self.subs.is_empty() {
            self.subs = vec![Sub::default(); SUBS];
            self.pending = vec![Vec::new(); SUBS];
        }
        if self.finished {
            self.finished = false;
            for (sub, run) in self.subs.iter_mut().zip(std::mem::take(&mut self.runs)) {
                sub.index = run
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (*k, i as u32))
                    .collect();
                sub.dense = run;
            }
        }
    }

    pub(super) fn add(&mut self, key: EdgeKey, sample: &FlowSample) {
        match V4Key::of(&key) {
            Some(v4) if self.spilled.is_empty() || !self.spilled.contains(&v4) => {
                self.open();
                let sub = sub_of(&v4);
                let pending = &mut self.pending[sub];
                pending.push((v4, *sample));
                if pending.len() >= PENDING {
                    self.flush(sub);
                }
            }
            _ => self.add_full(key, sample),
        }
    }

    fn add_full(&mut self, key: EdgeKey, sample: &FlowSample) {
        self.full.entry(key).or_default().record(sample);
    }

    /// Adds the records waiting for sub-table `sub`.
    fn flush(&mut self, sub: usize) {
        let pending = std::mem::take(&mut self.pending[sub]);
        for (v4, sample) in &pending {
            if !self.spilled.is_empty() && self.spilled.contains(v4) {
                self.add_full(v4.key(), sample);
                continue;
            }
            let table = &mut self.subs[sub];
            let next = table.dense.len();
            let at = *table.index.entry(*v4).or_insert(next as u32) as usize;
            if at == next {
                table.dense.push((*v4, Tally::EMPTY));
            }
            let added = table
                .dense
                .get_mut(at)
                .is_some_and(|(_, tally)| tally.add(sample));
            if !added {
                // Outgrown: the edge moves to the full map for good.
                self.spill(sub, *v4, at);
                self.add_full(v4.key(), sample);
            }
        }
        let mut pending = pending;
        pending.clear();
        self.pending[sub] = pending;
    }

    fn flush_all(&mut self) {
        for sub in 0..self.pending.len() {
            if !self.pending[sub].is_empty() {
                self.flush(sub);
            }
        }
    }

    /// Takes a compact edge out of its sub-table into the full map.
    fn spill(&mut self, sub: usize, v4: V4Key, at: usize) {
        let table = &mut self.subs[sub];
        if at >= table.dense.len() {
            return;
        }
        let (_, tally) = table.dense.swap_remove(at);
        table.index.remove(&v4);
        if let Some((moved, _)) = table.dense.get(at) {
            table.index.insert(*moved, at as u32);
        }
        self.spilled.insert(v4);
        self.full.insert(v4.key(), tally.stats());
    }

    pub(super) fn add_stats(&mut self, key: EdgeKey, stats: &EdgeStats) {
        if let Some(v4) = V4Key::of(&key) {
            self.open();
            let sub = sub_of(&v4);
            self.flush(sub);
            match self.subs[sub].index.get(&v4) {
                Some(&at) => self.spill(sub, v4, at as usize),
                None => {
                    self.spilled.insert(v4);
                }
            }
        }
        self.full.entry(key).or_default().merge(stats);
    }

    /// Adds what waits, drops the indexes and leaves the compact edges in key order.
    pub(super) fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.flush_all();
        self.pending = Vec::new();
        self.runs = std::mem::take(&mut self.subs)
            .into_iter()
            .map(|sub| {
                drop(sub.index);
                let mut run = sub.dense;
                run.sort_unstable_by_key(|(k, _)| *k);
                run
            })
            .collect();
        self.finished = true;
    }

    /// A finished copy when this part is not finished.
    fn finished_view(&self) -> Cow<'_, Part> {
        if self.finished {
            Cow::Borrowed(self)
        } else {
            let mut copy = self.clone();
            copy.finish();
            Cow::Owned(copy)
        }
    }

    pub(super) fn get(&self, key: &EdgeKey) -> Option<EdgeStats> {
        let view = self.finished_view();
        if let Some(stats) = view.full.get(key) {
            return Some(*stats);
        }
        let v4 = V4Key::of(key)?;
        let run = view.runs.get(sub_of(&v4))?;
        let at = run.binary_search_by_key(&v4, |(k, _)| *k).ok()?;
        run.get(at).map(|(_, t)| t.stats())
    }

    /// The compact edges as runs in key order (one per sub-table).
    pub(super) fn compact_runs(&self) -> Vec<Cow<'_, [(V4Key, Tally)]>> {
        match self.finished_view() {
            Cow::Borrowed(part) => part.runs.iter().map(|r| Cow::Borrowed(&r[..])).collect(),
            Cow::Owned(part) => part.runs.into_iter().map(Cow::Owned).collect(),
        }
    }

    /// The edges kept in full.
    pub(super) fn full_entries(&self) -> Vec<(EdgeKey, EdgeStats)> {
        let view = self.finished_view();
        view.full.iter().map(|(k, s)| (*k, *s)).collect()
    }

    /// Every edge of the part, in no particular order.
    pub(super) fn entries(&self) -> Vec<(EdgeKey, EdgeStats)> {
        let view = self.finished_view();
        let compact = view
            .runs
            .iter()
            .flatten()
            .map(|(k, t)| (k.key(), t.stats()));
        let full = view.full.iter().map(|(k, s)| (*k, *s));
        compact.chain(full).collect()
    }

    /// Whether the part holds nothing, without finishing it.
    pub(super) fn is_empty(&self) -> bool {
        self.runs.iter().all(Vec::is_empty)
            && self.full.is_empty()
            && self.subs.iter().all(|s| s.dense.is_empty())
            && self.pending.iter().all(Vec::is_empty)
    }

    /// The number of distinct edges.
    pub(super) fn len(&self) -> usize {
        let view = self.finished_view();
        view.runs.iter().map(Vec::len).sum::<usize>() + view.full.len()
    }
}
