//! Conversations: who talks to whom, on which port, seen by which sources.
//! Every flow record the writers emit belongs to exactly one conversation, so
//! the expected figures follow from the set of conversations used.

use std::collections::HashMap;

use crate::catalog::{EC2, Role};
use crate::deps::{DEPS, DepT, Style, TCP, UDP};
use crate::k8s::Phase;
use crate::model::{Model, Res};
use crate::net::{FxMap, FxSet, fmt_addr, v4, v6};
use crate::rng::Rng;

pub const VPC: u8 = 1;
pub const ZCORE: u8 = 2;
pub const ZACCESS: u8 = 4;
pub const HUBBLE: u8 = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    OnPrem { vlan: usize },
    Node { node: usize, vlan: usize },
    Cloud { eni: usize },
    Pod { pod: usize },
    Ext,
}

#[derive(Debug)]
pub struct Party {
    pub addr: u128,
    pub ip: String,
    /// Workload owning the address (how VPC, Zeek and address-only Hubble endpoints resolve).
    pub wl_addr: Option<u32>,
    /// Workload of a Hubble endpoint that carries this pod's name (identity resolution).
    pub wl_id: Option<u32>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy)]
pub struct Conv {
    pub c: u32,
    pub s: u32,
    pub port: u16,
    pub proto: u8,
    pub style: Style,
    pub weight: u32,
    pub srcs: u8,
    pub must: bool,
}

#[derive(Debug, Default)]
pub struct Traffic {
    pub parties: Vec<Party>,
    pub convs: Vec<Conv>,
}

impl Traffic {
    /// Conversation indices seen by `source` (a bit), and the `must` ones first.
    pub fn for_source(&self, source: u8) -> (Vec<u32>, Vec<u32>) {
        let all: Vec<u32> = (0..self.convs.len() as u32)
            .filter(|&i| self.convs[i as usize].srcs & source != 0)
            .collect();
        let must = all
            .iter()
            .copied()
            .filter(|&i| self.convs[i as usize].must)
            .collect();
        (all, must)
    }
}

struct B<'m> {
    m: &'m Model,
    t: Traffic,
    by_addr: FxMap<u128, u32>,
    groups: HashMap<String, Vec<u32>>,
    seen: FxSet<(u32, u32, u16, u8)>,
    rng: Rng,
}

pub fn build(m: &Model, seed: u64) -> Res<Traffic> {
    let mut b = B {
        m,
        t: Traffic::default(),
        by_addr: FxMap::default(),
        groups: HashMap::new(),
        seen: FxSet::default(),
        rng: Rng::derive(seed, "traffic"),
    };
    b.hosts();
    b.instances();
    b.pods();
    b.pools()?;
    for dep in DEPS {
        b.expand(dep);
    }
    crate::fillers::add(&mut b.ctx());
    Ok(b.t)
}

/// What the filler/churn code needs from the builder.
pub struct Ctx<'a, 'm> {
    b: &'a mut B<'m>,
}

impl<'m> B<'m> {
    fn ctx(&mut self) -> Ctx<'_, 'm> {
        Ctx { b: self }
    }

    fn party(&mut self, addr: u128, loc: Loc, wl_id: Option<u32>) -> u32 {
        if let Some(&p) = self.by_addr.get(&addr) {
            return p;
        }
        let wl_addr = self.m.addr_owner.get(&addr).copied();
        let wl_id = if matches!(loc, Loc::Pod { .. }) {
            wl_id
        } else {
            wl_addr
        };
        self.t.parties.push(Party {
            addr,
            ip: fmt_addr(addr),
            wl_addr,
            wl_id,
            loc,
        });
        let p = (self.t.parties.len() - 1) as u32;
        self.by_addr.insert(addr, p);
        p
    }

    fn group(&mut self, key: &str, p: u32) {
        self.groups.entry(key.to_string()).or_default().push(p);
    }

    fn hosts(&mut self) {
        let m = self.m;
        let mut node_i = 0usize;
        for h in &m.hosts {
            let Some(&(primary, Some(vlan))) = h.addrs.first() else {
                continue;
            };
            let role = m.vlans[vlan].role;
            if h.key == "nodes" {
                let p = self.party(primary, Loc::Node { node: node_i, vlan }, None);
                for g in ["nodes", "node-hosts"] {
                    self.group(g, p);
                }
                if m.k8s.nodes.get(node_i).is_some_and(|n| n.cp) {
                    self.group("apiserver", p);
                }
                node_i += 1;
                continue;
            }
            let p = self.party(primary, Loc::OnPrem { vlan }, None);
            self.group(h.key, p);
            if role != Role::Users {
                self.group("onprem-servers", p);
            }
            for &(a, v) in &h.addrs[1..] {
                let Some(v) = v else { continue };
                let q = self.party(a, Loc::OnPrem { vlan: v }, None);
                if !crate::net::is_v4(a) {
                    self.group(&format!("{}6", h.key), q);
                }
            }
            if role == Role::Data {
                if let Some(&(a, Some(v))) =
                    h.addrs.iter().rev().find(|(a, _)| crate::net::is_v4(*a))
                {
                    let q = self.party(a, Loc::OnPrem { vlan: v }, None);
                    self.group("backup-targets", q);
                }
            }
        }
        for u in &m.unknown {
            let p = self.party(u.addr, Loc::OnPrem { vlan: u.vlan }, None);
            self.group(u.group, p);
        }
    }

