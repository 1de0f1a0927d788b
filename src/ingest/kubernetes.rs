//! Kubernetes pod lists (`kubectl get pods -A -o json`: `kind: List`, or the API's `PodList`, or
//! a single `Pod`) into one workload per owner.
//!
//! Pods are grouped by their controller: a ReplicaSet's pods belong to its Deployment (the
//! `-<pod-template-hash>` suffix removed), a Job's pods to its CronJob when the Job is named
//! `<cronjob>-<digits>`, StatefulSet and DaemonSet pods to those; any other pod is a workload of its
//! own. Every pod, finished ones too, is also listed as a [`PodRecord`] so that flows from pods
//! since replaced still land on their owner.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer};

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use crate::model::{
    Attribute, CHURNING_POD_LABELS, NetworkKind, NetworkRef, PodRecord, WorkloadKind,
    WorkloadRecord, kubernetes_app,
};

const EXPECTED: &str = "a kubectl pod list (kubectl get pods -A -o json)";

/// Labels that also set an attribute, most preferred key first.
const LABEL_ATTRIBUTES: [(Attribute, &[&str]); 5] = [
    (Attribute::Tier, &["tier"]),
    (Attribute::Env, &["env", "environment"]),
    (Attribute::Owner, &["owner"]),
    (Attribute::Criticality, &["criticality"]),
    (Attribute::DataClass, &["data_class", "data-class"]),
];

