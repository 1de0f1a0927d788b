//! Which edge each record of a raw file belongs to. The first pass visits
//! every edge once in a scrambled order (so a file with at least as many flow
//! records as edges covers the pool exactly); later records are drawn with a
//! Zipf-like skew: density ∝ 1/(rank + HEAD), so the first 1% of the (shuffled)
//! pool gets about half of them.

use crate::rng::Rng;

const HEAD: f64 = 64.0;
/// One week, the span the records' times cover.
pub const WEEK: u64 = 7 * 86_400;

/// Record index → edge index.
#[derive(Debug, Clone, Copy)]
pub struct Picker {
    edges: u64,
    stride: u64,
    off: u64,
    ln_ratio: f64,
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Picker {
    pub fn new(edges: u64, seed: u64, tag: &str) -> Picker {
        let mut rng = Rng::derive(seed, tag);
        let mut stride = rng.range(edges / 2, edges.saturating_sub(1)).max(1);
        while gcd(stride, edges) != 1 {
            stride += 1;
        }
        Picker {
            edges,
            stride: stride % edges.max(1),
            off: rng.below(edges),
            ln_ratio: ((edges as f64 + HEAD) / HEAD).ln(),
        }
    }

    /// The edge of the first pass's `f`-th flow record (`f < edges`).
    pub fn first(&self, f: u64) -> usize {
        ((u128::from(f) * u128::from(self.stride) + u128::from(self.off)) % u128::from(self.edges))
            as usize
    }

    /// The edge of the `f`-th flow record of a file.
    pub fn edge(&self, f: u64, rng: &mut Rng) -> usize {
        if f < self.edges {
            return self.first(f);
        }
        let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let x = HEAD * (u * self.ln_ratio).exp() - HEAD;
        (x as u64).min(self.edges - 1) as usize
    }
}

/// NODATA lines of a VPC file sit at line indices ≡ 7 (mod 1000).
pub fn is_nodata(i: u64) -> bool {
    i % 1000 == 7
}

/// NODATA lines before line index `i`.
pub fn nodata_before(i: u64) -> u64 {
    i / 1000 + u64::from(i % 1000 > 7)
}

/// A client port above the service port (so replies fold onto the request).
pub fn ephemeral(rng: &mut Rng, port: u16) -> u16 {
    let lo = u64::from(port).max(32_767) + 1;
    let hi = if lo > 60_999 { 65_535 } else { 60_999 };
    rng.range(lo, hi) as u16
}

/// Seconds from the start of the week for line `i` of `total`: in line
/// order, with a little jitter.
pub fn offset(i: u64, total: u64, rng: &mut Rng) -> u64 {
    (u128::from(i) * u128::from(WEEK - 120) / u128::from(total.max(1))) as u64 + rng.below(60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_pass_is_a_permutation() {
        for n in [1u64, 2, 6, 97, 1000] {
            let p = Picker::new(n, 3, "t");
            let mut seen = vec![false; n as usize];
            for f in 0..n {
                seen[p.first(f)] = true;
            }
            assert!(seen.iter().all(|s| *s), "n = {n}");
        }
        assert_eq!(nodata_before(7), 0);
        assert_eq!(nodata_before(8), 1);
        assert_eq!(nodata_before(2008), 3);
        assert!(is_nodata(1007));
    }

    #[test]
    fn skewed_draws_stay_in_range() {
        let p = Picker::new(500, 1, "t");
        let mut rng = Rng::new(9);
        let hits: Vec<usize> = (0..10_000).map(|_| p.edge(600, &mut rng)).collect();
        assert!(hits.iter().all(|&h| h < 500));
        let head = hits.iter().filter(|&&h| h < 50).count();
        assert!(head > 2_000, "the first tenth is drawn more often: {head}");
    }
}
