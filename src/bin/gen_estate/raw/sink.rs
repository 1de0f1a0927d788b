//! Writing one large file from several threads: each thread formats whole
//! chunks of records into its own buffers, the calling thread writes them in
//! order and hands the buffers back. Nothing but a few chunks is ever held.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::model::Res;

/// Records per chunk (about 4 MB of VPC lines).
pub const CHUNK: u64 = 32_768;

/// What the records of a chunk (or a file) were.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub records: u64,
    pub nodata: u64,
    pub accepted: u64,
    pub rejected: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.records += o.records;
        self.nodata += o.nodata;
        self.accepted += o.accepted;
        self.rejected += o.rejected;
    }
}

/// Formats records `lo..hi` (chunk `k`) into `buf`, counting them in `n`.
pub trait ChunkGen: Sync {
    fn chunk(&self, k: u64, lo: u64, hi: u64, buf: &mut Vec<u8>, n: &mut Counts);
}

/// Writes `head`, the `total` records `source` makes, then `tail`, to `path`.
pub fn write(
    path: &Path,
    total: u64,
    head: &[u8],
    tail: &[u8],
    source: &dyn ChunkGen,
) -> Res<Counts> {
    let named = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(|e| named(&e))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(head).map_err(|e| named(&e))?;
    let workers = std::thread::available_parallelism()
        .map(usize::from)
        .unwrap_or(2)
        .clamp(1, 8) as u64;
    let chunks = total.div_ceil(CHUNK);
    let counts = std::thread::scope(|scope| {
        let mut ready = Vec::new();
        let mut back = Vec::new();
        for w in 0..workers {
            let (tx, rx) = sync_channel::<(Vec<u8>, Counts)>(2);
            let (back_tx, back_rx) = sync_channel::<Vec<u8>>(4);
            ready.push(rx);
            back.push(back_tx);
            scope.spawn(move || produce(source, w, workers, chunks, total, &tx, &back_rx));
        }
        drain(&mut out, chunks, ready, back)
    })
    .map_err(|e| named(&e))?;
    out.write_all(tail).map_err(|e| named(&e))?;
    out.flush().map_err(|e| named(&e))?;
    Ok(counts)
}

fn produce(
    source: &dyn ChunkGen,
    w: u64,
    workers: u64,
    chunks: u64,
    total: u64,
    tx: &SyncSender<(Vec<u8>, Counts)>,
    back: &Receiver<Vec<u8>>,
) {
    let mut k = w;
    while k < chunks {
        let mut buf = back.try_recv().unwrap_or_default();
        buf.clear();
        let mut n = Counts::default();
        let lo = k * CHUNK;
        source.chunk(k, lo, (lo + CHUNK).min(total), &mut buf, &mut n);
        if tx.send((buf, n)).is_err() {
            return;
        }
        k += workers;
    }
}

/// Writes the chunks in order; dropping the receivers on an error stops the producers.
fn drain(
    out: &mut impl Write,
    chunks: u64,
    ready: Vec<Receiver<(Vec<u8>, Counts)>>,
    back: Vec<SyncSender<Vec<u8>>>,
) -> Res<Counts> {
    let mut counts = Counts::default();
    let workers = ready.len() as u64;
    for k in 0..chunks {
        let w = (k % workers) as usize;
        let (buf, n) = ready[w]
            .recv()
            .map_err(|_| "a record writer thread stopped")?;
        out.write_all(&buf)?;
        counts.add(&n);
        let _ = back[w].try_send(buf);
    }
    Ok(counts)
}
