//! Test-only read-back of the raw benchmark files (`--raw-vpc`, `--raw-zeek`):
//! every line parses, and folding the records with the importer's rules gives
//! the figures of `raw/raw.json` and the requested number of edges.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hasher};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::check::{Inv, R, for_lines, ip, load, read_text};

type Key = (IpAddr, IpAddr, u16, u8);
/// A workload (index), or an address no inventory resolves.
type End = Result<usize, IpAddr>;

#[derive(Default, Debug)]
struct Read {
    records: u64,
    nodata: u64,
    accepted: u64,
    rejected: u64,
    edges: HashSet<Key>,
    unresolved: HashSet<IpAddr>,
    /// Edges with each resolvable end replaced by its workload.
    wl_edges: HashSet<(End, End, u16, u8)>,
}

impl Read {
    fn edge(&mut self, inv: &Inv, key: Key, accepted: bool) {
        for a in [key.0, key.1] {
            if !inv.addr.contains_key(&a) {
                self.unresolved.insert(a);
            }
        }
        self.edges.insert(key);
        let end = |a: IpAddr| inv.addr.get(&a).copied().ok_or(a);
        self.wl_edges.insert((end(key.0), end(key.1), key.2, key.3));
        if accepted {
            self.accepted += 1;
        } else {
            self.rejected += 1;
        }
    }
}

fn temp(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gen-estate-raw-{}-{tag}", std::process::id()))
}

fn num<T: std::str::FromStr>(v: &str, line: &str) -> R<T> {
    v.parse().map_err(|_| format!("bad number {v:?} in {line}"))
}

/// The VPC file, folded as the importer does: the lower port is the server's.
fn read_vpc(path: &Path, inv: &Inv) -> R<Read> {
    let mut r = Read::default();
    let mut first = true;
    for_lines(path, |line| {
        if std::mem::take(&mut first) {
            return (line == crate::raw::vpc_header().trim_end())
                .then_some(())
                .ok_or(format!("bad VPC header {line}"));
        }
        let v: Vec<&str> = line.split(' ').collect();
        if v.len() != 14 || v[0] != "2" || !v[2].starts_with("eni-") {
            return Err(format!("bad VPC line {line}"));
        }
        r.records += 1;
        if v[13] == "NODATA" {
            r.nodata += 1;
            return Ok(());
        }
        let (src, dst) = (ip(v[3])?, ip(v[4])?);
        let (sport, dport, proto) = (
            num::<u16>(v[5], line)?,
            num::<u16>(v[6], line)?,
            num(v[7], line)?,
        );
        let _: (u64, u64, i64, i64) = (
            num(v[8], line)?,
            num(v[9], line)?,
            num(v[10], line)?,
            num(v[11], line)?,
        );
        let key = match proto {
            6 | 17 if sport < dport => (dst, src, sport, proto),
            6 | 17 => (src, dst, dport, proto),
            _ => (src, dst, 0, proto),
        };
        match (v[12], v[13]) {
            ("ACCEPT", "OK") => r.edge(inv, key, true),
            ("REJECT", "OK") => r.edge(inv, key, false),
            _ => return Err(format!("bad action or status in {line}")),
        }
        Ok(())
    })?;
    Ok(r)
}

/// The Zeek file: originator to responder; unanswered TCP is a rejection.
fn read_zeek(path: &Path, inv: &Inv) -> R<Read> {
    let mut r = Read::default();
    let (mut fields, mut closed) = (0usize, false);
    for_lines(path, |line| {
        if let Some(rest) = line.strip_prefix("#fields\t") {
            fields = rest.split('\t').count();
        }
        closed |= line.starts_with("#close\t");
        if line.starts_with('#') {
            return Ok(());
        }
        let v: Vec<&str> = line.split('\t').collect();
        if fields != 21 || v.len() != fields || !v[1].starts_with('C') {
            return Err(format!("bad conn.log line {line}"));
        }
        r.records += 1;
        let (c, s) = (ip(v[2])?, ip(v[4])?);
        let (proto, port) = match v[6] {
            "tcp" => (6, num(v[5], line)?),
            "udp" => (17, num(v[5], line)?),
            "icmp" => (if c.is_ipv4() { 1 } else { 58 }, 0),
            other => return Err(format!("bad proto {other}")),
        };
        let rejected = proto == 6 && matches!(v[11], "S0" | "REJ" | "RSTOS0" | "SH");
        r.edge(inv, (c, s, port, proto), !rejected);
        Ok(())
    })?;
    closed.then_some(r).ok_or("conn.log has no #close".into())
}

