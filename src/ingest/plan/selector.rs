//! Zone members and rule sides: a mapping with exactly one selector kind (or, for a rule side,
//! `zone`), or the word `any`.

use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use ipnet::IpNet;
use serde_yaml_ng::{Mapping, Value};

use super::check::Checker;
use super::locate::{Seg, join};
use crate::ingest::error::{InputError, shown};
use crate::model::plan::{Peer, Selector, Zone};
use Seg::Key;

const KINDS: [&str; 8] = [
    "labels",
    "workload",
    "app",
    "namespace",
    "service_account",
    "identity",
    "cidr",
    "network",
];
const KIND_LIST: &str =
    "labels, workload, app, namespace, service_account, identity, cidr or network";
const ZONE: &str = "zone";

/// A zone member: one selector.
pub(super) fn member(c: &Checker, value: &Value, at: &[Seg]) -> Result<Selector, InputError> {
    let Value::Mapping(map) = value else {
        let expected = format!("a selector: a mapping with one of {KIND_LIST}");
        let error = c.fail(at, expected, describe(value));
        return Err(error.hint("for example `- workload: billing-db` or `- cidr: 10.40.20.0/24`"));
    };
    let (kind, value) = single(c, map, at, false)?;
    selector(c, kind, value, &join(at, &[Key(kind)]))
}

/// A rule side: `any`, `{zone: NAME}` (a declared zone or a pseudo-zone) or a selector.
pub(super) fn peer(
    c: &Checker,
    value: &Value,
    at: &[Seg],
    known: &HashSet<&str>,
    zones: &[Zone],
) -> Result<Peer, InputError> {
    let map = match value {
        Value::String(word) if word == "any" => return Ok(Peer::Any),
        Value::Mapping(map) => map,
        _ => {
            let expected = format!("any, {{zone: NAME}} or a selector ({KIND_LIST})");
            let error = c.fail(at, expected, describe(value));
            return Err(error
                .hint("for example `from: any`, `from: {zone: web}`, `to: {app: payment-api}`"));
        }
    };
    let (kind, value) = single(c, map, at, true)?;
    let at = join(at, &[Key(kind)]);
    if kind != ZONE {
        return Ok(Peer::Selector(selector(c, kind, value, &at)?));
    }
    let name = text(c, value, &at, "a zone name")?;
    if !known.contains(name) {
        let expected = "a zone declared under zones, or internet, unmanaged or unassigned";
        let declared: Vec<&str> = zones.iter().map(|z| z.name.as_str()).collect();
        let hint = match declared.as_slice() {
            [] => "the plan declares no zones; declare it under zones".to_string(),
            names => format!(
                "declare it under zones, or check the spelling (declared: {})",
                names.join(", ")
            ),
        };
        let found = format!("unknown zone {}", shown(name.as_bytes()));
        return Err(c.fail(&at, expected, found).hint(hint));
    }
    Ok(Peer::Zone(name.to_string()))
}

/// The one key of a selector mapping, with its value.
fn single<'m>(
    c: &Checker,
    map: &'m Mapping,
    at: &[Seg],
    peer: bool,
) -> Result<(&'static str, &'m Value), InputError> {
    let mut kinds = Vec::new();
    for (key, value) in map {
        let known = KINDS.iter().chain(peer.then_some(&ZONE));
        let kind = known.copied().find(|&kind| key.as_str() == Some(kind));
        let Some(kind) = kind else {
            let expected = match peer {
                true => format!("zone or a selector kind: {KIND_LIST}"),
                false => format!("a selector kind: {KIND_LIST}"),
            };
            let at = match key.as_str() {
                Some(key) => join(at, &[Key(key)]),
                None => at.to_vec(),
            };
            let found = format!("unknown key {}", describe(key));
            return Err(c
                .fail(&at, expected, found)
                .hint("keys are case-sensitive; docs/plan-format.md lists the selectors"));
        };
        kinds.push((kind, value));
    }
    let expected = match peer {
        true => "one zone or selector kind per rule side",
        false => "one selector kind per member",
    };
    match kinds.as_slice() {
        [one] => Ok(*one),
        [] => Err(c.fail(at, expected, "none")),
        many => {
            let names: Vec<&str> = many.iter().map(|(kind, _)| *kind).collect();
            let error = c.fail(at, expected, and_list(&names));
            Err(error.hint(
                "to require several labels at once write labels: {a: x, b: y}; \
                 to match either of two things, list them as separate members",
            ))
        }
    }
}

