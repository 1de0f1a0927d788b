//! The synthetic probes: for every ordered pair of zones holding workloads, observed TCP flows
//! the plan allows (must connect) and real client → server → listening port combinations the
//! plan denies (must be refused). Deterministic: candidates are sorted and the first taken.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use crate::analysis::enforce::allows;
use crate::analysis::resolve::Endpoint;
use crate::analysis::simulate::{RuleSides, default_verdict};
use crate::export::deliverables::Context;
use crate::model::Protocol;

/// Probes per zone pair and expectation, at most.
pub const PER_PAIR: usize = 2;

/// What a probe must find.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Expect {
    Connect,
    Refuse,
}

impl Expect {
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Connect => "connect",
            Expect::Refuse => "refuse",
        }
    }
}

/// One probe: from a workload, to a server's address and TCP port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub name: String,
    pub from: String,
    pub to: String,
    pub address: IpAddr,
    pub port: u16,
    pub protocol: &'static str,
    pub expect: Expect,
    pub reason: String,
    pub from_zone: String,
    pub to_zone: String,
}

/// What the probes need of the estate: workload names, zones, addresses, listening ports.
struct Facts<'a> {
    ctx: &'a Context<'a>,
    /// Workloads per zone, sorted by name.
    members: BTreeMap<u32, Vec<u32>>,
    /// TCP ports each server workload accepted connections on, sorted.
    listening: BTreeMap<u32, BTreeSet<u16>>,
    /// The addresses a server workload was reached at, per port (its own, sorted).
    seen_at: BTreeMap<(u32, u16), BTreeSet<IpAddr>>,
}

impl<'a> Facts<'a> {
    fn new(ctx: &'a Context<'a>) -> Facts<'a> {
        let estate = ctx.estate;
        let mut members: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for w in 0..estate.workloads.len() as u32 {
            let zone = ctx.zones.zone_of(Endpoint::Workload(w));
            members.entry(zone).or_default().push(w);
        }
        for list in members.values_mut() {
            list.sort_by(|&a, &b| name(ctx, a).cmp(name(ctx, b)).then(a.cmp(&b)));
        }
        let mut listening: BTreeMap<u32, BTreeSet<u16>> = BTreeMap::new();
        for edge in &estate.service_edges {
            if let Endpoint::Workload(s) = edge.server
                && edge.protocol == Protocol::TCP
                && edge.stats.accepted > 0
                && edge.port > 0
            {
                listening.entry(s).or_default().insert(edge.port);
            }
        }
        let mut seen_at: BTreeMap<(u32, u16), BTreeSet<IpAddr>> = BTreeMap::new();
        for edge in &estate.edges {
            if let Endpoint::Workload(s) = edge.server_endpoint
                && edge.protocol == Protocol::TCP
                && owns(ctx, s, edge.server)
            {
                seen_at
                    .entry((s, edge.port))
                    .or_default()
                    .insert(edge.server);
            }
        }
        Facts {
            ctx,
            members,
            listening,
            seen_at,
        }
    }

    /// The server's real address for a port: where it was reached on that port, else its first
    /// own host address.
    fn address(&self, server: u32, port: u16) -> Option<IpAddr> {
        let seen = self.seen_at.get(&(server, port)).and_then(|s| s.first());
        seen.copied().or_else(|| {
            let workload = &self.ctx.estate.workloads[server as usize];
            let mut own: Vec<IpAddr> = workload.addresses.iter().map(|n| n.addr()).collect();
            own.sort();
            own.into_iter().find(|a| owns(self.ctx, server, *a))
        })
    }
}

fn name<'a>(ctx: &'a Context, w: u32) -> &'a str {
    ctx.estate.workloads[w as usize].name.as_str()
}

/// Whether a workload owns an address as a host address of its own.
fn owns(ctx: &Context, w: u32, address: IpAddr) -> bool {
    ctx.estate.workloads[w as usize]
        .addresses
        .iter()
        .any(|n| n.addr() == address && n.prefix_len() == n.max_prefix_len())
}

