//! Blastwall's own topology YAML: declared networks, internal ranges and identity sources.
//!
//! ```yaml
//! kind: topology            # required, exactly this
//! version: 1                # required, exactly 1
//! internal_ranges:          # optional: ranges the organisation considers internal, beyond
//!   - 198.18.0.0/15         #   RFC 1918/6598, ULA, loopback and link-local
//! networks:                 # optional list
//!   - id: dc1               # required, unique in the file (any kind)
//!     kind: site            # required: site | vlan | vpc | subnet | cluster | namespace
//!   - id: dc1-vlan110
//!     name: DC1 web VLAN    # optional display name (default: the id)
//!     kind: vlan
//!     vlan_id: 110          # optional, 0-65535
//!     cidrs: [10.10.110.0/24, "fd00:10:110::/64"]   # optional; network addresses only
//!     parent: dc1           # optional id of a network declared in this file
//!     enforcement: [host-firewall, nac]
//!       # optional, any of security-group, networkpolicy, cilium, service-mesh,
//!       # host-firewall, nac; [] means none; absent means the kind's defaults
//!       # (vpc, subnet: security-group; cluster, namespace: networkpolicy;
//!       #  vlan, site: host-firewall)
//!   - id: prod-k8s
//!     kind: cluster
//!     cidrs: [10.244.0.0/16]
//!     enforcement: [networkpolicy, cilium, service-mesh]
//!     namespaces: [web, payments]
//!       # cluster only: adds networks of kind namespace with these ids, parent the
//!       # cluster, enforcement the cluster's; a namespace declared explicitly wins
//! identity_sources:         # optional list
//!   - name: corp-ad         # required
//!     kind: active-directory  # required, free text (kubernetes-service-accounts, spiffe...)
//!     covers: [dc1-vlan110] # optional ids of networks declared in this file
//!     description: Windows servers join the domain   # optional
//! ```
//!
//! Unknown keys are errors; so are parent chains that loop. Every problem is fatal and names its
//! line where it can be found. A namespace listed under two clusters is kept under the first,
//! with a warning (namespaces are keyed by name alone).

use std::collections::HashMap;
use std::io::BufRead;

use ipnet::IpNet;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_yaml_ng::Value;

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use super::kubernetes::nullable;
use crate::model::{Enforcement, IdentitySource, Network, NetworkKind, NetworkRef};

