//! The raw Zeek conn.log: TSV with the header block `zeek.rs` writes, one
//! uncompressed file. One line is one connection, originator to responder;
//! rejected TCP attempts are REJ or S0, which the importer counts as rejected.

use super::batch::{BATCH, Batch, Staged};
use super::fmt::{Cursor, SLOT, chunk_rng};
use super::order::{Picker, WEEK, ephemeral, offset};
use super::pool::{Edge, Pool};
use super::sink::{ChunkGen, Counts};
use crate::deps::{ICMP, TCP, UDP};
use crate::net::{T0, zeek_stamp};
use crate::rng::Rng;
use crate::zeek::{FIELDS, TYPES, service};

pub const TAG: &str = "raw-zeek";

pub fn header() -> String {
    format!(
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t{}\n#fields\t{FIELDS}\n#types\t{TYPES}\n",
        zeek_stamp(T0)
    )
}

pub fn footer() -> String {
    format!("#close\t{}\n", zeek_stamp(T0 + WEEK as i64))
}

pub struct ZeekGen<'p> {
    pub pool: &'p Pool,
    pub picker: Picker,
    pub seed: u64,
    pub total: u64,
}

/// What a connection looked like on the wire (None: unset, `-`).
struct Shape {
    duration_us: Option<u64>,
    bytes: Option<(u64, u64)>,
    state: &'static [u8],
    history: &'static [u8],
    pkts: [u64; 4],
}

fn tcp_accepted(rng: &mut Rng) -> Shape {
    let (state, history): (&[u8], &[u8]) = match rng.below(100) {
        0..=83 => (b"SF", b"ShADadFf"),
        84..=88 => (b"S1", b"ShADad"),
        89..=92 => (b"RSTO", b"ShADadR"),
        93..=95 => (b"RSTR", b"ShADadr"),
        96..=97 => (b"S3", b"ShADadf"),
        _ => (b"S2", b"ShADadF"),
    };
    let (op, rp) = (rng.range(4, 80), rng.range(3, 90));
    let (ob, rb) = (op * rng.range(20, 900), rp * rng.range(40, 1400));
    let duration = if state == b"S1" {
        rng.range(60_000_000, 3_600_000_000)
    } else {
        rng.range(800, 30_000_000)
    };
    Shape {
        duration_us: Some(duration),
        bytes: Some((ob, rb)),
        state,
        history,
        pkts: [op, ob + op * 52, rp, rb + rp * 52],
    }
}

fn shape(rng: &mut Rng, e: &Edge) -> Shape {
    match e.proto {
        ICMP | 58 => Shape {
            duration_us: Some(rng.range(200, 3000)),
            bytes: Some((48, 48)),
            state: b"OTH",
            history: b"-",
            pkts: [1, 76, 1, 76],
        },
        UDP => {
            let (b1, b2) = (rng.range(30, 80), rng.range(60, 400));
            Shape {
                duration_us: Some(rng.range(200, 40_000)),
                bytes: Some((b1, b2)),
                state: b"SF",
                history: b"Dd",
                pkts: [1, b1 + 28, 1, b2 + 28],
            }
        }
        _ if e.reject => {
            let op = rng.range(1, 3);
            if rng.chance(3, 5) {
                Shape {
                    duration_us: Some(rng.range(100, 3_000_000)),
                    bytes: Some((0, 0)),
                    state: b"REJ",
                    history: b"Sr",
                    pkts: [op, op * 60, 1, 40],
                }
            } else {
                Shape {
                    duration_us: None,
                    bytes: None,
                    state: b"S0",
                    history: b"S",
                    pkts: [op, op * 60, 0, 0],
                }
            }
        }
        _ => tcp_accepted(rng),
    }
}

fn opt(c: &mut Cursor, v: Option<u64>) {
    match v {
        Some(v) => c.num(v),
        None => c.byte(b'-'),
    }
    c.byte(b'\t');
}

impl ZeekGen<'_> {
    fn record(&self, c: &mut Cursor, rng: &mut Rng, r: &Staged, ts_us: u64) {
        let e = &r.edge;
        c.line();
        c.secs6(ts_us);
        c.lit(b"\tC");
        c.base62(rng, 17);
        let icmp = e.proto == ICMP || e.proto == 58;
        let (op, rp) = if icmp {
            (8, 0)
        } else {
            (ephemeral(rng, e.port), e.port)
        };
        for (k, port) in [op, rp].into_iter().enumerate() {
            c.byte(b'\t');
            c.text(&r.text[k], r.len[k]);
            c.byte(b'\t');
            c.num(port.into());
        }
        match e.proto {
            TCP => c.lit(b"\ttcp\t"),
            UDP => c.lit(b"\tudp\t"),
            _ => c.lit(b"\ticmp\t"),
        }
        match service(e.port, e.proto).filter(|_| !e.reject && !icmp) {
            Some(svc) => c.text(&pad(svc), svc.len()),
            None => c.byte(b'-'),
        }
        c.byte(b'\t');
        let z = shape(rng, e);
        match z.duration_us {
            Some(d) => c.secs6(d),
            None => c.byte(b'-'),
        }
        c.byte(b'\t');
        opt(c, z.bytes.map(|b| b.0));
        opt(c, z.bytes.map(|b| b.1));
        c.text(&pad_bytes(z.state), z.state.len());
        let tf = |l: bool| if l { b"\tT" } else { b"\tF" };
        c.lit(tf(r.local[0]));
        c.lit(tf(r.local[1]));
        c.lit(b"\t0\t");
        c.text(&pad_bytes(z.history), z.history.len());
        c.byte(b'\t');
        for p in z.pkts {
            opt(c, Some(p));
        }
        c.lit(b"(empty)\n");
    }
}

/// A short text as a `SLOT`-byte window for `Cursor::text`.
fn pad_bytes(s: &[u8]) -> [u8; SLOT] {
    let mut out = [0u8; SLOT];
    let n = s.len().min(SLOT);
    out[..n].copy_from_slice(&s[..n]);
    out
}

fn pad(s: &str) -> [u8; SLOT] {
    pad_bytes(s.as_bytes())
}

impl ChunkGen for ZeekGen<'_> {
    fn chunk(&self, k: u64, lo: u64, hi: u64, buf: &mut Vec<u8>, n: &mut Counts) {
        let mut rng = chunk_rng(self.seed, TAG, k);
        let mut c = Cursor::new(buf);
        let mut batch = Batch::new();
        let mut flows = [None; BATCH];
        let mut first = lo;
        while first < hi {
            let last = (first + BATCH as u64).min(hi);
            for (f, i) in flows.iter_mut().zip(first..last) {
                *f = Some(i);
            }
            let m = (last - first) as usize;
            batch.load(self.pool, &self.picker, &flows[..m], &mut rng);
            for (r, i) in batch.rows.iter().zip(first..last) {
                let Some(r) = r else { continue };
                n.records += 1;
                let secs = T0 as u64 + offset(i, self.total, &mut rng);
                let ts_us = secs * 1_000_000 + rng.below(1_000_000);
                if r.edge.reject {
                    n.rejected += 1;
                } else {
                    n.accepted += 1;
                }
                self.record(&mut c, &mut rng, r, ts_us);
            }
            first = last;
        }
    }
}
