//! Read-back of `enforcement/hosts/*.nft`: a small parser for the nftables subset the target
//! writes (the table preamble, interval sets, `input` and `output` chains with accept rules on
//! `ip`/`ip6` `saddr`/`daddr` sets, `tcp`/`udp`/`sctp dport` lists and `meta l4proto`), and an
//! evaluator that runs a new connection through the chains. Independent of the generator: it
//! knows nothing of grants, only the text. The harness compares its verdicts with the plan's for
//! the demo, the small fixture and generated estates.

#[path = "readback/generated.rs"]
mod generated;
#[path = "readback/harness.rs"]
mod harness;

use std::collections::HashMap;
use std::net::IpAddr;

use blastwall::analysis::Endpoint;
use blastwall::export::enforcement::hosts;
use blastwall::model::rollout::PhaseMode;
use harness::{Artifact, Case, Error, TestResult, compare};
use ipnet::IpNet;
use proptest::prelude::*;

/// What a rule matches beyond the peer.
#[derive(Debug, Clone, PartialEq)]
enum Service {
    Any,
    Ports(u8, Vec<(u16, u16)>),
    Protocol(u8),
}

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    Established,
    Loopback,
    NeighbourDiscovery,
    Accept {
        v6: bool,
        set: String,
        service: Service,
    },
    Log,
}

#[derive(Debug, Default)]
struct Chain {
    policy: String,
    rules: Vec<Rule>,
}

#[derive(Debug, Default)]
struct Ruleset {
    hosts: Vec<String>,
    observe: bool,
    sets: HashMap<String, (bool, Vec<IpNet>)>,
    chains: HashMap<String, Chain>,
}

fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Parses one file of the subset; anything else is an error.
fn parse(text: &str) -> Result<Ruleset, Error> {
    let mut ruleset = Ruleset::default();
    let mut in_hosts = false;
    for line in text.lines() {
        if line == "# Hosts:" {
            in_hosts = true;
        } else if in_hosts && line.starts_with("#   ") {
            let entry = &line[4..];
            let name = entry.rsplit_once(" (").map_or(entry, |(n, _)| n);
            ruleset.hosts.push(name.to_string());
        } else {
            in_hosts = false;
        }
        ruleset.observe |= line.starts_with("# Mode: observe only");
    }
    let lines: Vec<&str> = text
        .lines()
        .map(|l| strip_comment(l).trim())
        .filter(|l| !l.is_empty())
        .collect();
    let preamble = [
        "table inet blastwall {}",
        "flush table inet blastwall",
        "table inet blastwall {",
    ];
    if lines.get(..3) != Some(&preamble[..]) {
        return Err(format!("no idempotent preamble: {:?}", lines.get(..3)).into());
    }
    let mut i = 3;
    while i < lines.len() {
        let line = lines[i];
        if let Some(name) = line.strip_prefix("set ").and_then(|l| l.strip_suffix(" {")) {
            i = parse_set(&lines, i + 1, name, &mut ruleset)?;
        } else if let Some(name) = line
            .strip_prefix("chain ")
            .and_then(|l| l.strip_suffix(" {"))
        {
            i = parse_chain(&lines, i + 1, name, &mut ruleset)?;
        } else if line == "}" && i == lines.len() - 1 {
            return Ok(ruleset);
        } else {
            return Err(format!("unexpected line: {line}").into());
        }
    }
    Err("the table is not closed".into())
}

fn parse_set(lines: &[&str], mut i: usize, name: &str, out: &mut Ruleset) -> Result<usize, Error> {
    let v6 = match lines.get(i) {
        Some(&"type ipv4_addr") => false,
        Some(&"type ipv6_addr") => true,
        other => return Err(format!("set {name}: type {other:?}").into()),
    };
    if lines.get(i + 1) != Some(&"flags interval") || lines.get(i + 2) != Some(&"elements = {") {
        return Err(format!("set {name}: expected flags interval and elements").into());
    }
    i += 3;
    let mut nets = Vec::new();
    while lines.get(i) != Some(&"}") {
        let element = lines
            .get(i)
            .ok_or("unterminated set")?
            .trim_end_matches(',');
        let net: IpNet = match element.parse::<IpNet>() {
            Ok(net) => net,
            Err(_) => IpNet::from(element.parse::<IpAddr>()?),
        };
        if net.addr().is_ipv6() != v6 || net.trunc() != net {
            return Err(format!("set {name}: bad element {element}").into());
        }
        nets.push(net);
        i += 1;
    }
    if lines.get(i + 1) != Some(&"}") {
        return Err(format!("set {name} not closed").into());
    }
    out.sets.insert(name.to_string(), (v6, nets));
    Ok(i + 2)
}

