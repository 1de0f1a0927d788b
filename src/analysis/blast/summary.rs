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
    /// Workloads measured: all of them, or an even sample in name order for observed mode on
    /// large estates.
    pub measured: usize,
    pub workloads: usize,
}

impl Blast<'_> {
    /// Mean and largest reach in `mode`. Planned and flat measure every workload; observed
    /// measures at most `sample` workloads, spread evenly over the name order.
    pub fn summary(&self, mode: Mode, sample: usize) -> RadiusSummary {
        let n = self.estate.workloads.len();
        let reaches: Vec<u64> = match mode {
            Mode::Flat => vec![n.saturating_sub(1) as u64; n],
            Mode::Planned => self.planned_ranking().into_iter().map(|r| r.1).collect(),
            Mode::Observed => {
                let mut order: Vec<u32> = (0..n as u32).collect();
                order.sort_by_key(|&w| self.rank[w as usize]);
                let step = n.div_ceil(sample.max(1)).max(1);
                order
                    .into_iter()
                    .step_by(step)
                    .map(|w| self.reach(w, Mode::Observed).reachable)
                    .collect()
            }
        };
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
