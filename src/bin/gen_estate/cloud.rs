//! The AWS side of the model: VPCs, subnets, EC2 instances, ENIs and the CMDB
//! rows that describe some of the instances a second time.

use crate::catalog::EC2;
use crate::model::{Host, Model, Res, apportion};
use crate::net::{T0, cidr4, fmt_addr, v4u};
use crate::rng::Rng;

#[derive(Debug)]
pub struct Vpc {
    pub id: String,
    pub name: String,
    pub base: u32,
    pub v6: Option<String>,
    pub assoc: String,
    pub v6_assoc: String,
    pub dhcp: String,
    pub fl_id: String,
}

#[derive(Debug)]
pub struct Subnet {
    pub id: String,
    pub vpc: usize,
    pub name: String,
    pub az: String,
    pub az_id: String,
    pub base: u32,
    pub len: u8,
    pub v6: Option<(u128, String)>,
    pub declared: bool,
    pub public: bool,
    next: u32,
}

#[derive(Debug)]
pub struct Eni {
    pub id: String,
    pub inst: usize,
    pub subnet: usize,
    pub vpc: usize,
    pub primary: u128,
    pub secondary: Vec<u128>,
    pub v6: Vec<u128>,
    pub mac: String,
    pub attach: String,
    pub index: u32,
    pub public_ip: Option<String>,
    /// Carries no traffic (writes NODATA records).
    pub idle: bool,
}

#[derive(Debug)]
pub struct Instance {
    pub id: String,
    pub name: Option<String>,
    pub t: usize,
    pub wl: u32,
    pub enis: Vec<usize>,
    pub subnet: Option<usize>,
    pub launch: i64,
    pub sg: (String, String),
    pub ami: String,
    pub reservation: String,
    pub terminated: bool,
}

#[derive(Debug, Default)]
pub struct Cloud {
    pub vpcs: Vec<Vpc>,
    pub subnets: Vec<Subnet>,
    pub enis: Vec<Eni>,
    pub instances: Vec<Instance>,
}

const SUBNETS: &[(usize, &str, &str, bool)] = &[
    (0, "prod-web-1a", "a", true),
    (0, "prod-web-1b", "b", true),
    (0, "prod-app-1a", "a", false),
    (0, "prod-data-1a", "a", false),
    (0, "prod-app-1b", "b", false),
    (1, "shared-svc-1a", "a", false),
    (1, "shared-svc-1b", "b", false),
    (1, "shared-mgmt-1a", "a", false),
];

/// Index of subnet `j` of VPC `vpc` in `SUBNETS`.
fn subnet_index(vpc: usize, j: usize) -> Option<usize> {
    SUBNETS
        .iter()
        .enumerate()
        .filter(|(_, s)| s.0 == vpc)
        .nth(j)
        .map(|(i, _)| i)
}

