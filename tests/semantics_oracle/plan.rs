//! The oracle's own plan model, read from the YAML text without Blastwall's parser.

use ipnet::IpNet;
use serde::Deserialize;
use serde_yaml_ng::Value;

use super::Error;

#[derive(Deserialize)]
pub struct RawPlan {
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub zones: Vec<RawZone>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
}

#[derive(Deserialize, Default)]
pub struct RawDefaults {
    pub east_west: Option<String>,
    pub intra_zone: Option<String>,
}

#[derive(Deserialize)]
pub struct RawZone {
    pub name: String,
    pub sensitivity: Option<String>,
    pub intra_zone: Option<String>,
    #[serde(default)]
    pub members: Vec<Value>,
}

#[derive(Deserialize)]
pub struct RawRule {
    pub from: Value,
    pub to: Value,
    #[serde(default)]
    pub ports: Vec<Value>,
    pub enabled: Option<bool>,
    pub status: Option<String>,
}

pub enum Sel {
    Labels(Vec<(String, String)>),
    Workload(String),
    App(String),
    Namespace(String),
    Account(String),
    Identity(String),
    Cidr(IpNet),
    Network(String),
}

pub enum Side {
    Any,
    Zone(String),
    Sel(Sel),
}

/// `protocol: None` is `any`.
pub struct Ports {
    pub protocol: Option<u8>,
    pub first: u16,
    pub last: u16,
}

pub struct Zone {
    pub name: String,
    pub critical: bool,
    pub intra_allow: Option<bool>,
    pub members: Vec<Sel>,
}

pub struct Rule {
    pub from: Side,
    pub to: Side,
    pub ports: Vec<Ports>,
    pub enabled: bool,
}

pub struct Plan {
    pub east_west_allow: bool,
    pub intra_allow: bool,
    pub zones: Vec<Zone>,
    pub rules: Vec<Rule>,
}

pub fn scalar(value: &Value) -> Result<String, Error> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("oracle: expected a scalar, found {other:?}").into()),
    }
}

pub fn policy(text: Option<&String>) -> Result<Option<bool>, Error> {
    match text.map(String::as_str) {
        None => Ok(None),
        Some("allow") => Ok(Some(true)),
        Some("deny") => Ok(Some(false)),
        Some(other) => Err(format!("oracle: bad policy {other}").into()),
    }
}

pub fn selector(value: &Value) -> Result<Sel, Error> {
    let entry = match value {
        Value::Mapping(map) if map.len() == 1 => map.iter().next(),
        _ => None,
    };
    let Some((key, value)) = entry else {
        return Err(format!("oracle: a selector is a one-key mapping: {value:?}").into());
    };
    let text = || scalar(value);
    Ok(match scalar(key)?.as_str() {
        "labels" => {
            let Value::Mapping(labels) = value else {
                return Err("oracle: labels must be a mapping".into());
            };
            let pairs = labels.iter().map(|(k, v)| Ok((scalar(k)?, scalar(v)?)));
            Sel::Labels(pairs.collect::<Result<_, Error>>()?)
        }
        "workload" => Sel::Workload(text()?),
        "app" => Sel::App(text()?),
        "namespace" => Sel::Namespace(text()?),
        "service_account" => Sel::Account(text()?),
        "identity" => Sel::Identity(text()?),
        "cidr" => Sel::Cidr(text()?.parse()?),
        "network" => Sel::Network(text()?),
        other => return Err(format!("oracle: unknown selector {other}").into()),
    })
}

pub fn side(value: &Value) -> Result<Side, Error> {
    match value {
        Value::String(s) if s == "any" => Ok(Side::Any),
        Value::Mapping(map) if map.len() == 1 && map.get("zone").is_some() => {
            Ok(Side::Zone(scalar(&map["zone"])?))
        }
        _ => Ok(Side::Sel(selector(value)?)),
    }
}

pub fn ports(value: &Value) -> Result<Ports, Error> {
    let spec = scalar(value)?;
    let every = |protocol| Ports {
        protocol,
        first: 0,
        last: u16::MAX,
    };
    Ok(match spec.as_str() {
        "any" => every(None),
        "icmp" => every(Some(1)),
        "icmpv6" => every(Some(58)),
        _ => {
            let (name, range) = spec.split_once('/').ok_or(format!("oracle: port {spec}"))?;
            let protocol = match name {
                "tcp" => 6,
                "udp" => 17,
                "sctp" => 132,
                _ => return Err(format!("oracle: protocol {name}").into()),
            };
            let (first, last) = range.split_once('-').unwrap_or((range, range));
            let (first, last) = (first.parse()?, last.parse()?);
            Ports {
                protocol: Some(protocol),
                first,
                last,
            }
        }
    })
}

pub fn read_plan(text: &str) -> Result<(Plan, RawPlan), Error> {
    let raw: RawPlan = serde_yaml_ng::from_str(text)?;
    let mut zones = Vec::new();
    for zone in &raw.zones {
        zones.push(Zone {
            name: zone.name.clone(),
            critical: zone.sensitivity.as_deref() == Some("critical"),
            intra_allow: policy(zone.intra_zone.as_ref())?,
            members: zone
                .members
                .iter()
                .map(selector)
                .collect::<Result<_, _>>()?,
        });
    }
    let mut rules = Vec::new();
    for rule in &raw.rules {
        rules.push(Rule {
            from: side(&rule.from)?,
            to: side(&rule.to)?,
            ports: rule.ports.iter().map(ports).collect::<Result<_, _>>()?,
            enabled: rule.enabled.unwrap_or(true),
        });
    }
    let plan = Plan {
        east_west_allow: policy(raw.defaults.east_west.as_ref())?.unwrap_or(false),
        intra_allow: policy(raw.defaults.intra_zone.as_ref())?.unwrap_or(true),
        zones,
        rules,
    };
    Ok((plan, raw))
}
