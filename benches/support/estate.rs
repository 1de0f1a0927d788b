//! The estate's shape: workloads in applications and tiers, infrastructure hubs, and the edges
//! between them, as plain numbers first (addresses as `u32`), turned into model records last.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use blastwall::model::{
    Attribute, EdgeKey, EdgeStats, EndpointHint, Estate, HintId, Protocol, SourceKind, SourceSet,
    WorkloadKind, WorkloadRecord,
};

use super::Sizes;
use super::rng::Rng;

/// Tiers of an application, in [`App::tiers`] order.
pub const TIERS: [&str; 4] = ["web", "app", "data", "cache"];
pub const WEB: usize = 0;
pub const APP: usize = 1;
pub const DATA: usize = 2;
pub const CACHE: usize = 3;
/// Business domains (one zone each in the bench plan).
pub const DOMAINS: usize = 36;
/// 2025-11-17 08:00 UTC.
const T0: i64 = 1_763_366_400;

/// One application: its workloads by tier (indices into [`Layout::workloads`]).
pub struct App {
    pub name: String,
    /// `None` for legacy applications no zone selects.
    pub domain: Option<usize>,
    pub kubernetes: bool,
    /// Its data tier holds card data (a crown jewel).
    pub pci: bool,
    pub tiers: [Vec<usize>; 4],
}

/// One workload before it becomes a record.
pub struct Spec {
    pub name: String,
    pub app: String,
    pub tier: String,
    /// `dns`, `ldap`, `ntp`, `logs`, `scraper` for infrastructure hubs.
    pub role: Option<&'static str>,
    pub domain: Option<usize>,
    pub kind: WorkloadKind,
    pub address: u32,
    pub pci: bool,
}

/// An edge as numbers: client and server IPv4 addresses, port, protocol, accepted or only
/// rejected.
pub type RawEdge = (u32, u32, u16, u8, bool);

/// Infrastructure hubs by role.
#[derive(Default)]
pub struct Hubs {
    pub dns: Vec<usize>,
    pub ldap: Vec<usize>,
    pub ntp: Vec<usize>,
    pub logs: Vec<usize>,
    pub scrapers: Vec<usize>,
}

/// The whole estate as numbers.
pub struct Layout {
    pub sizes: Sizes,
    pub workloads: Vec<Spec>,
    pub apps: Vec<App>,
    pub hubs: Hubs,
    /// Application dependencies (client app, server app), in the order they were drawn.
    pub dependencies: Vec<(usize, usize)>,
    /// Distinct edges, sorted.
    pub edges: Vec<RawEdge>,
}

pub fn ipv4(address: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(address))
}

const HOSTS: u32 = 0x0A00_0100; // 10.0.1.0
const PODS: u32 = 0x0A80_0000; // 10.128.0.0
pub const INTERNET_CLIENTS: u32 = 0x3400_0000; // 52.0.0.0
pub const PARTNERS: u32 = 0xC633_6400; // 198.51.100.0
const UNMANAGED: u32 = 0x0AFA_0000; // 10.250.0.0
const SAAS: u32 = 0x9765_0000; // 151.101.0.0

impl Layout {
    pub fn new(sizes: Sizes) -> Layout {
        let mut rng = Rng::new(sizes.seed);
        let mut layout = Layout {
            sizes,
            workloads: Vec::with_capacity(sizes.workloads),
            apps: Vec::new(),
            hubs: Hubs::default(),
            dependencies: Vec::new(),
            edges: Vec::new(),
        };
        layout.add_hubs();
        while layout.workloads.len() < sizes.workloads {
            layout.add_app(&mut rng);
        }
        (layout.edges, layout.dependencies) = super::traffic::edges(&layout, &mut rng);
        layout
    }

    fn push(&mut self, spec: Spec) -> usize {
        self.workloads.push(spec);
        self.workloads.len() - 1
    }