const EXPECTED: &str = "a Blastwall topology file (see docs/formats.md)";
const ENFORCEMENT: &str =
    "one of security-group, networkpolicy, cilium, mesh (or service-mesh), host-firewall, nac";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopologyFile {
    #[serde(rename = "kind")]
    _kind: IgnoredAny,
    #[serde(rename = "version")]
    _version: IgnoredAny,
    #[serde(default, deserialize_with = "nullable")]
    internal_ranges: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    networks: Vec<NetworkEntry>,
    #[serde(default, deserialize_with = "nullable")]
    identity_sources: Vec<IdentityEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkEntry {
    id: String,
    name: Option<String>,
    kind: NetworkKind,
    vlan_id: Option<u16>,
    #[serde(default, deserialize_with = "nullable")]
    cidrs: Vec<String>,
    parent: Option<String>,
    enforcement: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    namespaces: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentityEntry {
    name: String,
    kind: String,
    #[serde(default, deserialize_with = "nullable")]
    covers: Vec<String>,
    description: Option<String>,
}

/// Parses a topology file into the batch.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let mut text = String::new();
    input.read_to_string(&mut text).map_err(|e| {
        let found = match e.kind() {
            std::io::ErrorKind::InvalidData => "invalid UTF-8".to_string(),
            _ => format!("a read error: {e}"),
        };
        ctx.error(None, InputError::new("UTF-8 text", found))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Kind and version first, so that another kind of YAML says so rather than what it lacks.
    let header: Value = serde_yaml_ng::from_str(text).map_err(|e| yaml_error(ctx, &e))?;
    check_header(text, &header).map_err(|(line, e)| ctx.error(line, e))?;
    let file: TopologyFile = serde_yaml_ng::from_str(text).map_err(|e| yaml_error(ctx, &e))?;
    let mut checker = Checker {
        text,
        warnings: Vec::new(),
    };
    let (ranges, networks, sources) = checker
        .check(file)
        .map_err(|(line, e)| ctx.error(line, e))?;
    batch.internal_ranges.extend(ranges);
    batch.networks.extend(networks);
    batch.identity_sources.extend(sources);
    let file = &ctx.file;
    batch
        .warnings
        .extend(checker.warnings.iter().map(|w| format!("{file}: {w}")));
    Ok(())
}

/// A YAML syntax or shape error, at its line, with the path serde names as the field.
fn yaml_error(ctx: &Context, error: &serde_yaml_ng::Error) -> InputError {
    let line = error.location().and_then(|l| u64::try_from(l.line()).ok());
    let message = strip_positions(&error.to_string());
    let problem = match message.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => {
            InputError::new(EXPECTED, rest).field(path)
        }
        _ => InputError::new(EXPECTED, message),
    };
    ctx.error(line, problem)
}

/// Removes ` at line L column C` from a YAML error message (the line is reported apart).
fn strip_positions(message: &str) -> String {
    let skip_digits = |s: &str| {
        s.trim_start_matches(|c: char| c.is_ascii_digit())
            .to_string()
    };
    let mut out = String::new();
    let mut rest = message.to_string();
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let after = skip_digits(&rest[start + " at line ".len()..]);
        rest = after
            .strip_prefix(" column ")
            .map_or(after.clone(), skip_digits);
    }
    out + &rest
}

/// An error with the line it can be found on.
type Located = (Option<u64>, InputError);

fn check_header(text: &str, header: &Value) -> Result<(), Located> {
    if !matches!(header, Value::Mapping(_) | Value::Null) {
        let error = InputError::new(EXPECTED, "a YAML document that is not a mapping");
        return Err((Some(1), error));
    }
    let (found, line) = match header.get("kind") {
        Some(Value::String(kind)) if kind == "topology" => (None, None),
        Some(Value::String(kind)) => (Some(shown(kind.as_bytes())), line_of(text, "kind", kind, 1)),
        Some(_) => (Some("a kind that is not text".into()), None),
        None => (Some("no kind".into()), Some(1)),
    };
    if let Some(found) = found {
        return Err((line, InputError::new("kind: topology", found).field("kind")));
    }
    let (found, line) = match header.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => return Ok(()),
        Some(Value::Number(n)) => (n.to_string(), line_of(text, "version", &n.to_string(), 1)),
        Some(Value::String(s)) => (format!("{s:?}"), line_of(text, "version", s, 1)),
        Some(_) => ("a value that is not a number".into(), None),
        None => ("no version".into(), Some(1)),
    };
    Err((line, InputError::new("version: 1", found).field("version")))
}

type Checked = (Vec<IpNet>, Vec<Network>, Vec<IdentitySource>);

/// Validates the parsed file against itself; errors carry the line of the offending value.
struct Checker<'a> {
    text: &'a str,
    warnings: Vec<String>,
}

