//! Allow rules codified from observed accepted flows, one per pair of sides, with their evidence;
//! and the baseline services every zone needs.
//!
//! Between zones, a rule names the two zones (`--granularity zone`) or the two units
//! (`--granularity app`: the application, split by tier where it has tiers). Within a zone the
//! suggested zones deny by default, and flows there are always codified between units, so that a
//! zone never becomes a flat network. Baseline services between zones are always zone to zone.

use std::collections::{BTreeMap, BTreeSet};

use super::baseline::{PLATFORM_SERVICES, PLATFORM_ZONE, Service, classify, is_cluster_dns};
use super::units::Units;
use super::zoning::slug;
use crate::analysis::resolve::{Endpoint, ResolvedEstate};
use crate::analysis::zones::ZoneMap;
use crate::model::plan::{Evidence, Peer, Plan, PortSpec, Rule, RuleStatus, Selector};
use crate::model::time::rfc3339;
use crate::model::{Attribute, EdgeStats, WorkloadKind};

/// How broadly rules between zones are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Granularity {
    /// `{zone: a}` to `{zone: b}` between zones whose members talk among themselves: fewer rules,
    /// but a breach reaches every workload of a zone a rule opens.
    Zone,
    /// Application to application (by tier where an application has tiers): the tightest draft.
    #[default]
    App,
}

impl Granularity {
    pub fn parse(text: &str) -> Option<Granularity> {
        match text {
            "zone" => Some(Granularity::Zone),
            "app" => Some(Granularity::App),
            _ => None,
        }
    }
}

/// One side of a rule being drafted.
#[derive(Debug, Clone)]
struct Side {
    peer: Peer,
    /// For the rule's name.
    label: String,
}

/// A rule being drafted: the flows it covers so far.
#[derive(Debug, Clone)]
struct Draft {
    from: Side,
    to: Side,
    baseline: bool,
    services: BTreeSet<Service>,
    /// (protocol, port); ICMP as port 0.
    ports: BTreeSet<(u8, u16)>,
    /// A protocol the plan format has no port syntax for was seen.
    other_protocols: BTreeSet<u8>,
    edges: u64,
    /// The covered edges' records, times and sources, merged.
    stats: EdgeStats,
    /// Owners of the server-side workloads seen.
    owners: BTreeSet<String>,
}

impl Draft {
    fn new(from: Side, to: Side, baseline: bool) -> Draft {
        Draft {
            from,
            to,
            baseline,
            services: BTreeSet::new(),
            ports: BTreeSet::new(),
            other_protocols: BTreeSet::new(),
            edges: 0,
            stats: EdgeStats::default(),
            owners: BTreeSet::new(),
        }
    }
}

/// What the codification needs to know.
pub struct Codifier<'a> {
    pub estate: &'a ResolvedEstate,
    pub units: &'a Units,
    pub plan: &'a Plan,
    pub zones: &'a ZoneMap,
    pub granularity: Granularity,
    /// Per plan zone: whether rules may name it whole (its members talk among themselves);
    /// shared-services zones and zones of units that only talk to them are named unit by unit.
    pub whole: Vec<bool>,
}

/// A side's identity: its debug form, which quotes and escapes every value.
fn side_key(peer: &Peer) -> String {
    format!("{peer:?}")
}

type Key = (bool, String, String);

