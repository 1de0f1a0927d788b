//! The zone map: order, members, controls, escaping, the Mermaid diagram.

use super::*;
use crate::analysis::testkit::TestResult;
use crate::export::deliverables::tests::{Fixture, HOSTILE, PLAN};

#[test]
fn zones_in_plan_order_then_pseudo_zones_that_hold_anything() -> TestResult {
    let fixture = Fixture::new(PLAN)?;
    let entries = zone_entries(&fixture.ctx());
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["web", "app", "data", "internet", "unmanaged", "unassigned"]
    );
    let web = &entries[0];
    assert_eq!(web.members, ["evil|name\n\"x\": y #1", "i-0asg", "web-01"]);
    assert_eq!(web.selectors, ["{labels: {tier: web}}"]);
    assert_eq!(web.sensitivity, "low");
    assert!(!web.controls.is_empty());
    assert_eq!(entries[3].addresses, 1);
    assert!(!entries[3].declared);
    Ok(())
}

#[test]
fn markdown_and_yaml_escape_names() -> TestResult {
    let fixture = Fixture::new(PLAN)?;
    let ctx = fixture.ctx();
    let md = markdown(&ctx);
    assert!(md.contains("| evil\\|name \"x\": y #1 |"), "{md}");
    assert!(md.contains("front \\| end"), "{md}");
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml(&ctx))?;
    let zones = value["zones"].as_sequence().ok_or("zones")?;
    let members = zones[0]["members"].as_sequence().ok_or("members")?;
    assert_eq!(members[0].as_str(), Some(HOSTILE));
    assert_eq!(zones[0]["workload_count"].as_u64(), Some(3));
    assert_eq!(zones[0]["description"].as_str(), Some("front | end"));
    Ok(())
}

#[test]
fn mermaid_has_generated_ids_quoted_labels_and_port_edges() -> TestResult {
    let fixture = Fixture::new(PLAN)?;
    let text = mermaid(&fixture.ctx());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.get(1), Some(&"flowchart LR"));
    assert!(lines.contains(&"    z0[\"web (3 workloads)\"]"), "{text}");
    assert!(lines.contains(&"    z0 -->|\"tcp/8443\"| z1"), "{text}");
    assert!(lines.contains(&"    z1 -->|\"tcp/5432\"| z2"), "{text}");
    // Denied flows (unmanaged to data) and intra-zone flows draw no edge.
    assert_eq!(
        lines.iter().filter(|l| l.contains("-->")).count(),
        2,
        "{text}"
    );
    Ok(())
}
