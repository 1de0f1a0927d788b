//! The read-back harness shared by the address-firewall targets (security groups, nftables):
//! estates and plans to render (the demo, the small fixture, generated ones), the services to
//! probe, and the comparison of an artifact's verdicts with the plan's (`enforce::allows`).
//!
//! For every ordered pair of workloads where the target covers the server (its inbound side) or
//! the client (its outbound side), every probed service and every address pair of one family:
//! if the artifact lets the connection through from some address, the plan must allow it (never
//! broader); if the plan allows it, the artifact must let it through from every address, unless
//! one end has no address of its own (then it cannot be named). Addresses no workload owns (the
//! blind spots, a few unseen ones) are checked for "never broader" only: the targets narrow
//! `internet` and `unmanaged` on purpose.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::path::Path;

use blastwall::analysis::enforce::allows;
use blastwall::analysis::simulate::{RuleSides, Simulation, simulate};
use blastwall::analysis::zones::{ZoneMap, assign_zones};
use blastwall::analysis::{Endpoint, ResolvedEstate};
use blastwall::export::deliverables::Context;
use blastwall::ingest::plan::parse_plan;
use blastwall::model::plan::{Plan, PortSpec};
use blastwall::ops::{self, ImportOptions, ImportProgress};
use blastwall::store::Workspace;
use ipnet::IpNet;

pub type Error = Box<dyn std::error::Error>;
pub type TestResult = Result<(), Error>;

/// An estate, a plan, and what the renderers read.
pub struct Case {
    pub plan: Plan,
    pub estate: ResolvedEstate,
    pub zones: ZoneMap,
    pub simulation: Simulation,
}

/// The plan as YAML and every workload with its kind, addresses and networks: what a failing
/// generated case needs to be reproduced.
impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}",
            blastwall::export::plan_yaml::plan_to_yaml(&self.plan)
        )?;
        for w in &self.estate.workloads {
            let addresses: Vec<String> = w.addresses.iter().map(|a| a.to_string()).collect();
            let networks: Vec<String> = w.networks.iter().map(|n| n.to_string()).collect();
            writeln!(
                f,
                "{} {} app={} tier={} [{}] [{}]",
                w.name,
                w.kind.as_str(),
                w.app(),
                w.labels.get("tier").map_or("", String::as_str),
                addresses.join(", "),
                networks.join(", ")
            )?;
        }
        Ok(())
    }
}

impl Case {
    pub fn new(plan: Plan, estate: ResolvedEstate) -> Case {
        let zones = assign_zones(&plan, &estate);
        let simulation = simulate(&plan, &estate, &zones);
        Case {
            plan,
            estate,
            zones,
            simulation,
        }
    }

    pub fn context(&self) -> Context<'_> {
        Context::new(&self.plan, &self.estate, &self.zones, &self.simulation)
    }
}

/// The bundled demo estate with its plan.
pub fn demo() -> Result<Case, Error> {
    let mut workspace = Workspace::in_memory()?;
    ops::demo::import_demo(&mut workspace)?;
    let text = ops::demo::plan_text().ok_or("the demo has no plan")?;
    let plan = parse_plan(text, "plan.yaml")?;
    Ok(Case::new(plan, ops::load_resolved(&workspace)?))
}

/// tests/fixtures/estate-small with tests/fixtures/plans/small.yaml.
pub fn small() -> Result<Case, Error> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut workspace = Workspace::in_memory()?;
    let paths = ["estate-small/inventory", "estate-small/flows"].map(|p| root.join(p));
    let progress = ImportProgress::default();
    ops::import_paths(&mut workspace, &paths, ImportOptions::default(), &progress)?;
    let text = std::fs::read_to_string(root.join("plans/small.yaml"))?;
    let plan = parse_plan(&text, "small.yaml")?;
    Ok(Case::new(plan, ops::load_resolved(&workspace)?))
}

/// The services probed: both ends of every port range the rules name and their neighbours,
/// every observed service, and a few others; ICMP and ICMPv6 as port 0.
pub fn services(case: &Case) -> Vec<(u16, u8)> {
    let mut out: BTreeSet<(u16, u8)> = BTreeSet::new();
    for rule in &case.plan.rules {
        for spec in &rule.ports {
            if let PortSpec::Range {
                protocol,
                first,
                last,
            } = *spec
            {
                if protocol == 1 || protocol == 58 {
                    out.insert((0, protocol));
                    continue;
                }
                for port in [first.saturating_sub(1), first, last, last.saturating_add(1)] {
                    out.insert((port, protocol));
                }
            }
        }
    }
    for edge in &case.estate.service_edges {
        out.insert((edge.port, edge.protocol.0));
    }
    for extra in [
        (1, 6),
        (65535, 6),
        (9999, 17),
        (0, 1),
        (0, 58),
        (5000, 132),
        (22, 6),
    ] {
        out.insert(extra);
    }
    out.into_iter().collect()
}

/// What an artifact says about one connection, per direction: `None` when the target does not
/// cover that end.
pub trait Artifact {
    /// Whether `server`'s inbound side lets a connection from `client` at `from` in.
    fn inbound(
        &self,
        server: u32,
        client: Endpoint,
        from: IpAddr,
        port: u16,
        proto: u8,
    ) -> Option<bool>;
    /// Whether `client`'s outbound side lets a connection to `server` at `to` out.
    fn outbound(
        &self,
        client: u32,
        server: Endpoint,
        to: IpAddr,
        port: u16,
        proto: u8,
    ) -> Option<bool>;
    /// Whether the target covers a workload.
    fn covers(&self, workload: u32) -> bool;
}

