//! The ground-truth estate: every workload, address and network, built once in
//! memory (inventories are small; flow records are streamed elsewhere).

use crate::catalog::{HOSTS, Role};
use crate::net::{FxMap, cidr4, v4u, v6};
use crate::rng::Rng;
use crate::{cloud, k8s};

pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub const ACCOUNT: &str = "318244559021";
pub const REGION: &str = "us-east-1";
pub const CLUSTER: &str = "prod-k8s";

/// One workload of the merged inventory (index = workload id).
#[derive(Debug)]
pub struct Workload {
    pub name: String,
    pub app: Option<String>,
    /// Only created by the importer when a Hubble flow mentions it.
    pub observed_only: bool,
}

#[derive(Debug)]
pub struct Vlan {
    pub id: String,
    pub name: String,
    pub vlan_id: u16,
    pub base: u32,
    pub role: Role,
    pub v6: Option<String>,
    next: u32,
}

/// A CMDB row (on-prem host, Kubernetes node, or a cloud instance's row).
#[derive(Debug)]
pub struct Host {
    pub name: String,
    /// Addresses with the VLAN they sit in (None for cloud rows).
    pub addrs: Vec<(u128, Option<usize>)>,
    pub app: String,
    pub owner: String,
    pub tier: String,
    pub env: String,
    pub crit: String,
    pub dclass: String,
    pub labels: String,
    pub key: &'static str,
}

#[derive(Debug)]
pub struct Unknown {
    pub group: &'static str,
    pub addr: u128,
    pub vlan: usize,
}

#[derive(Debug, Default)]
pub struct Model {
    pub workloads: Vec<Workload>,
    pub vlans: Vec<Vlan>,
    pub hosts: Vec<Host>,
    pub unknown: Vec<Unknown>,
    pub cloud: cloud::Cloud,
    pub k8s: k8s::Cluster,
    pub addr_owner: FxMap<u128, u32>,
}

impl Model {
    pub fn add_workload(&mut self, name: String, app: Option<String>, observed_only: bool) -> u32 {
        self.workloads.push(Workload {
            name,
            app: app.filter(|a| !a.is_empty()),
            observed_only,
        });
        (self.workloads.len() - 1) as u32
    }

    /// Record that `addr` belongs to workload `wl`; two owners is a generator bug.
    pub fn own(&mut self, addr: u128, wl: u32) -> Res<()> {
        match self.addr_owner.insert(addr, wl) {
            Some(prev) if prev != wl => Err(format!(
                "address {} claimed by {} and {}",
                crate::net::fmt_addr(addr),
                self.workloads[prev as usize].name,
                self.workloads[wl as usize].name
            )
            .into()),
            _ => Ok(()),
        }
    }

    /// The canonical VLAN of a role.
    pub fn vlan_of(&self, role: Role) -> Option<usize> {
        self.vlans.iter().position(|v| v.role == role)
    }

    /// Allocate a host address in a VLAN of `role`, adding VLANs when full.
    pub fn alloc_host_ip(&mut self, role: Role, rng: &mut Rng) -> Res<(u128, usize)> {
        let found = self
            .vlans
            .iter()
            .rposition(|v| v.role == role && v.next <= HOST_LAST);
        let idx = match found {
            Some(i) => i,
            None => self.add_extra_vlan(role)?,
        };
        let v = &mut self.vlans[idx];
        let addr = v4u(v.base + v.next);
        v.next += 1 + u32::from(rng.chance(15, 100));
        Ok((addr, idx))
    }

    fn add_extra_vlan(&mut self, role: Role) -> Res<usize> {
        let n = self.vlans.len().saturating_sub(CANONICAL.len()) as u32;
        let base = u32::from_be_bytes([10, 11, 0, 0]) + n * 256;
        if base >= u32::from_be_bytes([10, 20, 0, 0]) {
            return Err("too many on-prem hosts for the DC1 address plan".into());
        }
        let vlan_id = 1000 + n as u16;
        self.vlans.push(Vlan {
            id: format!("dc1-vlan{vlan_id}"),
            name: format!("DC1 {} VLAN {vlan_id}", role_name(role)),
            vlan_id,
            base,
            role,
            v6: None,
            next: HOST_FIRST,
        });
        Ok(self.vlans.len() - 1)
    }
}

