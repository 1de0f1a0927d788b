//! Reads the generated CiliumNetworkPolicies back with an evaluator of Cilium's pod-to-pod
//! semantics written apart from the generator, and checks them against the plan's verdict for
//! every ordered pair of Kubernetes workloads and every probed service (demo, small fixture,
//! generated estates and plans). Pods the README says cannot be singled out must be denied.

mod readback;

use std::collections::BTreeMap;

use proptest::prelude::*;
use readback::{Case, Error, Pod, documents};
use serde_yaml_ng::Value;

/// Cilium policy semantics, endpoints only: a policy selecting an endpoint with default deny
/// for a direction isolates it; an endpoint is let through by a rule whose endpoint selector
/// matches the peer (`fromEndpoints`/`toEndpoints`, `fromEntities`/`toEntities` with `all` or
/// `cluster`) and whose `toPorts` admit the service. CIDR rules and `world` never match pods.
mod cnp {
    use super::*;

    pub struct Policy {
        namespace: String,
        selector: Value,
        ingress: Option<Vec<Value>>,
        egress: Option<Vec<Value>>,
    }

    pub fn policies(docs: &[Value]) -> Result<Vec<Policy>, Error> {
        let mut out = Vec::new();
        for doc in docs {
            if doc["kind"].as_str() != Some("CiliumNetworkPolicy")
                || doc["apiVersion"].as_str() != Some("cilium.io/v2")
            {
                return Err(format!("not a CiliumNetworkPolicy: {doc:?}").into());
            }
            let namespace = doc["metadata"]["namespace"]
                .as_str()
                .ok_or("no namespace")?;
            let spec = &doc["spec"];
            let deny = |key: &str| spec["enableDefaultDeny"][key].as_bool();
            let rules = |key: &str| -> Option<Vec<Value>> {
                let list = spec.get(key).and_then(Value::as_sequence);
                let isolates = deny(key).unwrap_or(list.is_some());
                isolates.then(|| list.map_or_else(Vec::new, |l| l.to_vec()))
            };
            out.push(Policy {
                namespace: namespace.to_string(),
                selector: spec["endpointSelector"].clone(),
                ingress: rules("ingress"),
                egress: rules("egress"),
            });
        }
        Ok(out)
    }

    /// An endpoint selector against a pod, in a policy of `namespace`: keys with the `k8s:`
    /// source or none; without a namespace label, the policy's own namespace.
    fn selects(selector: &Value, namespace: &str, pod: &Pod) -> bool {
        if selector.get("matchExpressions").is_some() {
            return false;
        }
        let mut labels: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in &pod.labels {
            labels.insert(format!("k8s:{k}"), v.clone());
            labels.insert(k.clone(), v.clone());
        }
        let ns_key = "k8s:io.kubernetes.pod.namespace";
        labels.insert(ns_key.to_string(), pod.namespace.clone());
        labels.insert(
            "io.kubernetes.pod.namespace".to_string(),
            pod.namespace.clone(),
        );
        let wanted = selector.get("matchLabels").and_then(Value::as_mapping);
        let names_namespace = wanted.is_some_and(|w| {
            w.keys()
                .filter_map(Value::as_str)
                .any(|k| k.ends_with("io.kubernetes.pod.namespace"))
        });
        if !names_namespace && pod.namespace != namespace {
            return false;
        }
        wanted.is_none_or(|wanted| {
            wanted.iter().all(|(k, v)| {
                k.as_str()
                    .and_then(|k| labels.get(k))
                    .is_some_and(|have| Some(have.as_str()) == v.as_str())
            })
        })
    }

    fn peer_matches(rule: &Value, side: &str, namespace: &str, pod: &Pod) -> bool {
        let endpoints = rule
            .get(format!("{side}Endpoints"))
            .and_then(Value::as_sequence);
        let entities = rule
            .get(format!("{side}Entities"))
            .and_then(Value::as_sequence);
        endpoints.is_some_and(|e| e.iter().any(|s| selects(s, namespace, pod)))
            || entities.is_some_and(|e| {
                e.iter()
                    .any(|x| matches!(x.as_str(), Some("all" | "cluster")))
            })
    }

    fn ports_admit(rule: &Value, port: u16, protocol: u8) -> bool {
        let Some(groups) = rule.get("toPorts").and_then(Value::as_sequence) else {
            return true;
        };
        groups.iter().any(|group| {
            let ports = group.get("ports").and_then(Value::as_sequence);
            ports.is_some_and(|ports| {
                ports.iter().any(|p| {
                    let name = p.get("protocol").and_then(Value::as_str).unwrap_or("ANY");
                    let proto_ok = match name {
                        "TCP" => protocol == 6,
                        "UDP" => protocol == 17,
                        "SCTP" => protocol == 132,
                        "ANY" => matches!(protocol, 6 | 17 | 132),
                        _ => false,
                    };
                    let first = p
                        .get("port")
                        .and_then(Value::as_str)
                        .and_then(|s| s.parse::<u16>().ok());
                    let Some(first) = first else { return false };
                    let last = p
                        .get("endPort")
                        .and_then(Value::as_u64)
                        .unwrap_or(u64::from(first));
                    proto_ok && (u64::from(first)..=last).contains(&u64::from(port))
                })
            })
        })
    }

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
            if policy.namespace != own.namespace
                || !selects(&policy.selector, &policy.namespace, own)
            {
                continue;
            }
            isolated = true;
            let side = if ingress { "from" } else { "to" };
            rules.extend(
                list.iter()
                    .filter(|r| peer_matches(r, side, &policy.namespace, other)),
            );
        }
        isolated.then_some(rules)
    }

    pub fn open(rules: &Option<Vec<&Value>>, port: u16, protocol: u8) -> bool {
        rules
            .as_ref()
            .is_none_or(|rules| rules.iter().any(|r| ports_admit(r, port, protocol)))
    }
}

fn check(case: &Case) -> Result<usize, Error> {
    let text = case.render("enforcement/cilium/policies.yaml")?;
    let readme = case.render("enforcement/cilium/README.md")?;
    let policies = cnp::policies(&documents(&text)?)?;
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
            let ingress = cnp::admitting(&policies, server, client, true);
            let egress = cnp::admitting(&policies, client, server, false);
            let unexpressible =
                ambiguous.contains(&client.index) || ambiguous.contains(&server.index);
            for &(port, protocol) in &services {
                let got = cnp::open(&ingress, port, protocol) && cnp::open(&egress, port, protocol);
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
        }
    }
    Ok(compared)
}

#[test]
fn the_demo_cilium_policies_allow_exactly_what_the_plan_allows() -> Result<(), Error> {
    let compared = check(&readback::demo()?)?;
    assert!(compared > 0);
    Ok(())
}

#[test]
fn the_small_fixture_cilium_policies_allow_exactly_what_the_plan_allows() -> Result<(), Error> {
    assert!(check(&readback::small()?)? > 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_cilium_policies_allow_exactly_what_the_plan_allows(
        estate in readback::estate(),
        plan in readback::plan(),
    ) {
        let case = readback::case(&estate, &plan).map_err(|e| TestCaseError::fail(format!("{e}\n{plan}")))?;
        check(&case).map_err(|e| TestCaseError::fail(format!("{e}\n{plan}")))?;
    }
}
