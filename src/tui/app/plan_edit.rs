//! Pure plan edits the workbench makes: proposing a rule for a denied flow. Each is a function
//! on [`Plan`], tested here; the app saves the result through an effect.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::analysis::{Endpoint, ResolvedEstate, ServiceEdge};
use crate::model::plan::{Evidence, Peer, Plan, PortSpec, Rule, RuleStatus, Selector};

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
