//! One Cloud Logging entry: whether it is a flow record, and the observation it becomes.

use std::net::IpAddr;

use serde::Deserialize;

use super::lenient::{Scalar, Shape, object};
use crate::ingest::batch::{Batch, Context, Observation};
use crate::ingest::error::InputError;
use crate::ingest::parse::{fold, parse_ip, parse_rfc3339};
use crate::model::{EndpointHint, HintId, Protocol, SourceKind};

/// A `LogEntry`; only what the importer reads.
#[derive(Deserialize)]
pub(super) struct Entry {
    #[serde(default, rename = "jsonPayload", deserialize_with = "object")]
    json_payload: Option<Payload>,
    timestamp: Option<Scalar>,
}

#[derive(Deserialize)]
struct Payload {
    #[serde(default, deserialize_with = "object")]
    connection: Option<Connection>,
    reporter: Option<Scalar>,
    connection_direction: Option<Scalar>,
    disposition: Option<Scalar>,
    bytes_sent: Option<Scalar>,
    packets_sent: Option<Scalar>,
    start_time: Option<Scalar>,
    end_time: Option<Scalar>,
    #[serde(default, deserialize_with = "object")]
    src_gke_details: Option<GkeDetails>,
    #[serde(default, deserialize_with = "object")]
    dest_gke_details: Option<GkeDetails>,
}

#[derive(Deserialize)]
struct Connection {
    src_ip: Option<Scalar>,
    src_port: Option<Scalar>,
    dest_ip: Option<Scalar>,
    dest_port: Option<Scalar>,
    protocol: Option<Scalar>,
}

#[derive(Deserialize)]
struct GkeDetails {
    #[serde(default, deserialize_with = "object")]
    pod: Option<Pod>,
}

#[derive(Deserialize)]
struct Pod {
    pod_name: Option<Scalar>,
    pod_namespace: Option<Scalar>,
    #[serde(default, deserialize_with = "object")]
    pod_workload: Option<PodWorkload>,
}

#[derive(Deserialize)]
struct PodWorkload {
    workload_name: Option<Scalar>,
    workload_type: Option<Scalar>,
}

impl Payload {
    /// The `connection` of a flow record: one beside any other base field of a flow record.
    /// Firewall Rules Logging entries carry a `connection` too, but none of those fields.
    fn connection(&self) -> Option<&Connection> {
        let base = [
            &self.reporter,
            &self.start_time,
            &self.end_time,
            &self.bytes_sent,
            &self.packets_sent,
        ];
        self.connection
            .as_ref()
            .filter(|_| base.iter().any(|field| field.is_some()))
    }
}

/// Adds one entry read at `line`: a flow record when its `jsonPayload` has a `connection` (see
/// [`Payload::connection`]); entries of other logs are skipped and not counted.
pub(super) fn add(
    item: Shape<Entry>,
    line: u64,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let entry = match item {
        Shape::Object(entry) => entry,
        Shape::Other(found) => {
            batch.flows.records += 1;
            let error = InputError::new("a Cloud Logging entry (a JSON object)", found);
            return ctx.bad_flow(batch, Some(line), error);
        }
    };
    let Some(payload) = entry.json_payload else {
        return Ok(());
    };
    let Some(connection) = payload.connection() else {
        return Ok(());
    };
    batch.flows.records += 1;
    if let Err(error) = emit(&payload, connection, entry.timestamp.as_ref(), batch) {
        ctx.bad_flow(batch, Some(line), error)?;
    }
    Ok(())
}

const CONNECTION: &str = "jsonPayload.connection";

fn emit(
    payload: &Payload,
    connection: &Connection,
    timestamp: Option<&Scalar>,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let src = address(connection.src_ip.as_ref(), "src_ip")?;
    let dst = address(connection.dest_ip.as_ref(), "dest_ip")?;
    let protocol = protocol(connection.protocol.as_ref())?;
    let src_port = port(connection.src_port.as_ref(), "src_port")?;
    let dst_port = port(connection.dest_port.as_ref(), "dest_port")?;
    let bytes = count(payload.bytes_sent.as_ref(), "bytes_sent")?;
    let packets = count(payload.packets_sent.as_ref(), "packets_sent")?;
    let mut start = time(payload.start_time.as_ref(), "start_time")?;
    let mut end = time(payload.end_time.as_ref(), "end_time")?;
    if start.is_none() && end.is_none() {
        start = timestamp.and_then(Scalar::as_str).and_then(parse_rfc3339);
        end = start;
    }
    // The lower port is the server's. Only on equal ports does `connection_direction` (logged
    // in the interval that saw the handshake) say who initiated.
    let tie = (src_port == dst_port)
        .then(|| source_is_server(payload))
        .flatten();
    let reply = protocol.has_ports() && tie.unwrap_or(src_port < dst_port);
    let (client, server, port) = fold(src, src_port, dst, dst_port, protocol, Some(reply));
    let src_hint = pod_hint(payload.src_gke_details.as_ref(), batch);
    let dst_hint = pod_hint(payload.dest_gke_details.as_ref(), batch);
    let (client_hint, server_hint) = if reply {
        (dst_hint, src_hint)
    } else {
        (src_hint, dst_hint)
    };
    let dropped = payload.disposition.as_ref().and_then(Scalar::as_str) == Some("DROPPED");
    batch.flows.add(Observation {
        client,
        server,
        port,
        protocol,
        client_hint,
        server_hint,
        accepted: !dropped,
        bytes,
        packets,
        start,
        end,
        source: SourceKind::GcpVpc,
    });
    Ok(())
}

