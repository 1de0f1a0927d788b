//! The Istio AuthorizationPolicies read back by an independent evaluator: over every ordered
//! pair of mesh workloads and every concrete TCP port the plan names (and a few more), a request
//! is allowed iff the plan allows it, where Istio can express it, and denied otherwise. On the
//! demo estate and the small fixture estate; a snapshot of the small one.
//!
//! The evaluator reads only the YAML and the estate's pods: a workload selected by some ALLOW
//! policy of its namespace (a policy without a selector selects every workload) accepts a
//! request iff some rule of those policies matches (`from` principals, `to` ports, both
//! optional). Dry-run policies are evaluated as they will enforce once the annotation goes.

use std::collections::{BTreeMap, BTreeSet};

use blastwall::analysis::enforce::allows;
use blastwall::analysis::simulate::{RuleSides, simulate};
use blastwall::analysis::{Endpoint, ResolvedEstate, Workload};
use blastwall::export::deliverables::{Context, render_file};
use blastwall::model::plan::{Plan, PortSpec};
use blastwall::ops::plan_view::PlanView;
use serde::Deserialize;
use serde_yaml_ng::Value;

mod readback;

use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Error = Box<dyn std::error::Error>;

const POLICIES: &str = "enforcement/istio/authorization-policies.yaml";

fn demo() -> Result<PlanView, Error> {
    Ok(readback::demo()?.view())
}

fn small() -> Result<PlanView, Error> {
    Ok(readback::small()?.view())
}

/// A rule: the principals of `from` and the ports of `to`; `None` when absent (anything).
type Rule = (Option<BTreeSet<String>>, Option<BTreeSet<String>>);

/// One policy as the evaluator sees it.
struct Policy {
    namespace: String,
    /// `None`: every workload of the namespace.
    selector: Option<BTreeMap<String, String>>,
    rules: Vec<Rule>,
}

fn strings(value: &Value) -> BTreeSet<String> {
    let items = value.as_sequence().map(Vec::as_slice).unwrap_or_default();
    items
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn parse(yaml: &str) -> Result<Vec<Policy>, Error> {
    let mut out = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(yaml) {
        let doc = Value::deserialize(document)?;
        if doc.is_null() {
            continue; // a file of comments only: no mesh workload in scope
        }
        assert_eq!(doc["apiVersion"].as_str(), Some("security.istio.io/v1"));
        assert_eq!(doc["kind"].as_str(), Some("AuthorizationPolicy"));
        let name = doc["metadata"]["name"].as_str().ok_or("no name")?;
        assert!(name.len() <= 63 && !name.is_empty(), "{name}");
        let namespace = doc["metadata"]["namespace"]
            .as_str()
            .ok_or("no namespace")?;
        let spec = &doc["spec"];
        assert!(matches!(spec["action"].as_str(), None | Some("ALLOW")));
        let selector = spec["selector"]["matchLabels"].as_mapping().map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                .collect()
        });
        let mut rules = Vec::new();
        for rule in spec["rules"]
            .as_sequence()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let from = rule["from"].as_sequence().map(|sources| {
                sources
                    .iter()
                    .flat_map(|s| strings(&s["source"]["principals"]))
                    .collect()
            });
            let to = rule["to"].as_sequence().map(|ops| {
                ops.iter()
                    .flat_map(|o| strings(&o["operation"]["ports"]))
                    .collect()
            });
            rules.push((from, to));
        }
        out.push(Policy {
            namespace: namespace.to_string(),
            selector,
            rules,
        });
    }
    Ok(out)
}

/// The principal a mesh workload presents (Istio's default trust domain).
fn principal(w: &Workload) -> Option<String> {
    let namespace = w.namespace.as_deref()?;
    let (ns, account) = w.identity.as_deref()?.split_once('/')?;
    (w.kind.is_kubernetes() && ns == namespace)
        .then(|| format!("cluster.local/ns/{ns}/sa/{account}"))
}

/// Whether the policies let `client` into `server` on a TCP port.
fn evaluate(policies: &[Policy], client: &Workload, server: &Workload, port: u16) -> bool {
    let Some(namespace) = server.namespace.as_deref() else {
        return true;
    };
    let selects = |p: &&Policy| {
        p.namespace == namespace
            && p.selector.as_ref().is_none_or(|labels| {
                labels
                    .iter()
                    .all(|(k, v)| server.pod_labels.get(k) == Some(v))
            })
    };
    let applying: Vec<&Policy> = policies.iter().filter(selects).collect();
    if applying.is_empty() {
        return true;
    }
    let who = principal(client);
    applying.iter().flat_map(|p| &p.rules).any(|(from, to)| {
        from.as_ref()
            .is_none_or(|set| who.as_ref().is_some_and(|p| set.contains(p)))
            && to
                .as_ref()
                .is_none_or(|set| set.contains(&port.to_string()))
    })
}

