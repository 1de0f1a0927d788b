//! Test-only flow re-import for `check.rs`: folds VPC, Zeek and Hubble records
//! into edges with the importer's direction and resolution rules.

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;
use std::path::Path;

use serde_json::Value;

use crate::check::{Inv, R, for_lines, ip, read_text};

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum EndP {
    W(usize),
    A(IpAddr),
}

#[derive(Default)]
pub struct Flows {
    pub records: u64,
    pub skipped: u64,
    pub edges: HashSet<(IpAddr, IpAddr, u16, u8)>,
    pub wl_edges: HashSet<(EndP, EndP, u16, u8)>,
    pub unresolved: HashSet<IpAddr>,
    pub observed: BTreeMap<String, usize>,
    pub churned_with_wl: u64,
    pub churned_without_wl: u64,
    pub non_flow: u64,
}

impl Flows {
    fn edge(&mut self, c: (IpAddr, EndP), s: (IpAddr, EndP), port: u16, proto: u8) {
        let port = if proto == 1 || proto == 58 { 0 } else { port };
        self.edges.insert((c.0, s.0, port, proto));
        for (a, e) in [(&c.0, &c.1), (&s.0, &s.1)] {
            if let EndP::A(_) = e {
                self.unresolved.insert(*a);
            }
        }
        self.wl_edges.insert((c.1, s.1, port, proto));
    }
}

fn by_addr(inv: &Inv, a: IpAddr) -> (IpAddr, EndP) {
    (a, inv.addr.get(&a).map_or(EndP::A(a), |w| EndP::W(*w)))
}

fn vpc(dir: &Path, inv: &Inv, f: &mut Flows) -> R<()> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("flows/vpc"))
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.sort();
    for p in files {
        let text = read_text(&p)?;
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next().ok_or("empty VPC file")?.split(' ').collect();
        let col = |n: &str| {
            head.iter()
                .position(|h| *h == n)
                .ok_or(format!("no column {n}"))
        };
        let (st, sa, da, psa, pda) = (
            col("log-status")?,
            col("srcaddr")?,
            col("dstaddr")?,
            col("pkt-srcaddr")?,
            col("pkt-dstaddr")?,
        );
        let (sp, dp, pr, ver) = (
            col("srcport")?,
            col("dstport")?,
            col("protocol")?,
            col("version")?,
        );
        for line in lines {
            let v: Vec<&str> = line.split_whitespace().collect();
            if v.len() != head.len() || v[ver] != "5" {
                return Err(format!("bad VPC line {line}"));
            }
            f.records += 1;
            if v[st] != "OK" {
                f.skipped += 1;
                continue;
            }
            let src = ip(if v[psa] != "-" { v[psa] } else { v[sa] })?;
            let dst = ip(if v[pda] != "-" { v[pda] } else { v[da] })?;
            let num = |i: usize| v[i].parse::<u16>().map_err(|e| format!("{line}: {e}"));
            let (sport, dport, proto) = (num(sp)?, num(dp)?, num(pr)? as u8);
            // The server is the end with the lower port (the estate has equal ports only on ICMP).
            let src_is_client = if sport == dport {
                if proto != 1 && proto != 58 {
                    return Err(format!("equal ports on a non-ICMP record: {line}"));
                }
                true
            } else {
                dport < sport
            };
            let (c, s, port) = if src_is_client {
                (src, dst, dport)
            } else {
                (dst, src, sport)
            };
            f.edge(by_addr(inv, c), by_addr(inv, s), port, proto);
        }
    }
    Ok(())
}

fn zeek_proto(p: &str, a: IpAddr) -> R<u8> {
    Ok(match p {
        "tcp" => 6,
        "udp" => 17,
        "icmp" if a.is_ipv4() => 1,
        "icmp" => 58,
        _ => return Err(format!("proto {p}")),
    })
}

fn zeek(dir: &Path, inv: &Inv, f: &mut Flows) -> R<()> {
    let mut fields: Vec<String> = Vec::new();
    let mut closed = false;
    for_lines(&dir.join("flows/zeek/conn.log.gz"), |line| {
        if let Some(rest) = line.strip_prefix("#fields\t") {
            fields = rest.split('\t').map(str::to_string).collect();
            return Ok(());
        }
        closed |= line.starts_with("#close");
        if line.starts_with('#') {
            return Ok(());
        }
        let v: Vec<&str> = line.split('\t').collect();
        let get = |n: &str| {
            fields
                .iter()
                .position(|x| x == n)
                .and_then(|i| v.get(i).copied())
                .ok_or(format!("no {n}"))
        };
        f.records += 1;
        let (c, s) = (ip(get("id.orig_h")?)?, ip(get("id.resp_h")?)?);
        let port = get("id.resp_p")?
            .parse::<u16>()
            .map_err(|e| e.to_string())?;
        f.edge(
            by_addr(inv, c),
            by_addr(inv, s),
            port,
            zeek_proto(get("proto")?, c)?,
        );
        Ok(())
    })?;
    if !closed {
        return Err("conn.log has no #close".into());
    }
    for_lines(&dir.join("flows/zeek/conn.json.log.gz"), |line| {
        let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        f.records += 1;
        let (c, s) = (
            ip(v["id.orig_h"].as_str().ok_or("orig")?)?,
            ip(v["id.resp_h"].as_str().ok_or("resp")?)?,
        );
        let port = v["id.resp_p"].as_u64().ok_or("resp_p")? as u16;
        f.edge(
            by_addr(inv, c),
            by_addr(inv, s),
            port,
            zeek_proto(v["proto"].as_str().ok_or("proto")?, c)?,
        );
        Ok(())
    })
}

