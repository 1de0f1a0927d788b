//! The plan for firewalls that filter on addresses (security groups, nftables): for a workload,
//! who may connect to it and whom it may connect to, as workloads and address sets with ports.
//!
//! A rule side names workloads and, for some sides, addresses no workload owns (a `cidr`, a
//! zone's `cidr` members, `internet`, `unmanaged`, `any`). Those addresses are computed exactly
//! as the plan's zones place unresolved addresses — a zone's `cidr` holds what no earlier zone's
//! `cidr` claims — and every address a workload owns is taken out: traffic from a workload is
//! governed by the workload's own grants, never by a range it happens to sit in.
//!
//! Two sides are narrower than the plan, which errs on the side of denying: `internet` leaves out
//! the private ranges (an address Blastwall never saw counts as internet whatever its class), and
//! `unmanaged` holds only the unmanaged addresses the flows showed.

use std::collections::BTreeMap;

use ipnet::IpNet;

use super::address_set::AddressSet;
use crate::analysis::enforce::{Grant, Reason, grants};
use crate::analysis::resolve::Endpoint;
use crate::analysis::zones::Members;
use crate::export::deliverables::Context;
use crate::model::plan::{INTERNET, Peer, PortSpec, Selector, UNASSIGNED, UNMANAGED};
use crate::model::rollout::PhaseMode;

/// The endpoints one side of an allow holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    /// Workloads, by index, sorted.
    pub workloads: Vec<u32>,
    /// Addresses no workload owns.
    pub space: AddressSet,
    /// Why `space` is narrower than the plan, if it is.
    pub narrowed: Option<String>,
}

/// One allow: traffic between the workload and a side, on some services, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    pub side: Side,
    pub ports: Vec<PortSpec>,
    pub reason: Reason,
}

/// What sets workloads apart for address firewalls: the zone and the rules whose `from` and
/// `to` hold it. Workloads with the same signature get the same grants in and out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signature {
    pub zone: u32,
    from: Vec<u32>,
    to: Vec<u32>,
}

/// Workloads the plan treats alike, sorted by index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub signature: Signature,
    /// An extra key the target groups by (a VPC), else empty.
    pub key: String,
    pub members: Vec<u32>,
}

/// The plan, ready for address firewalls.
pub struct AddressPlan<'c, 'a> {
    pub ctx: &'c Context<'a>,
    members: Members<'a>,
    grants: Vec<Vec<Grant>>,
    signatures: Vec<Signature>,
    /// Workloads by signature: the destinations egress is computed against.
    classes: Vec<Vec<u32>>,
    /// Every address some workload owns.
    owned: AddressSet,
    /// Each workload's addresses, less those more specific workloads own inside its ranges.
    usable: Vec<AddressSet>,
    /// Addresses each declared zone's `cidr` members claim (earlier zones first).
    zone_space: Vec<AddressSet>,
    internet: AddressSet,
    unmanaged: AddressSet,
}

impl<'c, 'a> AddressPlan<'c, 'a> {
    pub fn new(ctx: &'c Context<'a>) -> AddressPlan<'c, 'a> {
        let (plan, estate, zones) = (ctx.plan, ctx.estate, ctx.zones);
        let members = Members::new(estate, zones);
        let count = estate.workloads.len();
        let mut from = vec![Vec::new(); count];
        let mut to = vec![Vec::new(); count];
        for (r, rule) in plan.rules.iter().enumerate().filter(|(_, r)| r.enabled) {
            members.for_each(&rule.from, |w| from[w as usize].push(r as u32));
            members.for_each(&rule.to, |w| to[w as usize].push(r as u32));
        }
        let signatures: Vec<Signature> = (0..count)
            .map(|w| Signature {
                zone: zones.zone_of(Endpoint::Workload(w as u32)),
                from: std::mem::take(&mut from[w]),
                to: std::mem::take(&mut to[w]),
            })
            .collect();
        let mut by_signature: BTreeMap<&Signature, Vec<u32>> = BTreeMap::new();
        for (w, signature) in signatures.iter().enumerate() {
            by_signature.entry(signature).or_default().push(w as u32);
        }
        let classes = by_signature.into_values().collect();
        let all: Vec<IpNet> = estate
            .workloads
            .iter()
            .flat_map(|w| w.addresses.clone())
            .collect();
        let owned = AddressSet::new(all.iter().copied());
        let usable = estate
            .workloads
            .iter()
            .enumerate()
            .map(|(i, w)| usable_addresses(i, &w.addresses, estate))
            .collect();
        let zone_space = zone_spaces(ctx);
        let claimed = zone_space
            .iter()
            .fold(AddressSet::default(), |all, z| all.union(z));
        let unmanaged_zone = zones.unmanaged();
        let unmanaged = AddressSet::new(
            estate
                .blind_spots
                .iter()
                .filter(|b| zones.zone_of(Endpoint::Address(b.address)) == unmanaged_zone)
                .map(|b| IpNet::from(b.address)),
        );
        let internet = AddressSet::everything()
            .minus(&AddressSet::private())
            .minus(&claimed)
            .minus(&unmanaged);
        AddressPlan {
            ctx,
            members,
            grants: grants(plan, estate, zones),
            signatures,
            classes,
            owned,
            usable,
            zone_space,
            internet,
            unmanaged,
        }
    }

