//! Pure plan edits the workbench makes: proposing a rule for a denied flow, and the zone edits
//! of the Zones screen (create, rename, reorder, delete, selectors, moving a workload). Each is a function
//! on [`Plan`], tested here; the app saves the result through an effect.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::analysis::zones::Matcher;
use crate::analysis::{Endpoint, ResolvedEstate, ServiceEdge};
use crate::model::plan::{
    Evidence, PSEUDO_ZONES, Peer, Plan, PortSpec, Rule, RuleStatus, Selector, Sensitivity, Zone,
};

/// The selector that best names an endpoint: its `app`, else the workload, else the address.
pub fn endpoint_selector(estate: &ResolvedEstate, endpoint: Endpoint) -> Selector {
    match endpoint {
        Endpoint::Workload(i) => match estate.workloads.get(i as usize) {
            Some(w) if !w.app().is_empty() => Selector::App(w.app().to_string()),
            Some(w) => Selector::Workload(w.name.clone()),
            None => Selector::Workload(format!("#{i}")),
        },
        Endpoint::Address(address) => Selector::Cidr(host_net(address)),
    }
}

fn host_net(address: IpAddr) -> IpNet {
    IpNet::from(address)
}

/// The port entry of a flow: `tcp/N`, `udp/N`, `sctp/N`, or the whole protocol (ICMP…).
pub fn flow_port(edge: &ServiceEdge) -> PortSpec {
    let protocol = edge.protocol.0;
    match protocol {
        6 | 17 | 132 => PortSpec::Range {
            protocol,
            first: edge.port,
            last: edge.port,
        },
        _ => PortSpec::Range {
            protocol,
            first: 0,
            last: u16::MAX,
        },
    }
}

fn selector_slug(selector: &Selector) -> String {
    let text = match selector {
        Selector::App(v) | Selector::Workload(v) => v.clone(),
        Selector::Cidr(net) => net.addr().to_string(),
        other => other.kind().to_string(),
    };
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

impl Plan {
    /// A rule name not taken yet: `base`, else `base-2`, `base-3`…
    pub fn unique_rule_name(&self, base: &str) -> String {
        let taken = |name: &str| (0..self.rules.len()).any(|i| self.rule_name(i) == name);
        let mut name = base.to_string();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }

    /// Adds a proposed rule allowing an observed flow; returns its name.
    pub fn propose_rule(&mut self, estate: &ResolvedEstate, edge: &ServiceEdge) -> String {
        let from = endpoint_selector(estate, edge.client);
        let to = endpoint_selector(estate, edge.server);
        let port = match flow_port(edge) {
            PortSpec::Range { first, last, .. } if first == last => first.to_string(),
            _ => edge.protocol.name().to_string(),
        };
        let base = format!(
            "propose-{}-{}-{port}",
            selector_slug(&from),
            selector_slug(&to)
        );
        let name = self.unique_rule_name(&base);
        self.rules.push(Rule {
            name: Some(name.clone()),
            from: Peer::Selector(from),
            to: Peer::Selector(to),
            ports: vec![flow_port(edge)],
            justification: Some(format!("observed: {} records", edge.stats.records)),
            owner: None,
            status: RuleStatus::Proposed,
            enabled: true,
            baseline: false,
            note: None,
            evidence: Some(Evidence {
                edges: Some(1),
                records: Some(edge.stats.records),
                ..Evidence::default()
            }),
        });
        name
    }
}

/// A selector as the zones prompt takes it: `kind: value`, e.g. `app: billing`,
/// `cidr: 10.0.0.0/24`, `labels: tier=data,env=prod`.
pub fn parse_selector(text: &str) -> Result<Selector, String> {
    let (kind, value) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?} is not `kind: value` (e.g. app: billing)"))?;
    let (kind, value) = (kind.trim().to_ascii_lowercase(), value.trim().to_string());
    if value.is_empty() {
        return Err(format!("{kind}: needs a value"));
    }
    Ok(match kind.as_str() {
        "workload" => Selector::Workload(value),
        "app" => Selector::App(value),
        "namespace" => Selector::Namespace(value),
        "service_account" => Selector::ServiceAccount(value),
        "identity" => Selector::Identity(value),
        "network" => Selector::Network(value),
        "cidr" => Selector::Cidr(parse_cidr(&value)?),
        "labels" => Selector::Labels(parse_labels(&value)?),
        _ => {
            return Err(format!(
                "unknown selector kind {kind:?} (labels, workload, app, namespace, service_account, identity, cidr, network)"
            ));
        }
    })
}

