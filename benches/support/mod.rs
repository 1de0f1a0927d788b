//! A synthetic estate for the benches, built in memory through the public model API: applications
//! with web, app, data and cache tiers (a quarter of them on Kubernetes), infrastructure hubs every
//! workload talks to (DNS, LDAP, NTP, log collectors, monitoring scrapers), dependencies between
//! applications skewed towards a few popular ones, internet and unmanaged clients, and a plan of
//! about 40 zones and 2,000 rules. Deterministic for given sizes.
//!
//! Sizes come from the environment, the sizes by default:
//! `BLASTWALL_BENCH_WORKLOADS` (50,000), `BLASTWALL_BENCH_EDGES` (2,000,000 distinct service
//! edges), `BLASTWALL_BENCH_RULES` (2,000), `BLASTWALL_BENCH_SEED` (42).
//!
//! Benches share one resolved estate through [`fixture`]; [`raw_estate`] gives the estate before
//! resolution (for resolution and import benches).

pub mod estate;
pub mod files;
pub mod plan;
pub mod rng;
pub mod traffic;

use std::sync::OnceLock;
use std::time::Instant;

use blastwall::analysis::ResolvedEstate;
use blastwall::analysis::resolve_estate;
use blastwall::analysis::suggest::{Granularity, suggest};
use blastwall::analysis::zones::{ZoneMap, assign_zones};
use blastwall::model::Estate;
use blastwall::model::plan::Plan;

pub use estate::Layout;

/// How big an estate to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub workloads: usize,
    pub edges: usize,
    pub rules: usize,
    pub seed: u64,
}

impl Sizes {
    /// The sizes the environment asks for, the by default.
    pub fn from_env() -> Sizes {
        let read = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.replace('_', "").parse::<u64>().ok())
                .unwrap_or(default)
        };
        Sizes {
            workloads: read("BLASTWALL_BENCH_WORKLOADS", 50_000).max(40) as usize,
            edges: read("BLASTWALL_BENCH_EDGES", 2_000_000) as usize,
            rules: read("BLASTWALL_BENCH_RULES", 2_000) as usize,
            seed: read("BLASTWALL_BENCH_SEED", 42),
        }
    }
}

/// The resolved estate, the bench plan and its zones.
pub struct Fixture {
    pub sizes: Sizes,
    pub layout: Layout,
    pub estate: ResolvedEstate,
    pub plan: Plan,
    pub zones: ZoneMap,
}

/// A plan over the shared fixture's estate, and its zones.
pub struct PlanCase {
    pub plan: Plan,
    pub zones: ZoneMap,
}

/// The plan benches run with: `bench` (the fixture's, ~40 zones and ~2,000 rules) or
/// `suggested` (`plan suggest --granularity app` on the fixture's estate, drafted once).
pub fn plan_case(name: &str) -> &'static PlanCase {
    static BENCH: OnceLock<PlanCase> = OnceLock::new();
    static SUGGESTED: OnceLock<PlanCase> = OnceLock::new();
    let f = fixture();
    if name == "suggested" {
        SUGGESTED.get_or_init(|| {
            let started = Instant::now();
            let suggestion = suggest(&f.estate, Granularity::App);
            eprintln!(
                "suggested plan: {} zones, {} rules (drafted in {:.1?})",
                suggestion.plan.zones.len(),
                suggestion.plan.rules.len(),
                started.elapsed()
            );
            PlanCase {
                plan: suggestion.plan,
                zones: suggestion.zone_map,
            }
        })
    } else {
        BENCH.get_or_init(|| PlanCase {
            plan: f.plan.clone(),
            zones: f.zones.clone(),
        })
    }
}

/// Builds the estate before resolution.
pub fn raw_estate(sizes: Sizes) -> (Layout, Estate) {
    let layout = Layout::new(sizes);
    let estate = layout.estate();
    (layout, estate)
}

/// The shared fixture at the environment's sizes, built on first use (and reported on stderr).
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let sizes = Sizes::from_env();
        let started = Instant::now();
        let (layout, raw) = raw_estate(sizes);
        let built = started.elapsed();
        let estate = resolve_estate(&raw);
        drop(raw);
        let plan = plan::plan(&layout, sizes.rules);
        let zones = assign_zones(&plan, &estate);
        eprintln!(
            "bench estate: {} workloads, {} service edges, {} zones, {} rules \
             (built in {:.1?}, resolved in {:.1?})",
            estate.workloads.len(),
            estate.service_edges.len(),
            plan.zones.len(),
            plan.rules.len(),
            built,
            started.elapsed() - built,
        );
        Fixture {
            sizes,
            layout,
            estate,
            plan,
            zones,
        }
    })
}