/// A JSON `null` read as the type's default (an empty map or list).
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The top-level document: a list of pods, or a pod.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Document {
    kind: Option<String>,
    #[serde(deserialize_with = "nullable")]
    items: Option<Vec<Pod>>,
    #[serde(flatten)]
    pod: Pod,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Pod {
    kind: Option<String>,
    metadata: Metadata,
    spec: Spec,
    status: Status,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Metadata {
    name: Option<String>,
    namespace: Option<String>,
    #[serde(deserialize_with = "nullable")]
    labels: BTreeMap<String, String>,
    #[serde(deserialize_with = "nullable")]
    owner_references: Vec<OwnerReference>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OwnerReference {
    kind: String,
    name: String,
    controller: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Spec {
    service_account_name: Option<String>,
    service_account: Option<String>,
    host_network: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Status {
    phase: Option<String>,
    #[serde(rename = "podIP")]
    pod_ip: Option<String>,
    #[serde(rename = "podIPs", deserialize_with = "nullable")]
    pod_ips: Vec<PodIp>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PodIp {
    ip: String,
}

/// A JSON error, placed at its line.
pub(crate) fn json_error(ctx: &Context, error: &serde_json::Error, expected: &str) -> InputError {
    let line = u64::try_from(error.line()).ok().filter(|&line| line > 0);
    let mut message = error.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    let problem = if error.is_io() {
        InputError::new("a readable file", format!("a read error: {message}"))
    } else if error.is_eof() {
        InputError::new(expected, message).hint("the file ends early: was it cut short?")
    } else {
        InputError::new(expected, message)
    };
    ctx.error(line, problem)
}

/// Parses a pod list into workloads (one per owner) and pod records.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let document: Document =
        serde_json::from_reader(input).map_err(|e| json_error(ctx, &e, EXPECTED))?;
    let kind = document.kind.as_deref().unwrap_or("");
    let pods: Vec<(String, Pod)> = match (kind, document.items) {
        ("Pod", _) => vec![("the pod".to_string(), document.pod)],
        ("List" | "PodList", items) | (_, items @ Some(_)) => items
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, pod)| (format!("items[{i}]"), pod))
            .collect(),
        (other, None) => {
            let found = if other.is_empty() {
                "no kind and no items".into()
            } else {
                format!("kind {other:?}")
            };
            return Err(ctx.error(None, InputError::new(EXPECTED, found).field("kind")));
        }
    };
    let mut workloads = Workloads::default();
    let mut others: BTreeMap<String, usize> = BTreeMap::new();
    for (place, pod) in pods {
        match pod.kind.as_deref() {
            None | Some("Pod") => workloads.add(&place, pod, ctx, batch)?,
            Some(other) => *others.entry(other.to_string()).or_default() += 1,
        }
    }
    if !others.is_empty() {
        let kinds: Vec<String> = others
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        batch.warnings.push(format!(
            "{}: skipped items that are not pods: {}",
            ctx.file,
            kinds.join(", ")
        ));
    }
    batch.workloads.extend(workloads.finish());
    Ok(())
}

/// Workloads in first-seen order.
#[derive(Default)]
struct Workloads {
    records: Vec<(String, WorkloadRecord)>,
    index: FxHashMap<String, usize>,
}

impl Workloads {
    /// Adds one pod: its pod record, and its labels, identity and addresses to its owner.
    fn add(
        &mut self,
        place: &str,
        pod: Pod,
        ctx: &mut Context,
        batch: &mut Batch,
    ) -> Result<(), InputError> {
        let Pod {
            metadata,
            spec,
            status,
            ..
        } = pod;
        let checked = identify(&metadata, place)
            .and_then(|names| Ok((names, addresses(&spec, &status, place)?)));
        let ((name, namespace), addresses) = match checked {
            Ok(checked) => checked,
            Err(error) => return ctx.bad(None, error),
        };
        let (kind, owner) = owner_of(&metadata.owner_references, &metadata.labels, &name);
        let full_name = format!("{namespace}/{owner}");
        batch.pods.push(PodRecord {
            namespace: namespace.clone(),
            pod_name: name,
            workload: full_name.clone(),
        });
        let record = self.entry(full_name, kind, owner, &namespace);
        let labels = metadata.labels.into_iter();
        record
            .labels
            .extend(labels.filter(|(k, _)| !CHURNING_POD_LABELS.contains(&k.as_str())));
        let accounts = [spec.service_account_name, spec.service_account]
            .into_iter()
            .flatten();
        let account = accounts.into_iter().find(|a| !a.is_empty());
        let account = account.unwrap_or_else(|| "default".into());
        record.identity = Some(format!("{namespace}/{account}"));
        for address in addresses {
            if !record.addresses.contains(&address) {
                record.addresses.push(address);
            }
        }
        Ok(())
    }

    /// The record of a workload, created on first sight.
    fn entry(
        &mut self,
        name: String,
        kind: WorkloadKind,
        owner: String,
        namespace: &str,
    ) -> &mut WorkloadRecord {
        let index = match self.index.get(&name) {
            Some(&index) => index,
            None => {
                self.index.insert(name.clone(), self.records.len());
                let record = WorkloadRecord {
                    name,
                    kind: Some(kind),
                    networks: vec![NetworkRef::new(NetworkKind::Namespace, namespace)],
                    namespace: Some(namespace.to_string()),
                    ..WorkloadRecord::default()
                };
                self.records.push((owner, record));
                self.records.len() - 1
            }
        };
        &mut self.records[index].1
    }

    /// The workloads, with their attributes taken from the merged labels.
    fn finish(self) -> impl Iterator<Item = WorkloadRecord> {
        self.records.into_iter().map(|(owner, mut record)| {
            let app = kubernetes_app(|key| record.labels.get(key).map(String::as_str), &owner)
                .to_string();
            record.set_attribute(Attribute::App, &app);
            for (attribute, keys) in LABEL_ATTRIBUTES {
                let value = keys
                    .iter()
                    .find_map(|k| record.labels.get(*k).filter(|v| !v.trim().is_empty()));
                if let Some(value) = value.cloned() {
                    record.set_attribute(attribute, &value);
                }
            }
            record
        })
    }
}

/// A pod's name and namespace, both required.
fn identify(metadata: &Metadata, place: &str) -> Result<(String, String), InputError> {
    let name = metadata
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            InputError::new("a pod name", format!("none in {place}")).field("metadata.name")
        })?;
    let namespace = metadata
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            let found = format!("none in {place} ({name})");
            InputError::new("a pod namespace", found).field("metadata.namespace")
        })?;
    Ok((name, namespace))
}