fn parse_cidr(value: &str) -> Result<IpNet, String> {
    value
        .parse::<IpNet>()
        .or_else(|_| value.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("{value:?} is not an address or a CIDR range"))
}

fn parse_labels(value: &str) -> Result<BTreeMap<String, String>, String> {
    value
        .split(',')
        .map(|pair| {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("{pair:?} is not key=value"))?;
            let (k, v) = (k.trim(), v.trim());
            if k.is_empty() || v.is_empty() {
                return Err(format!("{pair:?} is not key=value"));
            }
            Ok((k.to_string(), v.to_string()))
        })
        .collect()
}

/// A selector as the plan file writes it: `app: billing`.
pub fn selector_text(selector: &Selector) -> String {
    let value = match selector {
        Selector::Labels(labels) => labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        Selector::Cidr(net) => net.to_string(),
        Selector::Workload(v)
        | Selector::App(v)
        | Selector::Namespace(v)
        | Selector::ServiceAccount(v)
        | Selector::Identity(v)
        | Selector::Network(v) => v.clone(),
    };
    format!("{}: {value}", selector.kind())
}

fn mentions_zone(peer: &Peer, name: &str) -> bool {
    matches!(peer, Peer::Zone(zone) if zone == name)
}

fn is_workload(selector: &Selector, name: &str) -> bool {
    matches!(selector, Selector::Workload(w) if w.to_lowercase() == name.to_lowercase())
}

/// Where a moved workload ended up: its target, or the earlier zone that still claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveOutcome {
    Moved,
    /// First match wins: this earlier zone still claims it through this selector.
    StillClaimed {
        zone: String,
        selector: Selector,
    },
}

