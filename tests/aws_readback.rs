//! Read-back of `enforcement/aws/security_groups.tf` with a real HCL parser (hcl-rs): the schema
//! points of formats.md §8.5 (exactly one peer per rule, no ports with `-1`, ports for tcp/udp,
//! no inline rules, identifiers, descriptions within AWS's limits), then an evaluator of the
//! groups — membership from each group's `output`, rules matched by referenced group or CIDR,
//! protocol and port range; a connection passes when the server's groups let it in and the
//! client's groups let it out — compared with the plan's verdicts by the shared harness.

#[path = "readback/generated.rs"]
mod generated;
#[path = "readback/harness.rs"]
mod harness;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use blastwall::analysis::Endpoint;
use blastwall::export::enforcement::aws;
use harness::{Artifact, Case, Error, TestResult, compare};
use hcl::expr::{Expression, Operation, TraversalOperator, UnaryOperator};
use ipnet::IpNet;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Peer {
    Group(String),
    Cidr(IpNet),
}

#[derive(Debug, Clone)]
struct SgRule {
    peer: Peer,
    protocol: String,
    ports: Option<(i64, i64)>,
}

#[derive(Debug, Default)]
struct Groups {
    /// Group → (inbound, outbound).
    rules: BTreeMap<String, (Vec<SgRule>, Vec<SgRule>)>,
    /// Workload → its groups.
    member_of: HashMap<u32, BTreeSet<String>>,
}

fn text(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn number(expr: &Expression) -> Option<i64> {
    match expr {
        Expression::Number(n) => n.as_i64(),
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) if u.operator == UnaryOperator::Neg => number(&u.expr).map(|n| -n),
            _ => None,
        },
        _ => None,
    }
}

/// `aws_security_group.NAME.id` → NAME.
fn group_reference(expr: &Expression) -> Option<String> {
    let Expression::Traversal(t) = expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    match t.operators.as_slice() {
        [
            TraversalOperator::GetAttr(name),
            TraversalOperator::GetAttr(id),
        ] if root.as_str() == "aws_security_group" && id.as_str() == "id" => {
            Some(name.as_str().to_string())
        }
        _ => None,
    }
}

fn check_description(attrs: &HashMap<String, Expression>) -> Result<(), Error> {
    const ALLOWED: &str = " ._-:/()#,@[]+=&;{}!$*";
    if let Some(d) = attrs.get("description").and_then(text) {
        let ok = d.len() <= 255
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || ALLOWED.contains(c));
        if !ok {
            return Err(format!("description not allowed by AWS: {d:?}").into());
        }
    }
    Ok(())
}

fn parse_rule(attrs: &HashMap<String, Expression>) -> Result<(String, SgRule), Error> {
    let group = attrs
        .get("security_group_id")
        .and_then(group_reference)
        .ok_or("security_group_id is not a group of the file")?;
    let peers: Vec<&str> = [
        "cidr_ipv4",
        "cidr_ipv6",
        "prefix_list_id",
        "referenced_security_group_id",
    ]
    .into_iter()
    .filter(|k| attrs.contains_key(*k))
    .collect();
    let peer = match peers.as_slice() {
        ["referenced_security_group_id"] => Peer::Group(
            attrs
                .get("referenced_security_group_id")
                .and_then(group_reference)
                .ok_or("bad referenced group")?,
        ),
        [key @ ("cidr_ipv4" | "cidr_ipv6")] => {
            let net: IpNet = attrs
                .get(*key)
                .and_then(text)
                .ok_or("cidr not text")?
                .parse()?;
            if (*key == "cidr_ipv4") != net.addr().is_ipv4() || net.trunc() != net {
                return Err(format!("{key} = {net}").into());
            }
            Peer::Cidr(net)
        }
        other => return Err(format!("expected exactly one peer argument, found {other:?}").into()),
    };
    let protocol = attrs
        .get("ip_protocol")
        .and_then(text)
        .ok_or("no ip_protocol")?;
    let from = attrs.get("from_port").map(number);
    let to = attrs.get("to_port").map(number);
    let ports = match (protocol.as_str(), from, to) {
        ("-1", None, None) => None,
        ("tcp" | "udp", Some(Some(a)), Some(Some(b))) if 0 <= a && a <= b && b <= 65535 => {
            Some((a, b))
        }
        ("icmp" | "icmpv6", Some(Some(-1)), Some(Some(-1))) => Some((-1, -1)),
        (p, None, None) if p.parse::<u8>().is_ok() => None,
        other => return Err(format!("bad protocol and ports {other:?}").into()),
    };
    check_description(attrs)?;
    Ok((
        group,
        SgRule {
            peer,
            protocol,
            ports,
        },
    ))
}

fn attributes(block: &hcl::Block) -> HashMap<String, Expression> {
    block
        .body()
        .attributes()
        .map(|a| (a.key().to_string(), a.expr().clone()))
        .collect()
}

fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Parses the Terraform and reads the groups back.
fn read_back(case: &Case) -> Result<Groups, Error> {
    let ctx = case.context();
    let body = hcl::parse(&aws::terraform(&ctx))?;
    let names: HashMap<&str, u32> = case
        .estate
        .workloads
        .iter()
        .enumerate()
        .map(|(i, w)| (w.name.as_str(), i as u32))
        .collect();
    let mut groups = Groups::default();
    let mut pending = Vec::new();
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        let attrs = attributes(block);
        match (block.identifier(), labels.as_slice()) {
            ("resource", ["aws_security_group", name]) => {
                if block.body().blocks().next().is_some() {
                    return Err(format!("{name}: inline blocks").into());
                }
                if !is_identifier(name) || attrs.get("vpc_id").and_then(text).is_none() {
                    return Err(format!("{name}: bad name or no vpc_id").into());
                }
                check_description(&attrs)?;
                groups.rules.entry(name.to_string()).or_default();
            }
            (
                "resource",
                [
                    kind @ ("aws_vpc_security_group_ingress_rule"
                    | "aws_vpc_security_group_egress_rule"),
                    name,
                ],
            ) => {
                if !is_identifier(name) {
                    return Err(format!("{name}: not an identifier").into());
                }
                pending.push((kind.ends_with("ingress_rule"), parse_rule(&attrs)?));
            }
            ("output", [name]) => {
                let group = name.strip_suffix("_instances").ok_or("unknown output")?;
                let Some(Expression::Array(values)) = attrs.get("value") else {
                    return Err("output value is not a list".into());
                };
                for value in values {
                    let instance = text(value).ok_or("instance not text")?;
                    let w = *names.get(instance.as_str()).ok_or("unknown instance")?;
                    groups
                        .member_of
                        .entry(w)
                        .or_default()
                        .insert(group.to_string());
                }
            }
            other => return Err(format!("unexpected block {other:?}").into()),
        }
    }
    for (inbound, (group, rule)) in pending {
        if let Peer::Group(g) = &rule.peer {
            if !groups.rules.contains_key(g) {
                return Err(format!("reference to unknown group {g}").into());
            }
        }
        let entry = groups
            .rules
            .get_mut(&group)
            .ok_or("rule of an unknown group")?;
        if inbound {
            entry.0.push(rule)
        } else {
            entry.1.push(rule)
        }
    }
    Ok(groups)
}

impl SgRule {
    fn matches(
        &self,
        peer_groups: Option<&BTreeSet<String>>,
        address: IpAddr,
        port: u16,
        proto: u8,
    ) -> bool {
        let peer = match &self.peer {
            Peer::Group(g) => peer_groups.is_some_and(|set| set.contains(g)),
            Peer::Cidr(net) => net.contains(&address),
        };
        let service = match (self.protocol.as_str(), self.ports) {
            ("-1", _) => true,
            ("tcp", Some((a, b))) => proto == 6 && (a..=b).contains(&i64::from(port)),
            ("udp", Some((a, b))) => proto == 17 && (a..=b).contains(&i64::from(port)),
            ("icmp", _) => proto == 1,
            ("icmpv6", _) => proto == 58,
            (number, None) => number.parse::<u8>().ok() == Some(proto),
            _ => false,
        };
        peer && service
    }
}

impl Groups {
    fn passes(
        &self,
        own: u32,
        peer: Endpoint,
        address: IpAddr,
        port: u16,
        proto: u8,
        inbound: bool,
    ) -> Option<bool> {
        let mine = self.member_of.get(&own)?;
        let theirs = match peer {
            Endpoint::Workload(w) => self.member_of.get(&w),
            Endpoint::Address(_) => None,
        };
        Some(mine.iter().any(|g| {
            self.rules.get(g).is_some_and(|(i, o)| {
                let rules = if inbound { i } else { o };
                rules
                    .iter()
                    .any(|r| r.matches(theirs, address, port, proto))
            })
        }))
    }
}

impl Artifact for Groups {
    fn inbound(
        &self,
        server: u32,
        client: Endpoint,
        from: IpAddr,
        port: u16,
        proto: u8,
    ) -> Option<bool> {
        self.passes(server, client, from, port, proto, true)
    }

    fn outbound(
        &self,
        client: u32,
        server: Endpoint,
        to: IpAddr,
        port: u16,
        proto: u8,
    ) -> Option<bool> {
        self.passes(client, server, to, port, proto, false)
    }

    fn covers(&self, workload: u32) -> bool {
        self.member_of.contains_key(&workload)
    }
}

fn check(case: &Case) -> TestResult {
    let groups = read_back(case)?;
    for (w, set) in &groups.member_of {
        if set.len() != 1 {
            return Err(format!("workload {w} in {} groups", set.len()).into());
        }
    }
    let (errors, tally) = compare(case, &groups);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        tally.checked > 0 || groups.member_of.is_empty(),
        "{tally:?}"
    );
    Ok(())
}

#[test]
fn demo_security_groups_allow_exactly_the_plan() -> TestResult {
    let case = harness::demo()?;
    let groups = read_back(&case)?;
    assert!(
        !groups.member_of.is_empty(),
        "the demo has EC2 instances in VPCs"
    );
    check(&case)
}

#[test]
fn small_security_groups_allow_exactly_the_plan() -> TestResult {
    let case = harness::small()?;
    check(&case)?;
    let ctx = case.context();
    insta::assert_snapshot!("aws-security_groups.tf", aws::terraform(&ctx));
    insta::assert_snapshot!("aws-README.md", aws::readme(&ctx));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn generated_security_groups_allow_exactly_the_plan(case in generated::cases()) {
        let result = case.and_then(|case| check(&case).map_err(|e| e.to_string()));
        prop_assert!(result.is_ok(), "{:?}", result.err());
    }
}