pub fn build(m: &mut Model, n: usize, rng: &mut Rng) -> Res<()> {
    let bases: Vec<usize> = EC2.iter().map(|t| t.base).collect();
    let per = apportion(n, &bases);
    // Where each instance goes, to size the subnets first.
    let mut plan: Vec<(usize, usize, Option<usize>)> = Vec::new();
    let mut load = vec![0usize; SUBNETS.len()];
    for (ti, t) in EC2.iter().enumerate() {
        for j in 0..per[ti] {
            if t.terminated {
                plan.push((ti, j, None));
                continue;
            }
            let sj = t.subnets[j % t.subnets.len()];
            let si = subnet_index(t.vpc, sj).ok_or("bad subnet in catalog")?;
            load[si] += 1 + usize::from(t.vip);
            if t.second_eni {
                load[subnet_index(t.vpc, 2).ok_or("bad subnet")?] += 1;
            }
            plan.push((ti, j, Some(si)));
        }
    }
    build_networks(m, &load, rng)?;
    let sgs: Vec<(String, String)> = EC2
        .iter()
        .map(|t| (rng.aws_id("sg"), format!("{}-sg", t.key)))
        .collect();
    let mut public_seen = std::collections::HashSet::new();
    for (ti, j, si) in plan {
        let t = &EC2[ti];
        let id = rng.aws_id("i");
        let name = (!t.prefix.is_empty()).then(|| format!("{}{:02}", t.prefix, j + 1));
        let app = (!t.app_tag.is_empty()).then(|| t.app.to_string());
        let wl_name = name.clone().unwrap_or_else(|| id.clone());
        let wl = m.add_workload(wl_name, app, false);
        let inst = m.cloud.instances.len();
        let mut enis = Vec::new();
        if let Some(si) = si {
            let public_ip = if t.public {
                Some(public_ip(rng, &mut public_seen))
            } else {
                None
            };
            enis.push(add_eni(m, inst, si, 0, public_ip, rng)?);
            let e0 = enis[0];
            if t.vip {
                let vip = alloc(&mut m.cloud.subnets[si], rng)?;
                m.cloud.enis[e0].secondary.push(vip);
            }
            if t.v6 {
                if let Some((prefix, _)) = m.cloud.subnets[si].v6 {
                    let suffix = u128::from(rng.next_u64() & 0x0fff_ffff_ffff_ffff);
                    m.cloud.enis[e0].v6.push(prefix | suffix);
                }
            }
            if t.second_eni {
                let s2 = subnet_index(t.vpc, 2).ok_or("bad subnet")?;
                let e1 = add_eni(m, inst, s2, 1, None, rng)?;
                m.cloud.enis[e1].idle = true;
                enis.push(e1);
            }
            if t.idle {
                m.cloud.enis[e0].idle = true;
            }
        }
        for &e in &enis {
            let eni = &m.cloud.enis[e];
            let addrs: Vec<u128> = std::iter::once(eni.primary)
                .chain(eni.secondary.iter().copied())
                .chain(eni.v6.iter().copied())
                .collect();
            for a in addrs {
                m.own(a, wl)?;
            }
        }
        m.cloud.instances.push(Instance {
            id,
            name,
            t: ti,
            wl,
            enis,
            subnet: si,
            launch: T0 - rng.range(86_400 * 3, 86_400 * 400) as i64,
            sg: sgs[ti].clone(),
            ami: rng.aws_id("ami"),
            reservation: rng.aws_id("r"),
            terminated: t.terminated,
        });
    }
    build_cmdb_rows(m)
}

fn public_ip(rng: &mut Rng, seen: &mut std::collections::HashSet<u32>) -> String {
    loop {
        let (a, b) = if rng.chance(1, 2) { (3, 210) } else { (54, 87) };
        let x = u32::from_be_bytes([a, b, rng.range(0, 255) as u8, rng.range(1, 254) as u8]);
        if seen.insert(x) {
            return fmt_addr(v4u(x));
        }
    }
}

fn build_networks(m: &mut Model, load: &[usize], rng: &mut Rng) -> Res<()> {
    for (i, (name, b)) in [("prod", 20u8), ("shared-services", 30u8)]
        .iter()
        .enumerate()
    {
        m.cloud.vpcs.push(Vpc {
            id: rng.aws_id("vpc"),
            name: (*name).into(),
            base: u32::from_be_bytes([10, *b, 0, 0]),
            v6: (i == 0).then(|| "2600:1f18:6b2:e500::/56".to_string()),
            assoc: rng.aws_id("vpc-cidr-assoc"),
            v6_assoc: rng.aws_id("vpc-cidr-assoc"),
            dhcp: rng.aws_id("dopt"),
            fl_id: format!("fl-0{}", rng.hex(16)),
        });
    }
    for (vpc_i, vpc) in m.cloud.vpcs.iter().enumerate() {
        let need = SUBNETS
            .iter()
            .zip(load)
            .filter(|(s, _)| s.0 == vpc_i && !s.1.ends_with("app-1b"))
            .map(|(_, l)| *l)
            .max()
            .unwrap_or(0);
        let len = (19u8..=24)
            .rev()
            .find(|p| (1u64 << (32 - p)) >= (need as u64 * 5 / 4 + 20))
            .ok_or("too many instances for one subnet")?;
        let mut j = 0u32;
        for (name, az, public) in SUBNETS
            .iter()
            .filter(|s| s.0 == vpc_i)
            .map(|s| (s.1, s.2, s.3))
        {
            let declared = !name.ends_with("app-1b");
            let (base, plen) = if declared {
                j += 1;
                (vpc.base + j * (1u32 << (32 - len)), len)
            } else {
                (vpc.base + (250 << 8), 24)
            };
            let v6 = if vpc_i == 0 && public {
                let k = j as u128;
                let prefix = crate::net::v6("2600:1f18:6b2:e500::")? | (k << 64);
                Some((prefix, format!("2600:1f18:6b2:e50{k}::/64")))
            } else {
                None
            };
            m.cloud.subnets.push(Subnet {
                id: rng.aws_id("subnet"),
                vpc: vpc_i,
                name: name.into(),
                az: format!("us-east-1{az}"),
                az_id: if az == "a" {
                    "use1-az4".into()
                } else {
                    "use1-az6".into()
                },
                base,
                len: plen,
                v6,
                declared,
                public,
                next: 10,
            });
        }
    }
    Ok(())
}

