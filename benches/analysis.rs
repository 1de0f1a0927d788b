//! Analysis benches at the sizes (50,000 workloads, 2,000,000 service edges, 40 zones,
//! 2,000 rules by default; `benches/support` names the environment variables that change them):
//! resolution, zone assignment, simulation (full and after one edit) and blast radius. Benches
//! that depend on the plan run with the bench plan and with the plan `plan suggest` drafts.
//!
//! `cargo bench --bench analysis`; some: `cargo bench --bench analysis -- resimulate`.
//! `BLASTWALL_BENCH_WRITE=DIR cargo bench --bench analysis` writes the estate as import files
//! instead (for benches/networkx_blast.py).

#[allow(dead_code)]
mod support;

use std::path::Path;
use std::process::ExitCode;

use divan::{Bencher, black_box};
use petgraph::Directed;
use petgraph::csr::Csr;
use petgraph::visit::Bfs;

use blastwall::analysis::blast::{Blast, Mode};
use blastwall::analysis::resolve_estate;
use blastwall::analysis::simulate::{Simulator, simulate};
use blastwall::analysis::suggest::{Granularity, suggest};
use blastwall::analysis::zones::{MemberIndex, ZoneMap, assign_zones, assign_zones_indexed};
use blastwall::model::plan::{Peer, Plan, Selector};

use support::plan::{rule, tcp};
use support::{Layout, Sizes, fixture, plan_case, raw_estate};

const PLANS: [&str; 2] = ["bench", "suggested"];

fn main() -> ExitCode {
    if let Some(dir) = std::env::var_os("BLASTWALL_BENCH_WRITE") {
        let layout = Layout::new(Sizes::from_env());
        return match support::files::write_import_files(&layout, Path::new(&dir)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("writing {}: {error}", dir.to_string_lossy());
                ExitCode::FAILURE
            }
        };
    }
    divan::main();
    ExitCode::SUCCESS
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn resolve(bencher: Bencher) {
    let (_, raw) = raw_estate(Sizes::from_env());
    bencher.bench(|| resolve_estate(black_box(&raw)));
}

#[divan::bench(args = PLANS, sample_count = 10, sample_size = 1)]
fn zones(bencher: Bencher, plan: &str) {
    let (f, case) = (fixture(), plan_case(plan));
    bencher.bench(|| assign_zones(black_box(&case.plan), &f.estate));
}

/// The index of workloads by name, application and label that zone assignment and rule sides use.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn member_index(bencher: Bencher) {
    let f = fixture();
    bencher.bench(|| MemberIndex::new(black_box(&f.estate)));
}

/// Zone assignment through an index kept across edits (what [`Simulator::update_plan`] does).
#[divan::bench(args = PLANS, sample_count = 10, sample_size = 1)]
fn zones_indexed(bencher: Bencher, plan: &str) {
    let (f, case) = (fixture(), plan_case(plan));
    let index = MemberIndex::new(&f.estate);
    bencher.bench(|| assign_zones_indexed(black_box(&case.plan), &f.estate, &index));
}

#[divan::bench(args = PLANS, sample_count = 10, sample_size = 1)]
fn simulate_full(bencher: Bencher, plan: &str) {
    let (f, case) = (fixture(), plan_case(plan));
    bencher.bench(|| simulate(black_box(&case.plan), &f.estate, &case.zones));
}

/// A full simulation plus what later edits need (the member index, edges by endpoint).
#[divan::bench(args = PLANS, sample_count = 10, sample_size = 1)]
fn simulator_new(bencher: Bencher, plan: &str) {
    let (f, case) = (fixture(), plan_case(plan));
    bencher.bench(|| Simulator::new(black_box(&case.plan), &f.estate, &case.zones));
}

/// Times updates that alternate between the plan and an edited copy: each update is one edit.
/// With `assign`, the update places the workloads in zones too ([`Simulator::update_plan`]).
fn toggle(bencher: Bencher, plan: &str, edit: impl FnOnce(&mut Plan), assign: bool) {
    let (f, case) = (fixture(), plan_case(plan));
    let mut edited = case.plan.clone();
    edit(&mut edited);
    let edited_zones = assign_zones(&edited, &f.estate);
    let states: [(&Plan, &ZoneMap); 2] = [(&edited, &edited_zones), (&case.plan, &case.zones)];
    let mut simulator = Simulator::new(&case.plan, &f.estate, &case.zones);
    let mut i = 0;
    bencher.bench_local(|| {
        let (plan, zones) = states[i % 2];
        i += 1;
        if assign {
            simulator.update_plan(plan, &f.estate)
        } else {
            simulator.update(plan, &f.estate, zones)
        }
    });
}

/// The rule in the middle of the plan gets another port.
#[divan::bench(args = PLANS, sample_count = 20, sample_size = 1)]
fn resimulate_rule_ports(bencher: Bencher, plan: &str) {
    let edit = |plan: &mut Plan| {
        let middle = plan.rules.len() / 2;
        if let Some(rule) = plan.rules.get_mut(middle) {
            rule.ports.push(tcp(443));
        }
    };
    toggle(bencher, plan, edit, false);
}