    fn instances(&mut self) {
        let m = self.m;
        for inst in &m.cloud.instances {
            let Some(&e0) = inst.enis.first() else {
                continue;
            };
            let eni = &m.cloud.enis[e0];
            if eni.idle {
                continue;
            }
            let t = &EC2[inst.t];
            let primary = self.party(eni.primary, Loc::Cloud { eni: e0 }, None);
            let service = match eni.secondary.first() {
                Some(&vip) => self.party(vip, Loc::Cloud { eni: e0 }, None),
                None => primary,
            };
            self.group(t.key, service);
            self.group("ec2-all", primary);
            if eni.vpc == 0 {
                self.group("ec2-prod", primary);
            }
            if t.tier == "data" {
                self.group("ec2-data", primary);
            }
            if t.public {
                self.group("internet-facing", primary);
            }
            for &a in &eni.v6 {
                let q = self.party(a, Loc::Cloud { eni: e0 }, None);
                self.group(&format!("{}6", t.key), q);
            }
        }
    }

    fn pods(&mut self) {
        let m = self.m;
        for (i, pod) in m.k8s.pods.iter().enumerate() {
            let w = &m.k8s.wls[pod.k];
            let Some(ip) = pod.ip else { continue };
            if w.host_network {
                continue;
            }
            let p = self.party(ip, Loc::Pod { pod: i }, Some(w.wl));
            if !pod.in_dump {
                if w.observed_only {
                    self.group(&w.key, p);
                } else {
                    self.group("churned", p);
                }
                continue;
            }
            self.group(&w.key, p);
            if pod.phase == Phase::Running {
                self.group("pods-all", p);
                self.group("pods-metrics", p);
            }
        }
    }

    fn pools(&mut self) -> Res<()> {
        let w = self.m.workloads.len();
        let fixed: &[(&str, &[&str])] = &[
            ("payment-gw", &["198.51.100.20", "198.51.100.21"]),
            ("cdn", &["203.0.113.80", "203.0.113.81"]),
            ("saas-idp", &["192.0.2.50"]),
            ("github", &["140.82.112.3", "140.82.114.4"]),
            ("sftp-partner", &["203.0.113.45"]),
            ("pingers", &["192.0.2.10", "192.0.2.11", "192.0.2.12"]),
        ];
        for (g, addrs) in fixed {
            for a in *addrs {
                let ip: std::net::Ipv4Addr = a.parse().map_err(|e| format!("{a}: {e}"))?;
                let [x, y, z, q] = ip.octets();
                let p = self.party(v4(x, y, z, q), Loc::Ext, None);
                self.group(g, p);
            }
        }
        let p = self.party(v6("2001:db8:ff::10")?, Loc::Ext, None);
        self.group("ipv6-ext", p);
        let residential: &[[u8; 2]] = &[
            [73, 162],
            [24, 5],
            [98, 207],
            [174, 63],
            [86, 12],
            [81, 2],
            [2, 96],
            [67, 180],
        ];
        self.random_pool("internet", 40 + w / 8, residential);
        let scanners: &[[u8; 2]] = &[
            [45, 155],
            [185, 220],
            [162, 142],
            [71, 6],
            [89, 248],
            [193, 163],
            [203, 0],
            [198, 51],
        ];
        self.random_pool("scanners", 30 + w / 25, scanners);
        for i in 0..(10 + w / 40) {
            let a = v6("2001:db8:4000::")?
                | (u128::from(self.rng.next_u64()) & 0xffff_ffff_ffff)
                | ((i as u128) << 64);
            let p = self.party(a, Loc::Ext, None);
            self.group("internet6", p);
        }
        Ok(())
    }

    /// Random public addresses from the given /16s (the documentation /16s use
    /// only their upper half, clear of the fixed partner addresses).
    fn random_pool(&mut self, group: &str, n: usize, nets: &[[u8; 2]]) {
        let mut made = 0;
        while made < n {
            let [a, b] = nets[self.rng.idx(nets.len())];
            let (c, d) = match (a, b) {
                (203, 0) => (113, self.rng.range(128, 254) as u8),
                (198, 51) => (100, self.rng.range(128, 254) as u8),
                _ => (self.rng.range(0, 255) as u8, self.rng.range(1, 254) as u8),
            };
            let addr = v4(a, b, c, d);
            if self.by_addr.contains_key(&addr) {
                continue;
            }
            let p = self.party(addr, Loc::Ext, None);
            self.group(group, p);
            made += 1;
        }
    }