impl Codifier<'_> {
    fn zone_side(&self, zone: u32) -> Side {
        let name = self.zones.name(zone).to_string();
        Side {
            peer: Peer::Zone(name.clone()),
            label: name,
        }
    }

    fn side(&self, endpoint: Endpoint, zone_level: bool) -> Side {
        match endpoint {
            Endpoint::Workload(w) if !zone_level => {
                let unit = &self.units.units[self.units.of[w as usize] as usize];
                match unit.selector() {
                    Some(selector) => Side {
                        peer: Peer::Selector(selector.clone()),
                        label: unit.label.clone(),
                    },
                    None => {
                        let name = self.estate.workloads[w as usize].name.clone();
                        Side {
                            peer: Peer::Selector(Selector::Workload(name.clone())),
                            label: name,
                        }
                    }
                }
            }
            _ => self.zone_side(self.zones.zone_of(endpoint)),
        }
    }

    /// Every rule the observed flows and the baseline services need, flow rules first.
    pub fn rules(&self) -> Vec<Rule> {
        let mut drafts: BTreeMap<Key, Draft> = BTreeMap::new();
        let platform = self.zones.index(PLATFORM_ZONE);
        let mut served: BTreeSet<(Service, u32)> = BTreeSet::new();
        for edge in self.estate.service_edges.iter() {
            if edge.stats.accepted == 0 {
                continue;
            }
            let (cz, sz) = (
                self.zones.zone_of(edge.client),
                self.zones.zone_of(edge.server),
            );
            let same = cz == sz;
            if same && self.plan.intra_zone(self.zones.name(cz)).allows() {
                continue;
            }
            let service = classify(edge, Some(sz) == platform);
            if let (Some(service), Endpoint::Workload(w)) = (service, edge.server)
                && !self.estate.workloads[w as usize].kind.is_kubernetes()
            {
                served.insert((service, w));
            }
            // A baseline service is for the whole client zone, and only for the servers that
            // answer it; other flows take the granularity between zones and units within one.
            let zone_level = |zone: u32| {
                !same
                    && self.granularity == Granularity::Zone
                    && self.whole.get(zone as usize).copied().unwrap_or(true)
            };
            let (from, to) = if service.is_some() {
                (self.zone_side(cz), self.side(edge.server, false))
            } else {
                (
                    self.side(edge.client, zone_level(cz)),
                    self.side(edge.server, zone_level(sz)),
                )
            };
            let key = (service.is_some(), side_key(&from.peer), side_key(&to.peer));
            let draft = drafts
                .entry(key)
                .or_insert_with(|| Draft::new(from, to, service.is_some()));
            draft.services.extend(service);
            let protocol = edge.protocol;
            if protocol.is_icmp() {
                draft.ports.insert((protocol.0, 0));
            } else if matches!(protocol.0, 6 | 17 | 132) {
                draft.ports.insert((protocol.0, edge.port));
            } else {
                draft.other_protocols.insert(protocol.0);
            }
            draft.edges += 1;
            draft.stats.merge(&edge.stats);
            if let Some(server) = self.estate.workload(edge.server) {
                let owner = server.attribute(Attribute::Owner);
                if !owner.is_empty() {
                    draft.owners.insert(owner.to_string());
                }
            }
        }
        self.extend_baseline(&mut drafts, &served);
        self.finish(drafts)
    }

    /// Baseline rules every zone needs whether its flows were seen or not: DNS and NTP towards
    /// the workloads seen serving them, cluster DNS for zones with pods, the cloud platform for
    /// zones with cloud instances.
    fn extend_baseline(
        &self,
        drafts: &mut BTreeMap<Key, Draft>,
        served: &BTreeSet<(Service, u32)>,
    ) {
        let declared = self.plan.zones.len() as u32;
        let platform = self.zones.index(PLATFORM_ZONE);
        let mut hosts = BTreeSet::new();
        let mut pods = BTreeSet::new();
        let mut instances = BTreeSet::new();
        let mut cluster_dns = BTreeSet::new();
        for (w, workload) in self.estate.workloads.iter().enumerate() {
            let zone = self.zones.workload_zone[w];
            if zone >= declared {
                continue;
            }
            if workload.kind.is_kubernetes() {
                pods.insert(zone);
            } else {
                hosts.insert(zone);
            }
            if workload.kind == WorkloadKind::Instance {
                instances.insert(zone);
            }
            if is_cluster_dns(workload) {
                cluster_dns.insert(w as u32);
            }
        }
        let mut wanted: Vec<(u32, Side, Service)> = Vec::new();
        for &(service, server) in served {
            if !matches!(service, Service::Dns | Service::Ntp) {
                continue;
            }
            let to = self.side(Endpoint::Workload(server), false);
            wanted.extend(hosts.iter().map(|&c| (c, to.clone(), service)));
        }
        for &server in &cluster_dns {
            let to = self.side(Endpoint::Workload(server), false);
            wanted.extend(pods.iter().map(|&c| (c, to.clone(), Service::Dns)));
        }
        if let Some(platform) = platform {
            let to = self.zone_side(platform);
            for &c in &instances {
                wanted.extend(PLATFORM_SERVICES.iter().map(|&s| (c, to.clone(), s)));
            }
        }
        for (client, to, service) in wanted {
            let from = self.zone_side(client);
            let key = (true, side_key(&from.peer), side_key(&to.peer));
            let draft = drafts
                .entry(key)
                .or_insert_with(|| Draft::new(from, to, true));
            draft.services.insert(service);
        }
    }

    fn finish(&self, drafts: BTreeMap<Key, Draft>) -> Vec<Rule> {
        let mut taken = BTreeSet::new();
        drafts
            .into_values()
            .map(|draft| {
                let prefix = if draft.baseline { "baseline-" } else { "" };
                let base = format!(
                    "{prefix}{}-to-{}",
                    slug(&draft.from.label),
                    slug(&draft.to.label)
                );
                let mut name = base.clone();
                let mut n = 2;
                while !taken.insert(name.clone()) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                rule(name, draft)
            })
            .collect()
    }
}