fn parse_chain(
    lines: &[&str],
    mut i: usize,
    name: &str,
    out: &mut Ruleset,
) -> Result<usize, Error> {
    let head = lines.get(i).ok_or("empty chain")?;
    let prefix = format!("type filter hook {name} priority filter; policy ");
    let policy = head
        .strip_prefix(&prefix)
        .and_then(|p| p.strip_suffix(';'))
        .ok_or_else(|| format!("chain {name}: bad head {head}"))?;
    let mut chain = Chain {
        policy: policy.to_string(),
        rules: Vec::new(),
    };
    i += 1;
    while let Some(&line) = lines.get(i) {
        if line == "}" {
            out.chains.insert(name.to_string(), chain);
            return Ok(i + 1);
        }
        chain.rules.push(parse_rule(line)?);
        i += 1;
    }
    Err(format!("chain {name} not closed").into())
}

fn parse_rule(line: &str) -> Result<Rule, Error> {
    let body = match line.split_once(" comment \"") {
        Some((body, rest)) if rest.ends_with('"') && !rest[..rest.len() - 1].contains('"') => body,
        Some(_) => return Err(format!("bad comment: {line}").into()),
        None => line,
    };
    match body {
        "ct state established,related accept" => return Ok(Rule::Established),
        "iif \"lo\" accept" | "oif \"lo\" accept" => return Ok(Rule::Loopback),
        "log prefix \"blastwall-deny: \"" => return Ok(Rule::Log),
        "ip6 hoplimit 255 icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, \
         nd-neighbor-advert } accept" => return Ok(Rule::NeighbourDiscovery),
        _ => {}
    }
    let tokens: Vec<&str> = body.split_whitespace().collect();
    let (Some(&family), Some(_), Some(set), Some(&"accept")) =
        (tokens.first(), tokens.get(1), tokens.get(2), tokens.last())
    else {
        return Err(format!("unknown rule: {line}").into());
    };
    let v6 = match family {
        "ip" => false,
        "ip6" => true,
        _ => return Err(format!("unknown family: {line}").into()),
    };
    let set = set.strip_prefix('@').ok_or("expected a set")?.to_string();
    let service = parse_service(&tokens[3..tokens.len() - 1])?;
    Ok(Rule::Accept { v6, set, service })
}

fn parse_service(tokens: &[&str]) -> Result<Service, Error> {
    match tokens {
        [] => Ok(Service::Any),
        ["meta", "l4proto", "icmp"] => Ok(Service::Protocol(1)),
        ["meta", "l4proto", "icmpv6"] => Ok(Service::Protocol(58)),
        ["meta", "l4proto", n] => Ok(Service::Protocol(n.parse()?)),
        [proto, "dport", ports @ ..] => {
            let proto = match *proto {
                "tcp" => 6,
                "udp" => 17,
                "sctp" => 132,
                other => return Err(format!("unknown protocol {other}").into()),
            };
            let list: Vec<&str> = match ports {
                [single] => vec![*single],
                ["{", inner @ .., "}"] => inner.iter().map(|p| p.trim_end_matches(',')).collect(),
                _ => return Err(format!("bad port list {ports:?}").into()),
            };
            let mut ranges = Vec::new();
            for item in list {
                let (a, b) = item.split_once('-').unwrap_or((item, item));
                ranges.push((a.parse()?, b.parse()?));
            }
            Ok(Service::Ports(proto, ranges))
        }
        _ => Err(format!("unknown service {tokens:?}").into()),
    }
}

impl Ruleset {
    /// Whether a new connection passes a chain: `address` is the peer (source on input,
    /// destination on output). A packet that reaches the log rule is denied, whatever the
    /// policy (an observe ruleset logs what it would drop).
    fn passes(&self, chain: &str, address: IpAddr, port: u16, proto: u8) -> bool {
        let Some(chain) = self.chains.get(chain) else {
            return false;
        };
        for rule in &chain.rules {
            match rule {
                Rule::Log => return false,
                Rule::Accept { v6, set, service } if *v6 == address.is_ipv6() => {
                    let inside = self
                        .sets
                        .get(set)
                        .is_some_and(|(_, nets)| nets.iter().any(|n| n.contains(&address)));
                    let serves = match service {
                        Service::Any => true,
                        Service::Protocol(p) => *p == proto,
                        Service::Ports(p, ranges) => {
                            *p == proto && ranges.iter().any(|(a, b)| (*a..=*b).contains(&port))
                        }
                    };
                    if inside && serves {
                        return true;
                    }
                }
                _ => {}
            }
        }
        chain.policy == "accept"
    }
}