/// The addresses of a pod that runs on the pod network and has not finished.
fn addresses(spec: &Spec, status: &Status, place: &str) -> Result<Vec<IpNet>, InputError> {
    let finished = matches!(status.phase.as_deref(), Some("Succeeded" | "Failed"));
    if spec.host_network == Some(true) || finished {
        return Ok(Vec::new());
    }
    let (field, texts): (&str, Vec<&str>) = if status.pod_ips.is_empty() {
        (
            "status.podIP",
            status.pod_ip.iter().map(String::as_str).collect(),
        )
    } else {
        (
            "status.podIPs",
            status.pod_ips.iter().map(|p| p.ip.as_str()).collect(),
        )
    };
    let mut addresses = Vec::new();
    for text in texts.into_iter().filter(|t| !t.is_empty()) {
        let address: IpAddr = text.parse().map_err(|_| {
            InputError::new(
                "an IP address",
                format!("{} in {place}", shown(text.as_bytes())),
            )
            .field(field)
        })?;
        let address = IpNet::from(address);
        if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    Ok(addresses)
}

/// The owning workload's kind and name.
fn owner_of(
    references: &[OwnerReference],
    labels: &BTreeMap<String, String>,
    pod_name: &str,
) -> (WorkloadKind, String) {
    let owner = references
        .iter()
        .find(|r| r.controller == Some(true))
        .or(references.first());
    match owner.map(|r| (r.kind.as_str(), r.name.as_str())) {
        Some((_, "")) | None => (WorkloadKind::Pod, pod_name.to_string()),
        Some(("ReplicaSet", name)) => {
            let hash = labels.get("pod-template-hash").map(String::as_str);
            (
                WorkloadKind::Deployment,
                deployment_name(name, hash).to_string(),
            )
        }
        Some(("StatefulSet", name)) => (WorkloadKind::StatefulSet, name.to_string()),
        Some(("DaemonSet", name)) => (WorkloadKind::DaemonSet, name.to_string()),
        Some(("Job", name)) => match cronjob_name(name) {
            Some(cronjob) => (WorkloadKind::CronJob, cronjob.to_string()),
            None => (WorkloadKind::Job, name.to_string()),
        },
        Some(_) => (WorkloadKind::Pod, pod_name.to_string()),
    }
}

/// A ReplicaSet's Deployment: the name without `-<pod-template-hash>`, else without a last
/// segment of 1–10 lower-case letters and digits.
fn deployment_name<'a>(replica_set: &'a str, hash: Option<&str>) -> &'a str {
    let by_hash = hash
        .filter(|h| !h.is_empty())
        .and_then(|h| replica_set.strip_suffix(h))
        .and_then(|base| base.strip_suffix('-'))
        .filter(|base| !base.is_empty());
    if let Some(base) = by_hash {
        return base;
    }
    match replica_set.rsplit_once('-') {
        Some((base, last))
            if !base.is_empty()
                && (1..=10).contains(&last.len())
                && last
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) =>
        {
            base
        }
        _ => replica_set,
    }
}

