//! Addresses (all kept as u128; IPv4 as IPv4-mapped IPv6), time formatting and output files.

use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{BufWriter, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

const V4_MAPPED: u128 = 0xffff_0000_0000;

pub fn v4(a: u8, b: u8, c: u8, d: u8) -> u128 {
    v4u(u32::from_be_bytes([a, b, c, d]))
}

pub fn v4u(x: u32) -> u128 {
    V4_MAPPED | u128::from(x)
}

pub fn is_v4(a: u128) -> bool {
    a >> 32 == 0xffff
}

pub fn v4_of(a: u128) -> u32 {
    (a & 0xffff_ffff) as u32
}

pub fn v6(s: &str) -> Result<u128, String> {
    s.parse::<Ipv6Addr>()
        .map(u128::from)
        .map_err(|e| format!("bad IPv6 literal {s}: {e}"))
}

pub fn fmt_addr(a: u128) -> String {
    if is_v4(a) {
        Ipv4Addr::from(v4_of(a)).to_string()
    } else {
        Ipv6Addr::from(a).to_string()
    }
}

/// A `/24` (or other) IPv4 CIDR string from a base address and prefix length.
pub fn cidr4(base: u32, len: u8) -> String {
    format!("{}/{len}", Ipv4Addr::from(base))
}

/// Addresses an organisation's sensors treat as local (RFC 1918, ULA, Northwind's IPv6).
pub fn is_local(a: u128) -> bool {
    if is_v4(a) {
        let x = v4_of(a);
        x >> 24 == 10 || x >> 20 == 0xac1 || x >> 16 == 0xc0a8
    } else {
        a >> 120 == 0xfd || a >> 80 == 0x2001_0db8_0010
    }
}

// ---- time ----------------------------------------------------------------

/// Start of the observation period: 2025-11-17T08:00:00Z.
pub const T0: i64 = 1_763_366_400;

/// (year, month, day, hour, minute, second) of a Unix time.
pub fn parts(secs: i64) -> (i64, u32, u32, i64, i64, i64) {
    blastwall::model::time::utc_parts(secs)
}

pub fn iso(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = parts(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// AWS CLI style: `2025-06-03T09:14:22+00:00`.
pub fn aws_time(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = parts(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}+00:00")
}

/// RFC 3339 with nanoseconds.
pub fn rfc3339_nanos(secs: i64, nanos: u32) -> String {
    let (y, m, d, hh, mm, ss) = parts(secs);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{nanos:09}Z")
}

/// Zeek `#open`/`#close` stamp: `2025-11-17-08-00-00`.
pub fn zeek_stamp(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = parts(secs);
    format!("{y:04}-{m:02}-{d:02}-{hh:02}-{mm:02}-{ss:02}")
}

/// S3 flow-log file stamp: `20251117T0805Z`.
pub fn aws_stamp(secs: i64) -> String {
    let (y, m, d, hh, mm, _) = parts(secs);
    format!("{y:04}{m:02}{d:02}T{hh:02}{mm:02}Z")
}

// ---- hashing -------------------------------------------------------------

/// FxHash: fast, deterministic hasher for the truth sets.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }
}

pub type FxBuild = BuildHasherDefault<Fx>;
pub type FxSet<T> = std::collections::HashSet<T, FxBuild>;
pub type FxMap<K, V> = std::collections::HashMap<K, V, FxBuild>;

// ---- output files --------------------------------------------------------

/// A buffered output file, gzip-compressed when `level` is set.
pub enum Out {
    Plain(BufWriter<File>),
    Gz(BufWriter<GzEncoder<File>>),
}

impl Out {
    pub fn create(path: &Path, level: Option<u32>) -> std::io::Result<Out> {
        let f = File::create(path)?;
        Ok(match level {
            None => Out::Plain(BufWriter::with_capacity(1 << 16, f)),
            Some(l) => Out::Gz(BufWriter::with_capacity(
                1 << 16,
                GzEncoder::new(f, Compression::new(l)),
            )),
        })
    }

    pub fn finish(self) -> std::io::Result<()> {
        match self {
            Out::Plain(mut w) => w.flush(),
            Out::Gz(w) => {
                let enc = w.into_inner().map_err(|e| e.into_error())?;
                enc.finish()?.flush()
            }
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Out::Plain(w) => w.write(buf),
            Out::Gz(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Out::Plain(w) => w.write_all(buf),
            Out::Gz(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Out::Plain(w) => w.flush(),
            Out::Gz(w) => w.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_time() {
        let a = v4(10, 20, 0, 2);
        assert!(is_v4(a));
        assert_eq!(fmt_addr(a), "10.20.0.2");
        let b = v6("2001:db8:10:110::15").unwrap_or(0);
        assert!(!is_v4(b));
        assert!(is_local(b) && is_local(a) && !is_local(v4(198, 51, 100, 7)));
        assert_eq!(fmt_addr(b), "2001:db8:10:110::15");
        assert_eq!(iso(T0), "2025-11-17T08:00:00Z");
        assert_eq!(aws_stamp(T0 + 300), "20251117T0805Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
    }
}
