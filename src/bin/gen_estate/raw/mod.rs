//! Raw benchmark flow logs (`--raw-vpc N`, `--raw-zeek N`): one large,
//! uncompressed file per format over a pool of `--edges` distinct service
//! edges, plus `raw/raw.json`, the figures an import of each file must give.

mod batch;
mod fill;
mod fmt;
mod order;
pub mod pool;
mod sink;
mod vpc;
mod zeek;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use crate::Args;
use crate::model::{Model, Res};
use crate::net::FxSet;
use crate::rng::Rng;
use crate::traffic::Traffic;
use order::Picker;
use pool::Pool;
use sink::{ChunkGen, Counts};

pub const VPC_FILE: &str = "vpc.log";
pub const ZEEK_FILE: &str = "conn.log";

/// The truth about one raw file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileTruth {
    pub label: &'static str,
    pub file: &'static str,
    pub counts: Counts,
    /// Distinct (client, server, service port, protocol) after reply folding.
    pub edges: u64,
    /// Of those, edges with an end no inventory resolves.
    pub unresolved_edges: u64,
    pub unresolved_addresses: u64,
    /// Distinct edges once resolvable ends are replaced by their workload.
    pub workload_edges: u64,
    pub bytes: u64,
    pub seconds: f64,
}

/// The edge pool: the traffic model's edges, filled up to (or cut down to) `edges`.
pub fn build_pool(m: &Model, t: &Traffic, seed: u64, edges: Option<u64>) -> Res<Pool> {
    let mut pool = pool::base(m, t, seed)?;
    let mut rng = Rng::derive(seed, "raw-pool");
    let target = edges.map_or(pool.edges.len(), |n| n as usize);
    if target > pool.edges.len() {
        fill::fill(&mut pool, m, target, &mut rng)?;
    }
    pool.seal(&mut rng);
    pool.edges.truncate(target);
    if pool.edges.is_empty() {
        return Err("the raw edge pool is empty: use more --workloads or --edges".into());
    }
    Ok(pool)
}

/// Writes the requested raw files and `raw/raw.json` into `dir/raw`.
pub fn write(dir: &Path, m: &Model, t: &Traffic, args: &Args) -> Res<Vec<FileTruth>> {
    let raw = dir.join("raw");
    std::fs::create_dir_all(&raw)?;
    for (name, n) in [(VPC_FILE, args.raw_vpc), (ZEEK_FILE, args.raw_zeek)] {
        let p = raw.join(name);
        if n == 0 && p.exists() {
            std::fs::remove_file(p)?;
        }
    }
    let start = Instant::now();
    let pool = build_pool(m, t, args.seed, args.edges)?;
    let pool_secs = start.elapsed().as_secs_f64();
    eprintln!(
        "gen-estate: raw edge pool of {} edges ({} with an unresolvable end) in {pool_secs:.1}s",
        pool.edges.len(),
        pool.unknown_edges()
    );
    let mut out = Vec::new();
    if args.raw_vpc > 0 {
        out.push(write_vpc(&raw, &pool, args.seed, args.raw_vpc)?);
        eprintln!("gen-estate: {}", describe(&out[out.len() - 1]));
    }
    if args.raw_zeek > 0 {
        out.push(write_zeek(&raw, &pool, args.seed, args.raw_zeek)?);
        eprintln!("gen-estate: {}", describe(&out[out.len() - 1]));
    }
    let json = to_json(args, pool.edges.len(), pool_secs, &out);
    std::fs::write(raw.join("raw.json"), json)?;
    Ok(out)
}

/// The header line of the raw VPC file.
#[cfg(test)]
pub fn vpc_header() -> &'static str {
    vpc::HEADER
}

/// Without `--raw-*`: raw files of an earlier run would not match the new inventories.
pub fn remove(dir: &Path) -> Res<()> {
    for name in [VPC_FILE, ZEEK_FILE, "raw.json"] {
        let p = dir.join("raw").join(name);
        if p.exists() {
            std::fs::remove_file(p)?;
        }
    }
    Ok(())
}

pub fn write_vpc(raw: &Path, pool: &Pool, seed: u64, n: u64) -> Res<FileTruth> {
    let picker = Picker::new(pool.edges.len() as u64, seed, vpc::TAG);
    let source = vpc::VpcGen {
        pool,
        picker,
        seed,
        total: n,
    };
    let head = vpc::HEADER.as_bytes();
    one_file(raw, ("vpc", VPC_FILE), pool, picker, head, b"", &source, n)
}