/// Every probe, by zone pair (zones in map order), connect probes first.
pub fn probes(ctx: &Context) -> Vec<Probe> {
    let facts = Facts::new(ctx);
    let mut sides = RuleSides::new(ctx.plan, ctx.estate, ctx.zones);
    let mut out = Vec::new();
    let zones: Vec<u32> = facts.members.keys().copied().collect();
    let connect = connect_candidates(ctx, &mut sides);
    for &a in &zones {
        for &b in &zones {
            let mut pair = Vec::new();
            for (key, reason) in connect.get(&(a, b)).into_iter().flatten() {
                let (_, _, _, client, server, port) = *key;
                if pair.len() < PER_PAIR && !pair.iter().any(|p: &Probe| p.port == port) {
                    if let Some(probe) = make(&facts, client, server, port, Expect::Connect, reason)
                    {
                        pair.push(probe);
                    }
                }
            }
            out.extend(pair);
            out.extend(refusals(&facts, &mut sides, a, b));
        }
    }
    for (n, probe) in out.iter_mut().enumerate() {
        probe.name = format!(
            "p{:03}-{}-{}-to-{}",
            n + 1,
            probe.expect.as_str(),
            probe.from_zone,
            probe.to_zone
        );
    }
    out
}

/// A sort key: rule-allowed first, then client name, server name, port; and the indices.
type Key<'a> = (bool, &'a str, &'a str, u32, u32, u16);

/// Observed TCP flows between two workloads the plan allows, per zone pair, sorted, with the
/// reason.
fn connect_candidates<'a>(
    ctx: &'a Context,
    sides: &mut RuleSides,
) -> BTreeMap<(u32, u32), Vec<(Key<'a>, String)>> {
    let mut out: BTreeMap<(u32, u32), Vec<(Key<'a>, String)>> = BTreeMap::new();
    for (i, e) in ctx.estate.service_edges.iter().enumerate() {
        let (Endpoint::Workload(c), Endpoint::Workload(s)) = (e.client, e.server) else {
            continue;
        };
        let allowed = ctx
            .simulation
            .verdicts
            .get(i)
            .is_some_and(|v| v.is_allowed());
        if e.protocol != Protocol::TCP || e.port == 0 || !allowed {
            continue;
        }
        let (za, zb) = (ctx.zones.zone_of(e.client), ctx.zones.zone_of(e.server));
        let rules = sides.matching_rules(e);
        let reason = match (rules.first(), default_verdict(ctx.plan, ctx.zones, e)) {
            (Some(&r), _) => format!(
                "rule {} allows {} -> {} on tcp/{}",
                ctx.plan.rule_name(r),
                ctx.zones.name(za),
                ctx.zones.name(zb),
                e.port
            ),
            (None, Some(_)) if za == zb => {
                format!("intra-zone: {} allows its own traffic", ctx.zones.name(za))
            }
            (None, _) => "defaults: east_west allows it".to_string(),
        };
        let key = (rules.is_empty(), name(ctx, c), name(ctx, s), c, s, e.port);
        out.entry((za, zb)).or_default().push((key, reason));
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.0.cmp(&b.0));
    }
    out
}

/// Up to [`PER_PAIR`] refuse probes from zone `a` to zone `b`: servers of `b` by name, each on
/// its listening ports in order, from the first client of `a` (by name) the plan denies there.
fn refusals(facts: &Facts, sides: &mut RuleSides, a: u32, b: u32) -> Vec<Probe> {
    let ctx = facts.ctx;
    let (Some(clients), Some(servers)) = (facts.members.get(&a), facts.members.get(&b)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for &server in servers {
        let Some(ports) = facts.listening.get(&server) else {
            continue;
        };
        'ports: for &port in ports {
            for &client in clients.iter().filter(|&&c| c != server) {
                let (c, s) = (Endpoint::Workload(client), Endpoint::Workload(server));
                if allows(ctx.plan, sides, ctx.zones, c, s, port, Protocol::TCP.0) {
                    continue;
                }
                let mut reason = format!(
                    "no rule allows {} -> {} on tcp/{port}",
                    ctx.zones.name(a),
                    ctx.zones.name(b)
                );
                reason.push_str(if a == b {
                    " (intra-zone: deny)"
                } else {
                    " (east_west: deny)"
                });
                if let Some(probe) = make(facts, client, server, port, Expect::Refuse, &reason) {
                    out.push(probe);
                    break 'ports;
                }
            }
        }
        if out.len() >= PER_PAIR {
            break;
        }
    }
    out
}

fn make(
    facts: &Facts,
    client: u32,
    server: u32,
    port: u16,
    expect: Expect,
    reason: &str,
) -> Option<Probe> {
    let ctx = facts.ctx;
    let address = facts.address(server, port)?;
    Some(Probe {
        name: String::new(),
        from: name(ctx, client).to_string(),
        to: name(ctx, server).to_string(),
        address,
        port,
        protocol: "tcp",
        expect,
        reason: reason.to_string(),
        from_zone: ctx
            .zones
            .name(ctx.zones.zone_of(Endpoint::Workload(client)))
            .to_string(),
        to_zone: ctx
            .zones
            .name(ctx.zones.zone_of(Endpoint::Workload(server)))
            .to_string(),
    })
}
