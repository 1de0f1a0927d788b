//! Random small estates, plans and plan edits for the randomized tests (simulation against its
//! oracle, incremental against full, condensed blast radius against a search per workload).

use std::collections::BTreeMap;

use ipnet::IpNet;

use crate::analysis::testkit::{host, ip, workload};
use crate::model::plan::{
    Defaults, Peer, Plan, Policy, PortSpec, Rule, RuleStatus, Selector, Sensitivity, Zone,
};
use crate::model::{
    Attribute, EdgeKey, EdgeStats, EndpointHint, Estate, HintId, Protocol, WorkloadKind,
};

/// SplitMix64.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, n)`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const PORTS: [(u16, Protocol); 6] = [
    (22, Protocol::TCP),
    (53, Protocol::UDP),
    (443, Protocol::TCP),
    (5432, Protocol::TCP),
    (8443, Protocol::TCP),
    (0, Protocol::ICMP),
];

/// Addresses edges may use: workload addresses `10.0.0.1..`, then unmanaged and internet ones.
fn address(rng: &mut Rng, workloads: usize) -> String {
    match rng.below(10) {
        0 => format!("10.9.9.{}", 1 + rng.below(3)),
        1 => format!("203.0.113.{}", 1 + rng.below(3)),
        _ => format!("10.0.0.{}", 1 + rng.below(workloads)),
    }
}

/// Up to 40 workloads (hosts of five apps in four tiers, some Kubernetes) and up to 300 edges,
/// a few only rejected, some from unresolved addresses. Edges are sorted, as stored.
pub fn estate(rng: &mut Rng) -> Estate {
    let n = 1 + rng.below(40);
    let mut estate = Estate {
        hints: vec![EndpointHint::default()],
        ..Estate::default()
    };
    for i in 0..n {
        let address = format!("10.0.0.{}", i + 1);
        let (app, tier) = (format!("a{}", rng.below(5)), format!("t{}", rng.below(4)));
        let mut record = if rng.chance(20) {
            let mut record = workload(
                &format!("ns{}/w{i}", rng.below(3)),
                WorkloadKind::Deployment,
                &address,
            );
            record.set_attribute(Attribute::App, &app);
            record.set_attribute(Attribute::Tier, &tier);
            record
        } else {
            host(&format!("w{i:02}"), &address, &app, &tier)
        };
        if rng.chance(15) {
            record.set_attribute(Attribute::DataClass, "pci");
        }
        estate.workloads.push((1, record));
    }
    let mut keys = BTreeMap::new();
    for _ in 0..rng.below(300) {
        let (port, protocol) = PORTS[rng.below(PORTS.len())];
        let key = EdgeKey {
            client: ip(&address(rng, n)),
            server: ip(&address(rng, n)),
            port,
            protocol,
            client_hint: HintId::NONE,
            server_hint: HintId::NONE,
        };
        let ok = rng.chance(90);
        let stats = EdgeStats {
            records: 1,
            accepted: u64::from(ok),
            rejected: u64::from(!ok),
            ..EdgeStats::default()
        };
        keys.insert(key, stats);
    }
    estate.edges = keys.into_iter().collect();
    estate
}

fn selector(rng: &mut Rng, workloads: usize) -> Selector {
    match rng.below(6) {
        0 => Selector::App(format!("a{}", rng.below(6))),
        1 => Selector::Labels(BTreeMap::from([(
            "tier".into(),
            format!("t{}", rng.below(4)),
        )])),
        2 => Selector::Labels(BTreeMap::from([
            ("app".into(), format!("a{}", rng.below(5))),
            ("tier".into(), format!("t{}", rng.below(4))),
        ])),
        3 => Selector::Workload(format!("w{:02}", rng.below(workloads.max(1)))),
        4 => Selector::Namespace(format!("ns{}", rng.below(3))),
        _ => {
            let nets = [
                "10.0.0.0/29",
                "10.0.0.8/30",
                "10.9.9.0/30",
                "203.0.113.0/24",
                "10.0.0.0/8",
            ];
            Selector::Cidr(
                nets[rng.below(nets.len())]
                    .parse()
                    .unwrap_or(IpNet::default()),
            )
        }
    }
}