pub fn write_zeek(raw: &Path, pool: &Pool, seed: u64, n: u64) -> Res<FileTruth> {
    let picker = Picker::new(pool.edges.len() as u64, seed, zeek::TAG);
    let source = zeek::ZeekGen {
        pool,
        picker,
        seed,
        total: n,
    };
    let (head, tail) = (zeek::header(), zeek::footer());
    let names = ("zeek", ZEEK_FILE);
    one_file(
        raw,
        names,
        pool,
        picker,
        head.as_bytes(),
        tail.as_bytes(),
        &source,
        n,
    )
}

#[allow(clippy::too_many_arguments)]
fn one_file(
    raw: &Path,
    (label, file): (&'static str, &'static str),
    pool: &Pool,
    picker: Picker,
    head: &[u8],
    tail: &[u8],
    source: &dyn ChunkGen,
    n: u64,
) -> Res<FileTruth> {
    let start = Instant::now();
    let path = raw.join(file);
    let counts = sink::write(&path, n, head, tail, source)?;
    let seconds = start.elapsed().as_secs_f64();
    let covered = (counts.records - counts.nodata).min(pool.edges.len() as u64);
    let r = resolution(pool, picker, covered);
    Ok(FileTruth {
        label,
        file,
        counts,
        edges: covered,
        unresolved_edges: r[0],
        unresolved_addresses: r[1],
        workload_edges: r[2],
        bytes: std::fs::metadata(&path)?.len(),
        seconds,
    })
}

/// Among the first `covered` edges of the first pass: edges with an
/// unresolvable end, such ends, and distinct workload-level edges.
fn resolution(pool: &Pool, picker: Picker, covered: u64) -> [u64; 3] {
    let a = &pool.addrs;
    let mut ends: FxSet<u32> = FxSet::default();
    let mut unresolved = 0;
    let mut keys: Vec<u128> = Vec::with_capacity(covered as usize);
    let all = covered == pool.edges.len() as u64;
    // A workload is tagged above any address index (addresses are below 2^23).
    let end = |x: u32| a.owner[x as usize].map_or(u128::from(x), |w| u128::from(w) | 1 << 32);
    for f in 0..covered {
        let e = &pool.edges[if all { f as usize } else { picker.first(f) }];
        for x in [e.c, e.s].into_iter().filter(|&x| !a.known(x)) {
            ends.insert(x);
        }
        unresolved += u64::from(!a.known(e.c) || !a.known(e.s));
        keys.push(end(e.c) | end(e.s) << 33 | u128::from(e.port) << 66 | u128::from(e.proto) << 82);
    }
    keys.sort_unstable();
    keys.dedup();
    [unresolved, ends.len() as u64, keys.len() as u64]
}

fn describe(f: &FileTruth) -> String {
    let c = &f.counts;
    format!(
        "raw/{}: {} records ({} NODATA), {} accepted, {} rejected, {} edges ({} with an unresolvable end, {} unresolvable addresses, {} workload edges), {:.2} GB in {:.1}s ({:.1}M records/s)",
        f.file,
        c.records,
        c.nodata,
        c.accepted,
        c.rejected,
        f.edges,
        f.unresolved_edges,
        f.unresolved_addresses,
        f.workload_edges,
        f.bytes as f64 / 1e9,
        f.seconds,
        c.records as f64 / f.seconds.max(1e-9) / 1e6
    )
}

fn to_json(args: &Args, pool: usize, pool_secs: f64, files: &[FileTruth]) -> String {
    let mut s = format!(
        "{{\n  \"seed\": {},\n  \"workloads\": {},\n  \"edge_pool\": {pool},\n  \"edge_pool_seconds\": {pool_secs:.3}",
        args.seed, args.workloads
    );
    for f in files {
        let c = &f.counts;
        let _ = write!(
            s,
            ",\n  \"{}\": {{\n    \"file\": \"raw/{}\",\n    \"records\": {},\n    \"flow_records\": {},\n    \"nodata\": {},\n    \"skipped\": {},\n    \"accepted\": {},\n    \"rejected\": {},\n    \"edges\": {},\n    \"edges_with_unresolved_end\": {},\n    \"unresolved_addresses\": {},\n    \"workload_edges\": {},\n    \"bytes\": {},\n    \"seconds\": {:.3}\n  }}",
            f.label,
            f.file,
            c.records,
            c.records - c.nodata,
            c.nodata,
            c.nodata,
            c.accepted,
            c.rejected,
            f.edges,
            f.unresolved_edges,
            f.unresolved_addresses,
            f.workload_edges,
            f.bytes,
            f.seconds
        );
    }
    s.push_str("\n}\n");
    s
}