fn selector(c: &Checker, kind: &str, value: &Value, at: &[Seg]) -> Result<Selector, InputError> {
    let text = |what| text(c, value, at, what).map(str::to_string);
    Ok(match kind {
        "labels" => Selector::Labels(labels(c, value, at)?),
        "workload" => Selector::Workload(text("a workload name")?),
        "app" => Selector::App(text("an application name")?),
        "namespace" => Selector::Namespace(text("a Kubernetes namespace")?),
        "service_account" => service_account(c, value, at)?,
        "identity" => Selector::Identity(text("an identity such as spiffe://corp/sa/vault")?),
        "cidr" => cidr(c, value, at)?,
        _ => Selector::Network(text("a network id or name")?),
    })
}

/// A non-empty string (numbers and booleans must be quoted to be text).
fn text<'v>(c: &Checker, value: &'v Value, at: &[Seg], what: &str) -> Result<&'v str, InputError> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Ok(text),
        Value::String(_) | Value::Null => Err(c.fail(at, what, "nothing")),
        Value::Bool(_) | Value::Number(_) => {
            let error = c.fail(at, format!("{what} as text"), describe(value));
            Err(error.hint(QUOTE_HINT))
        }
        _ => Err(c.fail(at, what, describe(value))),
    }
}

const QUOTE_HINT: &str = "YAML reads unquoted true, false and numbers as such; \
                          quote the text as written, such as \"true\" or \"8080\"";

fn labels(c: &Checker, value: &Value, at: &[Seg]) -> Result<BTreeMap<String, String>, InputError> {
    let Value::Mapping(map) = value else {
        let expected = "labels as a mapping, such as {tier: web, pci-scope: \"true\"}";
        return Err(c.fail(at, expected, describe(value)));
    };
    if map.is_empty() {
        let error = c.fail(at, "at least one label", "an empty mapping");
        return Err(error.hint("a rule side that matches everything is written any"));
    }
    let mut labels = BTreeMap::new();
    for (key, value) in map {
        let Value::String(key) = key else {
            let error = c.fail(at, "label names as text", describe(key));
            return Err(error.hint(QUOTE_HINT));
        };
        match value {
            Value::String(value) => {
                labels.insert(key.clone(), value.clone());
            }
            Value::Bool(_) | Value::Number(_) => {
                let error = c.fail(
                    &join(at, &[Key(key)]),
                    "a label value as text",
                    describe(value),
                );
                return Err(error.hint(format!(
                    "YAML reads unquoted true, false and numbers as such; quote the value: \
                     {key}: \"{}\"",
                    scalar_text(value)
                )));
            }
            _ => {
                return Err(c.fail(
                    &join(at, &[Key(key)]),
                    "a label value as text",
                    describe(value),
                ));
            }
        }
    }
    Ok(labels)
}

fn service_account(c: &Checker, value: &Value, at: &[Seg]) -> Result<Selector, InputError> {
    let expected = "a service account as NAMESPACE/NAME";
    let account = text(c, value, at, expected)?;
    match account.split_once('/') {
        Some((namespace, name))
            if !namespace.trim().is_empty() && !name.trim().is_empty() && !name.contains('/') =>
        {
            Ok(Selector::ServiceAccount(account.to_string()))
        }
        _ => Err(c
            .fail(at, expected, shown(account.as_bytes()))
            .hint("the namespace, a slash and the account's name, such as payments/vault")),
    }
}

fn cidr(c: &Checker, value: &Value, at: &[Seg]) -> Result<Selector, InputError> {
    let expected = "a CIDR such as 10.40.20.0/24";
    let text = text(c, value, at, expected)?;
    let found = shown(text.as_bytes());
    match text.trim().parse::<IpNet>() {
        Ok(net) if net.addr() == net.network() => Ok(Selector::Cidr(net)),
        Ok(net) => {
            let found = format!("{found}, which has host bits set");
            let hint = format!("did you mean {}?", net.trunc());
            Err(c.fail(at, expected, found).hint(hint))
        }
        Err(_) => {
            let error = c.fail(at, expected, found);
            match text.trim().parse::<IpAddr>() {
                Ok(address) => {
                    let hint = format!("one address is {}", IpNet::from(address));
                    Err(error.hint(hint))
                }
                Err(_) => Err(error),
            }
        }
    }
}

/// What a YAML value is, for messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(_) => format!("{}, a boolean", scalar_text(value)),
        Value::Number(_) => format!("{}, a number", scalar_text(value)),
        Value::String(text) => shown(text.as_bytes()),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(tagged) => format!("a value tagged {}", tagged.tag),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
