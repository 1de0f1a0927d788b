//! Blast radius over the whole estate: the mean and largest reach in one mode, so that a plan
//! shows what it buys next to the flat network and the observed traffic.

use super::{Blast, Mode};

/// How far a breach spreads, over every workload (or an even sample of them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RadiusSummary {
    pub mode: Mode,
    /// Mean number of other workloads reachable.
    pub mean: f64,
    pub max: u64,
    /// Workloads measured: all of them.
    pub measured: usize,
    pub workloads: usize,
}

impl Blast<'_> {
    /// Mean and largest reach in `mode`, over every workload ([`Blast::ranking`]).
    pub fn summary(&self, mode: Mode) -> RadiusSummary {
        let n = self.estate.workloads.len();
        let reaches: Vec<u64> = self.ranking(mode).into_iter().map(|r| r.1).collect();
        let measured = reaches.len();
        let mean = if measured == 0 {
            0.0
        } else {
            reaches.iter().sum::<u64>() as f64 / measured as f64
        };
        RadiusSummary {
            mode,
            mean,
            max: reaches.iter().copied().max().unwrap_or(0),
            measured,
            workloads: n,
        }
    }
}
