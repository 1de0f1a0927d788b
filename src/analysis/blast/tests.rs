//! Every workload's reach at once ([`Blast::ranking`]) against a search from each workload
//! ([`Blast::reach`]), on random estates and plans, random graphs, and a long chain.

use proptest::prelude::*;

use super::{Blast, Mode};
use crate::analysis::resolve::{ResolvedEstate, resolve_estate};
use crate::analysis::simulate::random::{self, Rng};
use crate::analysis::testkit::{TestResult, host};
use crate::analysis::zones::assign_zones;
use crate::model::plan::Plan;
use crate::model::{Attribute, EdgeKey, EdgeStats, EndpointHint, Estate, HintId, Protocol};

/// Whether the ranking of every mode agrees with one search per workload.
fn agrees(estate: &ResolvedEstate, plan: &Plan) -> Result<(), String> {
    let zones = assign_zones(plan, estate);
    let blast = Blast::new(plan, estate, &zones);
    for mode in Mode::ALL {
        let ranking = blast.ranking(mode);
        if ranking.len() != estate.workloads.len() {
            return Err(format!("{mode:?}: {} rows", ranking.len()));
        }
        for &(w, reachable, jewels) in &ranking {
            let reach = blast.reach(w, mode);
            let expected = (reach.reachable, reach.crown_jewels.len() as u64);
            if (reachable, jewels) != expected {
                return Err(format!(
                    "{mode:?} {w}: {:?} != {expected:?}",
                    (reachable, jewels)
                ));
            }
        }
        let sorted = ranking.windows(2).all(|p| p[0].1 >= p[1].1);
        if !sorted {
            return Err(format!("{mode:?}: not largest first"));
        }
    }
    Ok(())
}

/// Hosts `w0000…` at `10.0.x.y`, every fifth a card-data store, and the given edges on 443.
fn graph_estate(n: usize, edges: &[(usize, usize)]) -> Estate {
    let address = |i: usize| format!("10.0.{}.{}", i / 250, 1 + i % 250);
    let mut estate = Estate {
        hints: vec![EndpointHint::default()],
        ..Estate::default()
    };
    for i in 0..n {
        let mut record = host(&format!("w{i:04}"), &address(i), "a", "t");
        if i % 5 == 0 {
            record.set_attribute(Attribute::DataClass, "pci");
        }
        estate.workloads.push((1, record));
    }
    let mut keys: Vec<(EdgeKey, EdgeStats)> = edges
        .iter()
        .filter_map(|&(a, b)| {
            let key = EdgeKey {
                client: address(a).parse().ok()?,
                server: address(b).parse().ok()?,
                port: 443,
                protocol: Protocol::TCP,
                client_hint: HintId::NONE,
                server_hint: HintId::NONE,
            };
            let stats = EdgeStats {
                records: 1,
                accepted: 1,
                ..EdgeStats::default()
            };
            Some((key, stats))
        })
        .collect();
    keys.sort_by_key(|(k, _)| *k);
    keys.dedup_by_key(|(k, _)| *k);
    estate.edges = keys;
    estate
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn ranking_matches_a_search_per_workload(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let estate = resolve_estate(&random::estate(&mut rng));
        let plan = random::plan(&mut rng, estate.workloads.len());
        prop_assert_eq!(agrees(&estate, &plan), Ok(()));
    }

    /// Larger graphs, sparse to dense, with cycles of every size.
    #[test]
    fn observed_ranking_matches_on_random_graphs(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let n = 1 + rng.below(300);
        let edges: Vec<(usize, usize)> =
            (0..rng.below(3 * n)).map(|_| (rng.below(n), rng.below(n))).collect();
        let estate = resolve_estate(&graph_estate(n, &edges));
        prop_assert_eq!(agrees(&estate, &Plan::default()), Ok(()));
    }
}

/// A chain of 20,000 workloads closed into one cycle at its far end: no stack overflow, and the
/// counts of a search.
#[test]
fn long_chains_condense() -> TestResult {
    let n = 20_000;
    let mut edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
    edges.push((n - 1, n - 100));
    let estate = resolve_estate(&graph_estate(n, &edges));
    let plan = Plan::default();
    let zones = assign_zones(&plan, &estate);
    let blast = Blast::new(&plan, &estate, &zones);
    let ranking = blast.ranking(Mode::Observed);
    let first = ranking.first().ok_or("ranking")?;
    assert_eq!((first.0, first.1), (0, n as u64 - 1));
    for &w in &[0u32, 5_000, 19_950, 19_999] {
        let row = ranking.iter().find(|r| r.0 == w).ok_or("row")?;
        let reach = blast.reach(w, Mode::Observed);
        assert_eq!(
            (row.1, row.2),
            (reach.reachable, reach.crown_jewels.len() as u64)
        );
    }
    Ok(())
}
