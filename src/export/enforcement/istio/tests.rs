//! The Istio policies on a small mesh: principals, selectors, ports, dry-run, what is left out.

use super::*;
use crate::analysis::resolve::resolve_estate;
use crate::analysis::simulate::{Simulation, simulate};
use crate::analysis::testkit::{TestResult, edge, host, workload};
use crate::analysis::zones::{ZoneMap, assign_zones};
use crate::ingest::plan::parse_plan;
use crate::model::plan::Plan;
use crate::model::{Estate, Protocol, WorkloadKind};

pub(crate) struct Mesh {
    pub plan: Plan,
    pub estate: ResolvedEstate,
    pub zones: ZoneMap,
    pub simulation: Simulation,
}

impl Mesh {
    pub fn ctx(&self) -> Context<'_> {
        Context::new(&self.plan, &self.estate, &self.zones, &self.simulation)
    }
}

fn pod(name: &str, address: &str, account: &str, app: &str) -> crate::model::WorkloadRecord {
    let mut record = workload(name, WorkloadKind::Deployment, address);
    let namespace = name.split('/').next().unwrap_or_default();
    record.identity = Some(format!("{namespace}/{account}"));
    record
        .labels
        .insert("app.kubernetes.io/name".into(), app.into());
    record
}

/// shop/web and shop/batch (front), shop/api and shop/worker sharing a service account (back),
/// pay/vault (vault), a host; a plan with TCP, UDP, a wide range and a rule from `any`.
pub(crate) fn mesh(extra_plan: &str) -> Result<Mesh, Box<dyn std::error::Error>> {
    let workloads = vec![
        pod("shop/web", "10.244.1.1", "web", "web"),
        pod("shop/batch", "10.244.1.2", "batch", "batch"),
        pod("shop/api", "10.244.2.1", "api", "api"),
        pod("shop/worker", "10.244.2.2", "api", "worker"),
        pod("pay/vault", "10.244.3.1", "vault", "vault"),
        host("db-01", "10.0.3.1", "shop", "data"),
    ];
    let mut raw = Estate {
        workloads: workloads.into_iter().map(|w| (1, w)).collect(),
        ..Estate::default()
    };
    edge(
        &mut raw,
        "10.244.1.1",
        "10.244.2.1",
        8443,
        Protocol::TCP,
        true,
    );
    edge(
        &mut raw,
        "10.244.2.1",
        "10.244.3.1",
        443,
        Protocol::TCP,
        true,
    );
    let plan = format!(
        "version: 1
zones:
  - {{name: front, members: [{{workload: shop/web}}, {{workload: shop/batch}}]}}
  - {{name: back, intra_zone: deny, members: [{{workload: shop/api}}, {{workload: shop/worker}}]}}
  - {{name: vault, members: [{{namespace: pay}}]}}
  - {{name: data, members: [{{labels: {{tier: data}}}}]}}
rules:
  - {{name: web-api, from: {{workload: shop/web}}, to: {{workload: shop/api}}, ports: [tcp/8443, tcp/8000-8002, udp/53, tcp/9000-9999]}}
  - {{name: api-vault, from: {{zone: back}}, to: {{zone: vault}}, ports: [tcp/443]}}
  - {{name: batch-worker, from: {{workload: shop/batch}}, to: {{workload: shop/worker}}, ports: [tcp/7000]}}
  - {{name: worker-vault, from: {{workload: shop/worker}}, to: {{zone: vault}}, ports: [tcp/8200]}}
  - {{name: anyone, from: any, to: {{workload: shop/web}}, ports: [tcp/80]}}
  - {{name: db-in, from: {{zone: data}}, to: {{workload: shop/batch}}, ports: [tcp/6000]}}
{extra_plan}"
    );
    let plan = parse_plan(&plan, "plan.yaml")?;
    let estate = resolve_estate(&raw);
    let zones = assign_zones(&plan, &estate);
    let simulation = simulate(&plan, &estate, &zones);
    Ok(Mesh {
        plan,
        estate,
        zones,
        simulation,
    })
}

fn policy<'a>(mesh: &'a MeshPolicies, workload: &str) -> Option<&'a WorkloadPolicy> {
    mesh.policies.iter().find(|p| p.workload == workload)
}