/// The CronJob of a Job named `<cronjob>-<digits>`.
fn cronjob_name(job: &str) -> Option<&str> {
    let (base, digits) = job.rsplit_once('-')?;
    (!base.is_empty() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn run(text: &[u8], skip_bad: bool) -> (Result<(), InputError>, Context, Batch) {
        let mut ctx = Context::new("pods.json", skip_bad);
        let mut batch = Batch::default();
        let result = parse(&mut &text[..], &mut ctx, &mut batch);
        (result, ctx, batch)
    }

    fn error_of(text: &str) -> Result<String, Box<dyn std::error::Error>> {
        let (result, _, _) = run(text.as_bytes(), false);
        Ok(result.err().ok_or("expected an error")?.to_string())
    }

    fn join<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
        items
            .into_iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One workload on a line: `name kind {attributes} {labels} [addresses] identity`.
    fn summary(w: &WorkloadRecord) -> String {
        let attributes = join(
            w.attributes
                .iter()
                .map(|(a, v)| format!("{}={v}", a.label())),
        );
        let labels = join(w.labels.iter().map(|(k, v)| format!("{k}={v}")));
        let kind = w.kind.map_or("?", WorkloadKind::as_str);
        let identity = w.identity.as_deref().unwrap_or("-");
        let addresses = join(&w.addresses);
        format!(
            "{} {kind} {{{attributes}}} {{{labels}}} [{addresses}] {identity}",
            w.name
        )
    }

    #[test]
    fn groups_the_fixture_pods_by_owner() -> TestResult {
        let fixture = include_bytes!("../../tests/fixtures/inventory/pods.json");
        assert_eq!(
            crate::ingest::detect(fixture),
            Some(crate::ingest::Format::KubernetesPods)
        );
        let (result, ctx, batch) = run(fixture, false);
        result?;
        assert!(ctx.skipped.is_empty() && batch.warnings.is_empty());
        let workloads: Vec<String> = batch.workloads.iter().map(summary).collect();
        assert_eq!(
            workloads,
            [
                "payments/payments-api deployment {app=payments-api, tier=app} \
                 {app.kubernetes.io/name=payments-api, app.kubernetes.io/version=1.42, tier=app, track=stable} \
                 [10.244.2.48/32, fd00:10:244:2::30/128, 10.244.3.21/32] payments/payments-api",
                "payments/postgres statefulset {app=postgres, env=prod, data_class=restricted} \
                 {app=postgres, data-class=restricted, env=prod} [10.244.2.50/32] payments/postgres",
                "monitoring/node-exporter daemonset {app=node-exporter} \
                 {app.kubernetes.io/name=node-exporter} [] monitoring/default",
                "batch/report-nightly cronjob {app=report-nightly, owner=team-data} \
                 {batch.kubernetes.io/controller-uid=8e2f0c1a-5b6d-4e7f-9a0b-1c2d3e4f5a6b, \
                 batch.kubernetes.io/job-name=report-nightly-29340000, owner=team-data} [] batch/reporter",
                "default/debug-shell pod {app=debug-shell} {run=debug-shell} [] default/default",
            ]
        );
        for workload in &batch.workloads {
            let namespace = workload.name.split('/').next().unwrap_or_default();
            assert_eq!(workload.namespace.as_deref(), Some(namespace));
            assert_eq!(
                workload.networks,
                [NetworkRef::new(NetworkKind::Namespace, namespace)]
            );
        }
        let pods: Vec<String> = batch
            .pods
            .iter()
            .map(|p| format!("{} {} {}", p.namespace, p.pod_name, p.workload))
            .collect();
        assert_eq!(
            pods,
            [
                "payments payments-api-5c8d7f9b6-m3n4p payments/payments-api",
                "payments payments-api-5c8d7f9b6-x7k2q payments/payments-api",
                "payments postgres-0 payments/postgres",
                "monitoring node-exporter-4kq9z monitoring/node-exporter",
                "batch report-nightly-29340000-abcde batch/report-nightly",
                "default debug-shell default/debug-shell",
                "payments payments-api-5c8d7f9b6-q2w8r payments/payments-api",
            ]
        );
        Ok(())
    }

    #[test]
    fn reads_a_single_pod_and_a_raw_pod_list() -> TestResult {
        let pod = r#"{"kind":"Pod","metadata":{"name":"web-0","namespace":"shop","labels":null},
            "spec":{"serviceAccount":""},"status":{"podIP":"10.1.0.5"}}"#;
        let (result, _, batch) = run(pod.as_bytes(), false);
        result?;
        let workloads: Vec<String> = batch.workloads.iter().map(summary).collect();
        assert_eq!(
            workloads,
            ["shop/web-0 pod {app=web-0} {} [10.1.0.5/32] shop/default"]
        );
        let list = r#"{"kind":"PodList","items":[{"metadata":{"name":"a-1","namespace":"x",
            "ownerReferences":[{"kind":"Job","name":"db-migrate"}]}},
            {"kind":"Service","metadata":{"name":"a","namespace":"x"}}]}"#;
        let (result, _, batch) = run(list.as_bytes(), false);
        result?;
        let workloads: Vec<String> = batch.workloads.iter().map(summary).collect();
        assert_eq!(
            workloads,
            ["x/db-migrate job {app=db-migrate} {} [] x/default"]
        );
        let warning = "pods.json: skipped items that are not pods: 1 Service";
        assert_eq!(batch.warnings, [warning]);
        Ok(())
    }

    #[rustfmt::skip]
    #[test]
    fn finds_owners() {
        let refs = |list: &[(&str, &str, Option<bool>)]| -> Vec<OwnerReference> {
            list.iter().map(|&(kind, name, controller)| OwnerReference { kind: kind.into(), name: name.into(), controller }).collect()
        };
        let hash: BTreeMap<String, String> = [("pod-template-hash".to_string(), "7d4b9c".to_string())].into();
        type Refs<'a> = &'a [(&'a str, &'a str, Option<bool>)];
        let cases: [(Refs, (WorkloadKind, &str)); 10] = [
            (&[("ReplicaSet", "web-7d4b9c", Some(true))], (WorkloadKind::Deployment, "web")),
            (&[("ReplicaSet", "web-v2-abc12", Some(true))], (WorkloadKind::Deployment, "web-v2")),
            (&[("ReplicaSet", "web-Canary", None)], (WorkloadKind::Deployment, "web-Canary")),
            (&[("ReplicaSet", "web-abcdefghijk", None)], (WorkloadKind::Deployment, "web-abcdefghijk")),
            (&[("Job", "backup-29340000", None)], (WorkloadKind::CronJob, "backup")),
            (&[("Job", "backup-v2", None)], (WorkloadKind::Job, "backup-v2")),
            (&[("Node", "cp-1", Some(true))], (WorkloadKind::Pod, "pod-1")),
            (&[("Rollout", "r", None), ("DaemonSet", "ds", Some(true))], (WorkloadKind::DaemonSet, "ds")),
            (&[("StatefulSet", "db", None), ("DaemonSet", "ds", None)], (WorkloadKind::StatefulSet, "db")),
            (&[], (WorkloadKind::Pod, "pod-1")),
        ];
        for (list, (kind, name)) in cases {
            assert_eq!(owner_of(&refs(list), &hash, "pod-1"), (kind, name.to_string()), "{list:?}");
        }
    }

    #[rustfmt::skip]
    #[test]
    fn refuses_pods_without_name_or_namespace_or_with_bad_addresses() -> TestResult {
        let hint = "\n  hint: fix the record, or pass --skip-bad to import the rest and list what was skipped";
        let cases = [
            (r#"{"kind":"List","items":[{"metadata":{"name":"a","namespace":"x"}},{"metadata":{"namespace":"x"}}]}"#,
             "pods.json: field metadata.name: expected a pod name, found none in items[1]"),
            (r#"{"kind":"List","items":[{"metadata":{"name":"a"}}]}"#,
             "pods.json: field metadata.namespace: expected a pod namespace, found none in items[0] (a)"),
            (r#"{"kind":"List","items":[{"metadata":{"name":"a","namespace":"x"},"status":{"podIPs":[{"ip":"10.0.0.999"}]}}]}"#,
             "pods.json: field status.podIPs: expected an IP address, found \"10.0.0.999\" in items[0]"),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text)?, format!("{expected}{hint}"));
        }
        let (result, ctx, batch) = run(cases[0].0.as_bytes(), true);
        result?;
        assert_eq!((batch.workloads.len(), batch.pods.len(), ctx.skipped.len()), (1, 1, 1));
        Ok(())
    }

    #[rustfmt::skip]
    #[test]
    fn json_errors_are_fatal_with_their_line() -> TestResult {
        let expected = "expected a kubectl pod list (kubectl get pods -A -o json)";
        let cases = [
            ("{\n  \"kind\": \"List\",\n  \"items\": [\n    {\"metadata\": }\n  ]\n}", "pods.json:4: {E}, found expected value"),
            (r#"{"kind":"List","items":[{"metadata":{"name":5}}]}"#, "pods.json:1: {E}, found invalid type: integer `5`, expected a string"),
            ("{\"kind\":\"List\",\"items\":[", "pods.json:1: {E}, found EOF while parsing a list\n  hint: the file ends early: was it cut short?"),
            (r#"{"kind":"Deployment"}"#, "pods.json: field kind: {E}, found kind \"Deployment\""),
        ];
        for (text, message) in cases {
            assert_eq!(error_of(text)?, message.replace("{E}", expected));
        }
        Ok(())
    }
}