impl Checker<'_> {
    fn check(&mut self, file: TopologyFile) -> Result<Checked, Located> {
        let ranges = file
            .internal_ranges
            .iter()
            .map(|r| self.cidr("internal_ranges", r, ""));
        let ranges = ranges.collect::<Result<Vec<_>, _>>()?;
        let kinds = self.declared(&file.networks)?;
        let explicit = |id: &str| {
            file.networks
                .iter()
                .any(|n| n.kind == NetworkKind::Namespace && n.id == id)
        };
        let mut networks = Vec::new();
        let mut listed: HashMap<&str, &str> = HashMap::new();
        for entry in &file.networks {
            let network = self.network(entry, &kinds)?;
            let (key, enforcement) = (network.key.clone(), network.enforcement.clone());
            networks.push(network);
            for namespace in entry.namespaces.iter().filter(|n| !explicit(n)) {
                if let Some(&first) = listed.get(namespace.as_str()) {
                    if first != entry.id {
                        self.warnings.push(format!(
                            "namespace {namespace} is listed under clusters {first} and {}; \
                             kept under {first}",
                            entry.id
                        ));
                    }
                    continue;
                }
                listed.insert(namespace, &entry.id);
                let namespace = NetworkRef::new(NetworkKind::Namespace, namespace.as_str());
                networks.push(Network {
                    parent: Some(key.clone()),
                    enforcement: enforcement.clone(),
                    declared: true,
                    ..Network::referenced(namespace)
                });
            }
        }
        self.acyclic(&networks)?;
        let sources = file
            .identity_sources
            .into_iter()
            .map(|s| self.source(s, &kinds));
        Ok((ranges, networks, sources.collect::<Result<Vec<_>, _>>()?))
    }

    /// An error about `value` of `key`, at the `nth` line where it appears under that key.
    fn fail(
        &self,
        (key, value, nth): (&str, &str, usize),
        expected: &str,
        found: String,
    ) -> Located {
        let line = line_of(self.text, key, value, nth);
        (line, InputError::new(expected, found).field(key))
    }

    /// The kind of every id a reference may name: declared networks, then cluster namespaces.
    fn declared(&self, entries: &[NetworkEntry]) -> Result<HashMap<String, NetworkKind>, Located> {
        let mut kinds = HashMap::new();
        for entry in entries {
            let (id, shown_id) = (entry.id.as_str(), shown(entry.id.as_bytes()));
            if id.trim().is_empty() {
                return Err((
                    None,
                    InputError::new("a network id", "an empty id").field("id"),
                ));
            }
            if kinds.insert(id.to_string(), entry.kind).is_some() {
                let found = format!("{shown_id} declared twice");
                return Err(self.fail(("id", id, 2), "a unique network id", found));
            }
            if let (Some(first), false) =
                (entry.namespaces.first(), entry.kind == NetworkKind::Cluster)
            {
                let expected = "namespaces only on a network of kind cluster";
                let found = format!("namespaces on {} {shown_id}", entry.kind.as_str());
                return Err(self.fail(("namespaces", first, 1), expected, found));
            }
        }
        for namespace in entries.iter().flat_map(|e| &e.namespaces) {
            kinds
                .entry(namespace.clone())
                .or_insert(NetworkKind::Namespace);
        }
        Ok(kinds)
    }

    fn network(
        &self,
        entry: &NetworkEntry,
        kinds: &HashMap<String, NetworkKind>,
    ) -> Result<Network, Located> {
        let id = entry.id.as_str();
        let mut cidrs = Vec::new();
        for text in &entry.cidrs {
            push_new(&mut cidrs, self.cidr("cidrs", text, id)?);
        }
        let mut enforcement = Vec::new();
        for name in entry.enforcement.iter().flatten() {
            let option = Enforcement::parse(name.trim()).ok_or_else(|| {
                let found = format!("{} in network {id}", shown(name.as_bytes()));
                self.fail(("enforcement", name, 1), ENFORCEMENT, found)
            })?;
            push_new(&mut enforcement, option);
        }
        if entry.enforcement.is_none() {
            enforcement = Enforcement::defaults_for(entry.kind).to_vec();
        }
        let parent = entry
            .parent
            .as_deref()
            .map(|p| self.reference("parent", p, kinds));
        let name = entry
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        Ok(Network {
            key: NetworkRef::new(entry.kind, id),
            name: name.unwrap_or(id).to_string(),
            cidrs,
            parent: parent.transpose()?,
            vlan_id: entry.vlan_id,
            enforcement,
            declared: true,
        })
    }

    /// A CIDR: a network address and prefix (`10.10.0.0/16`), host bits clear.
    fn cidr(&self, key: &str, text: &str, network: &str) -> Result<IpNet, Located> {
        let mut found = shown(text.as_bytes());
        if !network.is_empty() {
            found.push_str(&format!(" in network {network}"));
        }
        let expected = "a CIDR such as 10.10.0.0/16";
        let Ok(cidr) = text.trim().parse::<IpNet>() else {
            return Err(self.fail((key, text, 1), expected, found));
        };
        if cidr.addr() != cidr.network() {
            found.push_str(&format!(
                ", which has host bits set (did you mean {}?)",
                cidr.trunc()
            ));
            return Err(self.fail((key, text, 1), expected, found));
        }
        Ok(cidr)
    }

    fn reference(
        &self,
        key: &str,
        id: &str,
        kinds: &HashMap<String, NetworkKind>,
    ) -> Result<NetworkRef, Located> {
        let expected = "the id of a network declared in this file";
        let kind = kinds
            .get(id)
            .ok_or_else(|| self.fail((key, id, 1), expected, shown(id.as_bytes())))?;
        Ok(NetworkRef::new(*kind, id))
    }

    /// Refuses parent chains that loop (`a` in `b` in `a`).
    fn acyclic(&self, networks: &[Network]) -> Result<(), Located> {
        let parents: HashMap<&NetworkRef, &NetworkRef> = networks
            .iter()
            .filter_map(|n| Some((&n.key, n.parent.as_ref()?)))
            .collect();
        for network in networks {
            let mut chain = vec![&network.key];
            while let Some(&parent) = chain.last().and_then(|k| parents.get(k)) {
                let looped = chain.contains(&parent);
                chain.push(parent);
                if looped {
                    let ids: Vec<&str> = chain.iter().map(|k| k.id.as_str()).collect();
                    let line = line_of(self.text, "id", &network.key.id, 1);
                    let error = InputError::new("a parent chain without loops", ids.join(" → "));
                    return Err((line, error.field("parent")));
                }
            }
        }
        Ok(())
    }

    fn source(
        &self,
        entry: IdentityEntry,
        kinds: &HashMap<String, NetworkKind>,
    ) -> Result<IdentitySource, Located> {
        let covers = entry
            .covers
            .iter()
            .map(|id| self.reference("covers", id, kinds));
        Ok(IdentitySource {
            name: entry.name,
            kind: entry.kind,
            covers: covers.collect::<Result<Vec<_>, _>>()?,
            description: entry.description.filter(|d| !d.trim().is_empty()),
        })
    }
}