/// A zone-to-zone rule inserted in the middle of the plan (and removed again).
#[divan::bench(args = PLANS, sample_count = 20, sample_size = 1)]
fn resimulate_rule_insert(bencher: Bencher, plan: &str) {
    let edit = |plan: &mut Plan| {
        let names: Vec<String> = plan.zones.iter().map(|z| z.name.clone()).collect();
        let (a, b) = (names.get(3).cloned(), names.get(4).cloned());
        let new = rule(
            Peer::Zone(a.unwrap_or_default()),
            Peer::Zone(b.unwrap_or_default()),
            vec![tcp(8443)],
        );
        let middle = plan.rules.len() / 2;
        plan.rules.insert(middle, new);
    };
    toggle(bencher, plan, edit, false);
}

/// The busiest rule (the bench plan's first: every workload to the resolvers) switched off.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn resimulate_dns_rule(bencher: Bencher) {
    let edit = |plan: &mut Plan| {
        if let Some(rule) = plan.rules.first_mut() {
            rule.enabled = false;
        }
    };
    toggle(bencher, "bench", edit, false);
}

/// The zone in the middle of the plan also selects the application of workload 10,000 (or the
/// middle one): its workloads move zone.
fn zone_edit(plan: &mut Plan) {
    let workloads = &fixture().estate.workloads;
    let app = workloads
        .get(10_000.min(workloads.len() / 2))
        .map(|w| w.app().to_string())
        .unwrap_or_default();
    let middle = plan.zones.len() / 2;
    if let Some(zone) = plan.zones.get_mut(middle) {
        zone.members.push(Selector::App(app));
    }
}

#[divan::bench(args = PLANS, sample_count = 20, sample_size = 1)]
fn resimulate_zone_members(bencher: Bencher, plan: &str) {
    toggle(bencher, plan, zone_edit, false);
}

/// The same, placing the workloads in zones again included.
#[divan::bench(args = PLANS, sample_count = 20, sample_size = 1)]
fn resimulate_zone_members_and_assign(bencher: Bencher, plan: &str) {
    toggle(bencher, plan, zone_edit, true);
}

#[divan::bench(args = PLANS, sample_count = 10, sample_size = 1)]
fn blast_new(bencher: Bencher, plan: &str) {
    let (f, case) = (fixture(), plan_case(plan));
    bencher.bench(|| Blast::new(black_box(&case.plan), &f.estate, &case.zones));
}

/// Times the reach of one workload, a different one (of 16 spread over the estate) each time.
fn reach(bencher: Bencher, plan: &str, mode: Mode) {
    let (f, case) = (fixture(), plan_case(plan));
    let blast = Blast::new(&case.plan, &f.estate, &case.zones);
    let n = f.estate.workloads.len();
    let starts: Vec<u32> = (0..16).map(|i| (i * n / 16) as u32).collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i += 1;
        blast.reach(starts[i % starts.len()], mode)
    });
}

#[divan::bench(args = PLANS, sample_count = 32, sample_size = 1)]
fn reach_planned(bencher: Bencher, plan: &str) {
    reach(bencher, plan, Mode::Planned);
}

#[divan::bench(sample_count = 32, sample_size = 1)]
fn reach_observed(bencher: Bencher) {
    reach(bencher, "bench", Mode::Observed);
}

/// `blast --all` in planned mode: every workload's planned reach.
#[divan::bench(args = PLANS, sample_count = 5, sample_size = 1)]
fn ranking_planned(bencher: Bencher, plan: &str) {
    let (f, case) = (fixture(), plan_case(plan));
    let blast = Blast::new(&case.plan, &f.estate, &case.zones);
    bencher.bench(|| blast.ranking(Mode::Planned));
}

/// `blast --all --mode observed`: every workload's observed reach (the graph condensed).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn ranking_observed(bencher: Bencher) {
    let f = fixture();
    let blast = Blast::new(&f.plan, &f.estate, &f.zones);
    bencher.bench(|| blast.ranking(Mode::Observed));
}

/// The reference `ranking_observed` must beat: a plain breadth-first search (petgraph's `Bfs`
/// over a `Csr` of the observed graph) from one workload, a different one of 16 each time; every
/// workload costs this times the number of workloads.
#[divan::bench(sample_count = 32, sample_size = 1)]
fn bfs_plain(bencher: Bencher) {
    let f = fixture();
    let blast = Blast::new(&f.plan, &f.estate, &f.zones);
    let n = f.estate.workloads.len() as u32;
    let mut edges: Vec<(u32, u32)> = (0..n)
        .flat_map(|w| blast.observed_targets(w).iter().map(move |&t| (w, t)))
        .collect();
    edges.sort_unstable();
    let Ok(graph) = Csr::<(), (), Directed, u32>::from_sorted_edges(&edges) else {
        return;
    };
    let starts: Vec<u32> = (0..16)
        .map(|i| i * (graph.node_count() as u32 / 16))
        .collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i += 1;
        let mut bfs = Bfs::new(&graph, starts[i % starts.len()]);
        let mut reached = 0u32;
        while bfs.next(&graph).is_some() {
            reached += 1;
        }
        reached
    });
}

/// `plan suggest --granularity app` on the bench estate.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn suggest_app(bencher: Bencher) {
    let f = fixture();
    bencher.bench(|| suggest(black_box(&f.estate), Granularity::App));
}