fn missing(value: Option<&Scalar>) -> String {
    value.map_or_else(|| "nothing".to_string(), Scalar::shown)
}

fn address(value: Option<&Scalar>, name: &str) -> Result<IpAddr, InputError> {
    value
        .and_then(Scalar::as_str)
        .and_then(|text| parse_ip(text.as_bytes()))
        .ok_or_else(|| {
            InputError::new("an IP address", missing(value)).field(format!("{CONNECTION}.{name}"))
        })
}

fn protocol(value: Option<&Scalar>) -> Result<Protocol, InputError> {
    value.and_then(Scalar::to_protocol).ok_or_else(|| {
        InputError::new("an IP protocol number (0–255)", missing(value))
            .field(format!("{CONNECTION}.protocol"))
    })
}

/// A port; absent for port-less protocols (0).
fn port(value: Option<&Scalar>, name: &str) -> Result<u16, InputError> {
    let Some(value) = value else {
        return Ok(0);
    };
    value
        .to_u64()
        .and_then(|v| u16::try_from(v).ok())
        .ok_or_else(|| {
            InputError::new("a port number", value.shown()).field(format!("{CONNECTION}.{name}"))
        })
}

/// A counter; absent (as for dropped traffic) counts 0.
fn count(value: Option<&Scalar>, name: &str) -> Result<u64, InputError> {
    let Some(value) = value else {
        return Ok(0);
    };
    value.to_u64().ok_or_else(|| {
        InputError::new("a count", value.shown()).field(format!("jsonPayload.{name}"))
    })
}

fn time(value: Option<&Scalar>, name: &str) -> Result<Option<i64>, InputError> {
    let Some(value) = value else {
        return Ok(None);
    };
    value
        .as_str()
        .and_then(parse_rfc3339)
        .map(Some)
        .ok_or_else(|| {
            InputError::new("an RFC 3339 time", value.shown()).field(format!("jsonPayload.{name}"))
        })
}

/// Whether the source is the server, as `reporter` and `connection_direction` say: the
/// direction is the reporter's, `EGRESS` when it initiated, `INGRESS` when the other end did.
fn source_is_server(payload: &Payload) -> Option<bool> {
    let reporter_is_source = match payload.reporter.as_ref()?.as_str()? {
        "SRC" | "SRC_GATEWAY" => true,
        "DEST" | "DEST_GATEWAY" => false,
        _ => return None,
    };
    let reporter_initiated = match payload.connection_direction.as_ref()?.as_str()? {
        "EGRESS" => true,
        "INGRESS" => false,
        _ => return None,
    };
    Some(reporter_is_source != reporter_initiated)
}

/// The hint of a GKE pod end (`*_gke_details.pod`), resolved by identity like Hubble's.
fn pod_hint(details: Option<&GkeDetails>, batch: &mut Batch) -> HintId {
    let Some(pod) = details.and_then(|d| d.pod.as_ref()) else {
        return HintId::NONE;
    };
    let text = |value: &Option<Scalar>| {
        value
            .as_ref()
            .and_then(Scalar::as_str)
            .unwrap_or("")
            .to_string()
    };
    let pod_name = text(&pod.pod_name);
    if pod_name.is_empty() {
        return HintId::NONE;
    }
    let owner = pod.pod_workload.as_ref().and_then(|w| {
        let name = text(&w.workload_name);
        (!name.is_empty()).then(|| (kind_name(&text(&w.workload_type)), name))
    });
    batch.flows.hint(EndpointHint {
        namespace: text(&pod.pod_namespace),
        pod_name,
        owner,
        labels: Vec::new(),
        service_account: None,
    })
}

/// A Kubernetes kind as Kubernetes spells it (`DEPLOYMENT`, `STATEFUL_SET` → `StatefulSet`).
fn kind_name(workload_type: &str) -> String {
    let folded: String = workload_type
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    let kind = match folded.as_str() {
        "deployment" => "Deployment",
        "statefulset" => "StatefulSet",
        "daemonset" => "DaemonSet",
        "replicaset" => "ReplicaSet",
        "job" => "Job",
        "cronjob" => "CronJob",
        "replicationcontroller" => "ReplicationController",
        "pod" => "Pod",
        _ => return workload_type.to_string(),
    };
    kind.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(reporter: &str, direction: &str) -> Payload {
        let text = |t: &str| Some(Scalar::Text(t.to_string()));
        Payload {
            connection: None,
            reporter: text(reporter),
            connection_direction: text(direction),
            disposition: None,
            bytes_sent: None,
            packets_sent: None,
            start_time: None,
            end_time: None,
            src_gke_details: None,
            dest_gke_details: None,
        }
    }

    #[test]
    fn direction_is_the_reporters() {
        assert_eq!(source_is_server(&payload("SRC", "EGRESS")), Some(false));
        assert_eq!(source_is_server(&payload("SRC", "INGRESS")), Some(true));
        assert_eq!(source_is_server(&payload("DEST", "INGRESS")), Some(false));
        assert_eq!(
            source_is_server(&payload("DEST_GATEWAY", "EGRESS")),
            Some(true)
        );
        assert_eq!(source_is_server(&payload("DEST", "SIDEWAYS")), None);
    }

    #[test]
    fn workload_types_are_spelled_as_kubernetes_kinds() {
        assert_eq!(kind_name("DEPLOYMENT"), "Deployment");
        assert_eq!(kind_name("STATEFUL_SET"), "StatefulSet");
        assert_eq!(kind_name("Rollout"), "Rollout");
    }
}