const HOST_FIRST: u32 = 10;
const HOST_LAST: u32 = 229;

const CANONICAL: &[(Role, u16, bool)] = &[
    (Role::Web, 110, true),
    (Role::App, 120, false),
    (Role::Data, 130, false),
    (Role::Mgmt, 140, false),
    (Role::Users, 150, true),
    (Role::Nodes, 160, false),
];

pub fn role_name(r: Role) -> &'static str {
    match r {
        Role::Web => "web",
        Role::App => "app",
        Role::Data => "data",
        Role::Mgmt => "management",
        Role::Users => "users/VDI",
        Role::Nodes => "Kubernetes node",
    }
}

/// How many of each kind of workload a `--workloads` total means.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub onprem: usize,
    pub ec2: usize,
    pub k8s: usize,
    pub cp: usize,
    pub workers: usize,
}

pub fn counts(total: usize) -> Res<Counts> {
    if !(20..=60_000).contains(&total) {
        return Err("--workloads must be between 20 and 60000".into());
    }
    let k8s = (total * 34 + 50) / 100;
    let ec2 = (total * 18 + 50) / 100;
    let small = total < 100;
    let cp = if small { 1 } else { 3 };
    let workers = ((k8s * 26).div_ceil(600)).max(if small { 1 } else { 3 });
    let used = k8s + ec2 + cp + workers + 1;
    let onprem = total
        .checked_sub(used)
        .filter(|n| *n >= 4)
        .ok_or("--workloads too small")?;
    Ok(Counts {
        onprem,
        ec2,
        k8s,
        cp,
        workers,
    })
}

/// Split `target` over templates: one each in priority order first, then the
/// rest in proportion to `base - 1` (so the default target reproduces `base`).
pub fn apportion(target: usize, bases: &[usize]) -> Vec<usize> {
    let mut out = vec![0usize; bases.len()];
    let first = target.min(bases.len());
    for o in out.iter_mut().take(first) {
        *o = 1;
    }
    let rest = target - first;
    if rest == 0 || out.is_empty() {
        return out;
    }
    let weights: Vec<usize> = bases.iter().map(|b| b.saturating_sub(1)).collect();
    let total: usize = weights.iter().sum();
    if total == 0 {
        out[0] += rest;
        return out;
    }
    let mut given = 0;
    let mut rems = Vec::with_capacity(bases.len());
    for (i, w) in weights.iter().enumerate() {
        let q = rest * w / total;
        out[i] += q;
        given += q;
        rems.push((rest * w % total, i));
    }
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems.iter().take(rest - given) {
        out[*i] += 1;
    }
    out
}

pub fn build(seed: u64, total: usize) -> Res<Model> {
    let c = counts(total)?;
    let mut rng = Rng::derive(seed, "model");
    let mut m = Model::default();
    for (role, vid, has_v6) in CANONICAL {
        m.vlans.push(Vlan {
            id: format!("dc1-vlan{vid}"),
            name: format!("DC1 {} VLAN", role_name(*role)),
            vlan_id: *vid,
            base: u32::from_be_bytes([10, 10, *vid as u8, 0]),
            role: *role,
            v6: has_v6.then(|| format!("2001:db8:10:{vid}::/64")),
            next: HOST_FIRST,
        });
    }
    build_hosts(&mut m, c.onprem, &mut rng)?;
    build_unknown(&mut m, c.onprem)?;
    k8s::build_nodes(&mut m, c, &mut rng)?;
    cloud::build(&mut m, c.ec2, &mut rng)?;
    k8s::build(&mut m, c, &mut rng)?;
    Ok(m)
}

