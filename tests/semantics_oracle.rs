//! An independent oracle for zones, the default-deny simulation and blast radius.
//!
//! Everything below is re-implemented from the issue's semantics by brute force: its own YAML
//! reading into its own structs, its own selector matching, an explicit W×W one-step relation
//! for planned reach and a plain breadth-first search. It runs on the demo estate as Blastwall
//! resolves it and compares every figure with Blastwall's implementation: every workload's and
//! every unresolved address's zone; the simulation's totals, each edge's verdict, the denied
//! edges, per-rule counts and unused rules; and reach from every workload (not only a sample) in
//! observed, planned and flat modes, with each crown-jewel path checked as a walk of the relation.
//!
//! Plans: the demo plan, the same with flipped defaults, an edge-case plan, any plan in
//! `tests/fixtures/plans/`, the plans `plan suggest` drafts for the demo (which must deny no
//! observed flow), and a synthetic estate whose workloads own ranges.

#[path = "semantics_oracle/compare.rs"]
mod compare;
#[path = "semantics_oracle/oracle.rs"]
mod oracle;
#[path = "semantics_oracle/plan.rs"]
mod plan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use blastwall::analysis::blast::{Blast, Mode};
use blastwall::analysis::simulate::simulate;
use blastwall::analysis::zones::assign_zones;
use blastwall::analysis::{Endpoint, ResolvedEstate, ServiceEdge, Workload};
use blastwall::ingest::plan::parse_plan;
use blastwall::model::{EdgeStats, Protocol, WorkloadKind};
use blastwall::ops::{ImportOptions, ImportProgress};
use blastwall::store::Workspace;
use serde_yaml_ng::Value;

use compare::{compare_ranking, compare_reach, compare_simulation, compare_zones};
use oracle::{Oracle, bfs};
use plan::read_plan;

type Error = Box<dyn std::error::Error>;
type TestResult = Result<(), Error>;

const DEMO_PLAN: &str = "sample-estates/northwind/plan.yaml";
const FIXTURE_PLANS: &str = "tests/fixtures/plans";

/// What one plan gives: disagreements (one line each) and the headline figures.
#[derive(Default)]
struct Outcome {
    /// Zones, simulation and reach.
    core: Vec<String>,
    /// `Blast::planned_ranking` against the oracle's planned reach.
    ranking: Vec<String>,
    headline: String,
    /// Observed accepted edges the oracle finds the plan denies.
    denied: usize,
}

/// Runs Blastwall and the oracle on one plan over an estate. `ORACLE_VERBOSE=1` lists the
/// denied edges.
fn check_plan(estate: &ResolvedEstate, text: &str, label: &str) -> Result<Outcome, Error> {
    let (plan, _) = read_plan(text)?;
    let theirs = parse_plan(text, "plan.yaml")?;
    let oracle = Oracle::new(&plan, estate);
    let zones = assign_zones(&theirs, estate);
    let mut outcome = Outcome::default();
    compare_zones(&oracle, &zones, &mut outcome.core);
    let sim = simulate(&theirs, estate, &zones);
    let mine = oracle.simulate();
    compare_simulation(&oracle, &theirs, &sim, &mine, &mut outcome.core);

    let blast = Blast::new(&theirs, estate, &zones);
    let mut planned = Vec::new();
    for mode in [Mode::Observed, Mode::Planned, Mode::Flat] {
        let next = oracle.steps(mode);
        for start in 0..estate.workloads.len() {
            let depth = bfs(&next, start);
            let counts = compare_reach(
                &oracle,
                &blast,
                mode,
                start,
                &next,
                &depth,
                &mut outcome.core,
            );
            if mode == Mode::Planned {
                planned.push(counts);
            }
        }
    }
    let ranking = blast.planned_ranking();
    compare_ranking(&oracle, &ranking, &planned, &mut outcome.ranking);

    let mut per_zone: BTreeMap<&str, usize> = BTreeMap::new();
    for zone in &oracle.workload_zone {
        *per_zone.entry(zone).or_default() += 1;
    }
    let denied = mine.allowed.iter().filter(|a| **a == Some(false)).count();
    outcome.denied = denied;
    let unused: Vec<String> = (0..plan.rules.len())
        .filter(|&r| plan.rules[r].enabled && mine.rule_edges[r] == 0)
        .map(|r| theirs.rule_name(r))
        .collect();
    let top: Vec<String> = ranking
        .iter()
        .take(3)
        .map(|&(w, r, j)| {
            format!(
                "{} {r} ({j} crown jewels)",
                oracle.label(Endpoint::Workload(w))
            )
        })
        .collect();
    outcome.headline = format!(
        "{label}: {} zones, {} rules, workloads per zone {per_zone:?}; evaluated {}, allowed {}, \
         denied {denied}, already blocked {}; unused {unused:?}; top planned reach {top:?}",
        plan.zones.len(),
        plan.rules.len(),
        mine.evaluated,
        mine.evaluated - denied as u64,
        mine.allowed.iter().filter(|a| a.is_none()).count(),
    );
    if std::env::var_os("ORACLE_VERBOSE").is_some() {
        for ((client, server, port, protocol), n) in &mine.denied {
            println!("  denied: {client} -> {server} {protocol}/{port} x{n}");
        }
    }
    Ok(outcome)
}

