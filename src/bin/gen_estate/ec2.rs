//! `aws ec2 describe-instances` output, streamed one reservation at a time.

use std::io::Write;
use std::path::Path;

use crate::catalog::EC2;
use crate::cloud::{Eni, Instance};
use crate::inventory::tags;
use crate::json::{J, int, obj, s, write_pretty};
use crate::model::{ACCOUNT, Model, Res};
use crate::net::{Out, aws_time, fmt_addr};

fn dns(addr: u128) -> String {
    format!("ip-{}.ec2.internal", fmt_addr(addr).replace('.', "-"))
}

fn public_dns(ip: &str) -> String {
    format!("ec2-{}.compute-1.amazonaws.com", ip.replace('.', "-"))
}

fn groups(inst: &Instance) -> J {
    J::Arr(vec![obj(vec![
        ("GroupName", s(inst.sg.1.clone())),
        ("GroupId", s(inst.sg.0.clone())),
    ])])
}

fn eni_json(m: &Model, inst: &Instance, e: &Eni) -> J {
    let subnet = &m.cloud.subnets[e.subnet];
    let assoc = e.public_ip.as_ref().map(|ip| {
        obj(vec![
            ("IpOwnerId", s("amazon")),
            ("PublicDnsName", s(public_dns(ip))),
            ("PublicIp", s(ip.clone())),
        ])
    });
    let mut ips = Vec::new();
    for (i, a) in std::iter::once(e.primary)
        .chain(e.secondary.iter().copied())
        .enumerate()
    {
        let mut o = Vec::new();
        if i == 0 {
            if let Some(a) = &assoc {
                o.push(("Association", a.clone()));
            }
        }
        o.push(("Primary", J::Bool(i == 0)));
        o.push(("PrivateDnsName", s(dns(a))));
        o.push(("PrivateIpAddress", s(fmt_addr(a))));
        ips.push(obj(o));
    }
    let mut o = Vec::new();
    if let Some(a) = assoc {
        o.push(("Association", a));
    }
    o.extend([
        (
            "Attachment",
            obj(vec![
                (
                    "AttachTime",
                    s(aws_time(inst.launch + i64::from(e.index) * 60)),
                ),
                ("AttachmentId", s(e.attach.clone())),
                ("DeleteOnTermination", J::Bool(e.index == 0)),
                ("DeviceIndex", int(e.index)),
                ("Status", s("attached")),
                ("NetworkCardIndex", int(0)),
            ]),
        ),
        (
            "Description",
            s(if e.index == 0 {
                ""
            } else {
                "replication interface"
            }),
        ),
        ("Groups", groups(inst)),
        (
            "Ipv6Addresses",
            J::Arr(
                e.v6.iter()
                    .map(|a| obj(vec![("Ipv6Address", s(fmt_addr(*a)))]))
                    .collect(),
            ),
        ),
        ("MacAddress", s(e.mac.clone())),
        ("NetworkInterfaceId", s(e.id.clone())),
        ("OwnerId", s(ACCOUNT)),
        ("PrivateDnsName", s(dns(e.primary))),
        ("PrivateIpAddress", s(fmt_addr(e.primary))),
        ("PrivateIpAddresses", J::Arr(ips)),
        ("SourceDestCheck", J::Bool(true)),
        ("Status", s("in-use")),
        ("SubnetId", s(subnet.id.clone())),
        ("VpcId", s(m.cloud.vpcs[subnet.vpc].id.clone())),
        ("InterfaceType", s("interface")),
    ]);
    obj(o)
}

fn instance_tags(inst: &Instance, idx: usize) -> J {
    let t = &EC2[inst.t];
    let mut v: Vec<(&str, String)> = Vec::new();
    if let Some(n) = &inst.name {
        v.push(("Name", n.clone()));
    }
    if !t.app_tag.is_empty() {
        v.push((t.app_tag, t.app.to_string()));
    }
    v.push(("tier", t.tier.into()));
    v.push(("env", t.env.into()));
    v.push(("owner", t.owner.into()));
    v.push(("data-class", t.dclass.into()));
    v.push(("cost-center", format!("cc-{}", 4100 + (inst.t % 7) * 10)));
    v.push((
        "managed-by",
        if idx % 5 == 0 {
            "console".into()
        } else {
            "terraform".into()
        },
    ));
    if t.tier == "data" {
        v.push(("backup-policy", "daily-35d".into()));
    }
    for (k, val) in t.tags {
        v.push((k, (*val).to_string()));
    }
    let r = idx % v.len().max(1);
    v.rotate_left(r);
    tags(&v)
}