    fn members(&self, key: &str) -> Vec<u32> {
        self.groups.get(key).cloned().unwrap_or_default()
    }

    fn expand(&mut self, dep: &DepT) {
        let from = self.members(dep.from);
        let to = if dep.to == "resolver" {
            Vec::new()
        } else {
            self.members(dep.to)
        };
        if from.is_empty() || (to.is_empty() && dep.to != "resolver") {
            return;
        }
        let off = self.rng.idx(1 << 16);
        let mut first = dep.must;
        let every = dep.every.max(1);
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        if dep.to == "resolver" {
            for &c in from.iter().step_by(every) {
                if let Loc::Cloud { eni } = self.t.parties[c as usize].loc {
                    let vpc = &self.m.cloud.vpcs[self.m.cloud.enis[eni].vpc];
                    pairs.push((c, self.party(crate::net::v4u(vpc.base + 2), Loc::Ext, None)));
                }
            }
        } else if dep.per_server {
            for (i, &s) in to.iter().enumerate().step_by(every) {
                pairs.push((from[(i + off) % from.len()], s));
            }
        } else {
            for (i, &c) in from.iter().enumerate().step_by(every) {
                for f in 0..dep.fan.min(to.len()) {
                    pairs.push((c, to[(i * dep.fan + f + off) % to.len()]));
                }
            }
        }
        for (c, s) in pairs {
            if self.add(c, s, dep.port, dep.proto, dep.style, dep.weight, first) {
                first = false;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        c: u32,
        s: u32,
        port: u16,
        proto: u8,
        style: Style,
        weight: u32,
        must: bool,
    ) -> bool {
        let (pc, ps) = (&self.t.parties[c as usize], &self.t.parties[s as usize]);
        let same_pods =
            matches!((pc.loc, ps.loc), (Loc::Pod { .. }, Loc::Pod { .. })) && pc.wl_id == ps.wl_id;
        if c == s || same_pods || !self.seen.insert((c, s, port, proto)) {
            return false;
        }
        let srcs = self.sources(c, s);
        if srcs == 0 {
            return false;
        }
        self.t.convs.push(Conv {
            c,
            s,
            port,
            proto,
            style,
            weight,
            srcs,
            must,
        });
        true
    }

    fn users(&self, p: u32) -> bool {
        match self.t.parties[p as usize].loc {
            Loc::OnPrem { vlan } | Loc::Node { vlan, .. } => self.m.vlans[vlan].role == Role::Users,
            _ => false,
        }
    }

    fn sources(&self, c: u32, s: u32) -> u8 {
        use Loc::*;
        let zeek = if self.users(c) || self.users(s) {
            ZACCESS
        } else {
            ZCORE
        };
        match (
            self.t.parties[c as usize].loc,
            self.t.parties[s as usize].loc,
        ) {
            (Pod { .. }, Pod { .. } | Node { .. } | Ext) | (Node { .. } | Ext, Pod { .. }) => {
                HUBBLE
            }
            (Pod { .. }, OnPrem { .. }) | (OnPrem { .. }, Pod { .. }) => HUBBLE | ZCORE,
            (Pod { .. }, Cloud { .. }) | (Cloud { .. }, Pod { .. }) => HUBBLE | ZCORE | VPC,
            (
                OnPrem { vlan: a } | Node { vlan: a, .. },
                OnPrem { vlan: b } | Node { vlan: b, .. },
            ) => {
                if a == b {
                    0
                } else {
                    zeek
                }
            }
            (OnPrem { .. } | Node { .. }, Cloud { .. })
            | (Cloud { .. }, OnPrem { .. } | Node { .. }) => zeek | VPC,
            (Cloud { .. }, Cloud { .. } | Ext) | (Ext, Cloud { .. }) => VPC,
            _ => 0,
        }
    }
}

impl Ctx<'_, '_> {
    pub fn model(&self) -> &Model {
        self.b.m
    }
    pub fn members(&self, key: &str) -> Vec<u32> {
        self.b.members(key)
    }
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.b.rng
    }
    pub fn party(&self, p: u32) -> &Party {
        &self.b.t.parties[p as usize]
    }
    pub fn convs(&self) -> &[Conv] {
        &self.b.t.convs
    }
    pub fn tcp(&mut self, c: u32, s: u32, port: u16, style: Style, weight: u32) -> bool {
        self.b.add(c, s, port, TCP, style, weight, false)
    }
    pub fn udp(&mut self, c: u32, s: u32, port: u16, must: bool) -> bool {
        self.b.add(c, s, port, UDP, Style::Normal, 10, must)
    }
    pub fn clone_conv(&mut self, conv: Conv, c: u32, s: u32, must: bool) -> bool {
        self.b
            .add(c, s, conv.port, conv.proto, conv.style, conv.weight, must)
    }
}
