//! The grouped simulation against the straightforward oracle, and the incremental one against a
//! full run after every edit, on random estates and plans.

use proptest::prelude::*;

use super::oracle::{self, OldSides};
use super::random::{self, Rng};
use super::rule_keys::RuleKeys;
use super::{RuleSides, Simulator, Update, simulate};
use crate::analysis::resolve::resolve_estate;
use crate::analysis::testkit::{TestResult, estate};
use crate::analysis::zones::{MemberIndex, assign_zones, assign_zones_indexed, assign_zones_scan};
use crate::ingest::plan::parse_plan;
use crate::model::plan::Rule;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Same verdicts, rule counts and totals as the oracle; same matching rules per edge and same
    /// sides per workload as the old rule sides.
    #[test]
    fn grouped_simulation_matches_the_oracle(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let estate = resolve_estate(&random::estate(&mut rng));
        let plan = random::plan(&mut rng, estate.workloads.len());
        let zones = assign_zones(&plan, &estate);
        prop_assert_eq!(simulate(&plan, &estate, &zones), oracle::simulate(&plan, &estate, &zones));
        let (mut new, mut old) = (RuleSides::new(&plan, &estate, &zones), OldSides::new(&plan, &estate, &zones));
        for edge in &estate.service_edges {
            prop_assert_eq!(new.matching_rules(edge), old.matching_rules(edge));
        }
        let bits = |list: &[u32]| {
            let mut words = vec![0u64; plan.rules.len().div_ceil(64).max(1)];
            list.iter().for_each(|&r| words[r as usize / 64] |= 1 << (r % 64));
            words
        };
        for w in 0..estate.workloads.len() as u32 {
            let (from, to) = new.workload_rules(w);
            prop_assert_eq!((bits(from), bits(to)), old.workload_sides(w));
        }
    }

    /// Two rules have equal keys exactly when they allow the same traffic.
    #[test]
    fn rule_keys_are_equal_exactly_for_equal_effects(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let rules: Vec<Rule> = (0..40).map(|_| random::rule(&mut rng, 3, 10)).collect();
        let keys = RuleKeys::new(&rules);
        for (i, a) in rules.iter().enumerate() {
            for (j, b) in rules.iter().enumerate() {
                let same = (a.enabled, &a.from, &a.to, &a.ports) == (b.enabled, &b.from, &b.to, &b.ports);
                prop_assert_eq!(keys.get(i) == keys.get(j), same);
            }
        }
    }

    /// After each of a run of edits, the updated simulation is the full one.
    #[test]
    fn incremental_updates_match_a_full_run(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let estate = resolve_estate(&random::estate(&mut rng));
        let n = estate.workloads.len();
        let mut plan = random::plan(&mut rng, n);
        let mut simulator = Simulator::new(&plan, &estate, &assign_zones(&plan, &estate));
        let index = MemberIndex::new(&estate);
        for _ in 0..12 {
            plan = random::edit(&mut rng, &plan, n);
            let zones = assign_zones(&plan, &estate);
            prop_assert_eq!(&assign_zones_indexed(&plan, &estate, &index), &zones);
            prop_assert_eq!(&assign_zones_scan(&plan, &estate), &zones);
            let update = if rng.chance(50) {
                simulator.update(&plan, &estate, &zones)
            } else {
                simulator.update_plan(&plan, &estate)
            };
            prop_assert_eq!(simulator.zones(), &zones);
            let expected = oracle::simulate(&plan, &estate, &zones);
            prop_assert_eq!(simulator.simulation(), &expected, "{:?}", update);
        }
    }
}

/// A rule edit and a zone's selector edit are incremental, and agree with a full run.
#[test]
fn edits_are_incremental() -> TestResult {
    let estate = resolve_estate(&estate());
    let text = "version: 1
zones:
  - {name: data, members: [{labels: {tier: data}}]}
  - {name: app, members: [{labels: {tier: app}}]}
  - {name: web, members: [{labels: {tier: web}}]}
rules:
  - {from: {zone: web}, to: {zone: app}, ports: [tcp/8443]}
  - {from: {zone: app}, to: {zone: data}, ports: [tcp/5432]}
";
    let plan = parse_plan(text, "plan.yaml")?;
    let zones = assign_zones(&plan, &estate);
    let mut simulator = Simulator::new(&plan, &estate, &zones);
    assert_eq!(simulator.simulation(), &simulate(&plan, &estate, &zones));

    let mut edited = plan.clone();
    edited.rules[1].enabled = false;
    let update = simulator.update(&edited, &estate, &zones);
    assert!(
        matches!(
            update,
            Update::Incremental {
                rules: 2,
                moved: 0,
                ..
            }
        ),
        "{update:?}"
    );
    assert_eq!(simulator.simulation(), &simulate(&edited, &estate, &zones));
    assert_eq!(simulator.simulation().rule_edges, [1, 0]);

    edited.zones[2].members = vec![crate::model::plan::Selector::Namespace("web".into())];
    let moved = assign_zones(&edited, &estate);
    let update = simulator.update(&edited, &estate, &moved);
    assert!(
        matches!(update, Update::Incremental { moved: 3, .. }),
        "{update:?}"
    );
    assert_eq!(simulator.simulation(), &simulate(&edited, &estate, &moved));

    edited.defaults.east_west = crate::model::plan::Policy::Allow;
    assert_eq!(simulator.update(&edited, &estate, &moved), Update::Full);
    assert_eq!(simulator.simulation(), &simulate(&edited, &estate, &moved));
    Ok(())
}

/// A worker can keep a simulator between jobs: it owns everything it holds.
#[test]
fn a_simulator_can_move_between_threads() {
    fn owned<T: Send + Sync + 'static>() {}
    owned::<Simulator>();
}