fn estate() -> Result<&'static ResolvedEstate, Error> {
    static ESTATE: OnceLock<Result<ResolvedEstate, String>> = OnceLock::new();
    let load = || -> Result<ResolvedEstate, Error> {
        let mut workspace = Workspace::in_memory()?;
        blastwall::ops::demo::import_demo(&mut workspace)?;
        Ok(blastwall::ops::load_resolved(&workspace)?)
    };
    let estate = ESTATE.get_or_init(|| load().map_err(|e| e.to_string()));
    estate.as_ref().map_err(|e| e.clone().into())
}

fn report(label: &str, what: &str, disagreements: &[String]) -> TestResult {
    if disagreements.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = disagreements.iter().take(60).map(String::as_str).collect();
    let n = disagreements.len();
    Err(format!(
        "{label}: {n} disagreement(s) with the oracle on {what}:\n{}",
        shown.join("\n")
    )
    .into())
}

/// Zones, simulation and reach agree with the oracle.
fn agree(text: &str, label: &str) -> TestResult {
    let outcome = check_plan(estate()?, text, label)?;
    println!("{}", outcome.headline);
    report(label, "zones, simulation and reach", &outcome.core)
}

fn demo_plan() -> Result<String, Error> {
    Ok(std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO_PLAN),
    )?)
}

/// A suggested plan, at either granularity, agrees with the oracle, which finds that it denies
/// no observed accepted flow and that its planned reach is well below flat.
#[test]
fn suggested_plans_agree_with_the_oracle_and_deny_no_observed_flow() -> TestResult {
    use blastwall::analysis::suggest::Granularity;
    let estate = estate()?;
    for granularity in [Granularity::Zone, Granularity::App] {
        let draft = blastwall::ops::suggest::suggest_for(estate, granularity);
        let label = format!("suggested plan ({granularity:?})");
        let outcome = check_plan(estate, &draft.yaml, &label)?;
        println!("{}", outcome.headline);
        report(&label, "zones, simulation and reach", &outcome.core)?;
        assert_eq!(outcome.denied, 0, "{label} denies observed flows");
        let [flat, _, planned] = draft.radius;
        assert!(
            planned.mean * 4.0 < flat.mean,
            "{label}: planned mean reach {} is not well below flat {}",
            planned.mean,
            flat.mean
        );
    }
    Ok(())
}

#[test]
fn demo_plan_agrees_with_the_oracle() -> TestResult {
    agree(&demo_plan()?, "northwind plan")
}

#[test]
fn demo_plan_with_flipped_defaults_agrees_with_the_oracle() -> TestResult {
    let original = "defaults: {east_west: deny, intra_zone: allow}";
    let text = demo_plan()?;
    if !text.contains(original) {
        return Err("the demo plan's defaults line changed; update this test".into());
    }
    agree(
        &text.replace(original, "defaults: {east_west: allow, intra_zone: deny}"),
        "flipped defaults",
    )
}

