//! What each rule allows, written as bytes (enabled, `from`, `to`, ports; names and notes aside)
//! in an unambiguous, length-prefixed encoding: two rules allow the same traffic under the same
//! zones exactly when their keys are equal. Comparing keys tells an update which rules changed
//! without keeping a copy of the plan.

use ipnet::IpNet;

use crate::model::plan::{Peer, PortSpec, Rule, Selector};

/// The keys of a plan's rules, end to end.
#[derive(Debug, Default)]
pub(super) struct RuleKeys {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

impl RuleKeys {
    pub fn new(rules: &[Rule]) -> RuleKeys {
        let mut keys = RuleKeys {
            bytes: Vec::with_capacity(rules.len() * 48),
            ends: Vec::with_capacity(rules.len()),
        };
        for rule in rules {
            keys.bytes.push(u8::from(rule.enabled));
            peer(&mut keys.bytes, &rule.from);
            peer(&mut keys.bytes, &rule.to);
            ports(&mut keys.bytes, &rule.ports);
            keys.ends.push(keys.bytes.len() as u32);
        }
        keys
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The key of rule `i`.
    pub fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.bytes[start..self.ends[i] as usize]
    }
}

fn text(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

fn peer(out: &mut Vec<u8>, peer: &Peer) {
    match peer {
        Peer::Any => out.push(0),
        Peer::Zone(name) => {
            out.push(1);
            text(out, name);
        }
        Peer::Selector(selector) => {
            out.push(2);
            self::selector(out, selector);
        }
    }
}

fn selector(out: &mut Vec<u8>, selector: &Selector) {
    match selector {
        Selector::Labels(labels) => {
            out.push(0);
            out.extend_from_slice(&(labels.len() as u32).to_le_bytes());
            for (key, value) in labels {
                text(out, key);
                text(out, value);
            }
        }
        Selector::Cidr(net) => {
            out.push(1);
            match net {
                IpNet::V4(v4) => {
                    out.push(4);
                    out.extend_from_slice(&v4.addr().octets());
                }
                IpNet::V6(v6) => {
                    out.push(6);
                    out.extend_from_slice(&v6.addr().octets());
                }
            }
            out.push(net.prefix_len());
        }
        Selector::Workload(v) => named(out, 2, v),
        Selector::App(v) => named(out, 3, v),
        Selector::Namespace(v) => named(out, 4, v),
        Selector::ServiceAccount(v) => named(out, 5, v),
        Selector::Identity(v) => named(out, 6, v),
        Selector::Network(v) => named(out, 7, v),
    }
}

fn named(out: &mut Vec<u8>, tag: u8, value: &str) {
    out.push(tag);
    text(out, value);
}

fn ports(out: &mut Vec<u8>, ports: &[PortSpec]) {
    out.extend_from_slice(&(ports.len() as u32).to_le_bytes());
    for port in ports {
        match *port {
            PortSpec::Any => out.push(0),
            PortSpec::Range {
                protocol,
                first,
                last,
            } => {
                out.push(1);
                out.push(protocol);
                out.extend_from_slice(&first.to_le_bytes());
                out.extend_from_slice(&last.to_le_bytes());
            }
        }
    }
}
