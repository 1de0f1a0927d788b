//! Conversations of the generated ("filler") Kubernetes workloads, and of the
//! churned pods that only Hubble remembers.

use crate::deps::Style;
use crate::traffic::{Ctx, Loc};

/// Core services a filler of each namespace calls: (group, port).
fn core_targets(ns: &str) -> &'static [(&'static str, u16)] {
    match ns {
        "web" => &[("k/storefront-bff", 8443), ("k/catalog-api", 8080)],
        "payments" => &[("k/payments-api", 8443), ("k/payments-redis", 6379)],
        "orders" => &[("k/orders-api", 8080), ("k/orders-kafka", 9092)],
        "catalog" => &[("k/catalog-api", 8080), ("k/catalog-search", 9200)],
        _ => &[("k/orders-api", 8080), ("k/catalog-api", 8080)],
    }
}

/// Off-cluster services a filler of each namespace may call: (on-prem, AWS).
fn outside(ns: &str) -> ((&'static str, u16), (&'static str, u16)) {
    match ns {
        "web" => (("proxy", 3128), ("store-api", 8443)),
        "payments" => (("mq", 5671), ("pay-api", 8443)),
        "orders" => (("db-orders", 5432), ("orders-db", 5432)),
        "catalog" => (("nexus", 8081), ("catalog-es", 9200)),
        _ => (("dwh", 5432), ("kafka", 9092)),
    }
}

pub fn add(cx: &mut Ctx) {
    fillers(cx);
    churned(cx);
}

fn fillers(cx: &mut Ctx) {
    let m = cx.model();
    let list: Vec<(usize, String, String)> = m
        .k8s
        .wls
        .iter()
        .enumerate()
        .filter(|(_, w)| w.key.starts_with("f/"))
        .map(|(i, w)| (i, w.ns.clone(), w.key.clone()))
        .collect();
    let servers: Vec<(String, String, u16)> = m
        .k8s
        .wls
        .iter()
        .filter(|w| w.key.starts_with("f/") && w.filler_port > 0)
        .map(|w| (w.ns.clone(), w.key.clone(), w.filler_port))
        .collect();
    for (n, (_, ns, key)) in list.iter().enumerate() {
        let clients = cx.members(key);
        if clients.is_empty() {
            continue;
        }
        let mut targets: Vec<(String, u16)> = core_targets(ns)
            .iter()
            .map(|(g, p)| ((*g).to_string(), *p))
            .collect();
        targets.extend(
            servers
                .iter()
                .filter(|(sn, sk, _)| sn == ns && sk != key)
                .map(|(_, k, p)| (k.clone(), *p)),
        );
        let picks = 1 + n % 2;
        for _ in 0..picks {
            let t = cx.rng().idx(targets.len());
            let Some((group, port)) = targets.get(t).cloned() else {
                continue;
            };
            let to = cx.members(&group);
            if to.is_empty() {
                continue;
            }
            let off = cx.rng().idx(to.len());
            for (i, &c) in clients.iter().enumerate() {
                cx.tcp(c, to[(i + off) % to.len()], port, Style::Normal, 20);
            }
        }
        let (onprem, aws) = outside(ns);
        let c0 = clients[0];
        let specials: [(usize, (&str, u16), Style); 5] = [
            (7, onprem, Style::Normal),
            (11, aws, Style::Normal),
            (13, ("k/payments-redis", 6379), Style::Reject),
            (17, ("k/catalog-search", 9200), Style::Audit),
            (9, ("cdn", 443), Style::Normal),
        ];
        for (every, (group, port), style) in specials {
            if n % every != every - 1 {
                continue;
            }
            if let Some(&s) = cx.members(group).get(n % 3) {
                cx.tcp(c0, s, port, style, 10);
            } else if let Some(&s) = cx.members(group).first() {
                cx.tcp(c0, s, port, style, 10);
            }
        }
    }
}

/// Pods of an older ReplicaSet: same Deployment, other hashes, not in pods.json.
/// They repeat some pod-to-pod conversations of their Deployment's current pods.
fn churned(cx: &mut Ctx) {
    use std::collections::HashMap;
    let churned = cx.members("churned");
    let dns = cx.members("k/coredns");
    // First pod-to-pod conversations per workload, as client and as server.
    let mut out_by: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut in_by: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, conv) in cx.convs().iter().enumerate() {
        let (c, s) = (cx.party(conv.c), cx.party(conv.s));
        let (Loc::Pod { .. }, Loc::Pod { .. }) = (c.loc, s.loc) else {
            continue;
        };
        let (Some(cw), Some(sw)) = (c.wl_id, s.wl_id) else {
            continue;
        };
        if cw == sw {
            continue;
        }
        let o = out_by.entry(cw).or_default();
        if o.len() < 2 {
            o.push(i);
        }
        let n = in_by.entry(sw).or_default();
        if n.is_empty() {
            n.push(i);
        }
    }
    for (i, &p) in churned.iter().enumerate() {
        let Loc::Pod { pod } = cx.party(p).loc else {
            continue;
        };
        let k = cx.model().k8s.pods[pod].k;
        let wl = cx.model().k8s.wls[k].wl;
        if let Some(&d) = dns.get(i % dns.len().max(1)) {
            cx.udp(p, d, 53, i == 0);
        }
        let outgoing: Vec<_> = out_by
            .get(&wl)
            .into_iter()
            .flatten()
            .map(|&j| cx.convs()[j])
            .collect();
        let incoming: Vec<_> = in_by
            .get(&wl)
            .into_iter()
            .flatten()
            .map(|&j| cx.convs()[j])
            .collect();
        for (j, conv) in outgoing.into_iter().enumerate() {
            cx.clone_conv(conv, p, conv.s, i == 0 && j == 0);
        }
        for conv in incoming {
            cx.clone_conv(conv, conv.c, p, false);
        }
    }
}