fn instance_json(m: &Model, inst: &Instance, idx: usize) -> J {
    let t = &EC2[inst.t];
    let arm = t.itype.contains("6g");
    let mut o: Vec<(&str, J)> = vec![
        ("AmiLaunchIndex", int(0)),
        ("ImageId", s(inst.ami.clone())),
        ("InstanceId", s(inst.id.clone())),
        ("InstanceType", s(t.itype)),
        ("KeyName", s("northwind-ops-2024")),
        ("LaunchTime", s(aws_time(inst.launch))),
        ("Monitoring", obj(vec![("State", s("disabled"))])),
    ];
    let az = inst
        .subnet
        .map(|si| m.cloud.subnets[si].az.clone())
        .unwrap_or_else(|| "us-east-1a".into());
    o.push((
        "Placement",
        obj(vec![
            ("AvailabilityZone", s(az)),
            ("GroupName", s("")),
            ("Tenancy", s("default")),
        ]),
    ));
    let e0 = inst.enis.first().map(|&e| &m.cloud.enis[e]);
    match e0 {
        Some(e) => {
            o.push(("PrivateDnsName", s(dns(e.primary))));
            o.push(("PrivateIpAddress", s(fmt_addr(e.primary))));
        }
        None => o.push(("PrivateDnsName", s(""))),
    }
    o.push(("ProductCodes", J::Arr(vec![])));
    let public = e0.and_then(|e| e.public_ip.clone());
    o.push((
        "PublicDnsName",
        s(public.as_deref().map(public_dns).unwrap_or_default()),
    ));
    if let Some(ip) = public {
        o.push(("PublicIpAddress", s(ip)));
    }
    if inst.terminated {
        o.push((
            "State",
            obj(vec![("Code", int(48)), ("Name", s("terminated"))]),
        ));
        o.push((
            "StateTransitionReason",
            s("User initiated (2025-11-10 09:12:44 GMT)"),
        ));
    } else {
        o.push((
            "State",
            obj(vec![("Code", int(16)), ("Name", s("running"))]),
        ));
        o.push(("StateTransitionReason", s("")));
    }
    if let (Some(e), Some(si)) = (e0, inst.subnet) {
        o.push(("SubnetId", s(m.cloud.subnets[si].id.clone())));
        o.push(("VpcId", s(m.cloud.vpcs[e.vpc].id.clone())));
    }
    o.push(("Architecture", s(if arm { "arm64" } else { "x86_64" })));
    let bdm = if inst.terminated {
        J::Arr(vec![])
    } else {
        J::Arr(vec![obj(vec![
            ("DeviceName", s("/dev/xvda")),
            (
                "Ebs",
                obj(vec![
                    ("AttachTime", s(aws_time(inst.launch + 2))),
                    ("DeleteOnTermination", J::Bool(true)),
                    ("Status", s("attached")),
                    ("VolumeId", s(format!("vol-0{}", &inst.id[3..]))),
                ]),
            ),
        ])])
    };
    o.push(("BlockDeviceMappings", bdm));
    o.push((
        "ClientToken",
        s(if t.prefix.is_empty() {
            "asg-launch"
        } else {
            ""
        }),
    ));
    o.push(("EbsOptimized", J::Bool(true)));
    o.push(("EnaSupport", J::Bool(true)));
    o.push(("Hypervisor", s("xen")));
    o.push((
        "IamInstanceProfile",
        obj(vec![
            (
                "Arn",
                s(format!(
                    "arn:aws:iam::{ACCOUNT}:instance-profile/{}-role",
                    t.key
                )),
            ),
            ("Id", s(format!("AIPA{}", inst.id[2..].to_uppercase()))),
        ]),
    ));
    let enis: Vec<J> = inst
        .enis
        .iter()
        .map(|&e| eni_json(m, inst, &m.cloud.enis[e]))
        .collect();
    o.push(("NetworkInterfaces", J::Arr(enis)));
    o.push(("RootDeviceName", s("/dev/xvda")));
    o.push(("RootDeviceType", s("ebs")));
    o.push((
        "SecurityGroups",
        if inst.terminated {
            J::Arr(vec![])
        } else {
            groups(inst)
        },
    ));
    o.push(("SourceDestCheck", J::Bool(true)));
    if inst.terminated {
        o.push((
            "StateReason",
            obj(vec![
                ("Code", s("Client.UserInitiatedShutdown")),
                (
                    "Message",
                    s("Client.UserInitiatedShutdown: User initiated shutdown"),
                ),
            ]),
        ));
    }
    o.push(("Tags", instance_tags(inst, idx)));
    o.push(("VirtualizationType", s("hvm")));
    o.push((
        "CpuOptions",
        obj(vec![("CoreCount", int(1)), ("ThreadsPerCore", int(2))]),
    ));
    o.push((
        "MetadataOptions",
        obj(vec![
            ("State", s("applied")),
            ("HttpTokens", s("required")),
            ("HttpPutResponseHopLimit", int(2)),
            ("HttpEndpoint", s("enabled")),
        ]),
    ));
    o.push(("PlatformDetails", s("Linux/UNIX")));
    o.push(("UsageOperation", s("RunInstances")));
    obj(o)
}

pub fn instances(dir: &Path, m: &Model) -> Res<()> {
    let mut out = Out::create(&dir.join("aws/describe-instances.json"), None)?;
    out.write_all(b"{\n    \"Reservations\": [")?;
    for (i, inst) in m.cloud.instances.iter().enumerate() {
        let mut r = vec![
            ("Groups", J::Arr(vec![])),
            ("Instances", J::Arr(vec![instance_json(m, inst, i)])),
            ("OwnerId", s(ACCOUNT)),
        ];
        if EC2[inst.t].prefix.is_empty() {
            r.push(("RequesterId", s("940372691376")));
        }
        r.push(("ReservationId", s(inst.reservation.clone())));
        out.write_all(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        write_pretty(&mut out, &obj(r), 2)?;
    }
    out.write_all(b"\n    ]\n}\n")?;
    out.finish()?;
    Ok(())
}
