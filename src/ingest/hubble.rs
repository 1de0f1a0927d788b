//! Cilium Hubble flows as JSON lines: `hubble observe -o json|jsonpb` and exporter files
//! (`{"flow":{…},"node_name":…,"time":…}`), or bare legacy flow objects. Lines that carry no flow
//! (node status, lost events, agent and debug events) are skipped and not counted.

use std::io::BufRead;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::batch::{Batch, Context, Observation};
use super::error::{InputError, shown};
use super::lines::{Line, LineReader};
use super::parse::{parse_ip, parse_rfc3339};
use super::vpc::{read_error, too_long};
use crate::model::{CHURNING_POD_LABELS, EndpointHint, HintId, Protocol, SourceKind};

#[derive(Deserialize)]
struct Envelope {
    flow: Option<Flow>,
    time: Option<String>,
    verdict: Option<IgnoredAny>,
    #[serde(rename = "IP")]
    ip: Option<IgnoredAny>,
    l4: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
struct Flow {
    time: Option<String>,
    verdict: Option<String>,
    #[serde(rename = "IP")]
    ip: Option<Ip>,
    l4: Option<Layer4>,
    source: Option<Endpoint>,
    destination: Option<Endpoint>,
    is_reply: Option<bool>,
    reply: Option<bool>,
}

#[derive(Deserialize)]
struct Ip {
    source: Option<String>,
    destination: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct Layer4 {
    TCP: Option<Ports>,
    UDP: Option<Ports>,
    SCTP: Option<Ports>,
    ICMPv4: Option<IgnoredAny>,
    ICMPv6: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct Ports {
    #[serde(default)]
    source_port: u32,
    #[serde(default)]
    destination_port: u32,
}

#[derive(Deserialize)]
struct Endpoint {
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    pod_name: String,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    workloads: Vec<Owner>,
}

#[derive(Deserialize)]
struct Owner {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

/// Parses Hubble JSON lines into the batch.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let mut lines = LineReader::new(input);
    loop {
        let (number, text) = match lines.next_line().map_err(|e| read_error(ctx, &e))? {
            None => break,
            Some((number, Line::TooLong)) => {
                batch.flows.records += 1;
                ctx.bad_flow(batch, Some(number), too_long())?;
                continue;
            }
            Some((number, Line::Text(text))) => (number, text),
        };
        if text.trim_ascii().is_empty() {
            continue;
        }
        match flow_of(text) {
            Ok(None) => {}
            Ok(Some((flow, time))) => {
                batch.flows.records += 1;
                if let Err(e) = emit(flow, time, batch) {
                    ctx.bad_flow(batch, Some(number), e)?;
                }
            }
            Err(e) => {
                batch.flows.records += 1;
                ctx.bad_flow(batch, Some(number), e)?;
            }
        }
    }
    Ok(())
}

/// The flow a line carries, if any, with the envelope's time.
fn flow_of(text: &[u8]) -> Result<Option<(Flow, Option<String>)>, InputError> {
    let invalid = |e: serde_json::Error| {
        InputError::new(
            "a Hubble flow as JSON (hubble observe -o jsonpb)",
            format!("{} ({e})", shown(text)),
        )
    };
    let envelope: Envelope = serde_json::from_slice(text).map_err(invalid)?;
    if let Some(flow) = envelope.flow {
        return Ok(Some((flow, envelope.time)));
    }
    if envelope.verdict.is_some() || envelope.ip.is_some() || envelope.l4.is_some() {
        let flow: Flow = serde_json::from_slice(text).map_err(invalid)?;
        return Ok(Some((flow, None)));
    }
    Ok(None)
}

fn hint_of(endpoint: Option<&Endpoint>) -> Option<EndpointHint> {
    let endpoint = endpoint?;
    if endpoint.pod_name.is_empty() {
        return None;
    }
    let mut labels = Vec::new();
    let mut service_account = None;
    for label in &endpoint.labels {
        let Some((key, value)) = label.strip_prefix("k8s:").and_then(|l| l.split_once('=')) else {
            continue;
        };
        if key == "io.cilium.k8s.policy.serviceaccount" {
            service_account = Some(format!("{}/{value}", endpoint.namespace));
        } else if !key.starts_with("io.kubernetes.")
            && !key.starts_with("io.cilium.")
            && !CHURNING_POD_LABELS.contains(&key)
        {
            labels.push((key.to_string(), value.to_string()));
        }
    }
    labels.sort();
    labels.dedup();
    let owner = endpoint
        .workloads
        .iter()
        .find(|w| !w.name.is_empty())
        .map(|w| (w.kind.clone(), w.name.clone()));
    Some(EndpointHint {
        namespace: endpoint.namespace.clone(),
        pod_name: endpoint.pod_name.clone(),
        owner,
        labels,
        service_account,
    })
}

/// The protocol and ports of a flow; `None` for a flow without a transport layer.
fn layer4(l4: Option<&Layer4>) -> Result<Option<(Protocol, u16, u16)>, InputError> {
    let (protocol, src_port, dst_port) = match l4 {
        Some(Layer4 { TCP: Some(p), .. }) => (Protocol::TCP, p.source_port, p.destination_port),
        Some(Layer4 { UDP: Some(p), .. }) => (Protocol::UDP, p.source_port, p.destination_port),
        Some(Layer4 { SCTP: Some(p), .. }) => (Protocol(132), p.source_port, p.destination_port),
        Some(Layer4 {
            ICMPv4: Some(_), ..
        }) => (Protocol::ICMP, 0, 0),
        Some(Layer4 {
            ICMPv6: Some(_), ..
        }) => (Protocol::ICMPV6, 0, 0),
        _ => return Ok(None),
    };
    let port = |value: u32, name: &str| {
        u16::try_from(value)
            .map_err(|_| InputError::new("a port number", value.to_string()).field(name))
    };
    Ok(Some((
        protocol,
        port(src_port, "source_port")?,
        port(dst_port, "destination_port")?,
    )))
}

fn emit(flow: Flow, envelope_time: Option<String>, batch: &mut Batch) -> Result<(), InputError> {
    let Some(ip) = &flow.ip else {
        // An L7 or non-IP event: nothing to place on an edge.
        return Ok(());
    };
    let address = |value: &Option<String>, name: &str| {
        let value = value.as_deref().unwrap_or("");
        parse_ip(value.as_bytes())
            .ok_or_else(|| InputError::new("an IP address", format!("{value:?}")).field(name))
    };
    let src = address(&ip.source, "IP.source")?;
    let dst = address(&ip.destination, "IP.destination")?;
    let Some((protocol, src_port, dst_port)) = layer4(flow.l4.as_ref())? else {
        return Ok(());
    };
    let accepted = !matches!(flow.verdict.as_deref(), Some("DROPPED" | "ERROR"));
    let reply = flow.is_reply.or(flow.reply).unwrap_or(false);
    let src_hint = hint_of(flow.source.as_ref()).map_or(HintId::NONE, |h| batch.flows.hint(h));
    let dst_hint = hint_of(flow.destination.as_ref()).map_or(HintId::NONE, |h| batch.flows.hint(h));
    let time = flow
        .time
        .as_deref()
        .or(envelope_time.as_deref())
        .and_then(parse_rfc3339);
    let observation = if reply {
        (
            dst,
            src,
            if protocol.has_ports() { src_port } else { 0 },
            dst_hint,
            src_hint,
        )
    } else {
        (
            src,
            dst,
            if protocol.has_ports() { dst_port } else { 0 },
            src_hint,
            dst_hint,
        )
    };
    batch.flows.add(Observation {
        client: observation.0,
        server: observation.1,
        port: observation.2,
        protocol,
        client_hint: observation.3,
        server_hint: observation.4,
        accepted,
        bytes: 0,
        packets: 1,
        start: time,
        end: time,
        source: SourceKind::Hubble,
    });
    Ok(())
}
