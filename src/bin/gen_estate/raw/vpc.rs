//! The raw VPC flow log: version 2, default field order, one uncompressed
//! file. Both directions of a connection are logged, so about 40% of the
//! accepted TCP/UDP records are replies (server → client).

use super::batch::{BATCH, Batch, Staged};
use super::fmt::{Cursor, chunk_rng};
use super::order::{Picker, ephemeral, is_nodata, nodata_before, offset};
use super::pool::{Edge, Pool};
use super::sink::{ChunkGen, Counts};
use crate::deps::{ICMP, TCP, UDP};
use crate::model::ACCOUNT;
use crate::net::T0;
use crate::rng::Rng;

pub const HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
pub const TAG: &str = "raw-vpc";
const ACCOUNT_BYTES: &[u8; ACCOUNT.len()] = &{
    let mut out = [0u8; ACCOUNT.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = ACCOUNT.as_bytes()[i];
        i += 1;
    }
    out
};

pub struct VpcGen<'p> {
    pub pool: &'p Pool,
    pub picker: Picker,
    pub seed: u64,
    pub total: u64,
}

/// (packets, bytes) of one direction in one aggregation interval.
fn volume(rng: &mut Rng, e: &Edge, reply: bool) -> (u64, u64) {
    if e.reject {
        let pk = rng.range(1, 3);
        return (pk, pk * rng.range(40, 60));
    }
    match e.proto {
        ICMP | 58 => {
            let pk = rng.range(1, 10);
            (pk, pk * 84)
        }
        UDP => {
            let pk = rng.range(1, 6);
            (pk, pk * rng.range(70, 300))
        }
        _ if reply => {
            let pk = rng.range(3, 80);
            (pk, pk * rng.range(200, 1400))
        }
        _ => {
            let pk = rng.range(3, 60);
            (pk, pk * rng.range(60, 600))
        }
    }
}

/// `2 ACCOUNT INTERFACE `: the start of every line.
fn prefix(c: &mut Cursor, eni: &[u8], len: usize) {
    c.line();
    c.lit(b"2 ");
    c.lit(ACCOUNT_BYTES);
    c.byte(b' ');
    c.text(eni, len);
    c.byte(b' ');
}

impl VpcGen<'_> {
    fn nodata(&self, c: &mut Cursor, rng: &mut Rng, start: u64) {
        let (eni, len) = self.pool.enis.get(rng.idx(self.pool.enis.len()) as u32);
        prefix(c, eni, len);
        c.lit(b"- - - - - - - ");
        c.num(start);
        c.byte(b' ');
        c.num(start + 59);
        c.lit(b" - NODATA\n");
    }

    fn record(&self, c: &mut Cursor, rng: &mut Rng, r: &Staged, start: u64) {
        let e = &r.edge;
        let ports = e.proto == TCP || e.proto == UDP;
        let reply = ports && !e.reject && rng.chance(2, 5);
        let (cport, sport) = if ports {
            (ephemeral(rng, e.port), e.port)
        } else {
            (0, 0)
        };
        prefix(c, &r.eni, r.eni_len);
        let (src, dst, srcport, dstport) = if reply {
            (1, 0, sport, cport)
        } else {
            (0, 1, cport, sport)
        };
        c.text(&r.text[src], r.len[src]);
        c.byte(b' ');
        c.text(&r.text[dst], r.len[dst]);
        let (pk, by) = volume(rng, e, reply);
        let end = start + rng.range(0, 59);
        for v in [
            srcport.into(),
            dstport.into(),
            e.proto.into(),
            pk,
            by,
            start,
            end,
        ] {
            c.byte(b' ');
            c.num(v);
        }
        c.lit(if e.reject {
            b" REJECT OK\n"
        } else {
            b" ACCEPT OK\n"
        });
    }
}

impl ChunkGen for VpcGen<'_> {
    fn chunk(&self, k: u64, lo: u64, hi: u64, buf: &mut Vec<u8>, n: &mut Counts) {
        let mut rng = chunk_rng(self.seed, TAG, k);
        let mut c = Cursor::new(buf);
        let mut batch = Batch::new();
        let mut flows = [None; BATCH];
        let mut first = lo;
        while first < hi {
            let last = (first + BATCH as u64).min(hi);
            for (f, i) in flows.iter_mut().zip(first..last) {
                *f = (!is_nodata(i)).then(|| i - nodata_before(i));
            }
            let m = (last - first) as usize;
            batch.load(self.pool, &self.picker, &flows[..m], &mut rng);
            for (r, i) in batch.rows.iter().zip(first..last) {
                n.records += 1;
                let start = T0 as u64 + offset(i, self.total, &mut rng);
                let Some(r) = r else {
                    n.nodata += 1;
                    self.nodata(&mut c, &mut rng, start);
                    continue;
                };
                if r.edge.reject {
                    n.rejected += 1;
                } else {
                    n.accepted += 1;
                }
                self.record(&mut c, &mut rng, r, start);
            }
            first = last;
        }
    }
}
