//! The flow matrix: columns, verdicts, rules and justifications, escaping.

use super::*;
use crate::analysis::testkit::TestResult;
use crate::export::deliverables::tests::{Fixture, HOSTILE, PLAN};

/// The row of an edge, by source, destination and port.
fn find<'r>(
    rows: &'r [FlowRow],
    source: &str,
    destination: &str,
    port: u16,
) -> Option<&'r FlowRow> {
    rows.iter()
        .find(|r| r.source == source && r.destination == destination && r.port == port)
}

#[test]
fn csv_header_is_exact_and_rows_are_evaluated_edges() -> TestResult {
    let fixture = Fixture::new(PLAN)?;
    let text = csv(&fixture.ctx());
    let header = text.lines().next().ok_or("empty")?;
    assert_eq!(
        header,
        "source,destination,port,protocol,source_zone,destination_zone,verdict,rule,\
         justification,owner,records,first_seen,last_seen,sources"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    // Seven edges observed accepted; the rejected-only ssh edge is not a row.
    assert_eq!(records.len(), 7);
    assert_eq!(records.len() as u64, fixture.simulation.evaluated);
    let hostile = records
        .iter()
        .find(|r| r.get(0) == Some(HOSTILE))
        .ok_or("hostile row")?;
    assert_eq!(hostile.get(7), Some("web-to-app"));
    let denied = records.iter().filter(|r| r.get(6) == Some("deny")).count();
    assert_eq!(denied as u64, fixture.simulation.denied);
    Ok(())
}

#[test]
fn rows_name_the_first_rule_and_its_justification() -> TestResult {
    let fixture = Fixture::new(PLAN)?;
    let rows = rows(&fixture.ctx());
    let sorted = rows.windows(2).all(|w| {
        (&w[0].source, &w[0].destination, w[0].port) <= (&w[1].source, &w[1].destination, w[1].port)
    });
    assert!(sorted);
    let by_rule = find(&rows, "web-01", "api-01", 8443).ok_or("web-01 row")?;
    assert_eq!(
        (
            by_rule.verdict(),
            by_rule.rule.as_str(),
            by_rule.justification.as_str()
        ),
        ("allow", "web-to-app", "storefront calls the API")
    );
    assert_eq!(by_rule.owner, "shop-team");
    assert_eq!(
        (
            by_rule.source_zone.as_str(),
            by_rule.destination_zone.as_str()
        ),
        ("web", "app")
    );
    assert_eq!(by_rule.first_seen, "2025-11-17T08:00:00Z");
    assert_eq!(by_rule.records, 10);
    let bare = find(&rows, "api-01", "db-01", 5432).ok_or("api-01 row")?;
    assert_eq!(
        (
            bare.verdict(),
            bare.rule.as_str(),
            bare.justification.as_str()
        ),
        ("allow", "rule-2", "rule rule-2 (no justification recorded)")
    );
    assert_eq!(bare.owner, "");
    let denied = find(&rows, "10.9.9.9", "db-01", 5432).ok_or("denied row")?;
    assert_eq!(
        (
            denied.verdict(),
            denied.rule.as_str(),
            denied.justification.as_str()
        ),
        ("deny", "", "no rule allows it")
    );
    assert_eq!(denied.source_zone, "unmanaged");
    Ok(())
}

#[test]
fn defaults_show_as_intra_zone_and_default() -> TestResult {
    let plan = "defaults: {east_west: allow}\n\
                zones: [{name: shop, members: [{app: shop}]}]\n\
                rules: [{name: api-db, from: {workload: api-01}, to: {workload: db-01}, ports: [tcp/5432]}]\n";
    let fixture = Fixture::new(plan)?;
    let rows = rows(&fixture.ctx());
    let intra = find(&rows, "web-01", "api-01", 8443).ok_or("intra row")?;
    assert_eq!(
        (
            intra.verdict(),
            intra.rule.as_str(),
            intra.justification.as_str()
        ),
        ("allow", "intra-zone", "same zone: shop")
    );
    // A matching rule is named even where the defaults already allow.
    let ruled = find(&rows, "api-01", "db-01", 5432).ok_or("ruled row")?;
    assert_eq!(ruled.rule, "api-db");
    let default = find(&rows, "web-01", "dns-01", 53).ok_or("default row")?;
    assert_eq!(
        (
            default.verdict(),
            default.rule.as_str(),
            default.justification.as_str()
        ),
        ("allow", "default", "default allow")
    );
    assert_eq!(default.protocol, "udp");
    assert!(rows.iter().all(|r| r.allowed));
    Ok(())
}

#[test]
fn hostile_names_stay_in_their_cells() -> TestResult {
    let fixture = Fixture::new(PLAN)?;
    let ctx = fixture.ctx();
    let md = markdown(&ctx);
    let line = md
        .lines()
        .find(|l| l.starts_with("| evil"))
        .ok_or("hostile line")?;
    assert!(line.starts_with("| evil\\|name \"x\": y #1 |"), "{line}");
    let header = md
        .lines()
        .find(|l| l.starts_with("| source"))
        .ok_or("header")?;
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    assert_eq!(cells(line), cells(header));
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml(&ctx))?;
    let flows = value["flows"].as_sequence().ok_or("flows")?;
    let hostile = flows
        .iter()
        .find(|f| f["source"].as_str() == Some(HOSTILE))
        .ok_or("hostile")?;
    assert_eq!(hostile["port"].as_u64(), Some(8443));
    assert_eq!(hostile["sources"].as_sequence().map(Vec::len), Some(0));
    assert_eq!(hostile["first_seen"].as_str(), Some("2025-11-17T08:00:00Z"));
    Ok(())
}