pub fn zone(rng: &mut Rng, name: String, workloads: usize) -> Zone {
    let policies = [None, Some(Policy::Allow), Some(Policy::Deny)];
    Zone {
        name,
        sensitivity: if rng.chance(20) {
            Sensitivity::Critical
        } else {
            Sensitivity::Medium
        },
        intra_zone: policies[rng.below(3)],
        description: None,
        note: None,
        members: (0..1 + rng.below(2))
            .map(|_| selector(rng, workloads))
            .collect(),
    }
}

fn peer(rng: &mut Rng, zones: usize, workloads: usize) -> Peer {
    match rng.below(8) {
        0 => Peer::Any,
        1 | 2 => {
            let names = ["internet", "unmanaged", "unassigned", "nowhere"];
            match rng.below(zones + names.len()) {
                z if z < zones => Peer::Zone(format!("z{z}")),
                z => Peer::Zone(names[z - zones].to_string()),
            }
        }
        _ => Peer::Selector(selector(rng, workloads)),
    }
}

fn ports(rng: &mut Rng) -> Vec<PortSpec> {
    (0..1 + rng.below(2))
        .map(|_| match rng.below(5) {
            0 => PortSpec::Any,
            1 => PortSpec::Range {
                protocol: 17,
                first: 53,
                last: 53,
            },
            2 => PortSpec::Range {
                protocol: 6,
                first: 400,
                last: 6000,
            },
            3 => PortSpec::Range {
                protocol: 1,
                first: 0,
                last: u16::MAX,
            },
            _ => PortSpec::Range {
                protocol: 6,
                first: 8443,
                last: 8443,
            },
        })
        .collect()
}

pub fn rule(rng: &mut Rng, zones: usize, workloads: usize) -> Rule {
    Rule {
        name: None,
        from: peer(rng, zones, workloads),
        to: peer(rng, zones, workloads),
        ports: ports(rng),
        justification: None,
        owner: None,
        status: RuleStatus::Approved,
        enabled: rng.chance(90),
        baseline: false,
        note: None,
        evidence: None,
    }
}

/// Up to five zones `z0…` and twelve rules.
pub fn plan(rng: &mut Rng, workloads: usize) -> Plan {
    let zone_count = rng.below(6);
    let policy = |rng: &mut Rng| {
        if rng.chance(70) {
            Policy::Deny
        } else {
            Policy::Allow
        }
    };
    let east_west = policy(rng);
    Plan {
        defaults: Defaults {
            east_west,
            intra_zone: if rng.chance(80) {
                Policy::Allow
            } else {
                Policy::Deny
            },
        },
        zones: (0..zone_count)
            .map(|z| zone(rng, format!("z{z}"), workloads))
            .collect(),
        rules: (0..rng.below(13))
            .map(|_| rule(rng, zone_count, workloads))
            .collect(),
        phases: Vec::new(),
        guardrails: Vec::new(),
    }
}

/// One edit as an architect makes it: a rule added, removed, changed, switched off or on; a
/// zone's members changed; now and then a zone added or the defaults changed.
pub fn edit(rng: &mut Rng, plan: &Plan, workloads: usize) -> Plan {
    let mut plan = plan.clone();
    let zones = plan.zones.len();
    let rules = plan.rules.len();
    match rng.below(10) {
        0 | 1 => {
            let at = rng.below(rules + 1);
            plan.rules.insert(at, rule(rng, zones, workloads));
        }
        2 if rules > 0 => {
            plan.rules.remove(rng.below(rules));
        }
        3 if rules > 0 => {
            let at = rng.below(rules);
            plan.rules[at] = rule(rng, zones, workloads);
        }
        4 if rules > 0 => {
            let at = rng.below(rules);
            plan.rules[at].enabled = !plan.rules[at].enabled;
        }
        5 if rules > 0 => {
            let at = rng.below(rules);
            plan.rules[at].ports = ports(rng);
        }
        6 | 7 if zones > 0 => {
            let at = rng.below(zones);
            plan.zones[at].members = vec![selector(rng, workloads)];
        }
        8 => plan.zones.push(zone(rng, format!("z{zones}"), workloads)),
        _ => {
            plan.defaults.east_west = if plan.defaults.east_west.allows() {
                Policy::Deny
            } else {
                Policy::Allow
            }
        }
    }
    plan
}