fn rule(name: String, draft: Draft) -> Rule {
    let mut ports = port_specs(&draft.ports);
    if draft.baseline {
        let mut all: BTreeSet<PortSpec> = ports.into_iter().collect();
        all.extend(draft.services.iter().flat_map(|s| s.port_specs()));
        ports = all.into_iter().collect();
    }
    let mut justification = if draft.baseline {
        let services: Vec<&str> = draft.services.iter().map(|s| s.name()).collect();
        format!(
            "baseline {}: enforcement breaks it without this rule, and flow logs rarely show it",
            services.join(", ")
        )
    } else {
        format!("seen in flows: {} to {}", draft.from.label, draft.to.label)
    };
    if !draft.other_protocols.is_empty() {
        let protocols: Vec<String> = draft.other_protocols.iter().map(u8::to_string).collect();
        justification.push_str(&format!(
            "; also IP protocol {}, which only `any` can express",
            protocols.join(", ")
        ));
        ports = vec![PortSpec::Any];
    }
    let stats = &draft.stats;
    let evidence = (draft.edges > 0).then(|| Evidence {
        edges: Some(draft.edges),
        records: Some(stats.records),
        first_seen: stats.first_seen.map(rfc3339),
        last_seen: stats.last_seen.map(rfc3339),
        sources: stats
            .sources
            .names()
            .iter()
            .map(|s| s.to_string())
            .collect(),
    });
    let owner = match draft.owners.len() {
        1 => draft.owners.into_iter().next(),
        _ => None,
    };
    Rule {
        name: Some(name),
        from: draft.from.peer,
        to: draft.to.peer,
        ports,
        justification: Some(justification),
        owner,
        status: RuleStatus::Proposed,
        enabled: true,
        baseline: draft.baseline,
        note: None,
        evidence,
    }
}

/// Ports as specs: ICMP whole, runs of consecutive ports as one range.
fn port_specs(ports: &BTreeSet<(u8, u16)>) -> Vec<PortSpec> {
    let mut out: Vec<PortSpec> = Vec::new();
    for &(protocol, port) in ports {
        if protocol == 1 || protocol == 58 {
            out.push(PortSpec::Range {
                protocol,
                first: 0,
                last: u16::MAX,
            });
            continue;
        }
        if let Some(PortSpec::Range {
            protocol: p, last, ..
        }) = out.last_mut()
            && *p == protocol
            && last.checked_add(1) == Some(port)
        {
            *last = port;
            continue;
        }
        out.push(PortSpec::Range {
            protocol,
            first: port,
            last: port,
        });
    }
    out
}
