//! `blastwall blast`: how far a breach of one workload could spread.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{count, json, table};
use crate::analysis::blast::{Blast, Mode, Reach};
use crate::ops::plan_view::{PlanView, load_plan_view};
use crate::store::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The compromised workload (by name).
    #[arg(value_name = "WORKLOAD", required_unless_present_any = ["all", "edge_list"])]
    pub workload: Option<String>,
    /// How reachability is computed (default: planned; the table shows all three).
    #[arg(long, value_parser = ["observed", "planned", "flat"])]
    pub mode: Option<String>,
    /// Rank every workload by reach in --mode (default planned), largest first.
    #[arg(long, conflicts_with = "workload")]
    pub all: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the observed workload graph, one `CLIENT<TAB>SERVER` line per edge (a workload with
    /// no edge as `NAME<TAB>`), for benches/networkx_blast.py.
    #[arg(long, hide = true, conflicts_with_all = ["workload", "all"])]
    pub edge_list: bool,
}

#[derive(Serialize)]
struct JewelJson {
    workload: String,
    zone: String,
    path: Vec<String>,
}

#[derive(Serialize)]
struct ReachJson {
    workload: String,
    mode: &'static str,
    reachable: u64,
    by_zone: BTreeMap<String, u64>,
    hops: u32,
    rings: Vec<u64>,
    crown_jewels: Vec<JewelJson>,
}

#[derive(Serialize)]
struct RankJson {
    workload: String,
    reachable: u64,
    crown_jewels: u64,
}

fn find(view: &PlanView, name: &str) -> anyhow::Result<u32> {
    let workloads = &view.estate.workloads;
    let exact = workloads.iter().position(|w| w.name == name);
    let folded = || {
        workloads
            .iter()
            .position(|w| w.name.to_lowercase() == name.to_lowercase())
    };
    if let Some(i) = exact.or_else(folded) {
        return Ok(i as u32);
    }
    let near: Vec<&str> = workloads
        .iter()
        .filter(|w| w.name.to_lowercase().contains(&name.to_lowercase()))
        .take(5)
        .map(|w| w.name.as_str())
        .collect();
    let hint = if near.is_empty() {
        "blastwall workloads lists them".to_string()
    } else {
        format!("did you mean {}?", near.join(", "))
    };
    anyhow::bail!("no workload named {name:?}\n  hint: {hint}")
}

fn to_json(view: &PlanView, blast: &Blast<'_>, reach: &Reach) -> ReachJson {
    let name = |w: u32| view.estate.workloads[w as usize].name.clone();
    ReachJson {
        workload: name(reach.start),
        mode: reach.mode.as_str(),
        reachable: reach.reachable,
        by_zone: blast.zone_counts(reach),
        hops: reach.hops,
        rings: reach.rings.clone(),
        crown_jewels: reach
            .crown_jewels
            .iter()
            .map(|j| JewelJson {
                workload: name(j.workload),
                zone: view
                    .zones
                    .name(view.zones.workload_zone[j.workload as usize])
                    .to_string(),
                path: j.path.iter().map(|&w| name(w)).collect(),
            })
            .collect(),
    }
}

/// Every workload's reach in one mode, largest first (`--all`).
fn rank_all(
    out: &mut impl Write,
    view: &PlanView,
    blast: &Blast<'_>,
    mode: Mode,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let ranking: Vec<RankJson> = blast
        .ranking(mode)
        .into_iter()
        .map(|(w, reachable, crown_jewels)| RankJson {
            workload: view.estate.workloads[w as usize].name.clone(),
            reachable,
            crown_jewels,
        })
        .collect();
    if as_json {
        #[derive(Serialize)]
        struct Output {
            workloads: Vec<RankJson>,
        }
        json(out, &Output { workloads: ranking })?;
    } else {
        let rows: Vec<Vec<String>> = ranking
            .iter()
            .map(|r| {
                vec![
                    r.workload.clone(),
                    count(r.reachable),
                    count(r.crown_jewels),
                ]
            })
            .collect();
        let reach = format!("{} REACH", mode.as_str().to_uppercase());
        table(out, &["WORKLOAD", &reach, "CROWN JEWELS"], &rows)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The observed graph as tab-separated names.
fn edge_list(view: &PlanView) -> anyhow::Result<ExitCode> {
    let plan = view.plan_or_default();
    let blast = Blast::new(&plan, &view.estate, &view.zones);
    let workloads = &view.estate.workloads;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (w, workload) in workloads.iter().enumerate() {
        let targets = blast.observed_targets(w as u32);
        if targets.is_empty() {
            writeln!(out, "{}\t", workload.name)?;
        }
        for &t in targets {
            writeln!(out, "{}\t{}", workload.name, workloads[t as usize].name)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(workspace: &Workspace, args: &Args) -> anyhow::Result<ExitCode> {
    let view = load_plan_view(workspace)?;
    let mode = args
        .mode
        .as_deref()
        .and_then(Mode::parse)
        .unwrap_or(Mode::Planned);
    if args.edge_list {
        return edge_list(&view);
    }
    if view.plan.is_none() && mode == Mode::Planned {
        anyhow::bail!(
            "no plan in workspace {}: planned reach needs one\n  hint: blastwall plan apply FILE, or --mode observed",
            workspace.path()
        );
    }
    let plan = view.plan_or_default();
    let blast = Blast::new(&plan, &view.estate, &view.zones);
    let mut out = std::io::stdout().lock();
    if args.all {
        return rank_all(&mut out, &view, &blast, mode, args.json);
    }
    let start = find(&view, args.workload.as_deref().unwrap_or_default())?;
    let reach = blast.reach(start, mode);
    if args.json {
        json(&mut out, &to_json(&view, &blast, &reach))?;
        return Ok(ExitCode::SUCCESS);
    }
    let modes: Vec<Mode> = if view.plan.is_some() {
        Mode::ALL.to_vec()
    } else {
        vec![Mode::Flat, Mode::Observed]
    };
    writeln!(
        out,
        "blast radius of {}",
        view.estate.workloads[start as usize].name
    )?;
    for m in modes {
        let r = blast.reach(start, m);
        writeln!(
            out,
            "  {:<9} {:>8} workloads in {} hops, {} crown jewels",
            m.as_str(),
            count(r.reachable),
            r.hops,
            r.crown_jewels.len()
        )?;
    }
    let detail = to_json(&view, &blast, &reach);
    writeln!(out, "\n{} reach by zone:", detail.mode)?;
    let rows: Vec<Vec<String>> = detail
        .by_zone
        .iter()
        .map(|(z, n)| vec![z.clone(), count(*n)])
        .collect();
    table(&mut out, &["ZONE", "WORKLOADS"], &rows)?;
    if !detail.crown_jewels.is_empty() {
        writeln!(out, "\ncrown jewels in reach ({}):", detail.mode)?;
        for jewel in &detail.crown_jewels {
            writeln!(
                out,
                "  {} [{}]: {}",
                jewel.workload,
                jewel.zone,
                jewel.path.join(" → ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