const K8S: &str = "bcdfghjklmnpqrstvwxz2456789";

fn strip(name: &str, n: usize) -> Option<&str> {
    let mut s = name;
    for _ in 0..n {
        s = s.rsplit_once('-')?.0;
    }
    Some(s)
}

fn pod_endpoint(inv: &Inv, f: &mut Flows, ep: &Value, a: IpAddr) -> R<EndP> {
    let ns = ep["namespace"].as_str().ok_or("pod without namespace")?;
    let pod = ep["pod_name"].as_str().ok_or("pod_name")?;
    if let Some(w) = inv.pod_owner.get(&(ns.to_string(), pod.to_string())) {
        return Ok(EndP::W(*w));
    }
    let wl = ep["workloads"].get(0).and_then(|w| w["name"].as_str());
    if wl.is_some() {
        f.churned_with_wl += 1
    } else {
        f.churned_without_wl += 1
    }
    let known = |n: &str| {
        inv.by_name
            .get(&format!("{ns}/{n}").to_lowercase())
            .copied()
    };
    let new = |f: &mut Flows, owner: &str| {
        let key = format!("{ns}/{owner}");
        let next = inv.names.len() + f.observed.len();
        EndP::W(*f.observed.entry(key).or_insert(next))
    };
    if let Some(n) = wl {
        return Ok(known(n).map_or_else(|| new(f, n), EndP::W));
    }
    let last = pod.rsplit('-').next().unwrap_or("");
    let mut cands = vec![strip(pod, 2)];
    if last.bytes().all(|b| b.is_ascii_digit()) {
        cands.push(strip(pod, 1));
    }
    if last.len() == 5 && last.chars().all(|c| K8S.contains(c)) {
        cands.push(strip(pod, 1));
    }
    for c in cands.into_iter().flatten() {
        if let Some(w) = known(c) {
            return Ok(EndP::W(w));
        }
    }
    if let Some(w) = inv.addr.get(&a) {
        return Ok(EndP::W(*w));
    }
    Ok(new(f, strip(pod, 2).unwrap_or(pod)))
}

fn hubble(dir: &Path, inv: &Inv, f: &mut Flows) -> R<()> {
    for_lines(&dir.join("flows/hubble/flows.json.gz"), |line| {
        let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let Some(flow) = v.get("flow") else {
            f.non_flow += 1;
            return Ok(());
        };
        f.records += 1;
        let (src, dst) = (
            ip(flow["IP"]["source"].as_str().ok_or("src")?)?,
            ip(flow["IP"]["destination"].as_str().ok_or("dst")?)?,
        );
        let l4 = &flow["l4"];
        let (proto, sp, dp) = if let Some(t) = l4.get("TCP").or(l4.get("UDP")) {
            let p = if l4.get("TCP").is_some() { 6 } else { 17 };
            (
                p,
                t["source_port"].as_u64().unwrap_or(0) as u16,
                t["destination_port"].as_u64().unwrap_or(0) as u16,
            )
        } else if l4.get("ICMPv4").is_some() {
            (1, 0, 0)
        } else if l4.get("ICMPv6").is_some() {
            (58, 0, 0)
        } else {
            return Err(format!("unknown l4 in {line}"));
        };
        let mut end = |ep: &Value, a: IpAddr| -> R<(IpAddr, EndP)> {
            if ep.get("pod_name").is_some() {
                Ok((a, pod_endpoint(inv, f, ep, a)?))
            } else {
                Ok(by_addr(inv, a))
            }
        };
        let s_ep = end(&flow["source"], src)?;
        let d_ep = end(&flow["destination"], dst)?;
        if flow["is_reply"].as_bool() == Some(true) {
            f.edge(d_ep, s_ep, sp, proto);
        } else {
            f.edge(s_ep, d_ep, dp, proto);
        }
        Ok(())
    })
}

/// Read all flow sources; observed-only workloads are added to `inv`.
pub fn read_flows(dir: &Path, inv: &mut Inv) -> R<Flows> {
    let mut f = Flows::default();
    vpc(dir, inv, &mut f)?;
    zeek(dir, inv, &mut f)?;
    hubble(dir, inv, &mut f)?;
    let observed: Vec<(String, usize)> = f.observed.iter().map(|(k, v)| (k.clone(), *v)).collect();
    for (name, _) in observed {
        inv.names.push(name.clone());
        inv.apps.push(Some(observed_app(dir, &name)?));
    }
    Ok(f)
}

/// The app of an observed-only workload, from the Hubble endpoint's k8s: labels.
fn observed_app(dir: &Path, name: &str) -> R<String> {
    let (ns, owner) = name.split_once('/').ok_or("name")?;
    let mut found: Option<String> = None;
    for_lines(&dir.join("flows/hubble/flows.json.gz"), |line| {
        if found.is_some() || !line.contains(owner) {
            return Ok(());
        }
        let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        for side in ["source", "destination"] {
            let ep = &v["flow"][side];
            let pod = ep["pod_name"].as_str().unwrap_or("");
            if ep["namespace"] != ns || !pod.starts_with(owner) {
                continue;
            }
            let labels: Vec<&str> = ep["labels"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| l.as_str())
                .collect();
            let keys = ["k8s:app.kubernetes.io/name=", "k8s:app=", "k8s:k8s-app="];
            let app = keys
                .iter()
                .find_map(|k| labels.iter().find_map(|l| l.strip_prefix(k)));
            found = Some(app.unwrap_or(owner).to_string());
            break;
        }
        Ok(())
    })?;
    found.ok_or(format!("no endpoint for {name}"))
}