    fn add_hubs(&mut self) {
        let roles: [(&'static str, &str, usize); 5] = [
            ("dns", "infra", 4),
            ("ldap", "infra", 4),
            ("ntp", "infra", 2),
            ("logs", "infra", 4),
            ("scraper", "monitoring", 4),
        ];
        for (role, app, count) in roles {
            for i in 0..count {
                let address = HOSTS + self.workloads.len() as u32;
                let w = self.push(Spec {
                    name: format!("{role}-{:02}", i + 1),
                    app: app.to_string(),
                    tier: "infra".into(),
                    role: Some(role),
                    domain: None,
                    kind: WorkloadKind::Host,
                    address,
                    pci: false,
                });
                let list = match role {
                    "dns" => &mut self.hubs.dns,
                    "ldap" => &mut self.hubs.ldap,
                    "ntp" => &mut self.hubs.ntp,
                    "logs" => &mut self.hubs.logs,
                    _ => &mut self.hubs.scrapers,
                };
                list.push(w);
            }
        }
    }

    fn add_app(&mut self, rng: &mut Rng) {
        let index = self.apps.len();
        let name = format!("app-{index:04}");
        let size = 6 + (54.0 * rng.unit().powi(2)) as usize;
        let size = size.min(self.sizes.workloads - self.workloads.len()).max(1);
        let web = (size / 5).max(1);
        let data = (size / 6).max(usize::from(size > 2));
        let cache = size / 10;
        let counts = [web, size.saturating_sub(web + data + cache), data, cache];
        let kubernetes = index % 4 == 1;
        let domain = (index % 25 != 7).then_some(index % DOMAINS);
        let pci = index % 10 == 3;
        let mut tiers: [Vec<usize>; 4] = Default::default();
        for (t, &count) in counts.iter().enumerate() {
            for i in 0..count {
                let kind = match (kubernetes, t) {
                    (false, _) => WorkloadKind::Host,
                    (true, DATA) => WorkloadKind::StatefulSet,
                    (true, _) => WorkloadKind::Deployment,
                };
                let n = self.workloads.len() as u32;
                let (workload_name, address) = if kubernetes {
                    (format!("{name}/{}-{:02}", TIERS[t], i + 1), PODS + n)
                } else {
                    (format!("{name}-{}-{:02}", TIERS[t], i + 1), HOSTS + n)
                };
                let w = self.push(Spec {
                    name: workload_name,
                    app: name.clone(),
                    tier: TIERS[t].to_string(),
                    role: None,
                    domain,
                    kind,
                    address,
                    pci: pci && t == DATA,
                });
                tiers[t].push(w);
            }
        }
        self.apps.push(App {
            name,
            domain,
            kubernetes,
            pci,
            tiers,
        });
    }

    /// The estate: one inventory import of every workload, and the edges.
    pub fn estate(&self) -> Estate {
        Estate {
            workloads: self.workloads.iter().map(|s| (1, record(s))).collect(),
            hints: vec![EndpointHint::default()],
            edges: self.edges.iter().map(|e| edge(*e)).collect(),
            flow_records: self.edges.len() as u64 * 3,
            ..Estate::default()
        }
    }

    /// The address of a workload.
    pub fn address(&self, w: usize) -> u32 {
        self.workloads[w].address
    }

    pub fn unmanaged(i: usize) -> u32 {
        UNMANAGED + i as u32
    }

    pub fn saas(i: usize) -> u32 {
        SAAS + i as u32
    }
}

fn record(spec: &Spec) -> WorkloadRecord {
    let mut record = WorkloadRecord {
        name: spec.name.clone(),
        kind: Some(spec.kind),
        addresses: vec![IpNet::from(ipv4(spec.address))],
        ..WorkloadRecord::default()
    };
    if spec.kind.is_kubernetes() {
        record.namespace = spec.name.split('/').next().map(str::to_string);
        record.identity = Some(format!("{}/{}", spec.app, spec.tier));
    }
    record.set_attribute(Attribute::App, &spec.app);
    record.set_attribute(Attribute::Tier, &spec.tier);
    record.set_attribute(Attribute::Env, "prod");
    if spec.pci {
        record.set_attribute(Attribute::DataClass, "pci");
    }
    if let Some(domain) = spec.domain {
        record
            .labels
            .insert("domain".into(), format!("d{domain:02}"));
    }
    if let Some(role) = spec.role {
        record.labels.insert("role".into(), role.into());
    }
    record
}

fn edge((client, server, port, protocol, accepted): RawEdge) -> (EdgeKey, EdgeStats) {
    let key = EdgeKey {
        client: ipv4(client),
        server: ipv4(server),
        port,
        protocol: Protocol(protocol),
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let records = 1 + u64::from(client ^ server) % 50;
    let stats = EdgeStats {
        records,
        accepted: if accepted { records } else { 0 },
        rejected: if accepted { 0 } else { records },
        bytes: records * 1_500,
        packets: records * 4,
        first_seen: Some(T0),
        last_seen: Some(T0 + 7 * 86_400),
        sources: SourceSet::of(SourceKind::AwsVpc),
    };
    (key, stats)
}