fn alloc(s: &mut Subnet, rng: &mut Rng) -> Res<u128> {
    let size = 1u32 << (32 - s.len);
    if s.next + 2 >= size {
        return Err(format!("subnet {} is full", s.name).into());
    }
    let a = v4u(s.base + s.next);
    s.next += 1 + u32::from(rng.chance(15, 100));
    Ok(a)
}

fn add_eni(
    m: &mut Model,
    inst: usize,
    si: usize,
    index: u32,
    public_ip: Option<String>,
    rng: &mut Rng,
) -> Res<usize> {
    let primary = alloc(&mut m.cloud.subnets[si], rng)?;
    let mac = format!(
        "0e:{}:{}:{}:{}:{}",
        rng.hex(2),
        rng.hex(2),
        rng.hex(2),
        rng.hex(2),
        rng.hex(2)
    );
    m.cloud.enis.push(Eni {
        id: rng.aws_id("eni"),
        inst,
        subnet: si,
        vpc: m.cloud.subnets[si].vpc,
        primary,
        secondary: Vec::new(),
        v6: Vec::new(),
        mac,
        attach: rng.aws_id("eni-attach"),
        index,
        public_ip,
        idle: false,
    });
    Ok(m.cloud.enis.len() - 1)
}

/// CMDB rows for ~29% of the named, running instances: every other one by the
/// same name in upper case, the others by a different name and the same IP.
/// Every third chosen row disagrees with the instance's tags on one attribute.
fn build_cmdb_rows(m: &mut Model) -> Res<()> {
    let named: Vec<usize> = (0..m.cloud.instances.len())
        .filter(|&i| {
            let inst = &m.cloud.instances[i];
            inst.name.is_some() && !inst.terminated && !EC2[inst.t].app_tag.is_empty()
        })
        .collect();
    let rows = (named.len() * 29 + 50) / 100;
    let mut k = 0usize;
    for (j, &i) in named.iter().enumerate() {
        if (j * rows) / named.len().max(1) == ((j + 1) * rows) / named.len().max(1) {
            continue;
        }
        let inst = &m.cloud.instances[i];
        let t = &EC2[inst.t];
        let tag_name = inst.name.clone().unwrap_or_default();
        let e0 = inst.enis.first().map(|&e| &m.cloud.enis[e]);
        let ip = e0.map(|e| *e.secondary.first().unwrap_or(&e.primary));
        let (name, addrs) = if k % 2 == 0 {
            let keep_ip = k % 4 != 2;
            (
                tag_name.to_uppercase(),
                if keep_ip {
                    ip.into_iter().collect()
                } else {
                    Vec::new()
                },
            )
        } else {
            (
                format!("aws-{tag_name}"),
                ip.into_iter().collect::<Vec<_>>(),
            )
        };
        let (mut owner, mut tier, mut crit) =
            (t.owner.to_string(), t.tier.to_string(), t.crit.to_string());
        if k % 3 == 0 {
            match (k / 3) % 3 {
                0 => owner = "team-platform".into(),
                1 => {
                    tier = if t.tier == "data" {
                        "app".into()
                    } else {
                        "data".into()
                    }
                }
                _ => {
                    crit = if t.crit == "critical" {
                        "high".into()
                    } else {
                        "critical".into()
                    }
                }
            }
        }
        let wl = inst.wl;
        for a in &addrs {
            m.own(*a, wl)?;
        }
        m.hosts.push(Host {
            name,
            addrs: addrs.into_iter().map(|a| (a, None)).collect(),
            app: t.app.into(),
            owner,
            tier,
            env: t.env.into(),
            crit,
            dclass: t.dclass.into(),
            labels: format!("source=aws;account={}", crate::model::ACCOUNT),
            key: "cloud",
        });
        k += 1;
    }
    Ok(())
}

/// The CIDR string of a subnet.
pub fn subnet_cidr(s: &Subnet) -> String {
    cidr4(s.base, s.len)
}