/// The addresses a probe uses for a workload: one per address it owns (a range by its first
/// address).
pub fn probe_addresses(case: &Case, workload: u32) -> Vec<IpAddr> {
    case.estate.workloads[workload as usize]
        .addresses
        .iter()
        .map(IpNet::network)
        .collect()
}

/// Whether a workload can be named by address: it has addresses, all of them hosts.
pub fn nameable(case: &Case, workload: u32) -> bool {
    let addresses = &case.estate.workloads[workload as usize].addresses;
    !addresses.is_empty()
        && addresses
            .iter()
            .all(|a| a.prefix_len() == a.max_prefix_len())
}

fn family_fits(a: IpAddr, b: IpAddr, proto: u8) -> bool {
    a.is_ipv4() == b.is_ipv4()
        && match proto {
            1 => a.is_ipv4(),
            58 => a.is_ipv6(),
            _ => true,
        }
}

/// Counts of what was compared.
#[derive(Debug, Default)]
pub struct Tally {
    pub checked: u64,
    pub allowed: u64,
    pub skipped: u64,
}

/// Compares the artifact with the plan for every covered workload pair and service. Returns the
/// disagreements (at most 20) and the tally.
pub fn compare(case: &Case, artifact: &dyn Artifact) -> (Vec<String>, Tally) {
    let mut sides = RuleSides::new(&case.plan, &case.estate, &case.zones);
    let services = services(case);
    let count = case.estate.workloads.len() as u32;
    let covered: Vec<bool> = (0..count).map(|w| artifact.covers(w)).collect();
    let mut errors = Vec::new();
    let mut tally = Tally::default();
    let name = |w: u32| case.estate.workloads[w as usize].name.clone();
    for client in 0..count {
        for server in 0..count {
            if !covered[client as usize] && !covered[server as usize] {
                continue;
            }
            let (c, s) = (Endpoint::Workload(client), Endpoint::Workload(server));
            let (from, to) = (probe_addresses(case, client), probe_addresses(case, server));
            let exact = nameable(case, client) && nameable(case, server);
            for &(port, proto) in &services {
                let plan = allows(&case.plan, &mut sides, &case.zones, c, s, port, proto);
                let mut verdicts = Vec::new();
                for &a in &from {
                    for &b in to.iter().filter(|&&b| family_fits(a, b, proto)) {
                        let inbound = artifact.inbound(server, c, a, port, proto);
                        let outbound = artifact.outbound(client, s, b, port, proto);
                        verdicts.push(inbound.unwrap_or(true) && outbound.unwrap_or(true));
                    }
                }
                if verdicts.is_empty() {
                    tally.skipped += 1;
                    continue;
                }
                tally.checked += 1;
                tally.allowed += u64::from(plan);
                let some = verdicts.iter().any(|v| *v);
                let all = verdicts.iter().all(|v| *v);
                if some && !plan {
                    errors.push(format!(
                        "broader: {} -> {} {port}/{proto} passes, the plan denies",
                        name(client),
                        name(server)
                    ));
                } else if plan && !all && exact {
                    errors.push(format!(
                        "narrower: {} -> {} {port}/{proto} blocked, the plan allows",
                        name(client),
                        name(server)
                    ));
                }
                if errors.len() >= 20 {
                    return (errors, tally);
                }
            }
        }
    }
    compare_addresses(case, artifact, &services, &mut sides, &covered, &mut errors);
    (errors, tally)
}

/// Addresses no workload owns: the blind spots and a few unseen addresses (the plan places an
/// unseen address in the zone whose `cidr` holds it, as a blind spot). Never broader than the
/// plan, in either direction.
fn compare_addresses(
    case: &Case,
    artifact: &dyn Artifact,
    services: &[(u16, u8)],
    sides: &mut RuleSides,
    covered: &[bool],
    errors: &mut Vec<String>,
) {
    let unseen = [
        "203.0.113.9",
        "198.51.100.20",
        "2001:db8::9",
        "10.123.45.6",
        "10.0.0.200",
    ]
    .iter()
    .filter_map(|a| a.parse::<IpAddr>().ok());
    let addresses: Vec<IpAddr> = case
        .estate
        .blind_spots
        .iter()
        .map(|b| b.address)
        .take(60)
        .chain(unseen)
        .collect();
    for (w, _) in covered.iter().enumerate().filter(|(_, c)| **c) {
        let w = w as u32;
        let own = probe_addresses(case, w);
        for &address in &addresses {
            let a = Endpoint::Address(address);
            for &(port, proto) in services {
                let fits = own.iter().any(|&o| family_fits(o, address, proto));
                if !fits {
                    continue;
                }
                let wl = Endpoint::Workload(w);
                let into = artifact.inbound(w, a, address, port, proto) == Some(true);
                if into && !allows(&case.plan, sides, &case.zones, a, wl, port, proto) {
                    errors.push(format!("broader: {address} -> #{w} {port}/{proto}"));
                }
                let out = artifact.outbound(w, a, address, port, proto) == Some(true);
                if out && !allows(&case.plan, sides, &case.zones, wl, a, port, proto) {
                    errors.push(format!("broader: #{w} -> {address} {port}/{proto}"));
                }
                if errors.len() >= 20 {
                    return;
                }
            }
        }
    }
}
