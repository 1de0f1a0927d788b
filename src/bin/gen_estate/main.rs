//! gen-estate: writes the synthetic "Northwind" estate (inventories and flow
//! logs in their real formats) plus `expected.json`, the figures an importer
//! must compute from it. Deterministic for a given set of arguments.
//!
//! Usage: gen-estate --out DIR [--seed N] [--workloads N] [--records N]

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

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use model::Res;
use truth::Tally;

const USAGE: &str = "usage: gen-estate --out DIR [--seed N] [--workloads N] [--records N]
  --out DIR        directory to write the estate into (created if missing)
  --seed N         random seed (default 42)
  --workloads N    number of workloads, 20..60000 (default 330)
  --records N      approximate total number of flow records (default 110000)";

#[derive(Debug, Clone)]
pub struct Args {
    pub out: PathBuf,
    pub seed: u64,
    pub workloads: usize,
    pub records: u64,
}

fn parse_args(argv: &[String]) -> Result<Option<Args>, String> {
    let mut out = None;
    let (mut seed, mut workloads, mut records) = (42u64, 330usize, 110_000u64);
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
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
            "--seed" => seed = num(value()?)?,
            "--workloads" => workloads = num(value()?)? as usize,
            "--records" => records = num(value()?)?,
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let out = out.ok_or(format!("--out is required\n{USAGE}"))?;
    if records == 0 {
        return Err("--records must be positive".into());
    }
    Ok(Some(Args {
        out,
        seed,
        workloads,
        records,
    }))
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
    for sub in ["aws", "k8s", "flows/vpc", "flows/zeek", "flows/hubble"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    inventory::write_all(dir, &m)?;
    pods::write(dir, &m)?;
    let r = args.records;
    let level = sample::gz_level(r);
    let zeek_gz = Some(level);
    let (vpc_n, core_n, access_n) = (r * 42 / 100, r * 21 / 100, r * 9 / 100);
    let hubble_n = r - vpc_n - core_n - access_n;
    let (m, t) = (&m, &t);
    let tallies = std::thread::scope(|s| -> Res<Vec<Tally>> {
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
    })?;
    let expected = truth::compute(m, t, &tallies);
    truth::write(dir, &expected)?;
    Ok((expected, tallies))
}

fn run(args: &Args) -> Res<()> {
    let start = Instant::now();
    let (e, tallies) = generate(args)?;
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