#[test]
fn principals_ports_and_selectors_are_exactly_the_plan() -> TestResult {
    let fixture = mesh("")?;
    let ctx = fixture.ctx();
    let mesh = mesh_policies(&ctx);
    let api = policy(&mesh, "shop/api").ok_or("no policy for shop/api")?;
    assert_eq!(api.name, "allow-api");
    assert_eq!(
        api.selector
            .get("app.kubernetes.io/name")
            .map(String::as_str),
        Some("api")
    );
    assert_eq!(api.rules.len(), 1);
    assert_eq!(
        api.rules[0].principals.as_deref(),
        Some(&["cluster.local/ns/shop/sa/web".to_string()][..])
    );
    assert_eq!(
        api.rules[0].ports.as_deref(),
        Some(&[8000, 8001, 8002, 8443][..])
    );
    // `any` on tcp/80: every source.
    let web = policy(&mesh, "shop/web").ok_or("no policy for shop/web")?;
    assert!(
        web.rules
            .iter()
            .any(|r| r.principals.is_none() && r.ports.as_deref() == Some(&[80][..]))
    );
    // The vault lets in shop/api's account only through api-vault; worker shares it, and
    // worker-vault (tcp/8200) alone does not cover api: that rule is left out.
    let vault = policy(&mesh, "pay/vault").ok_or("no policy for pay/vault")?;
    let ports: Vec<_> = vault.rules.iter().map(|r| r.ports.clone()).collect();
    assert!(ports.contains(&Some(vec![443])), "{ports:?}");
    assert!(!ports.contains(&Some(vec![8200])), "{ports:?}");
    // db-in names only a host: nothing expressible into batch but its intra-zone traffic.
    let batch = policy(&mesh, "shop/batch").ok_or("no policy for shop/batch")?;
    assert!(batch.rules.iter().all(|r| r.principals.is_some()));
    let gaps: Vec<&String> = mesh.gaps.keys().collect();
    let has = |text: &str| gaps.iter().any(|g| g.contains(text));
    assert!(has("udp/53 is not TCP"), "{gaps:?}");
    assert!(has("tcp/9000-9999 spans more than 64 ports"), "{gaps:?}");
    assert!(
        has("service account cluster.local/ns/shop/sa/api"),
        "{gaps:?}"
    );
    assert!(
        has("rule db-in: peers that are not mesh workloads"),
        "{gaps:?}"
    );
    assert_eq!(mesh.namespaces.len(), 2);
    Ok(())
}

#[test]
fn observe_phases_mark_policies_dry_run() -> TestResult {
    let fixture = mesh("phases:\n  - {name: watch, zones: [vault], mode: observe}\n")?;
    let ctx = fixture.ctx();
    let mesh = mesh_policies(&ctx);
    assert!(policy(&mesh, "pay/vault").is_some_and(|p| p.dry_run));
    assert!(policy(&mesh, "shop/api").is_some_and(|p| !p.dry_run));
    let pay = mesh.namespaces.iter().find(|n| n.namespace == "pay");
    assert!(pay.is_some_and(|n| n.dry_run && !n.mixed));
    let yaml = authorization_policies(&ctx);
    assert!(yaml.contains("istio.io/dry-run: \"true\""), "{yaml}");
    for doc in serde_yaml_ng::Deserializer::from_str(&yaml) {
        let value = serde_yaml_ng::Value::deserialize(doc)?;
        assert_eq!(value["apiVersion"].as_str(), Some("security.istio.io/v1"));
    }
    assert!(readme(&ctx).contains("| vault | none yet |"));
    Ok(())
}

#[test]
fn a_selector_that_selects_another_workload_is_not_used() -> TestResult {
    let mut fixture = mesh("")?;
    let index = |name: &str| fixture.estate.workloads.iter().position(|w| w.name == name);
    let (api, web) = (
        index("shop/api").ok_or("api")?,
        index("shop/web").ok_or("web")?,
    );
    // web's pods carry api's labels plus one more: api's labels would select them too.
    let mut labels = fixture.estate.workloads[api].pod_labels.clone();
    labels.insert("role".into(), "frontend".into());
    fixture.estate.workloads[web].pod_labels = labels;
    let ctx = fixture.ctx();
    let mesh = mesh_policies(&ctx);
    assert!(policy(&mesh, "shop/api").is_none());
    assert!(policy(&mesh, "shop/web").is_some());
    let gap = |(what, names): (&String, &BTreeSet<String>)| {
        what.contains("also select") && names.contains("shop/api")
    };
    assert!(mesh.gaps.iter().any(gap));
    Ok(())
}

use serde::Deserialize as _;