    /// The workloads `covered` picks, grouped by signature and the key it gives, in zone order
    /// then by first member.
    pub fn groups(&self, covered: impl Fn(u32) -> Option<String>) -> Vec<Group> {
        let mut groups: BTreeMap<(&Signature, String), Vec<u32>> = BTreeMap::new();
        for (w, signature) in self.signatures.iter().enumerate() {
            if let Some(key) = covered(w as u32) {
                groups.entry((signature, key)).or_default().push(w as u32);
            }
        }
        let mut out: Vec<Group> = groups
            .into_iter()
            .map(|((signature, key), members)| Group {
                signature: signature.clone(),
                key,
                members,
            })
            .collect();
        let name = |g: &Group| {
            let first = g.members.first().copied().unwrap_or_default();
            self.ctx.estate.workloads[first as usize].name.clone()
        };
        out.sort_by_cached_key(|g| (g.signature.zone, name(g), g.key.clone()));
        out
    }

    /// The addresses of a workload a firewall can name without naming others.
    pub fn addresses(&self, workload: u32) -> &AddressSet {
        &self.usable[workload as usize]
    }

    /// Whether some of a workload's addresses could not be named (a range holding addresses of
    /// more specific workloads), or it has none.
    pub fn is_narrowed(&self, workload: u32) -> bool {
        let own = &self.ctx.estate.workloads[workload as usize].addresses;
        own.is_empty() || AddressSet::new(own.iter().copied()) != self.usable[workload as usize]
    }

    /// Who may connect to `server`: its grants, as sides.
    pub fn ingress(&self, server: u32) -> Vec<Allow> {
        self.grants[server as usize]
            .iter()
            .map(|grant| Allow {
                side: match grant.reason {
                    Reason::Rule(r) => self.side(&self.ctx.plan.rules[r].from),
                    Reason::IntraZone(z) => self.side(&self.zone_peer(z)),
                    Reason::EastWest => self.outside(grant.except_zone.unwrap_or_default()),
                },
                ports: grant.ports.clone(),
                reason: grant.reason,
            })
            .collect()
    }

    /// Whom `client` may connect to: every workload whose grants let it in, then the addresses
    /// of the rules it is a client of and of the defaults.
    pub fn egress(&self, client: u32) -> Vec<Allow> {
        let zone = self.signatures[client as usize].zone;
        let me = Endpoint::Workload(client);
        let mut out = Vec::new();
        for class in &self.classes {
            let Some(&first) = class.first() else {
                continue;
            };
            for grant in &self.grants[first as usize] {
                if grant.except_zone != Some(zone) && grant.peers.holds(me, zone, self.ctx.zones) {
                    let side = Side {
                        workloads: class.clone(),
                        ..Side::default()
                    };
                    out.push(Allow {
                        side,
                        ports: grant.ports.clone(),
                        reason: grant.reason,
                    });
                }
            }
        }
        let plan = self.ctx.plan;
        for &r in &self.signatures[client as usize].from {
            let rule = &plan.rules[r as usize];
            out.push(self.address_allow(
                self.side(&rule.to),
                rule.ports.clone(),
                Reason::Rule(r as usize),
            ));
        }
        if plan.intra_zone(self.ctx.zones.name(zone)).allows() {
            let side = self.side(&self.zone_peer(zone));
            out.push(self.address_allow(side, vec![PortSpec::Any], Reason::IntraZone(zone)));
        }
        if plan.defaults.east_west.allows() {
            let side = self.outside(zone);
            out.push(self.address_allow(side, vec![PortSpec::Any], Reason::EastWest));
        }
        out.retain(|a| !a.side.workloads.is_empty() || !a.side.space.is_empty());
        out
    }

    /// An allow to a side's addresses only (its workloads are destinations with grants).
    fn address_allow(&self, side: Side, ports: Vec<PortSpec>, reason: Reason) -> Allow {
        Allow {
            side: Side {
                workloads: Vec::new(),
                ..side
            },
            ports,
            reason,
        }
    }

    fn zone_peer(&self, zone: u32) -> Peer {
        Peer::Zone(self.ctx.zones.name(zone).to_string())
    }