fn push_new<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

/// The 1-based line of the `nth` occurrence of `value` as a value of `key`: after the key on its
/// line (`key: value`, `key: [a, value]`, `{id: x, key: value}`) or on a following line before
/// the next key (`- value`).
fn line_of(text: &str, key: &str, value: &str, nth: usize) -> Option<u64> {
    let mut under_key = false;
    let mut seen = 0;
    for (index, line) in text.lines().enumerate() {
        let content = line.trim_start().trim_start_matches('-').trim_start();
        if content.starts_with('#') {
            continue;
        }
        let rest = after_key(content, key);
        under_key = rest.is_some() || (under_key && !starts_with_key(content));
        if under_key && has_token(rest.unwrap_or(content), value) {
            seen += 1;
            if seen == nth {
                return u64::try_from(index + 1).ok();
            }
        }
    }
    None
}

/// The text after `key:` where the line holds that mapping key.
fn after_key<'t>(content: &'t str, key: &str) -> Option<&'t str> {
    let pattern = format!("{key}:");
    content.match_indices(&pattern).find_map(|(start, _)| {
        let before = content[..start].chars().next_back();
        let rest = &content[start + pattern.len()..];
        let key_start = before.is_none_or(|c| c.is_whitespace() || c == '{' || c == ',');
        (key_start && (rest.is_empty() || rest.starts_with(char::is_whitespace))).then_some(rest)
    })
}

/// Whether the line starts with a mapping key (`name:`), not an address such as `fd00::1`.
fn starts_with_key(content: &str) -> bool {
    let end = content.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    let rest = end
        .filter(|&end| end > 0)
        .and_then(|end| content[end..].strip_prefix(':'));
    rest.is_some_and(|r| r.is_empty() || r.starts_with(char::is_whitespace))
}

/// Whether `value` occurs in `text` as a whole token (not inside a longer name or address).
fn has_token(text: &str, value: &str) -> bool {
    let is_token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':');
    !value.is_empty()
        && text.match_indices(value).any(|(start, _)| {
            let before = text[..start].chars().next_back();
            let after = text[start + value.len()..].chars().next();
            !before.is_some_and(is_token) && !after.is_some_and(is_token)
        })
}

#[cfg(test)]
mod tests;
