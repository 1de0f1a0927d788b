//! gen-estate: writes the synthetic "Northwind" estate (inventories and flow
//! logs in their real formats) plus `expected.json`, the figures an importer
//! must compute from it. Deterministic for a given set of arguments.
//!
//! Usage: gen-estate --out DIR [--seed N] [--workloads N] [--records N]
//!        [--edges N] [--raw-vpc N] [--raw-zeek N] [--no-flows]

mod catalog;
mod cloud;
mod deps;
mod ec2;
mod fillers;
mod hubble;
mod hubble_extra;
mod inventory;
mod json;
mod k8s;
mod k8s_pods;
mod model;
mod net;
mod pods;
mod raw;
mod rng;
mod sample;
mod traffic;
mod truth;
mod vpc;
mod zeek;

#[cfg(test)]
mod check;
#[cfg(test)]
mod check_flows;
#[cfg(test)]
mod check_raw;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use model::Res;
use truth::Tally;

const USAGE: &str = "usage: gen-estate --out DIR [--seed N] [--workloads N] [--records N]
                  [--edges N] [--raw-vpc N] [--raw-zeek N] [--no-flows]
  --out DIR        directory to write the estate into (created if missing)
  --seed N         random seed (default 42)
  --workloads N    number of workloads, 20..60000 (default 330)
  --records N      approximate total number of flow records (default 110000)
  --raw-vpc N      also write DIR/raw/vpc.log: one uncompressed VPC flow log (version
                   2, default fields, header line) of N records: both directions,
                   ~2% REJECT, one NODATA line in 1000; for ingest benchmarks
  --raw-zeek N     also write DIR/raw/conn.log: one uncompressed Zeek conn.log (TSV)
                   of N records
  --edges N        distinct service edges (client, server, port, protocol, replies
                   folded) the raw files draw from (default: the traffic model's).
                   A file with at least as many flow records covers every edge; the
                   other records favour a few hot edges. DIR/raw/raw.json gives each
                   raw file's records, edges and accepted/rejected counts
  --no-flows       skip the regular gzipped flow logs (inventories only; quick with
                   --raw-vpc/--raw-zeek)";

#[derive(Debug, Clone)]
pub struct Args {
    pub out: PathBuf,
    pub seed: u64,
    pub workloads: usize,
    pub records: u64,
    /// Distinct edges of the raw files (None: the traffic model's).
    pub edges: Option<u64>,
    pub raw_vpc: u64,
    pub raw_zeek: u64,
    pub no_flows: bool,
}

impl Args {
    pub fn new(out: PathBuf, seed: u64, workloads: usize, records: u64) -> Args {
        Args {
            out,
            seed,
            workloads,
            records,
            edges: None,
            raw_vpc: 0,
            raw_zeek: 0,
            no_flows: false,
        }
    }
}

fn parse_args(argv: &[String]) -> Result<Option<Args>, String> {
    let mut out = None;
    let mut a = Args::new(PathBuf::new(), 42, 330, 110_000);
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        if flag == "--no-flows" {
            a.no_flows = true;
            continue;
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or(format!("{flag} needs a value"))
        };
        let num = |v: String| {
            v.replace('_', "")
                .parse::<u64>()
                .map_err(|e| format!("{flag}: {e}"))
        };
        match flag {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => a.seed = num(value()?)?,
            "--workloads" => a.workloads = num(value()?)? as usize,
            "--records" => a.records = num(value()?)?,
            "--edges" => a.edges = Some(num(value()?)?),
            "--raw-vpc" => a.raw_vpc = num(value()?)?,
            "--raw-zeek" => a.raw_zeek = num(value()?)?,
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    a.out = out.ok_or(format!("--out is required\n{USAGE}"))?;
    if a.records == 0 {
        return Err("--records must be positive".into());
    }
    if a.edges == Some(0) {
        return Err("--edges must be positive".into());
    }
    if a.edges.is_some() && a.raw_vpc == 0 && a.raw_zeek == 0 {
        return Err("--edges sizes the raw files: add --raw-vpc N or --raw-zeek N".into());
    }
    Ok(Some(a))
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("gen-estate: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-estate: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Generate the whole estate into `args.out`; returns the expected figures.
pub fn generate(args: &Args) -> Res<(truth::Expected, Vec<Tally>)> {
    let m = model::build(args.seed, args.workloads)?;
    let t = traffic::build(&m, args.seed)?;
    let dir = &args.out;
    for sub in ["aws", "k8s"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    inventory::write_all(dir, &m)?;
    pods::write(dir, &m)?;
    if args.raw_vpc > 0 || args.raw_zeek > 0 {
        raw::write(dir, &m, &t, args)?;
    } else {
        raw::remove(dir)?;
    }
    let tallies = if args.no_flows {
        remove_flows(dir)?;
        Vec::new()
    } else {
        write_flows(args, &m, &t)?
    };
    let expected = truth::compute(&m, &t, &tallies);
    truth::write(dir, &expected)?;
    Ok((expected, tallies))
}

/// The regular flow logs (gzipped, split over many files), one thread per source.
fn write_flows(args: &Args, m: &model::Model, t: &traffic::Traffic) -> Res<Vec<Tally>> {
    let dir = &args.out;
    for sub in ["flows/vpc", "flows/zeek", "flows/hubble"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    let r = args.records;
    let level = sample::gz_level(r);
    let zeek_gz = Some(level);
    let (vpc_n, core_n, access_n) = (r * 42 / 100, r * 21 / 100, r * 9 / 100);
    let hubble_n = r - vpc_n - core_n - access_n;
    std::thread::scope(|s| -> Res<Vec<Tally>> {
        let jobs = vec![
            s.spawn(move || vpc::write(dir, m, t, args.seed, vpc_n, level)),
            s.spawn(move || zeek::write(dir, t, args.seed, core_n, zeek_gz, false)),
            s.spawn(move || zeek::write(dir, t, args.seed, access_n, zeek_gz, true)),
            s.spawn(move || hubble::write(dir, m, t, args.seed, hubble_n, level)),
        ];
        let mut out = Vec::new();
        for j in jobs {
            out.push(j.join().map_err(|_| "a writer thread panicked")??);
        }
        Ok(out)
    })
}

/// With `--no-flows`: flow logs of an earlier run would contradict expected.json.
fn remove_flows(dir: &std::path::Path) -> Res<()> {
    let vpc = dir.join("flows/vpc");
    if vpc.is_dir() {
        for entry in std::fs::read_dir(&vpc)? {
            let p = entry?.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if name.contains("_vpcflowlogs_") && name.ends_with(".log.gz") {
                std::fs::remove_file(&p)?;
            }
        }
    }
    for f in [
        "flows/zeek/conn.log",
        "flows/zeek/conn.log.gz",
        "flows/zeek/conn.json.log",
        "flows/zeek/conn.json.log.gz",
        "flows/hubble/flows.json.gz",
    ] {
        let p = dir.join(f);
        if p.exists() {
            std::fs::remove_file(p)?;
        }
    }
    Ok(())
}

fn run(args: &Args) -> Res<()> {
    let start = Instant::now();
    let (e, tallies) = generate(args)?;
    if args.no_flows {
        eprintln!(
            "gen-estate: wrote {} in {:.1}s: {} workloads, {} apps, {} networks, no flow logs (--no-flows)",
            args.out.display(),
            start.elapsed().as_secs_f64(),
            e.workloads,
            e.applications,
            e.networks
        );
        return Ok(());
    }
    let per: Vec<String> = tallies
        .iter()
        .map(|t| format!("{} {}", t.label, t.records))
        .collect();
    eprintln!(
        "gen-estate: wrote {} in {:.1}s: {} workloads, {} apps, {} networks, {} flow records ({}), {} skipped, {} edges, {} workload edges, {} unresolved addresses",
        args.out.display(),
        start.elapsed().as_secs_f64(),
        e.workloads,
        e.applications,
        e.networks,
        e.flow_records,
        per.join(", "),
        e.flow_records_skipped,
        e.edges,
        e.workload_edges,
        e.unresolved_addresses
    );
    Ok(())
}
