//! The zone edits of `plan_edit`: pure functions on `Plan`.

use super::plan_edit::{MoveOutcome, parse_selector, selector_text};
use crate::model::plan::{Peer, Selector};
use crate::tui::tests::{TestResult, estate, plan};

#[test]
fn selectors_parse_from_kind_and_value() -> TestResult {
    assert_eq!(
        parse_selector("app: billing")?,
        Selector::App("billing".into())
    );
    assert_eq!(
        parse_selector("cidr: 10.0.0.7/24")?,
        Selector::Cidr("10.0.0.0/24".parse()?)
    );
    assert_eq!(
        parse_selector("cidr: 10.0.0.7")?,
        Selector::Cidr("10.0.0.7/32".parse()?)
    );
    let labels = parse_selector("labels: tier=data, env=prod")?;
    assert_eq!(selector_text(&labels), "labels: env=prod,tier=data");
    assert_eq!(
        parse_selector("Service_Account: ns/sa")?,
        Selector::ServiceAccount("ns/sa".into())
    );
    for bad in [
        "billing",
        "app:",
        "colour: red",
        "cidr: nowhere",
        "labels: tier",
    ] {
        assert!(parse_selector(bad).is_err(), "{bad} should be refused");
    }
    Ok(())
}

#[test]
fn zone_names_stay_unique_and_not_built_in() -> TestResult {
    let mut plan = plan();
    plan.add_zone("mgmt")?;
    assert_eq!(plan.zones.last().map(|z| z.name.as_str()), Some("mgmt"));
    for bad in [
        "web",
        "internet",
        "unmanaged",
        "unassigned",
        "",
        "two words",
    ] {
        assert!(plan.add_zone(bad).is_err(), "{bad:?} should be refused");
    }
    assert!(plan.check_zone_name("web", Some(0)).is_ok(), "its own name");
    Ok(())
}

#[test]
fn renaming_a_zone_renames_the_rules_naming_it() -> TestResult {
    let mut plan = plan();
    assert_eq!(plan.rename_zone(1, "db")?, 1);
    assert_eq!(plan.zones[1].name, "db");
    assert_eq!(plan.rules[0].to, Peer::Zone("db".into()));
    assert_eq!(plan.rules[0].from, Peer::Zone("web".into()));
    assert!(plan.rename_zone(1, "web").is_err());
    Ok(())
}

#[test]
fn zones_move_and_delete_unless_rules_name_them() -> TestResult {
    let mut plan = plan();
    assert_eq!(plan.move_zone(2, -1), Some(1));
    assert_eq!(plan.zones[1].name, "billing");
    assert_eq!(plan.move_zone(0, -1), None);
    assert_eq!(plan.move_zone(2, 1), None);
    let refused = plan.delete_zone(2).err().unwrap_or_default();
    assert!(refused.contains("web-to-db"), "{refused}");
    assert_eq!(plan.delete_zone(1)?.name, "billing");
    assert_eq!(plan.zones.len(), 2);
    Ok(())
}

#[test]
fn selectors_are_added_once_and_removed() -> TestResult {
    let mut plan = plan();
    plan.add_selector(0, Selector::App("cart".into()))?;
    assert!(plan.add_selector(0, Selector::App("cart".into())).is_err());
    assert_eq!(
        plan.remove_selector(0, 0),
        Some(Selector::App("shop".into()))
    );
    assert_eq!(plan.zones[0].members, [Selector::App("cart".into())]);
    assert_eq!(plan.remove_selector(0, 5), None);
    Ok(())
}

#[test]
fn moving_a_workload_names_it_in_one_zone_and_says_who_claims_it() -> TestResult {
    let (estate, mut plan) = (estate(), plan());
    // The unassigned cart into billing: nothing earlier claims it.
    assert_eq!(plan.move_workload(&estate, 4, 2)?, MoveOutcome::Moved);
    assert_eq!(
        plan.zones[2].members.last(),
        Some(&Selector::Workload("checkout/cart".into()))
    );
    // Then into data: the explicit selector moves with it.
    assert_eq!(plan.move_workload(&estate, 4, 1)?, MoveOutcome::Moved);
    assert_eq!(plan.zones[2].members, [Selector::App("billing".into())]);
    assert_eq!(plan.zones[1].members.len(), 2);
    // web-01 into billing: zone web, earlier, still claims it through app: shop.
    let outcome = plan.move_workload(&estate, 2, 2)?;
    assert_eq!(
        outcome,
        MoveOutcome::StillClaimed {
            zone: "web".into(),
            selector: Selector::App("shop".into())
        }
    );
    assert!(plan.move_workload(&estate, 99, 0).is_err());
    assert!(plan.move_workload(&estate, 2, 9).is_err());
    Ok(())
}
