//! The synthetic probe plan on the demo estate and the small fixture: it parses, has probes
//! that must connect and probes that must be refused, each connect probe's flow is one the plan
//! allows and each refuse probe's one it denies (by `allows`, the plan's verdict), every address
//! is the server's own; the script passes `sh -n`; a snapshot of the small estate's files.

use blastwall::analysis::Endpoint;
use blastwall::analysis::enforce::allows;
use blastwall::analysis::simulate::{RuleSides, simulate};
use blastwall::export::deliverables::{Context, render_file};
use blastwall::ops::plan_view::PlanView;
use serde_yaml_ng::Value;

mod readback;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Error = Box<dyn std::error::Error>;

fn demo() -> Result<PlanView, Error> {
    Ok(readback::demo()?.view())
}

fn small() -> Result<PlanView, Error> {
    Ok(readback::small()?.view())
}

/// The three files of the probes target.
fn render(view: &PlanView) -> Result<[String; 3], Error> {
    let plan = view.plan.as_ref().ok_or("no plan")?;
    let simulation = simulate(plan, &view.estate, &view.zones);
    let ctx = Context::new(plan, &view.estate, &view.zones, &simulation);
    let file = |name: &str| render_file(name, &ctx).ok_or(format!("no {name}"));
    Ok([
        file("validation/probes.yaml")?,
        file("validation/probes.sh")?,
        file("validation/README.md")?,
    ])
}

/// Checks every probe against the plan; returns (connect, refuse) counts.
fn check(view: &PlanView) -> Result<(usize, usize), Error> {
    let plan = view.plan.as_ref().ok_or("no plan")?;
    let [yaml, script, _] = render(view)?;
    let doc: Value = serde_yaml_ng::from_str(&yaml)?;
    let probes = doc["probes"].as_sequence().ok_or("no probes")?;
    let mut sides = RuleSides::new(plan, &view.estate, &view.zones);
    let index = |name: &str| {
        let found = view.estate.workloads.iter().position(|w| w.name == name);
        found.map(|w| w as u32).ok_or(format!("no workload {name}"))
    };
    let (mut connect, mut refuse) = (0, 0);
    for probe in probes {
        let field = |key: &str| probe[key].as_str().ok_or(format!("{key} in {probe:?}"));
        let (from, to) = (index(field("from")?)?, index(field("to")?)?);
        let port = probe["port"].as_u64().ok_or("port")?;
        assert_eq!(field("protocol")?, "tcp");
        let address: std::net::IpAddr = field("address")?.parse()?;
        let server = &view.estate.workloads[to as usize];
        assert!(
            server.addresses.iter().any(|n| n.addr() == address),
            "{address} is not {}'s",
            server.name
        );
        let (c, s) = (Endpoint::Workload(from), Endpoint::Workload(to));
        let allowed = allows(plan, &mut sides, &view.zones, c, s, u16::try_from(port)?, 6);
        match field("expect")? {
            "connect" => {
                assert!(allowed, "{probe:?}");
                connect += 1;
            }
            "refuse" => {
                assert!(!allowed, "{probe:?}");
                assert!(field("reason")?.starts_with("no rule allows"));
                refuse += 1;
            }
            other => return Err(format!("expect {other}").into()),
        }
        assert!(!field("name")?.is_empty());
    }
    assert_eq!(script.matches("\nprobe '").count(), probes.len());
    syntax_check(&script)?;
    Ok((connect, refuse))
}

/// `sh -n` on the script, where there is a shell.
fn syntax_check(script: &str) -> TestResult {
    let sh = std::path::Path::new("/bin/sh");
    if !sh.exists() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("probes.sh");
    std::fs::write(&path, script)?;
    let status = std::process::Command::new(sh)
        .arg("-n")
        .arg(&path)
        .status()?;
    assert!(status.success(), "sh -n failed");
    Ok(())
}

#[test]
fn the_demo_probes_connect_and_refuse_as_the_plan_says() -> TestResult {
    let (connect, refuse) = check(&demo()?)?;
    assert!(
        connect > 0 && refuse > 0,
        "{connect} connect, {refuse} refuse"
    );
    Ok(())
}

#[test]
fn the_small_estate_probes() -> TestResult {
    let view = small()?;
    check(&view)?;
    let [yaml, script, readme] = render(&view)?;
    insta::assert_snapshot!("probes_small_yaml", yaml);
    insta::assert_snapshot!("probes_small_sh", script);
    insta::assert_snapshot!("probes_small_readme", readme);
    Ok(())
}
