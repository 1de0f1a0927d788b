//! AWS CLI v2 JSON (PascalCase keys): `aws ec2 describe-instances` into workloads,
//! `describe-vpcs` and `describe-subnets` into declared networks. `NextToken` is ignored: merge
//! paginated outputs by importing every file.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use super::kubernetes::{json_error, nullable};
use crate::model::{
    Attribute, Enforcement, Network, NetworkKind, NetworkRef, WorkloadKind, WorkloadRecord,
};

/// Tag keys (matched case-insensitively) that set an attribute, most preferred first.
const TAG_ATTRIBUTES: [(Attribute, &[&str]); 6] = [
    (Attribute::App, &["app", "application"]),
    (Attribute::Tier, &["tier"]),
    (Attribute::Env, &["env", "environment"]),
    (Attribute::Owner, &["owner"]),
    (Attribute::Criticality, &["criticality"]),
    (
        Attribute::DataClass,
        &["data-class", "data_classification", "data_class"],
    ),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Tag {
    key: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InstancesFile {
    #[serde(deserialize_with = "nullable")]
    reservations: Vec<Reservation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Reservation {
    #[serde(deserialize_with = "nullable")]
    instances: Vec<Instance>,
}

/// An instance, or one of its network interfaces (which lack the instance's own fields).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Instance {
    instance_id: String,
    state: Option<Named>,
    private_ip_address: Option<String>,
    public_ip_address: Option<String>,
    ipv6_address: Option<String>,
    vpc_id: Option<String>,
    subnet_id: Option<String>,
    iam_instance_profile: Option<Named>,
    #[serde(deserialize_with = "nullable")]
    tags: Vec<Tag>,
    #[serde(deserialize_with = "nullable")]
    network_interfaces: Vec<Instance>,
    #[serde(deserialize_with = "nullable")]
    private_ip_addresses: Vec<InterfaceAddress>,
    #[serde(deserialize_with = "nullable")]
    ipv6_addresses: Vec<InterfaceAddress>,
}

/// `State` (`Name`) or `IamInstanceProfile` (`Arn`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Named {
    name: String,
    arn: Option<String>,
}

/// An entry of `PrivateIpAddresses` or `Ipv6Addresses`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct InterfaceAddress {
    private_ip_address: Option<String>,
    association: Option<Association>,
    ipv6_address: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct Association {
    public_ip: Option<String>,
}

/// The trimmed, non-empty `Name` tag.
fn name_tag(tags: &[Tag]) -> Option<&str> {
    let name = tags
        .iter()
        .find(|t| t.key == "Name")
        .map(|t| t.value.trim());
    name.filter(|v| !v.is_empty())
}

/// Parses each present, non-blank value; a bad one is an error naming its field and owner.
fn parse_each<T: PartialEq>(
    values: Vec<(String, Option<&String>)>,
    (expected, owner): (&str, &str),
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, InputError> {
    let mut parsed = Vec::new();
    for (field, text) in values {
        let Some(text) = text.map(|t| t.trim()).filter(|t| !t.is_empty()) else {
            continue;
        };
        let value = parse(text).ok_or_else(|| {
            InputError::new(expected, format!("{} {owner}", shown(text.as_bytes()))).field(field)
        })?;
        if !parsed.contains(&value) {
            parsed.push(value);
        }
    }
    Ok(parsed)
}

/// Parses `aws ec2 describe-instances` output into one workload per listed instance. Terminated
/// instances (listed for a while after they end, without addresses) are kept, and a note says
/// how many there were.
pub fn parse_instances(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let file: InstancesFile = serde_json::from_reader(input)
        .map_err(|e| json_error(ctx, &e, "aws ec2 describe-instances JSON"))?;
    let mut terminated = 0;
    for (r, reservation) in file.reservations.into_iter().enumerate() {
        for (i, instance) in reservation.instances.into_iter().enumerate() {
            if instance
                .state
                .as_ref()
                .is_some_and(|s| s.name == "terminated")
            {
                terminated += 1;
            }
            match instance_record(instance, &format!("Reservations[{r}].Instances[{i}]")) {
                Ok(record) => batch.workloads.push(record),
                Err(error) => ctx.bad(None, error)?,
            }
        }
    }
    if terminated > 0 {
        let plural = if terminated == 1 { "" } else { "s" };
        let file = &ctx.file;
        let warning = format!(
            "{file}: {terminated} terminated instance{plural}, kept as workloads without addresses"
        );
        batch.warnings.push(warning);
    }
    Ok(())
}

fn instance_record(instance: Instance, place: &str) -> Result<WorkloadRecord, InputError> {
    let id = instance.instance_id.trim();
    if id.is_empty() {
        let error = InputError::new("an instance id", format!("none in {place}"));
        return Err(error.field("InstanceId"));
    }
    let profile = instance
        .iam_instance_profile
        .as_ref()
        .and_then(|p| p.arn.clone());
    let mut record = WorkloadRecord {
        name: name_tag(&instance.tags).unwrap_or(id).to_string(),
        kind: Some(WorkloadKind::Instance),
        addresses: addresses(&instance, id)?,
        identity: profile.filter(|arn| !arn.is_empty()),
        ..WorkloadRecord::default()
    };
    for (attribute, keys) in TAG_ATTRIBUTES {
        let matches = |key: &&str| {
            let tags = instance.tags.iter();
            tags.filter(|t| t.key.eq_ignore_ascii_case(key))
                .find(|t| !t.value.trim().is_empty())
        };
        if let Some(tag) = keys.iter().find_map(matches) {
            record.set_attribute(attribute, &tag.value);
        }
    }
    let mut networks = BTreeSet::new();
    for part in std::iter::once(&instance).chain(&instance.network_interfaces) {
        let vpc = part
            .vpc_id
            .iter()
            .map(|id| NetworkRef::new(NetworkKind::Vpc, id.trim()));
        let subnet = part
            .subnet_id
            .iter()
            .map(|id| NetworkRef::new(NetworkKind::Subnet, id.trim()));
        networks.extend(vpc.chain(subnet).filter(|n| !n.id.is_empty()));
    }
    record.networks = networks.into_iter().collect();
    let labels = instance.tags.into_iter().filter(|t| t.key != "Name");
    record.labels = labels.map(|t| (t.key, t.value)).collect();
    Ok(record)
}

/// Every address of an instance and its interfaces, as host prefixes, without repeats.
fn addresses(instance: &Instance, id: &str) -> Result<Vec<IpNet>, InputError> {
    let mut found = vec![
        (
            "PrivateIpAddress".to_string(),
            instance.private_ip_address.as_ref(),
        ),
        (
            "PublicIpAddress".to_string(),
            instance.public_ip_address.as_ref(),
        ),
        ("Ipv6Address".to_string(), instance.ipv6_address.as_ref()),
    ];
    for (n, interface) in instance.network_interfaces.iter().enumerate() {
        let at = format!("NetworkInterfaces[{n}]");
        found.push((
            format!("{at}.PrivateIpAddress"),
            interface.private_ip_address.as_ref(),
        ));
        for (p, private) in interface.private_ip_addresses.iter().enumerate() {
            let at = format!("{at}.PrivateIpAddresses[{p}]");
            let public = private
                .association
                .as_ref()
                .and_then(|a| a.public_ip.as_ref());
            found.push((
                format!("{at}.PrivateIpAddress"),
                private.private_ip_address.as_ref(),
            ));
            found.push((format!("{at}.Association.PublicIp"), public));
        }
        for (v, ipv6) in interface.ipv6_addresses.iter().enumerate() {
            found.push((
                format!("{at}.Ipv6Addresses[{v}].Ipv6Address"),
                ipv6.ipv6_address.as_ref(),
            ));
        }
    }
    let owner = format!("on instance {id}");
    parse_each(found, ("an IP address", &owner), |text| {
        text.parse::<IpAddr>().ok().map(IpNet::from)
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VpcsFile {
    #[serde(deserialize_with = "nullable")]
    vpcs: Vec<AwsNetwork>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SubnetsFile {
    #[serde(deserialize_with = "nullable")]
    subnets: Vec<AwsNetwork>,
}

/// A VPC or a subnet.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct AwsNetwork {
    vpc_id: Option<String>,
    subnet_id: Option<String>,
    cidr_block: Option<String>,
    #[serde(deserialize_with = "nullable")]
    cidr_block_association_set: Vec<CidrAssociation>,
    #[serde(deserialize_with = "nullable")]
    ipv6_cidr_block_association_set: Vec<CidrAssociation>,
    #[serde(deserialize_with = "nullable")]
    tags: Vec<Tag>,
}

/// An IPv4 (`CidrBlock`, `CidrBlockState`) or IPv6 (`Ipv6CidrBlock`, `Ipv6CidrBlockState`)
/// association.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct CidrAssociation {
    cidr_block: Option<String>,
    cidr_block_state: Option<BlockState>,
    ipv6_cidr_block: Option<String>,
    ipv6_cidr_block_state: Option<BlockState>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
struct BlockState {
    state: String,
}

impl CidrAssociation {
    /// Whether the block is (being) associated: not `disassociated` or `failed`.
    fn in_use(&self) -> bool {
        let state = self
            .cidr_block_state
            .as_ref()
            .or(self.ipv6_cidr_block_state.as_ref());
        !state.is_some_and(|s| matches!(s.state.as_str(), "disassociated" | "failed"))
    }
}

/// Parses `aws ec2 describe-vpcs` output into declared networks.
pub fn parse_vpcs(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let file: VpcsFile = serde_json::from_reader(input)
        .map_err(|e| json_error(ctx, &e, "aws ec2 describe-vpcs JSON"))?;
    add_networks(NetworkKind::Vpc, file.vpcs, ctx, batch)
}

/// Parses `aws ec2 describe-subnets` output into declared networks, each inside its VPC.
pub fn parse_subnets(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let file: SubnetsFile = serde_json::from_reader(input)
        .map_err(|e| json_error(ctx, &e, "aws ec2 describe-subnets JSON"))?;
    add_networks(NetworkKind::Subnet, file.subnets, ctx, batch)
}

fn add_networks(
    kind: NetworkKind,
    objects: Vec<AwsNetwork>,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let list = if kind == NetworkKind::Vpc {
        "Vpcs"
    } else {
        "Subnets"
    };
    for (i, object) in objects.iter().enumerate() {
        match network(kind, object, &format!("{list}[{i}]")) {
            Ok(network) => batch.networks.push(network),
            Err(error) => ctx.bad(None, error)?,
        }
    }
    Ok(())
}

/// A declared VPC or subnet: its id, name, CIDR blocks without repeats, and a subnet's VPC.
fn network(kind: NetworkKind, object: &AwsNetwork, place: &str) -> Result<Network, InputError> {
    let (id_field, id, parent) = match kind {
        NetworkKind::Subnet => ("SubnetId", &object.subnet_id, object.vpc_id.as_deref()),
        _ => ("VpcId", &object.vpc_id, None),
    };
    let Some(id) = id.as_deref().map(str::trim).filter(|id| !id.is_empty()) else {
        let error = InputError::new(
            format!("a {} id", kind.as_str()),
            format!("none in {place}"),
        );
        return Err(error.field(id_field));
    };
    let mut blocks = vec![("CidrBlock".to_string(), object.cidr_block.as_ref())];
    for (a, association) in object.cidr_block_association_set.iter().enumerate() {
        let field = format!("CidrBlockAssociationSet[{a}].CidrBlock");
        blocks.extend(
            association
                .in_use()
                .then_some((field, association.cidr_block.as_ref())),
        );
    }
    for (a, association) in object.ipv6_cidr_block_association_set.iter().enumerate() {
        let field = format!("Ipv6CidrBlockAssociationSet[{a}].Ipv6CidrBlock");
        let block = association.ipv6_cidr_block.as_ref();
        blocks.extend(association.in_use().then_some((field, block)));
    }
    let owner = format!("on {id}");
    let cidrs = parse_each(blocks, ("a CIDR such as 10.0.0.0/16", &owner), |t| {
        t.parse().ok()
    })?;
    let parent = parent.map(str::trim).filter(|p| !p.is_empty());
    Ok(Network {
        key: NetworkRef::new(kind, id),
        name: name_tag(&object.tags).unwrap_or(id).to_string(),
        cidrs,
        parent: parent.map(|p| NetworkRef::new(NetworkKind::Vpc, p)),
        vlan_id: None,
        enforcement: vec![Enforcement::SecurityGroup],
        declared: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;
    type Parser = fn(&mut dyn BufRead, &mut Context, &mut Batch) -> Result<(), InputError>;

    fn run(
        parser: Parser,
        text: &[u8],
        skip_bad: bool,
    ) -> (Result<(), InputError>, Context, Batch) {
        let mut ctx = Context::new("aws.json", skip_bad);
        let mut batch = Batch::default();
        let result = parser(&mut &text[..], &mut ctx, &mut batch);
        (result, ctx, batch)
    }

    fn error_of(parser: Parser, text: &str) -> Result<String, Box<dyn std::error::Error>> {
        let (result, _, _) = run(parser, text.as_bytes(), false);
        Ok(result.err().ok_or("expected an error")?.headline())
    }

    fn join<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
        items
            .into_iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One workload on a line: `name kind {attributes} {labels} [addresses] identity [networks]`.
    fn summary(w: &WorkloadRecord) -> String {
        let attributes = join(
            w.attributes
                .iter()
                .map(|(a, v)| format!("{}={v}", a.label())),
        );
        let labels = join(w.labels.iter().map(|(k, v)| format!("{k}={v}")));
        let kind = w.kind.map_or("?", WorkloadKind::as_str);
        let identity = w.identity.as_deref().unwrap_or("-");
        let (addresses, networks) = (join(&w.addresses), join(&w.networks));
        format!(
            "{} {kind} {{{attributes}}} {{{labels}}} [{addresses}] {identity} [{networks}]",
            w.name
        )
    }

    fn network_summary(n: &Network) -> String {
        let parent = n
            .parent
            .as_ref()
            .map(|p| format!(" in {p}"))
            .unwrap_or_default();
        let options = join(n.enforcement.iter().map(|e| e.as_str()));
        format!(
            "{} {:?} [{}]{parent} [{options}] {}",
            n.key,
            n.name,
            join(&n.cidrs),
            n.declared
        )
    }

    #[test]
    fn reads_instances_with_every_address_and_tag() -> TestResult {
        let fixture = include_bytes!("../../tests/fixtures/inventory/describe-instances.json");
        assert_eq!(
            crate::ingest::detect(fixture),
            Some(crate::ingest::Format::AwsInstances)
        );
        let (result, ctx, batch) = run(parse_instances, fixture, false);
        result?;
        assert!(ctx.skipped.is_empty());
        let workloads: Vec<String> = batch.workloads.iter().map(summary).collect();
        assert_eq!(
            workloads,
            [
                "pay-db-01 instance {app=payments, env=prod, owner=team-payments, data_class=restricted} \
                 {App=payments, Data-Class=restricted, Environment=prod, backup=nightly, owner=team-payments} \
                 [10.0.40.21/32, 2a05:d018:abcd:4000::21/128, 203.0.113.10/32, 10.0.40.22/32, 10.0.41.5/32] \
                 arn:aws:iam::111122223333:instance-profile/pay-db \
                 [vpc vpc-0a1b2c3d4e5f60001, subnet subnet-0aa1b2c3d4e5f6001, subnet subnet-0bb1b2c3d4e5f6002]",
                "i-0a1b2c3d4e5f60002 instance {app=storefront, tier=web} \
                 {Application=storefront, aws:autoscaling:groupName=storefront-asg, tier=web} \
                 [10.0.10.11/32, 198.51.100.7/32] - [vpc vpc-0a1b2c3d4e5f60001, subnet subnet-0cc1b2c3d4e5f6003]",
                "old-batch-01 instance {} {} [] - []",
            ]
        );
        assert_eq!(
            batch.warnings,
            ["aws.json: 1 terminated instance, kept as workloads without addresses"]
        );
        Ok(())
    }

    #[test]
    fn reads_vpcs_and_subnets() -> TestResult {
        let fixture = include_bytes!("../../tests/fixtures/inventory/describe-vpcs.json");
        let (result, _, batch) = run(parse_vpcs, fixture, false);
        result?;
        let networks: Vec<String> = batch.networks.iter().map(network_summary).collect();
        assert_eq!(
            networks,
            [
                "vpc vpc-0a1b2c3d4e5f60001 \"prod-eu\" [10.0.0.0/16, 100.64.0.0/16, 2a05:d018:abcd:4000::/56] \
                 [security-group] true",
                "vpc vpc-0f9e8d7c \"vpc-0f9e8d7c\" [172.31.0.0/16] [security-group] true",
            ]
        );
        let fixture = include_bytes!("../../tests/fixtures/inventory/describe-subnets.json");
        let (result, _, batch) = run(parse_subnets, fixture, false);
        result?;
        let networks: Vec<String> = batch.networks.iter().map(network_summary).collect();
        assert_eq!(
            networks,
            [
                "subnet subnet-0aa1b2c3d4e5f6001 \"prod-eu-data-a\" [10.0.40.0/24, 2a05:d018:abcd:4000::/64] \
                 in vpc vpc-0a1b2c3d4e5f60001 [security-group] true",
                "subnet subnet-0bb1b2c3d4e5f6002 \"subnet-0bb1b2c3d4e5f6002\" [10.0.41.0/24] \
                 in vpc vpc-0a1b2c3d4e5f60001 [security-group] true",
                "subnet subnet-0f9e8d7c \"subnet-0f9e8d7c\" [172.31.16.0/20] in vpc vpc-0f9e8d7c [security-group] true",
            ]
        );
        Ok(())
    }

    #[rustfmt::skip]
    #[test]
    fn refuses_bad_records_naming_field_and_object() -> TestResult {
        let cases: [(Parser, &str, &str); 5] = [
            (parse_instances, r#"{"Reservations":[{"Instances":[{"InstanceId":"i-1","PrivateIpAddress":"10.0.0.300"}]}]}"#,
             "aws.json: field PrivateIpAddress: expected an IP address, found \"10.0.0.300\" on instance i-1"),
            (parse_instances, r#"{"Reservations":[{"Instances":[{"InstanceId":"i-2","NetworkInterfaces":[{"Ipv6Addresses":[{"Ipv6Address":"fd00::zz"}]}]}]}]}"#,
             "aws.json: field NetworkInterfaces[0].Ipv6Addresses[0].Ipv6Address: expected an IP address, found \"fd00::zz\" on instance i-2"),
            (parse_instances, r#"{"Reservations":[{"Instances":[{"State":{"Name":"running"}}]}]}"#,
             "aws.json: field InstanceId: expected an instance id, found none in Reservations[0].Instances[0]"),
            (parse_vpcs, r#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlockAssociationSet":[{"CidrBlock":"10.0.0.0/33"}]}]}"#,
             "aws.json: field CidrBlockAssociationSet[0].CidrBlock: expected a CIDR such as 10.0.0.0/16, found \"10.0.0.0/33\" on vpc-1"),
            (parse_subnets, r#"{"Subnets":[{"VpcId":"vpc-1","CidrBlock":"10.0.1.0/24"}]}"#,
             "aws.json: field SubnetId: expected a subnet id, found none in Subnets[0]"),
        ];
        for (parser, text, expected) in cases {
            assert_eq!(error_of(parser, text)?, expected);
        }
        let (result, ctx, batch) = run(parse_instances, cases[0].1.as_bytes(), true);
        result?;
        assert_eq!((batch.workloads.len(), ctx.skipped.len()), (0, 1));
        Ok(())
    }

    #[rustfmt::skip]
    #[test]
    fn json_errors_are_fatal_with_their_line() -> TestResult {
        let cases: [(Parser, &str, &str); 3] = [
            (parse_instances, "{\"Vpcs\": []}",
             "aws.json:1: expected aws ec2 describe-instances JSON, found missing field `Reservations`"),
            (parse_vpcs, "{\n  \"Vpcs\": [\n    {\"VpcId\": 7}\n  ]\n}",
             "aws.json:3: expected aws ec2 describe-vpcs JSON, found invalid type: integer `7`, expected a string"),
            (parse_subnets, "{\"Subnets\": [,]}", "aws.json:1: expected aws ec2 describe-subnets JSON, found expected value"),
        ];
        for (parser, text, expected) in cases {
            assert_eq!(error_of(parser, text)?, expected);
        }
        Ok(())
    }
}