fn build_hosts(m: &mut Model, n: usize, rng: &mut Rng) -> Res<()> {
    let bases: Vec<usize> = HOSTS.iter().map(|t| t.base).collect();
    let per = apportion(n, &bases);
    for (t, count) in HOSTS.iter().zip(per) {
        let width = t.width.max(count.to_string().len());
        for j in 1..=count {
            let name = format!("{}{j:0width$}", t.prefix);
            let (ip, vlan) = m.alloc_host_ip(t.role, rng)?;
            let mut addrs = vec![(ip, Some(vlan))];
            if t.mgmt_nic {
                let (ip2, vlan2) = m.alloc_host_ip(Role::Mgmt, rng)?;
                addrs.push((ip2, Some(vlan2)));
            }
            if t.v6_every > 0 && j % t.v6_every == 0 && m.vlans[vlan].v6.is_some() {
                let vid = m.vlans[vlan].vlan_id;
                let host = crate::net::v4_of(ip) & 0xff;
                addrs.push((v6(&format!("2001:db8:10:{vid}::{host:x}"))?, Some(vlan)));
            }
            let wl = m.add_workload(name.clone(), Some(t.app.to_string()), false);
            for (a, _) in &addrs {
                m.own(*a, wl)?;
            }
            m.hosts.push(Host {
                name,
                addrs,
                app: t.app.into(),
                owner: t.owner.into(),
                tier: t.tier.into(),
                env: t.env.into(),
                crit: t.crit.into(),
                dclass: t.dclass.into(),
                labels: if t.role == Role::Users {
                    t.labels.to_string()
                } else {
                    format!("{};rack=R{:02}", t.labels, rng.range(1, 24))
                },
                key: t.key,
            });
        }
    }
    Ok(())
}

/// Devices that talk on the DC1 network but are missing from the CMDB.
fn build_unknown(m: &mut Model, onprem: usize) -> Res<()> {
    let plan: [(&'static str, Role, u8, usize); 4] = [
        ("unknown-users", Role::Users, 230, (3 + onprem / 60).min(20)),
        ("unknown-app", Role::App, 240, (1 + onprem / 300).min(10)),
        (
            "unknown-storage",
            Role::Data,
            245,
            (1 + onprem / 500).min(5),
        ),
        ("unknown-ilo", Role::Mgmt, 250, 2),
    ];
    for (group, role, first, n) in plan {
        let vlan = m.vlan_of(role).ok_or("missing VLAN")?;
        for i in 0..n {
            let addr = v4u(m.vlans[vlan].base + u32::from(first) + i as u32);
            if m.addr_owner.contains_key(&addr) {
                return Err(format!("unknown device address {addr} is owned").into());
            }
            m.unknown.push(Unknown { group, addr, vlan });
        }
    }
    Ok(())
}

/// The CIDR string of a VLAN.
pub fn vlan_cidr(v: &Vlan) -> String {
    cidr4(v.base, 24)
}

/// The /16s that DC1 VLANs use (for the site network).
pub fn site_cidrs(m: &Model) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in &m.vlans {
        let c = cidr4(v.base & 0xffff_0000, 16);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out.push("2001:db8:10::/48".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_reproduces_bases() {
        let bases = [2, 1, 5, 1];
        assert_eq!(apportion(9, &bases), vec![2, 1, 5, 1]);
        assert_eq!(apportion(2, &bases), vec![1, 1, 0, 0]);
        let big = apportion(90, &bases);
        assert_eq!(big.iter().sum::<usize>(), 90);
        assert_eq!(big[1], 1);
        assert_eq!(big[3], 1);
    }

    #[test]
    fn counts_default() {
        let c = counts(330).unwrap_or(Counts {
            onprem: 0,
            ec2: 0,
            k8s: 0,
            cp: 0,
            workers: 0,
        });
        assert_eq!(c.onprem + c.ec2 + c.k8s + c.cp + c.workers + 1, 330);
        assert_eq!(c.onprem, 150);
        assert_eq!(c.ec2, 59);
    }
}
