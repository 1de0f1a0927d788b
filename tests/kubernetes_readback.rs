//! Reads the generated NetworkPolicies back with an evaluator of NetworkPolicy semantics written
//! apart from the generator, and checks them against the plan's own verdict
//! (`analysis::enforce::allows`) for every ordered pair of Kubernetes workloads and every
//! probed service: on the demo estate, the small fixture, and generated estates and plans.
//! Where the README says the policies cannot express something (ICMP, pods their labels cannot
//! single out) the policies must deny it.

mod readback;

use std::net::IpAddr;

use ipnet::IpNet;
use proptest::prelude::*;
use readback::{Case, Error, Pod, documents};
use serde_yaml_ng::Value;

/// NetworkPolicy semantics over parsed manifests.
mod netpol {
    use super::*;

    /// One policy: namespace, pod selector, policy types, rules per direction.
    pub struct Policy {
        namespace: String,
        selector: Value,
        ingress: Option<Vec<Value>>,
        egress: Option<Vec<Value>>,
    }

    pub fn policies(docs: &[Value]) -> Result<Vec<Policy>, Error> {
        let mut out = Vec::new();
        for doc in docs {
            if doc["kind"].as_str() != Some("NetworkPolicy")
                || doc["apiVersion"].as_str() != Some("networking.k8s.io/v1")
            {
                return Err(format!("not a NetworkPolicy: {doc:?}").into());
            }
            let namespace = doc["metadata"]["namespace"]
                .as_str()
                .ok_or("no namespace")?;
            let spec = &doc["spec"];
            let types: Vec<&str> = spec["policyTypes"]
                .as_sequence()
                .ok_or("policyTypes must be explicit")?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let rules = |key: &str| -> Option<Vec<Value>> {
                let kind = if key == "ingress" {
                    "Ingress"
                } else {
                    "Egress"
                };
                types.contains(&kind).then(|| {
                    spec[key]
                        .as_sequence()
                        .map_or_else(Vec::new, |rules| rules.to_vec())
                })
            };
            out.push(Policy {
                namespace: namespace.to_string(),
                selector: spec["podSelector"].clone(),
                ingress: rules("ingress"),
                egress: rules("egress"),
            });
        }
        Ok(out)
    }

    /// A label selector (`matchLabels` only; an empty selector selects everything).
    fn selects(selector: &Value, labels: &std::collections::BTreeMap<String, String>) -> bool {
        if selector.get("matchExpressions").is_some() {
            return false;
        }
        match selector.get("matchLabels").and_then(Value::as_mapping) {
            None => true,
            Some(wanted) => wanted.iter().all(|(k, v)| {
                k.as_str()
                    .and_then(|k| labels.get(k))
                    .is_some_and(|have| Some(have.as_str()) == v.as_str())
            }),
        }
    }

    fn net(value: &Value) -> Option<IpNet> {
        value.as_str()?.parse().ok()
    }

    /// Whether a `from`/`to` element matches a pod (in a policy of `namespace`).
    fn peer_matches(peer: &Value, namespace: &str, pod: &Pod) -> bool {
        if let Some(block) = peer.get("ipBlock") {
            let Some(cidr) = block.get("cidr").and_then(net) else {
                return false;
            };
            let except: Vec<IpNet> = block
                .get("except")
                .and_then(Value::as_sequence)
                .map_or_else(Vec::new, |e| e.iter().filter_map(net).collect());
            return pod
                .addresses
                .iter()
                .any(|a: &IpAddr| cidr.contains(a) && !except.iter().any(|e| e.contains(a)));
        }
        let namespace_ok = match peer.get("namespaceSelector") {
            None => pod.namespace == namespace,
            Some(selector) => {
                let labels = [(
                    "kubernetes.io/metadata.name".to_string(),
                    pod.namespace.clone(),
                )]
                .into();
                selects(selector, &labels)
            }
        };
        let pod_ok = peer
            .get("podSelector")
            .is_none_or(|selector| selects(selector, &pod.labels));
        let has_selector =
            peer.get("namespaceSelector").is_some() || peer.get("podSelector").is_some();
        has_selector && namespace_ok && pod_ok
    }

    /// The port list of a rule admits a service (`None`: the rule's peers do not match).
    fn ports_admit(rule: &Value, port: u16, protocol: u8) -> bool {
        let Some(ports) = rule.get("ports").and_then(Value::as_sequence) else {
            return true;
        };
        if ports.is_empty() {
            return true;
        }
        ports.iter().any(|entry| {
            let name = entry
                .get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("TCP");
            let number = match name {
                "TCP" => 6,
                "UDP" => 17,
                "SCTP" => 132,
                _ => return false,
            };
            if number != protocol {
                return false;
            }
            let Some(first) = entry.get("port") else {
                return true;
            };
            let Some(first) = first.as_u64() else {
                return false;
            };
            let last = entry
                .get("endPort")
                .and_then(Value::as_u64)
                .unwrap_or(first);
            (first..=last).contains(&u64::from(port))
        })
    }

