//! Small deterministic PRNG (splitmix64 seeding + xoshiro256**) and id helpers.

const K8S_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
const HEX: &[u8] = b"0123456789abcdef";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** generator.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix(&mut sm);
        }
        Rng { s }
    }

    /// An independent stream for one part of the generator, named by `tag`.
    pub fn derive(seed: u64, tag: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in tag.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng::new(seed ^ h.rotate_left(17))
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform index in `0..n` (0 when n is 0).
    pub fn idx(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.idx(alphabet.len())]))
            .collect()
    }

    pub fn hex(&mut self, n: usize) -> String {
        self.chars(HEX, n)
    }

    /// A Kubernetes-style random suffix; never all digits (keeps pod names unambiguous).
    pub fn k8s_hash(&mut self, n: usize) -> String {
        loop {
            let s = self.chars(K8S_ALPHABET, n);
            if s.bytes().any(|b| b.is_ascii_lowercase()) {
                return s;
            }
        }
    }

    pub fn base62(&mut self, n: usize) -> String {
        self.chars(BASE62, n)
    }

    pub fn uuid(&mut self) -> String {
        let a = self.hex(8);
        let b = self.hex(4);
        let c = self.hex(3);
        let d = self.hex(3);
        let e = self.hex(12);
        let variant = char::from(b"89ab"[self.idx(4)]);
        format!("{a}-{b}-4{c}-{variant}{d}-{e}")
    }

    /// AWS-style resource id: `prefix-0` followed by 16 hex digits.
    pub fn aws_id(&mut self, prefix: &str) -> String {
        format!("{prefix}-0{}", self.hex(16))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_spread() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut c = Rng::derive(42, "vpc");
        let v: Vec<u64> = (0..1000).map(|_| c.below(10)).collect();
        assert!(v.iter().all(|x| *x < 10));
        assert!((0..10).all(|d| v.contains(&d)));
        let h = c.k8s_hash(5);
        assert_eq!(h.len(), 5);
    }
}