    /// The endpoints a rule side holds.
    pub fn side(&self, peer: &Peer) -> Side {
        let mut workloads = Vec::new();
        self.members.for_each(peer, |w| workloads.push(w));
        let mut narrowed = None;
        let space = match peer {
            Peer::Any => AddressSet::everything(),
            Peer::Zone(name) if name == INTERNET => {
                narrowed = Some("internet: private ranges left out".to_string());
                self.internet.clone()
            }
            Peer::Zone(name) if name == UNMANAGED => {
                let count = self.unmanaged.nets().len();
                narrowed = Some(format!("unmanaged: only the {count} observed addresses"));
                self.unmanaged.clone()
            }
            Peer::Zone(name) if name == UNASSIGNED => AddressSet::default(),
            Peer::Zone(name) => self
                .ctx
                .zones
                .index(name)
                .and_then(|z| self.zone_space.get(z as usize))
                .cloned()
                .unwrap_or_default(),
            Peer::Selector(Selector::Cidr(net)) => AddressSet::new([*net]),
            Peer::Selector(_) => AddressSet::default(),
        };
        Side {
            workloads,
            space: space.minus(&self.owned),
            narrowed,
        }
    }

    /// Every endpoint outside a zone.
    fn outside(&self, zone: u32) -> Side {
        let zone_of = &self.ctx.zones.workload_zone;
        let workloads = (0..zone_of.len() as u32)
            .filter(|&w| zone_of[w as usize] != zone)
            .collect();
        let inside = self.zone_space.get(zone as usize).cloned();
        let space = AddressSet::everything().minus(&inside.unwrap_or_default());
        Side {
            workloads,
            space: space.minus(&self.owned),
            narrowed: None,
        }
    }
}

/// A workload's addresses less those of other workloads inside its ranges.
fn usable_addresses(
    index: usize,
    own: &[IpNet],
    estate: &crate::analysis::ResolvedEstate,
) -> AddressSet {
    let set = AddressSet::new(own.iter().copied());
    if own.iter().all(|n| n.prefix_len() == n.max_prefix_len()) {
        return set;
    }
    let inside = estate
        .workloads
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .flat_map(|(_, w)| w.addresses.iter())
        .filter(|a| own.iter().any(|n| n.contains(*a) && n != *a));
    set.minus(&AddressSet::new(inside.copied()))
}

/// The addresses each declared zone's `cidr` members claim: a zone holds what no earlier zone
/// claims. Pseudo-zones get none here.
fn zone_spaces(ctx: &Context) -> Vec<AddressSet> {
    let mut claimed = AddressSet::default();
    let mut out = vec![AddressSet::default(); ctx.zones.names.len()];
    for zone in &ctx.plan.zones {
        let Some(index) = ctx.zones.index(&zone.name) else {
            continue;
        };
        let cidrs = zone.members.iter().filter_map(|m| match m {
            Selector::Cidr(net) => Some(*net),
            _ => None,
        });
        let mine = AddressSet::new(cidrs);
        out[index as usize] = mine.minus(&claimed);
        claimed = claimed.union(&mine);
    }
    out
}

/// Port specs merged: `any` alone, else per protocol the ranges joined, sorted.
pub fn merge_ports(specs: impl IntoIterator<Item = PortSpec>) -> Vec<PortSpec> {
    let mut ranges: Vec<(u8, u16, u16)> = Vec::new();
    for spec in specs {
        match spec {
            PortSpec::Any => return vec![PortSpec::Any],
            PortSpec::Range {
                protocol,
                first,
                last,
            } => ranges.push((protocol, first, last)),
        }
    }
    ranges.sort_unstable();
    let mut out: Vec<(u8, u16, u16)> = Vec::new();
    for (protocol, first, last) in ranges {
        match out.last_mut() {
            Some(prev) if prev.0 == protocol && u32::from(first) <= u32::from(prev.2) + 1 => {
                prev.2 = prev.2.max(last);
            }
            _ => out.push((protocol, first, last)),
        }
    }
    out.into_iter()
        .map(|(protocol, first, last)| PortSpec::Range {
            protocol,
            first,
            last,
        })
        .collect()
}

/// A reason in words: `rule NAME`, `intra-zone ZONE`, `east-west default`.
pub fn reason_text(ctx: &Context, reason: Reason) -> String {
    match reason {
        Reason::Rule(r) => format!("rule {}", ctx.plan.rule_name(r)),
        Reason::IntraZone(z) => format!("intra-zone {}", ctx.zones.name(z)),
        Reason::EastWest => "east-west default".to_string(),
    }
}

/// Whether a zone is only observed: an `observe` phase names it and no `enforce` phase does.
pub fn observe_only(ctx: &Context, zone: u32) -> bool {
    let name = ctx.zones.name(zone);
    let modes: Vec<PhaseMode> = ctx
        .plan
        .phases
        .iter()
        .filter(|p| p.zones.iter().any(|z| z == name))
        .map(|p| p.mode)
        .collect();
    modes.contains(&PhaseMode::Observe) && !modes.contains(&PhaseMode::Enforce)
}