    /// For one direction: `None` when no policy selects `own` (not isolated), else the rules
    /// of the selecting policies whose peers match `other`.
    pub fn admitting<'a>(
        policies: &'a [Policy],
        own: &Pod,
        other: &Pod,
        ingress: bool,
    ) -> Option<Vec<&'a Value>> {
        let mut isolated = false;
        let mut rules = Vec::new();
        for policy in policies {
            let direction = if ingress {
                &policy.ingress
            } else {
                &policy.egress
            };
            let Some(list) = direction else { continue };
            if policy.namespace != own.namespace || !selects(&policy.selector, &own.labels) {
                continue;
            }
            isolated = true;
            let key = if ingress { "from" } else { "to" };
            for rule in list {
                let peers_ok = match rule.get(key).and_then(Value::as_sequence) {
                    None => true,
                    Some(peers) if peers.is_empty() => true,
                    Some(peers) => peers
                        .iter()
                        .any(|p| peer_matches(p, &policy.namespace, other)),
                };
                if peers_ok {
                    rules.push(rule);
                }
            }
        }
        isolated.then_some(rules)
    }

    /// Whether one direction's rules admit a service.
    pub fn open(rules: &Option<Vec<&Value>>, port: u16, protocol: u8) -> bool {
        rules
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|r| ports_admit(r, port, protocol)))
    }
}

/// Checks a case; returns how many (pair, service) verdicts were compared.
fn check(case: &Case) -> Result<usize, Error> {
    let deny = case.render("enforcement/kubernetes/default-deny.yaml")?;
    let allow = case.render("enforcement/kubernetes/allow.yaml")?;
    let readme = case.render("enforcement/kubernetes/README.md")?;
    let mut docs = documents(&deny)?;
    docs.extend(documents(&allow)?);
    let policies = netpol::policies(&docs)?;
    let pods = case.pods();
    let ambiguous = case.ambiguous();
    for &w in &ambiguous {
        let name = &case.estate.workloads[w as usize].name;
        if !readme.contains(name.as_str()) {
            return Err(format!("README does not say {name} cannot be singled out").into());
        }
    }
    let services = case.services();
    let mut verdict = case.verdict();
    let mut compared = 0;
    for client in &pods {
        for server in &pods {
            if client.index == server.index {
                continue;
            }
            let ingress = netpol::admitting(&policies, server, client, true);
            let egress = netpol::admitting(&policies, client, server, false);
            let unexpressible =
                ambiguous.contains(&client.index) || ambiguous.contains(&server.index);
            for &(port, protocol) in &services {
                let got =
                    netpol::open(&ingress, port, protocol) && netpol::open(&egress, port, protocol);
                let want = verdict(client.index, server.index, port, protocol);
                let ok = if unexpressible { !got } else { got == want };
                if !ok {
                    return Err(format!(
                        "{} -> {} {port}/{protocol}: policies {} but the plan {}",
                        client.name,
                        server.name,
                        if got { "allow" } else { "deny" },
                        if want { "allows" } else { "denies" },
                    )
                    .into());
                }
                compared += 1;
            }
            for protocol in [1, 58] {
                let got = netpol::open(&ingress, 0, protocol) && netpol::open(&egress, 0, protocol);
                if got && !verdict(client.index, server.index, 0, protocol) {
                    return Err(format!(
                        "{} -> {} icmp allowed, the plan denies",
                        client.name, server.name
                    )
                    .into());
                }
            }
        }
    }
    Ok(compared)
}

#[test]
fn the_demo_policies_allow_exactly_what_the_plan_allows() -> Result<(), Error> {
    let case = readback::demo()?;
    let compared = check(&case)?;
    assert!(compared > 0);
    eprintln!(
        "demo: {compared} verdicts compared, {} pods",
        case.pods().len()
    );
    Ok(())
}

#[test]
fn the_small_fixture_policies_allow_exactly_what_the_plan_allows() -> Result<(), Error> {
    let compared = check(&readback::small()?)?;
    assert!(compared > 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn generated_policies_allow_exactly_what_the_plan_allows(
        estate in readback::estate(),
        plan in readback::plan(),
    ) {
        let case = readback::case(&estate, &plan).map_err(|e| TestCaseError::fail(format!("{e}\n{plan}")))?;
        check(&case).map_err(|e| TestCaseError::fail(format!("{e}\n{plan}")))?;
    }
}