/// Every ruleset of a case, by host.
struct Rulesets {
    by_host: HashMap<u32, usize>,
    rulesets: Vec<Ruleset>,
}

impl Artifact for Rulesets {
    fn inbound(
        &self,
        server: u32,
        _: Endpoint,
        from: IpAddr,
        port: u16,
        proto: u8,
    ) -> Option<bool> {
        let r = self.by_host.get(&server)?;
        Some(self.rulesets[*r].passes("input", from, port, proto))
    }

    fn outbound(&self, client: u32, _: Endpoint, to: IpAddr, port: u16, proto: u8) -> Option<bool> {
        let r = self.by_host.get(&client)?;
        Some(self.rulesets[*r].passes("output", to, port, proto))
    }

    fn covers(&self, workload: u32) -> bool {
        self.by_host.contains_key(&workload)
    }
}

/// Renders, parses and checks the structure: every host in one file, the policy `accept`
/// exactly for zones only observed, and the log rule last.
fn read_back(case: &Case) -> Result<Rulesets, Error> {
    let ctx = case.context();
    let files = hosts::rulesets(&ctx);
    let names: HashMap<&str, u32> = case
        .estate
        .workloads
        .iter()
        .enumerate()
        .map(|(i, w)| (w.name.as_str(), i as u32))
        .collect();
    let mut out = Rulesets {
        by_host: HashMap::new(),
        rulesets: Vec::new(),
    };
    for (file, text) in &files {
        let ruleset = parse(text).map_err(|e| format!("{file}: {e}"))?;
        for host in &ruleset.hosts {
            let w = *names
                .get(host.as_str())
                .ok_or(format!("{file}: unknown host {host}"))?;
            if out.by_host.insert(w, out.rulesets.len()).is_some() {
                return Err(format!("{host} in two files").into());
            }
            let zone = case.zones.name(case.zones.workload_zone[w as usize]);
            let modes: Vec<PhaseMode> = case
                .plan
                .phases
                .iter()
                .filter(|p| p.zones.iter().any(|z| z == zone))
                .map(|p| p.mode)
                .collect();
            let observe =
                modes.contains(&PhaseMode::Observe) && !modes.contains(&PhaseMode::Enforce);
            if observe != ruleset.observe {
                return Err(format!("{file}: {host} observe is {observe}").into());
            }
        }
        for (name, chain) in &ruleset.chains {
            let policy = if ruleset.observe { "accept" } else { "drop" };
            if chain.policy != policy || chain.rules.last() != Some(&Rule::Log) {
                return Err(format!("{file}: chain {name} policy or log rule").into());
            }
        }
        if !ruleset.chains.contains_key("input") || !ruleset.chains.contains_key("output") {
            return Err(format!("{file}: missing chain").into());
        }
        out.rulesets.push(ruleset);
    }
    let hosts = case
        .estate
        .workloads
        .iter()
        .enumerate()
        .filter(|(_, w)| w.kind == blastwall::model::WorkloadKind::Host);
    for (i, w) in hosts {
        if !out.by_host.contains_key(&(i as u32)) {
            return Err(format!("host {} in no file", w.name).into());
        }
    }
    Ok(out)
}

fn check(case: &Case) -> TestResult {
    let rulesets = read_back(case)?;
    let (errors, tally) = compare(case, &rulesets);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        tally.checked > 0 || rulesets.rulesets.is_empty(),
        "{tally:?}"
    );
    Ok(())
}

#[test]
fn demo_rulesets_allow_exactly_the_plan() -> TestResult {
    check(&harness::demo()?)
}

#[test]
fn small_rulesets_allow_exactly_the_plan() -> TestResult {
    let case = harness::small()?;
    check(&case)?;
    let ctx = case.context();
    let mut files = hosts::rulesets(&ctx);
    files.push(("README.md".into(), hosts::readme(&ctx)));
    for (name, text) in files {
        insta::assert_snapshot!(format!("hosts-{name}"), text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn generated_rulesets_allow_exactly_the_plan(case in generated::cases()) {
        let result = case.and_then(|case| check(&case).map_err(|e| e.to_string()));
        prop_assert!(result.is_ok(), "{:?}", result.err());
    }
}