const EDGE_CASES: &str = r#"
version: 1
defaults: {east_west: deny, intra_zone: deny}
zones:
  - name: vdi-rogues
    sensitivity: low
    intra_zone: allow
    members:
      - cidr: 10.10.150.224/27
      - workload: pay-api-04
  - name: resolvers
    sensitivity: critical
    members:
      - cidr: 10.20.0.0/30
      - cidr: "2001:db8:ff::/64"
      - identity: kube-system/coredns
  - name: site
    sensitivity: high
    members:
      - network: Northwind DC1 (Reading)
      - network: prod-k8s/web
      - network: vpc-09c5d3db56fcb9790
      - labels: {role: worker, cluster: prod-k8s}
  - name: pods
    members:
      - service_account: payments/payments-api
      - namespace: catalog
      - cidr: 10.244.0.0/16
rules:
  - from: {zone: unassigned}
    to: {zone: unmanaged}
    ports: [tcp/1-65535, udp/0-65535]
  - name: site-web
    from: {zone: site}
    to: {zone: site}
    ports: [tcp/8000-8100, icmp]
  - from: {cidr: "2600:1f18:6b2::/48"}
    to: any
    ports: [icmpv6, sctp/1-100, tcp/443]
  - from: any
    to: {zone: internet}
    ports: [any]
    enabled: false
  - from: {zone: vdi-rogues}
    to: {labels: {data_class: restricted}}
    ports: [tcp/445, tcp/5432]
  - from: {zone: internet}
    to: {cidr: 10.20.1.0/24}
    ports: [tcp/443]
  - from: {cidr: 10.10.150.0/24}
    to: {zone: pods}
    ports: [any]
    status: proposed
"#;

/// Workloads that own a range rather than a host address: a `cidr` member picks a workload with
/// an address inside it, so a range that only contains (or overlaps) the member does not count.
#[test]
fn cidr_members_pick_ranges_inside_only() -> TestResult {
    let host = |name: &str, address: &str| -> Result<Workload, Error> {
        Ok(Workload {
            name: name.into(),
            kind: WorkloadKind::Host,
            attributes: BTreeMap::new(),
            labels: BTreeMap::new(),
            pod_labels: BTreeMap::new(),
            addresses: vec![address.parse()?],
            identity: None,
            networks: Vec::new(),
            namespace: None,
            observed_only: false,
            records: 1,
        })
    };
    let edge = |client: u32, server: u32| ServiceEdge {
        client: Endpoint::Workload(client),
        server: Endpoint::Workload(server),
        port: 80,
        protocol: Protocol::TCP,
        stats: EdgeStats {
            records: 1,
            accepted: 1,
            ..EdgeStats::default()
        },
        address_pairs: 1,
    };
    let estate = ResolvedEstate {
        workloads: vec![
            host("lab-host", "10.1.2.3/32")?,
            host("lab-subnet", "10.1.2.0/24")?,
            host("wide-range", "10.0.0.0/8")?,
        ],
        service_edges: vec![edge(0, 1), edge(2, 0), edge(1, 2)],
        ..ResolvedEstate::default()
    };
    let text = "version: 1\nzones:\n  - name: lab\n    sensitivity: critical\n    members:\n      - cidr: 10.1.0.0/16\n";
    let outcome = check_plan(&estate, text, "range addresses")?;
    report(
        "range addresses",
        "zones, simulation and reach",
        &outcome.core,
    )
}

/// `Blast::planned_ranking` gives each workload what `Blast::reach` and the oracle give.
#[test]
fn planned_ranking_agrees_with_planned_reach() -> TestResult {
    for (text, label) in [
        (demo_plan()?, "northwind plan"),
        (EDGE_CASES.to_string(), "edge cases"),
    ] {
        let outcome = check_plan(estate()?, &text, label)?;
        report(label, "the planned ranking", &outcome.ranking)?;
    }
    Ok(())
}

#[test]
fn edge_case_plan_agrees_with_the_oracle() -> TestResult {
    agree(EDGE_CASES, "edge cases")
}

