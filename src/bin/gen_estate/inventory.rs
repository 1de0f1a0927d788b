//! Inventory files: topology.yaml, cmdb.csv and the AWS describe-* dumps.

use std::io::Write;
use std::path::Path;

use crate::catalog::{NAMESPACES, Role};
use crate::cloud::subnet_cidr;
use crate::json::{J, int, obj, s, write_pretty};
use crate::model::{ACCOUNT, CLUSTER, Model, REGION, Res, site_cidrs, vlan_cidr};
use crate::net::{Out, cidr4, fmt_addr};

pub fn write_all(dir: &Path, m: &Model) -> Res<()> {
    topology(dir, m)?;
    cmdb(dir, m)?;
    vpcs(dir, m)?;
    subnets(dir, m)?;
    crate::ec2::instances(dir, m)?;
    Ok(())
}

fn topology(dir: &Path, m: &Model) -> Res<()> {
    let mut y = String::new();
    y.push_str("# Northwind network topology (Blastwall topology format, version 1).\n");
    y.push_str(
        "# AWS VPCs and subnets come from aws/describe-vpcs.json and aws/describe-subnets.json.\n",
    );
    y.push_str("kind: topology\nversion: 1\ninternal_ranges:\n");
    y.push_str("  - 198.18.0.0/15        # DC1 lab / benchmarking network, routed internally\n");
    y.push_str("networks:\n");
    y.push_str("  - id: dc1\n    name: Northwind DC1 (Reading)\n    kind: site\n    cidrs: [");
    y.push_str(&site_cidrs(m).join(", "));
    y.push_str("]\n");
    for v in &m.vlans {
        let enforcement = match v.role {
            Role::Users => "[nac, host-firewall]",
            Role::Nodes => "[host-firewall]",
            _ => "[host-firewall]",
        };
        let mut cidrs = vec![vlan_cidr(v)];
        if let Some(c) = &v.v6 {
            cidrs.push(c.clone());
        }
        y.push_str(&format!(
            "  - id: {}\n    name: {}\n    kind: vlan\n    vlan_id: {}\n    cidrs: [{}]\n    parent: dc1\n    enforcement: {}\n",
            v.id,
            v.name,
            v.vlan_id,
            cidrs.join(", "),
            enforcement
        ));
    }
    y.push_str(&format!(
        "  - id: {CLUSTER}\n    name: Production Kubernetes (Cilium)\n    kind: cluster\n    cidrs: [{}]\n    parent: dc1\n    enforcement: [networkpolicy, cilium]\n    namespaces: [{}]\n",
        m.k8s.pod_cidr,
        NAMESPACES.join(", ")
    ));
    y.push_str("identity_sources:\n");
    let covered: Vec<&str> = m
        .vlans
        .iter()
        .filter(|v| v.role != Role::Nodes)
        .map(|v| v.id.as_str())
        .collect();
    y.push_str(&format!(
        "  - name: corp-ad\n    kind: active-directory\n    covers: [{}]\n    description: NORTHWIND.LOCAL forest; users, VDI desktops and Windows servers\n",
        covered.join(", ")
    ));
    y.push_str(&format!(
        "  - name: {CLUSTER}-serviceaccounts\n    kind: kubernetes-service-accounts\n    covers: [{CLUSTER}]\n    description: Service accounts of {CLUSTER}, exposed to Cilium as io.cilium.k8s.policy.serviceaccount\n"
    ));
    std::fs::write(dir.join("topology.yaml"), y)?;
    Ok(())
}

/// RFC 4180 field: quoted when it holds a comma, quote or line break.
fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

