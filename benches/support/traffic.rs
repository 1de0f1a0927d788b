//! The edges: every workload to the infrastructure hubs (and the monitoring servers to every
//! workload, every host to the monitoring servers), tiers inside each application, dependencies
//! between applications (a few popular ones take most), internet and partner clients on the web
//! tiers, unmanaged devices, calls out to SaaS endpoints, and scans only ever rejected. Sorted and
//! distinct.

use super::estate::{APP, CACHE, DATA, INTERNET_CLIENTS, Layout, PARTNERS, RawEdge, WEB};
use super::rng::Rng;

const TCP: u8 = 6;
const UDP: u8 = 17;

/// Tier pairs inside an application and their ports.
const MENU: [(usize, usize, &[u16]); 5] = [
    (WEB, APP, &[8443, 8080, 9090]),
    (APP, DATA, &[5432, 5433]),
    (APP, CACHE, &[6379]),
    (WEB, CACHE, &[6379]),
    (APP, APP, &[8443, 7000]),
];

/// The distinct edges, sorted, and the application dependencies drawn.
pub fn edges(layout: &Layout, rng: &mut Rng) -> (Vec<RawEdge>, Vec<(usize, usize)>) {
    let mut edges = hub_edges(layout);
    let rest = layout.sizes.edges.saturating_sub(edges.len());
    let share = |percent: usize| rest * percent / 1000;
    outside_edges(layout, rng, &mut edges, [share(40), share(5), share(10)]);
    rejected_edges(layout, rng, &mut edges, share(15));
    let intra = intra_edges(layout, rng, &mut edges, share(550));
    let cross = rest.saturating_sub(share(40 + 5 + 10 + 15) + intra);
    let dependencies = cross_edges(layout, rng, &mut edges, cross);
    edges.sort_unstable();
    edges.dedup_by(|later, kept| {
        let same = later.0 == kept.0 && later.1 == kept.1 && later.2 == kept.2 && later.3 == kept.3;
        if same {
            kept.4 |= later.4;
        }
        same
    });
    (edges, dependencies)
}

fn hub_edges(layout: &Layout) -> Vec<RawEdge> {
    let hubs = &layout.hubs;
    let pick = |list: &[usize], i: usize| layout.address(list[i % list.len()]);
    let mut edges = Vec::with_capacity(layout.workloads.len() * 7);
    for (w, spec) in layout.workloads.iter().enumerate() {
        let a = spec.address;
        edges.push((a, pick(&hubs.dns, w), 53, UDP, true));
        edges.push((a, pick(&hubs.dns, w + 1), 53, UDP, true));
        edges.push((a, pick(&hubs.ntp, w), 123, UDP, true));
        edges.push((a, pick(&hubs.logs, w), 6514, TCP, true));
        edges.push((pick(&hubs.scrapers, w), a, 9100, TCP, true));
        edges.push((pick(&hubs.scrapers, w + 2), a, 9100, TCP, true));
        if !spec.kind.is_kubernetes() {
            edges.push((a, pick(&hubs.ldap, w), 636, TCP, true));
            // Host agents also report to the monitoring servers (active checks): with the
            // scrapes the other way, every host and the monitoring servers are one cycle.
            edges.push((a, pick(&hubs.scrapers, w + 1), 10051, TCP, true));
        }
    }
    edges
}

/// A member of a tier of an application drawn with popular applications first.
fn member(layout: &Layout, rng: &mut Rng, tier: usize) -> Option<u32> {
    for _ in 0..16 {
        let app = &layout.apps[rng.skewed(layout.apps.len(), 2)];
        let list = &app.tiers[tier];
        if !list.is_empty() {
            return Some(layout.address(list[rng.below(list.len())]));
        }
    }
    None
}

/// Internet and partner clients to web tiers, unmanaged devices to app tiers, app tiers to SaaS.
fn outside_edges(layout: &Layout, rng: &mut Rng, edges: &mut Vec<RawEdge>, counts: [usize; 3]) {
    let [internet, unmanaged, saas] = counts;
    let clients = (internet / 8).max(50);
    for _ in 0..internet {
        let client = if rng.chance(0.1) {
            PARTNERS + rng.below(250) as u32 + 1
        } else {
            INTERNET_CLIENTS + (rng.below(clients) as u32).wrapping_mul(7919) % (1 << 24)
        };
        if let Some(server) = member(layout, rng, WEB) {
            edges.push((client, server, 443, TCP, true));
        }
    }
    for _ in 0..unmanaged {
        if let Some(server) = member(layout, rng, APP) {
            edges.push((Layout::unmanaged(rng.below(200)), server, 8443, TCP, true));
        }
    }
    for _ in 0..saas {
        if let Some(client) = member(layout, rng, APP) {
            edges.push((client, Layout::saas(rng.below(20)), 443, TCP, true));
        }
    }
}

fn rejected_edges(layout: &Layout, rng: &mut Rng, edges: &mut Vec<RawEdge>, count: usize) {
    let n = layout.workloads.len();
    for _ in 0..count {
        let client = layout.address(rng.below(n));
        let server = layout.address(rng.below(n));
        let port = if rng.chance(0.5) { 22 } else { 3389 };
        edges.push((client, server, port, TCP, false));
    }
}

/// Tier pairs inside applications, each candidate kept with one probability so that about
/// `budget` edges come out. Returns how many did.
fn intra_edges(layout: &Layout, rng: &mut Rng, edges: &mut Vec<RawEdge>, budget: usize) -> usize {
    let candidates: usize = layout
        .apps
        .iter()
        .map(|app| {
            MENU.iter()
                .map(|(from, to, ports)| {
                    let pairs = app.tiers[*from].len() * app.tiers[*to].len();
                    let own = if from == to {
                        app.tiers[*from].len()
                    } else {
                        0
                    };
                    (pairs - own) * ports.len()
                })
                .sum::<usize>()
        })
        .sum();
    let keep = (budget as f64 / candidates.max(1) as f64).min(1.0);
    let before = edges.len();
    for app in &layout.apps {
        for (from, to, ports) in MENU {
            for &c in &app.tiers[from] {
                for &s in app.tiers[to].iter().filter(|&&s| s != c) {
                    for &port in ports {
                        if rng.chance(keep) {
                            edges.push((layout.address(c), layout.address(s), port, TCP, true));
                        }
                    }
                }
            }
        }
    }
    edges.len() - before
}

/// Dependencies between applications: the client's app tier to the server's app tier on 8443,
/// until about `budget` edges. Returns the dependencies drawn.
fn cross_edges(
    layout: &Layout,
    rng: &mut Rng,
    edges: &mut Vec<RawEdge>,
    budget: usize,
) -> Vec<(usize, usize)> {
    let apps = layout.apps.len();
    let mut made = 0;
    let mut dependencies = Vec::new();
    for _ in 0..apps * 200 {
        if made >= budget {
            break;
        }
        let (a, b) = (rng.below(apps), rng.skewed(apps, 2));
        let (clients, servers) = (&layout.apps[a].tiers[APP], &layout.apps[b].tiers[APP]);
        if a == b || clients.is_empty() || servers.is_empty() {
            continue;
        }
        dependencies.push((a, b));
        for &c in clients {
            for &s in servers {
                if rng.chance(0.6) {
                    edges.push((layout.address(c), layout.address(s), 8443, TCP, true));
                    made += 1;
                }
            }
        }
    }
    dependencies
}