/// The concrete TCP ports the plan names, a few more, and the wide ranges (which Istio cannot
/// express).
fn ports(plan: &Plan) -> (BTreeSet<u16>, Vec<(u16, u16)>) {
    let mut concrete: BTreeSet<u16> = [22, 80, 443, 8080, 65535].into();
    let mut wide = Vec::new();
    for spec in plan
        .rules
        .iter()
        .filter(|r| r.enabled)
        .flat_map(|r| &r.ports)
    {
        if let PortSpec::Range {
            protocol: 6,
            first,
            last,
        } = *spec
        {
            if u32::from(last) - u32::from(first) < 64 {
                concrete.extend(first..=last);
            } else {
                concrete.extend([first, first.saturating_add(1), last]);
                wide.push((first, last));
            }
        }
    }
    (concrete, wide)
}

/// Whether a workload's pod labels select it alone in its namespace.
fn selectable(estate: &ResolvedEstate, w: usize) -> bool {
    let me = &estate.workloads[w];
    !me.pod_labels.is_empty()
        && !estate.workloads.iter().enumerate().any(|(v, other)| {
            v != w
                && other.kind.is_kubernetes()
                && other.namespace == me.namespace
                && me
                    .pod_labels
                    .iter()
                    .all(|(k, val)| other.pod_labels.get(k) == Some(val))
        })
}

/// Reads the policies back against the plan; returns how many requests both allow.
fn read_back(view: &PlanView) -> Result<usize, Error> {
    let plan = view.plan.as_ref().ok_or("no plan")?;
    let estate = &view.estate;
    let simulation = simulate(plan, estate, &view.zones);
    let ctx = Context::new(plan, estate, &view.zones, &simulation);
    let yaml = render_file(POLICIES, &ctx).ok_or("no istio file")?;
    let policies = parse(&yaml)?;
    let mut sides = RuleSides::new(plan, estate, &view.zones);
    let (ports, wide) = ports(plan);
    let mesh: Vec<usize> = (0..estate.workloads.len())
        .filter(|&w| principal(&estate.workloads[w]).is_some())
        .collect();
    let mut holders: BTreeMap<String, usize> = BTreeMap::new();
    for &w in &mesh {
        *holders
            .entry(principal(&estate.workloads[w]).unwrap_or_default())
            .or_default() += 1;
    }
    let mut both = 0;
    for &c in &mesh {
        let client = &estate.workloads[c];
        let unique = holders.get(&principal(client).unwrap_or_default()) == Some(&1);
        for &s in &mesh {
            let server = &estate.workloads[s];
            let expressible = unique && selectable(estate, s);
            for &port in &ports {
                let (ce, se) = (Endpoint::Workload(c as u32), Endpoint::Workload(s as u32));
                let plan_allows = allows(plan, &mut sides, &view.zones, ce, se, port, 6);
                let istio_allows = evaluate(&policies, client, server, port);
                let context = format!("{} -> {} tcp/{port}", client.name, server.name);
                assert!(
                    !istio_allows || plan_allows,
                    "broader than the plan: {context}"
                );
                if plan_allows && expressible && !wide.iter().any(|&(a, b)| (a..=b).contains(&port))
                {
                    assert!(
                        istio_allows,
                        "the plan allows, the policies deny: {context}"
                    );
                }
                both += usize::from(istio_allows && plan_allows);
            }
        }
    }
    Ok(both)
}

#[test]
fn the_demo_policies_allow_exactly_the_plan() -> TestResult {
    let allowed = read_back(&demo()?)?;
    assert!(allowed > 0);
    Ok(())
}

#[test]
fn the_small_estate_policies_allow_exactly_the_plan() -> TestResult {
    read_back(&small()?)?;
    Ok(())
}

#[test]
fn the_small_estate_snapshot() -> TestResult {
    let view = small()?;
    let plan = view.plan.as_ref().ok_or("no plan")?;
    let simulation = simulate(plan, &view.estate, &view.zones);
    let ctx = Context::new(plan, &view.estate, &view.zones, &simulation);
    let yaml = render_file(POLICIES, &ctx).ok_or("no istio file")?;
    let readme = render_file("enforcement/istio/README.md", &ctx).ok_or("no readme")?;
    insta::assert_snapshot!("istio_small_policies", yaml);
    insta::assert_snapshot!("istio_small_readme", readme);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Generated estates (pods with service accounts, some shared, and hosts) and plans.
    #[test]
    fn generated_policies_allow_exactly_the_plan(
        estate in readback::estate(),
        plan in readback::plan(),
    ) {
        let fail = |e: Error| TestCaseError::fail(format!("{e}\n{plan}"));
        let case = readback::case(&estate, &plan).map_err(fail)?;
        let view = PlanView {
            estate: case.estate,
            plan: Some(case.plan),
            zones: case.zones,
        };
        read_back(&view).map_err(fail)?;
    }
}