fn compare(name: &str, got: &Read, truth: &Value) -> R<()> {
    let pairs = [
        ("records", got.records),
        ("nodata", got.nodata),
        ("accepted", got.accepted),
        ("rejected", got.rejected),
        ("edges", got.edges.len() as u64),
        ("unresolved_addresses", got.unresolved.len() as u64),
        ("workload_edges", got.wl_edges.len() as u64),
    ];
    for (k, v) in pairs {
        if truth[k].as_u64() != Some(v) {
            return Err(format!(
                "{name} {k}: raw.json {} vs read back {v}",
                truth[k]
            ));
        }
    }
    Ok(())
}

fn generate(tag: &str, seed: u64, edges: Option<u64>, vpc: u64, zeek: u64) -> R<(PathBuf, Value)> {
    let dir = temp(tag);
    let mut args = crate::Args::new(dir.clone(), seed, 60, 1_000);
    (args.edges, args.raw_vpc, args.raw_zeek, args.no_flows) = (edges, vpc, zeek, true);
    crate::generate(&args).map_err(|e| e.to_string())?;
    let raw = read_text(&dir.join("raw/raw.json"))?;
    let truth = serde_json::from_str(&raw).map_err(|e| e.to_string())?;
    Ok((dir, truth))
}

#[test]
fn raw_files_cover_the_requested_edges() -> R<()> {
    let (dir, truth) = generate("cover", 42, Some(3_000), 12_000, 9_000)?;
    let inv = load(&dir)?;
    let vpc = read_vpc(&dir.join("raw/vpc.log"), &inv)?;
    compare("vpc", &vpc, &truth["vpc"])?;
    assert_eq!(vpc.edges.len(), 3_000);
    assert_eq!((vpc.records, vpc.nodata), (12_000, 12));
    assert!(vpc.rejected > 0 && vpc.rejected < vpc.records / 10);
    assert!(
        !vpc.unresolved.is_empty(),
        "some ends resolve to no workload"
    );
    let zeek = read_zeek(&dir.join("raw/conn.log"), &inv)?;
    compare("zeek", &zeek, &truth["zeek"])?;
    assert_eq!(zeek.edges.len(), 3_000);
    assert_eq!(zeek.edges, vpc.edges, "both files fold to the same pool");
    assert!(
        !dir.join("flows").exists(),
        "--no-flows writes no flow logs"
    );
    std::fs::remove_dir_all(dir).map_err(|e| e.to_string())
}

#[test]
fn fewer_records_than_edges_and_the_default_pool() -> R<()> {
    let (dir, truth) = generate("few", 5, Some(5_000), 2_500, 0)?;
    let inv = load(&dir)?;
    let vpc = read_vpc(&dir.join("raw/vpc.log"), &inv)?;
    compare("vpc", &vpc, &truth["vpc"])?;
    assert_eq!(vpc.edges.len(), 2_500 - 3, "every flow record a new edge");
    assert!(truth["zeek"].is_null() && !dir.join("raw/conn.log").exists());
    std::fs::remove_dir_all(&dir).map_err(|e| e.to_string())?;
    let (dir, truth) = generate("model", 5, None, 0, 40_000)?;
    let zeek = read_zeek(&dir.join("raw/conn.log"), &load(&dir)?)?;
    compare("zeek", &zeek, &truth["zeek"])?;
    assert_eq!(truth["edge_pool"].as_u64(), Some(zeek.edges.len() as u64));
    std::fs::remove_dir_all(dir).map_err(|e| e.to_string())
}

fn digest(path: &Path) -> R<u64> {
    let mut h = DefaultHasher::new();
    h.write(&std::fs::read(path).map_err(|e| e.to_string())?);
    Ok(h.finish())
}

#[test]
fn raw_files_are_deterministic() -> R<()> {
    let mut sums = Vec::new();
    for (tag, seed) in [("det-a", 11), ("det-b", 11), ("det-c", 12)] {
        let (dir, _) = generate(tag, seed, Some(800), 70_000, 3_000)?;
        sums.push((
            digest(&dir.join("raw/vpc.log"))?,
            digest(&dir.join("raw/conn.log"))?,
        ));
        std::fs::remove_dir_all(dir).map_err(|e| e.to_string())?;
    }
    assert_eq!(sums[0], sums[1], "same seed, same bytes");
    assert_ne!(sums[0], sums[2], "another seed, other bytes");
    Ok(())
}
