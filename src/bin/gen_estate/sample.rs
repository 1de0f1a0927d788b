//! Weighted choice of the next conversation for one source, plus the record
//! of which conversations that source has used.

use crate::rng::Rng;
use crate::traffic::Traffic;
use crate::truth::Tally;

pub struct Sampler {
    idx: Vec<u32>,
    cum: Vec<u64>,
    must: Vec<u32>,
    must_pos: usize,
    used: Vec<bool>,
    pub tally: Tally,
}

impl Sampler {
    pub fn new(t: &Traffic, source: u8, label: &'static str) -> Sampler {
        let (idx, must) = t.for_source(source);
        let mut cum = Vec::with_capacity(idx.len());
        let mut total = 0u64;
        for &i in &idx {
            total += u64::from(t.convs[i as usize].weight.max(1));
            cum.push(total);
        }
        Sampler {
            idx,
            cum,
            must,
            must_pos: 0,
            used: vec![false; t.convs.len()],
            tally: Tally {
                source,
                label,
                ..Tally::default()
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    /// The next conversation: the `must` ones first, then weighted at random.
    pub fn next(&mut self, rng: &mut Rng) -> Option<u32> {
        if let Some(&i) = self.must.get(self.must_pos) {
            self.must_pos += 1;
            return Some(i);
        }
        let total = *self.cum.last()?;
        let r = rng.below(total);
        let pos = self.cum.partition_point(|&c| c <= r);
        self.idx.get(pos).copied()
    }

    /// A random conversation satisfying `pred` (tries a bounded number of times).
    pub fn pick(&mut self, rng: &mut Rng, pred: impl Fn(u32) -> bool) -> Option<u32> {
        for _ in 0..200 {
            let i = *self.idx.get(rng.idx(self.idx.len()))?;
            if pred(i) {
                return Some(i);
            }
        }
        None
    }

    /// Note that records of conversation `i` were written.
    pub fn mark(&mut self, i: u32) {
        if let Some(u) = self.used.get_mut(i as usize) {
            if !*u {
                *u = true;
                self.tally.used.push(i);
            }
        }
    }

    pub fn finish(self) -> Tally {
        self.tally
    }
}

/// gzip level for flow files: thorough for committed estates, fast for benchmarks.
pub fn gz_level(total_records: u64) -> u32 {
    if total_records > 2_000_000 { 1 } else { 9 }
}
