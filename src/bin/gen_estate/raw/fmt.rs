//! Hand-written formatting straight into a chunk's byte buffer (no `format!`
//! and, for short fields, no `memcpy` call per field), and the per-chunk
//! random streams.

use crate::rng::Rng;

const DIGITS2: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The longest field copied by `Cursor::text` (an IPv6 address is at most 39).
pub const SLOT: usize = 48;
/// Room every record line fits in.
pub const LINE_MAX: usize = 512;

/// Writes into `buf` from its start; on drop, `buf` keeps what was written.
pub struct Cursor<'a> {
    buf: &'a mut Vec<u8>,
    n: usize,
}

impl Drop for Cursor<'_> {
    fn drop(&mut self) {
        self.buf.truncate(self.n);
    }
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a mut Vec<u8>) -> Cursor<'a> {
        buf.clear();
        Cursor { buf, n: 0 }
    }

    /// Makes room for one more line; call before each record.
    pub fn line(&mut self) {
        if self.n + LINE_MAX > self.buf.len() {
            let want = (self.n + LINE_MAX).max(self.buf.len() * 2).max(1 << 16);
            self.buf.resize(want, 0);
        }
    }

    pub fn byte(&mut self, b: u8) {
        self.buf[self.n] = b;
        self.n += 1;
    }

    /// A literal (its length is known when compiled, so the copy is inlined).
    pub fn lit<const N: usize>(&mut self, s: &[u8; N]) {
        self.buf[self.n..self.n + N].copy_from_slice(s);
        self.n += N;
    }

    /// The first `len` bytes of `padded` (at least `SLOT` long), copied as a
    /// fixed 16 or 48 bytes of which the tail is overwritten by what follows.
    pub fn text(&mut self, padded: &[u8], len: usize) {
        if len <= 16 {
            self.buf[self.n..self.n + 16].copy_from_slice(&padded[..16]);
        } else {
            self.buf[self.n..self.n + SLOT].copy_from_slice(&padded[..SLOT]);
        }
        self.n += len.min(SLOT);
    }

    /// `v` in decimal.
    pub fn num(&mut self, mut v: u64) {
        self.n += v.checked_ilog10().map_or(1, |d| d as usize + 1);
        let mut i = self.n;
        while v >= 100 {
            let d = (v % 100) as usize * 2;
            v /= 100;
            i -= 2;
            self.buf[i] = DIGITS2[d];
            self.buf[i + 1] = DIGITS2[d + 1];
        }
        if v >= 10 {
            let d = v as usize * 2;
            self.buf[i - 2] = DIGITS2[d];
            self.buf[i - 1] = DIGITS2[d + 1];
        } else {
            self.buf[i - 1] = b'0' + v as u8;
        }
    }

    /// Microseconds as decimal seconds with six decimals (`12.000345`).
    pub fn secs6(&mut self, us: u64) {
        self.num(us / 1_000_000);
        self.byte(b'.');
        let mut frac = us % 1_000_000;
        for k in (0..6).rev() {
            self.buf[self.n + k] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        self.n += 6;
    }

    /// `n` random base-62 characters (Zeek connection uids).
    pub fn base62(&mut self, rng: &mut Rng, n: usize) {
        let mut bits = rng.next_u64();
        for k in 0..n {
            if k % 10 == 9 {
                bits = rng.next_u64();
            }
            self.byte(BASE62[(bits % 62) as usize]);
            bits /= 62;
        }
    }
}

/// Text fields back to back, each readable as a `SLOT`-byte window.
#[derive(Debug, Default)]
pub struct Texts {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl Texts {
    pub fn push(&mut self, s: &str) {
        self.bytes
            .truncate(self.ends.last().copied().unwrap_or(0) as usize);
        self.bytes.extend_from_slice(s.as_bytes());
        self.ends.push(self.bytes.len() as u32);
        self.bytes.extend_from_slice(&[0; SLOT]);
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i` as (a window of at least `SLOT` bytes, its length).
    pub fn get(&self, i: u32) -> (&[u8], usize) {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let len = self.ends[i] as usize - start;
        (&self.bytes[start..start + len.max(SLOT)], len)
    }
}

/// The random stream of chunk `k` of a file: independent of how many
/// threads write it, so the output depends on the seed only.
pub fn chunk_rng(seed: u64, tag: &str, k: u64) -> Rng {
    let mut r = Rng::derive(seed, tag);
    Rng::new(r.next_u64() ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_fields() {
        let mut texts = Texts::default();
        for s in ["10.0.0.1", "2001:db8:10:110:ffff:ffff:ffff:ffff", ""] {
            texts.push(s);
        }
        let mut buf = Vec::new();
        {
            let mut c = Cursor::new(&mut buf);
            for v in [0u64, 7, 10, 99, 100, 12345, u64::MAX] {
                c.line();
                c.num(v);
                c.byte(b' ');
            }
            c.secs6(1_763_366_400_000_045);
            for i in 0..3 {
                let (w, len) = texts.get(i);
                c.lit(b"|");
                c.text(w, len);
            }
            c.lit(b"|");
            c.base62(&mut Rng::new(1), 17);
        }
        let text = String::from_utf8_lossy(&buf).to_string();
        let (head, uid) = text.split_at(text.len() - 17);
        assert_eq!(
            head,
            "0 7 10 99 100 12345 18446744073709551615 1763366400.000045|10.0.0.1|2001:db8:10:110:ffff:ffff:ffff:ffff||"
        );
        assert!(uid.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