#[test]
fn fixture_plans_agree_with_the_oracle() -> TestResult {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE_PLANS);
    if !dir.is_dir() {
        return Ok(());
    }
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.sort();
    // `*-broken.yaml` fixtures are invalid on purpose (they test error reporting).
    let broken = |p: &Path| p.to_string_lossy().contains("-broken.");
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter(|p| !broken(p))
    {
        let text = std::fs::read_to_string(path)?;
        let label = path.display().to_string();
        agree(&text, &label)?;
        let outcome = check_plan(&small_estate()?, &text, &label)?;
        println!("{} (estate-small)", outcome.headline);
        report(&label, "estate-small", &outcome.core)?;
        report(&label, "estate-small's planned ranking", &outcome.ranking)?;
    }
    Ok(())
}

/// The small hand-checked estate of `tests/semantics.rs`.
fn small_estate() -> Result<ResolvedEstate, Error> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/estate-small");
    let mut workspace = Workspace::in_memory()?;
    let paths = [root.join("inventory"), root.join("flows")];
    let (options, progress) = (ImportOptions::default(), ImportProgress::default());
    blastwall::ops::import_paths(&mut workspace, &paths, options, &progress)?;
    Ok(blastwall::ops::load_resolved(&workspace)?)
}

/// The demo plan is a realistic first draft that still shows work to do.
#[test]
fn demo_plan_is_a_first_draft_with_work_to_do() -> TestResult {
    let text = demo_plan()?;
    let (plan, raw) = read_plan(&text)?;
    let estate = estate()?;
    let oracle = Oracle::new(&plan, estate);
    let sim = oracle.simulate();
    let status = |s: &str| {
        raw.rules
            .iter()
            .filter(|r| r.status.as_deref() == Some(s))
            .count()
    };
    let mut kinds = BTreeSet::new();
    let sides = raw.rules.iter().flat_map(|r| [&r.from, &r.to]);
    for value in raw.zones.iter().flat_map(|z| &z.members).chain(sides) {
        if let Value::Mapping(map) = value {
            kinds.extend(
                map.keys()
                    .filter_map(|k| k.as_str())
                    .filter(|k| *k != "zone"),
            );
        }
    }
    let checks = [
        ("8 to 10 zones", (8..=10).contains(&plan.zones.len())),
        ("25 to 40 rules", (25..=40).contains(&plan.rules.len())),
        ("at least two proposed rules", status("proposed") >= 2),
        ("a disabled rule", plan.rules.iter().any(|r| !r.enabled)),
        (
            "an unused rule",
            (0..plan.rules.len()).any(|r| plan.rules[r].enabled && sim.rule_edges[r] == 0),
        ),
        ("every selector kind", kinds.len() == 8),
        (
            "unassigned workloads",
            oracle.workload_zone.iter().any(|z| z == "unassigned"),
        ),
        ("denied flows", !sim.denied.is_empty()),
        (
            "mostly allowed",
            sim.denied.len() * 10 < sim.evaluated as usize,
        ),
    ];
    let failed: Vec<&str> = checks
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(what, _)| *what)
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("demo plan lacks: {failed:?} (selector kinds {kinds:?})").into())
    }
}

/// During a rollout (zones not yet enforced left open to everyone), the planned ranking still
/// gives each workload what its own breadth-first reach gives, after every phase of the demo plan.
#[test]
fn rollout_steps_rank_as_each_workload_reaches() -> TestResult {
    let estate = estate()?;
    let plan = parse_plan(&demo_plan()?, "northwind plan")?;
    let zones = assign_zones(&plan, estate);
    let mut blast = Blast::new(&plan, estate, &zones);
    for phases in 0..=plan.phases.len() {
        let enforced = blastwall::analysis::rollout::enforced_zones(&plan, phases);
        let open: Vec<bool> = zones.names.iter().map(|n| !enforced.contains(n)).collect();
        blast.set_open_zones(open);
        for (workload, reachable, jewels) in blast.planned_ranking() {
            let reach = blast.reach(workload, Mode::Planned);
            let found = (reachable, jewels);
            let wanted = (reach.reachable, reach.crown_jewels.len() as u64);
            if found != wanted {
                return Err(format!(
                    "after {phases} phases, workload {workload}: ranking {found:?}, reach {wanted:?}"
                )
                .into());
            }
        }
    }
    Ok(())
}
