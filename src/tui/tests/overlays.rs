//! The workshop overlays (scenarios, history, the comparison with the scenario line's deltas,
//! the rules) through `TestBackend` at both sizes, with the data the workers would report.

use super::screens::{SIZES, render, snapshot_plan};
use super::{TestResult, app_with_plan, drive};
use crate::tui::app::{Action, AppEvent};

/// The workshop overlays with data as the workers would report it.
fn snapshot_events(
    name: &str,
    actions: &[Action],
    events: impl Fn() -> Vec<AppEvent>,
) -> TestResult {
    for (width, height) in SIZES {
        let mut app = app_with_plan(width, height);
        drive(&mut app, actions);
        for event in events() {
            app.on_event(event);
        }
        insta::assert_snapshot!(
            format!("{name}_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn scenarios_overlay() -> TestResult {
    use crate::store::ScenarioInfo;
    let row = |name: &str, active: bool| ScenarioInfo {
        name: name.into(),
        based_on: (name != "baseline").then(|| "baseline".to_string()),
        created_at: (name != "baseline").then_some(1_763_366_400),
        has_plan: true,
        zones: 3,
        rules: if name == "baseline" { 1 } else { 2 },
        active,
    };
    snapshot_events("scenarios", &[Action::OpenScenarios], || {
        vec![AppEvent::Scenarios(Ok(vec![
            row("baseline", false),
            row("hl7-into-devices", true),
        ]))]
    })
}

#[test]
fn history_overlay() -> TestResult {
    use crate::store::HistoryEntry;
    let entry = |id: i64, action: &str, summary: &str, undone: bool| HistoryEntry {
        id,
        at: 1_763_366_400 + id * 90,
        user: "alice".into(),
        scenario: "baseline".into(),
        action: action.into(),
        summary: summary.into(),
        undone,
    };
    snapshot_events("history", &[Action::OpenHistory], || {
        vec![AppEvent::History(Ok(vec![
            entry(3, "edit", "checkout/cart moved to web", true),
            entry(2, "plan apply", "plan.yaml: 3 zones, 1 rule", false),
            entry(
                1,
                "import",
                "2 files: 5 workload records, 9 flow records",
                false,
            ),
        ]))]
    })
}

#[test]
fn compare_overlay_and_scenario_deltas() -> TestResult {
    use crate::analysis::blast::Blast;
    use crate::analysis::scenario::{Analyzed, compare};
    use crate::analysis::simulate::simulate;
    use crate::analysis::zones::assign_zones;
    use crate::ops::scenario::ScenarioDiff;
    let estate = super::estate();
    let base = super::plan();
    let mut moved = base.clone();
    moved.zones[0]
        .members
        .push(crate::model::plan::Selector::App("cart".into()));
    let analysed = |plan: &crate::model::plan::Plan| {
        let zones = assign_zones(plan, &estate);
        let simulation = simulate(plan, &estate, &zones);
        let ranking = Blast::new(plan, &estate, &zones).planned_ranking();
        (zones, simulation, ranking)
    };
    let (za, sa, ra) = analysed(&base);
    let (zb, sb, rb) = analysed(&moved);
    let comparison = compare(
        &estate,
        &Analyzed {
            plan: &base,
            zones: &za,
            simulation: &sa,
            ranking: &ra,
        },
        &Analyzed {
            plan: &moved,
            zones: &zb,
            simulation: &sb,
            ranking: &rb,
        },
        5,
    );
    let diff = ScenarioDiff {
        a: "baseline".into(),
        b: "cart-in-web".into(),
        comparison,
    };
    for (width, height) in SIZES {
        let mut app = app_with_plan(width, height);
        let loaded = app.loaded.as_mut().ok_or("loaded")?;
        let loaded = std::sync::Arc::make_mut(loaded);
        loaded.scenario = "cart-in-web".into();
        let mut baseline = loaded.plan.metrics.ok_or("metrics")?;
        baseline.denied_flows += 2;
        baseline.mean_blast -= 0.5;
        loaded.baseline = Some(baseline);
        app.window = (Some("2025-11-17".into()), None);
        let loaded = app.loaded.as_mut().ok_or("loaded")?;
        let loaded = std::sync::Arc::make_mut(loaded);
        loaded.window_note = Some(
            "window: flows seen since 2025-11-17T00:00:00Z (3 of 9 address-level edges left out)"
                .into(),
        );
        app.update(Action::Compare);
        app.on_event(AppEvent::Compared(Ok(Box::new(diff.clone()))));
        insta::assert_snapshot!(
            format!("compare_{width}x{height}"),
            render(&app, width, height)?
        );
    }
    Ok(())
}

#[test]
fn rules_overlay() -> TestResult {
    snapshot_plan("rules", &[Action::OpenRules])
}