fn cmdb(dir: &Path, m: &Model) -> Res<()> {
    let mut out = Out::create(&dir.join("cmdb.csv"), None)?;
    out.write_all(b"name,ip,app,owner,tier,env,criticality,data class,labels\r\n")?;
    let mut order: Vec<usize> = (0..m.hosts.len()).collect();
    order.sort_by_key(|&i| m.hosts[i].name.to_lowercase());
    for i in order {
        let h = &m.hosts[i];
        let ips: Vec<String> = h.addrs.iter().map(|(a, _)| fmt_addr(*a)).collect();
        let fields = [
            h.name.as_str(),
            &ips.join(";"),
            &h.app,
            &h.owner,
            &h.tier,
            &h.env,
            &h.crit,
            &h.dclass,
            &h.labels,
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.write_all(line.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    out.finish()?;
    Ok(())
}

pub fn tags(pairs: &[(&str, String)]) -> J {
    J::Arr(
        pairs
            .iter()
            .map(|(k, v)| obj(vec![("Key", s(*k)), ("Value", s(v.clone()))]))
            .collect(),
    )
}

fn vpcs(dir: &Path, m: &Model) -> Res<()> {
    let mut items = Vec::new();
    for v in &m.cloud.vpcs {
        let cidr = cidr4(v.base, 16);
        let mut o = vec![
            ("CidrBlock", s(cidr.clone())),
            ("DhcpOptionsId", s(v.dhcp.clone())),
            ("State", s("available")),
            ("VpcId", s(v.id.clone())),
            ("OwnerId", s(ACCOUNT)),
            ("InstanceTenancy", s("default")),
        ];
        if let Some(v6) = &v.v6 {
            o.push((
                "Ipv6CidrBlockAssociationSet",
                J::Arr(vec![obj(vec![
                    ("AssociationId", s(v.v6_assoc.clone())),
                    ("Ipv6CidrBlock", s(v6.clone())),
                    ("Ipv6CidrBlockState", obj(vec![("State", s("associated"))])),
                    ("NetworkBorderGroup", s(REGION)),
                    ("Ipv6Pool", s("Amazon")),
                ])]),
            ));
        }
        o.push((
            "CidrBlockAssociationSet",
            J::Arr(vec![obj(vec![
                ("AssociationId", s(v.assoc.clone())),
                ("CidrBlock", s(cidr)),
                ("CidrBlockState", obj(vec![("State", s("associated"))])),
            ])]),
        ));
        o.push(("IsDefault", J::Bool(false)));
        o.push((
            "Tags",
            tags(&[
                ("Name", format!("northwind-{}", v.name)),
                (
                    "env",
                    if v.name == "prod" {
                        "prod".into()
                    } else {
                        "shared".into()
                    },
                ),
            ]),
        ));
        items.push(obj(o));
    }
    write_doc(dir, "aws/describe-vpcs.json", "Vpcs", &items)
}

fn subnets(dir: &Path, m: &Model) -> Res<()> {
    let mut items = Vec::new();
    for (si, sn) in m
        .cloud
        .subnets
        .iter()
        .enumerate()
        .filter(|(_, sn)| sn.declared)
    {
        let size = 1i64 << (32 - sn.len);
        let used: usize = m
            .cloud
            .enis
            .iter()
            .filter(|e| e.subnet == si)
            .map(|e| 1 + e.secondary.len())
            .sum();
        let used = used as i64;
        let v6: Vec<J> = sn
            .v6
            .iter()
            .map(|(_, c)| {
                obj(vec![
                    (
                        "AssociationId",
                        s(sn.id.replace("subnet-", "subnet-cidr-assoc-")),
                    ),
                    ("Ipv6CidrBlock", s(c.clone())),
                    ("Ipv6CidrBlockState", obj(vec![("State", s("associated"))])),
                ])
            })
            .collect();
        items.push(obj(vec![
            ("AvailabilityZone", s(sn.az.clone())),
            ("AvailabilityZoneId", s(sn.az_id.clone())),
            ("AvailableIpAddressCount", int(size - 5 - used)),
            ("CidrBlock", s(subnet_cidr(sn))),
            ("DefaultForAz", J::Bool(false)),
            ("MapPublicIpOnLaunch", J::Bool(sn.public)),
            ("State", s("available")),
            ("SubnetId", s(sn.id.clone())),
            ("VpcId", s(m.cloud.vpcs[sn.vpc].id.clone())),
            ("OwnerId", s(ACCOUNT)),
            ("AssignIpv6AddressOnCreation", J::Bool(false)),
            ("Ipv6CidrBlockAssociationSet", J::Arr(v6)),
            (
                "Tags",
                tags(&[
                    ("Name", sn.name.clone()),
                    ("tier", subnet_tier(&sn.name).into()),
                ]),
            ),
            (
                "SubnetArn",
                s(format!("arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{}", sn.id)),
            ),
        ]));
    }
    write_doc(dir, "aws/describe-subnets.json", "Subnets", &items)
}

fn subnet_tier(name: &str) -> &'static str {
    ["web", "app", "data", "svc", "mgmt"]
        .into_iter()
        .find(|t| name.contains(t))
        .unwrap_or("app")
}

/// `{"<key>": [items...]}` pretty-printed, one item at a time.
pub fn write_doc(dir: &Path, rel: &str, key: &str, items: &[J]) -> Res<()> {
    let mut out = Out::create(&dir.join(rel), None)?;
    out.write_all(format!("{{\n    \"{key}\": [").as_bytes())?;
    for (i, item) in items.iter().enumerate() {
        out.write_all(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        write_pretty(&mut out, item, 2)?;
    }
    out.write_all(if items.is_empty() {
        b"]\n}\n"
    } else {
        b"\n    ]\n}\n"
    })?;
    out.finish()?;
    Ok(())
}