impl Plan {
    /// Whether `name` can name a new zone (or, with `except`, be the new name of that zone).
    pub fn check_zone_name(&self, name: &str, except: Option<usize>) -> Result<(), String> {
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            return Err(format!(
                "{name:?} is not a zone name (no spaces, not empty)"
            ));
        }
        if PSEUDO_ZONES.contains(&name) {
            return Err(format!("{name} is a built-in zone; pick another name"));
        }
        let taken = self
            .zones
            .iter()
            .enumerate()
            .any(|(i, z)| z.name == name && Some(i) != except);
        if taken {
            return Err(format!("a zone named {name} already exists"));
        }
        Ok(())
    }

    /// Appends an empty zone (medium sensitivity).
    pub fn add_zone(&mut self, name: &str) -> Result<(), String> {
        self.check_zone_name(name, None)?;
        self.zones.push(Zone {
            name: name.to_string(),
            sensitivity: Sensitivity::default(),
            intra_zone: None,
            description: None,
            note: None,
            members: Vec::new(),
        });
        Ok(())
    }

    /// Renames the zone at `index` and every `{zone: …}` side naming it; returns how many rule
    /// sides changed.
    pub fn rename_zone(&mut self, index: usize, name: &str) -> Result<usize, String> {
        self.check_zone_name(name, Some(index))?;
        let zone = self.zones.get_mut(index).ok_or("no such zone")?;
        let old = std::mem::replace(&mut zone.name, name.to_string());
        let mut changed = 0;
        for rule in &mut self.rules {
            for peer in [&mut rule.from, &mut rule.to] {
                if mentions_zone(peer, &old) {
                    *peer = Peer::Zone(name.to_string());
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }

    /// Moves the zone at `index` by `delta` places; returns its new index (None: cannot move).
    pub fn move_zone(&mut self, index: usize, delta: isize) -> Option<usize> {
        let target = index.checked_add_signed(delta)?;
        if index >= self.zones.len() || target >= self.zones.len() || target == index {
            return None;
        }
        let zone = self.zones.remove(index);
        self.zones.insert(target, zone);
        Some(target)
    }

    /// The names of the rules with a `{zone: name}` side.
    pub fn rules_naming_zone(&self, name: &str) -> Vec<String> {
        (0..self.rules.len())
            .filter(|&i| {
                let rule = &self.rules[i];
                mentions_zone(&rule.from, name) || mentions_zone(&rule.to, name)
            })
            .map(|i| self.rule_name(i))
            .collect()
    }

    /// Deletes the zone at `index`, refused while rules name it.
    pub fn delete_zone(&mut self, index: usize) -> Result<Zone, String> {
        let name = self.zones.get(index).ok_or("no such zone")?.name.clone();
        let rules = self.rules_naming_zone(&name);
        if !rules.is_empty() {
            return Err(format!(
                "zone {name} is used by rules {} — change them first",
                rules.join(", ")
            ));
        }
        Ok(self.zones.remove(index))
    }

    /// Adds a selector to the zone at `index` (refused if it is already there).
    pub fn add_selector(&mut self, index: usize, selector: Selector) -> Result<(), String> {
        let zone = self.zones.get_mut(index).ok_or("no such zone")?;
        if zone.members.contains(&selector) {
            return Err(format!(
                "{} already has {}",
                zone.name,
                selector_text(&selector)
            ));
        }
        zone.members.push(selector);
        Ok(())
    }

    /// Removes the selector at `position` of the zone at `index`.
    pub fn remove_selector(&mut self, index: usize, position: usize) -> Option<Selector> {
        let zone = self.zones.get_mut(index)?;
        (position < zone.members.len()).then(|| zone.members.remove(position))
    }

    /// Moves a workload into the zone at `target`: an explicit `workload:` selector there, none
    /// elsewhere. Says so when an earlier zone still claims it through another selector.
    pub fn move_workload(
        &mut self,
        estate: &ResolvedEstate,
        workload: u32,
        target: usize,
    ) -> Result<MoveOutcome, String> {
        let w = estate
            .workloads
            .get(workload as usize)
            .ok_or("no such workload")?;
        if target >= self.zones.len() {
            return Err("no such zone".into());
        }
        for (i, zone) in self.zones.iter_mut().enumerate() {
            if i != target {
                zone.members.retain(|m| !is_workload(m, &w.name));
            }
        }
        let zone = &mut self.zones[target];
        if !zone.members.iter().any(|m| is_workload(m, &w.name)) {
            zone.members.push(Selector::Workload(w.name.clone()));
        }
        let matcher = Matcher::new(estate);
        let claim = self.zones[..target].iter().find_map(|zone| {
            let m = zone.members.iter().find(|m| matcher.workload(m, w))?;
            Some((zone.name.clone(), m.clone()))
        });
        Ok(match claim {
            Some((zone, selector)) => MoveOutcome::StillClaimed { zone, selector },
            None => MoveOutcome::Moved,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::tests::{estate, plan};

    #[test]
    fn a_proposed_rule_names_apps_addresses_and_ports() -> Result<(), Box<dyn std::error::Error>> {
        let estate = estate();
        let mut plan = plan();
        // billing-api → pay-db-01 on tcp/5432 (denied by the fixture plan).
        let edge = estate.service_edges.get(2).ok_or("no edge")?.clone();
        let name = plan.propose_rule(&estate, &edge);
        assert_eq!(name, "propose-billing-payments-5432");
        let rule = plan.rules.last().ok_or("no rule")?;
        assert_eq!(rule.status, RuleStatus::Proposed);
        assert_eq!(rule.from, Peer::Selector(Selector::App("billing".into())));
        assert_eq!(rule.to, Peer::Selector(Selector::App("payments".into())));
        assert_eq!(rule.justification.as_deref(), Some("observed: 40 records"));
        assert_eq!(
            plan.propose_rule(&estate, &edge),
            "propose-billing-payments-5432-2"
        );
        // web-01 → 198.51.100.7 over ICMP: a /32 and the whole protocol.
        let icmp = estate.service_edges.get(6).ok_or("no edge")?.clone();
        plan.propose_rule(&estate, &icmp);
        let rule = plan.rules.last().ok_or("no rule")?;
        assert_eq!(
            rule.to,
            Peer::Selector(Selector::Cidr("198.51.100.7/32".parse()?))
        );
        assert_eq!(
            rule.ports,
            vec![PortSpec::Range {
                protocol: 1,
                first: 0,
                last: u16::MAX
            }]
        );
        Ok(())
    }
}
