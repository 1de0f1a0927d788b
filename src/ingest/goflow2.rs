//! goflow2 JSON lines: v2 messages (snake_case keys, nanosecond times, `proto` as a name) and
//! v1 / cloudflare goflow messages (CamelCase keys, second times, `Proto` as a number). One line
//! is one unidirectional NetFlow/IPFIX/sFlow record: it folds by the lower port, carries no
//! verdict (accepted), and its counters are scaled by `sampling_rate` when that is above zero.

use std::io::BufRead;
use std::net::IpAddr;

use serde::Deserialize;
use serde_json::Value;

use super::batch::{Batch, Context, Observation};
use super::error::{InputError, shown};
use super::lines::{Line, LineReader};
use super::parse::{fold, parse_ip, parse_rfc3339};
use super::vpc::{read_error, too_long};
use crate::model::{HintId, Protocol, SourceKind};

/// Keys that, next to the two address keys, mark a goflow2 message of either version.
const V2_KEYS: [&str; 7] = [
    "\"time_flow_start_ns\"",
    "\"time_received_ns\"",
    "\"sampler_address\"",
    "\"sequence_num\"",
    "\"sampling_rate\"",
    "\"etype\"",
    "\"dst_port\"",
];
const V1_KEYS: [&str; 7] = [
    "\"TimeFlowStart\"",
    "\"TimeReceived\"",
    "\"SamplerAddress\"",
    "\"SequenceNum\"",
    "\"SamplingRate\"",
    "\"Etype\"",
    "\"DstPort\"",
];

/// Whether the first line of a JSON file is a goflow2 message (v2 `src_addr`/`dst_addr` or v1
/// `SrcAddr`/`DstAddr`, with one more goflow2 key).
pub fn looks_like(first_line: &str) -> bool {
    let line = first_line.trim_start();
    let has = |key: &str| line.contains(key);
    line.starts_with('{')
        && ((has("\"src_addr\"") && has("\"dst_addr\"") && V2_KEYS.iter().any(|k| has(k)))
            || (has("\"SrcAddr\"") && has("\"DstAddr\"") && V1_KEYS.iter().any(|k| has(k))))
}

/// One message; each field under its v2 and v1 key.
#[derive(Deserialize)]
struct Message {
    src_addr: Option<Value>,
    #[serde(rename = "SrcAddr")]
    src_addr_v1: Option<Value>,
    dst_addr: Option<Value>,
    #[serde(rename = "DstAddr")]
    dst_addr_v1: Option<Value>,
    src_port: Option<Value>,
    #[serde(rename = "SrcPort")]
    src_port_v1: Option<Value>,
    dst_port: Option<Value>,
    #[serde(rename = "DstPort")]
    dst_port_v1: Option<Value>,
    proto: Option<Value>,
    #[serde(rename = "Proto")]
    proto_v1: Option<Value>,
    bytes: Option<Value>,
    #[serde(rename = "Bytes")]
    bytes_v1: Option<Value>,
    packets: Option<Value>,
    #[serde(rename = "Packets")]
    packets_v1: Option<Value>,
    sampling_rate: Option<Value>,
    #[serde(rename = "SamplingRate")]
    sampling_rate_v1: Option<Value>,
    time_flow_start_ns: Option<Value>,
    #[serde(rename = "TimeFlowStart")]
    time_flow_start_v1: Option<Value>,
    #[serde(rename = "TimeFlowStartMs")]
    time_flow_start_ms_v1: Option<Value>,
    time_flow_end_ns: Option<Value>,
    #[serde(rename = "TimeFlowEnd")]
    time_flow_end_v1: Option<Value>,
    #[serde(rename = "TimeFlowEndMs")]
    time_flow_end_ms_v1: Option<Value>,
    time_received_ns: Option<Value>,
    #[serde(rename = "TimeReceived")]
    time_received_v1: Option<Value>,
}

/// A field's value and the key it came under (for messages).
type Keyed<'a> = (Option<&'a Value>, &'static str);

/// The v2 value if present, else the v1 one.
fn either<'a>(
    v2: &'a Option<Value>,
    v2_key: &'static str,
    v1: &'a Option<Value>,
    v1_key: &'static str,
) -> Keyed<'a> {
    match (v2, v1) {
        (Some(value), _) => (Some(value), v2_key),
        (None, Some(value)) => (Some(value), v1_key),
        (None, None) => (None, v2_key),
    }
}

/// What one line yields besides a flow.
enum Outcome {
    Flow(Observation),
    /// A sample without IP addresses (ARP, other Ethernet types).
    NotIp,
    /// `proto` rendered as a name goflow2 does not know (`""`/`"unknown"`): the protocol is lost.
    UnknownProtocol,
}

/// Counts of records left out by design, for the summary.
#[derive(Default)]
struct LeftOut {
    not_ip: u64,
    unknown_protocol: u64,
}

/// Parses goflow2 JSON lines into the batch.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let mut lines = LineReader::new(input);
    let mut left_out = LeftOut::default();
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
        let text = text.trim_ascii();
        if text.is_empty() {
            continue;
        }
        batch.flows.records += 1;
        match message(text).and_then(|m| outcome(&m)) {
            Ok(Outcome::Flow(observation)) => batch.flows.add(observation),
            Ok(Outcome::NotIp) => {
                batch.flows.skipped += 1;
                left_out.not_ip += 1;
            }
            Ok(Outcome::UnknownProtocol) => {
                batch.flows.skipped += 1;
                left_out.unknown_protocol += 1;
            }
            Err(error) => {
                ctx.bad_flow(batch, Some(number), error)?;
            }
        }
    }
    warn(&left_out, &ctx.file, batch);
    Ok(())
}

fn warn(left_out: &LeftOut, file: &str, batch: &mut Batch) {
    if left_out.unknown_protocol > 0 {
        batch.warnings.push(format!(
            "{file}: {} goflow2 records left out: their proto was rendered as a name goflow2 does not know (\"unknown\" or \"\"); set `formatter.render: {{proto: none}}` in the goflow2 mapping to keep protocol numbers",
            left_out.unknown_protocol
        ));
    }
    if left_out.not_ip > 0 {
        batch.warnings.push(format!(
            "{file}: {} goflow2 records without IP addresses (non-IP samples) left out",
            left_out.not_ip
        ));
    }
}

fn message(text: &[u8]) -> Result<Message, InputError> {
    serde_json::from_slice(text).map_err(|e| {
        InputError::new(
            "a goflow2 flow message as JSON",
            format!("{} ({e})", shown(text)),
        )
        .hint("goflow2 writes one JSON object per line (-format=json); remove log lines or other output mixed into the file")
    })
}

fn outcome(m: &Message) -> Result<Outcome, InputError> {
    let src = either(&m.src_addr, "src_addr", &m.src_addr_v1, "SrcAddr");
    let dst = either(&m.dst_addr, "dst_addr", &m.dst_addr_v1, "DstAddr");
    if is_empty(src.0) && is_empty(dst.0) {
        return Ok(Outcome::NotIp);
    }
    let (src, dst) = (address(src)?, address(dst)?);
    let Some(protocol) = protocol(either(&m.proto, "proto", &m.proto_v1, "Proto"))? else {
        return Ok(Outcome::UnknownProtocol);
    };
    let src_port = port(either(&m.src_port, "src_port", &m.src_port_v1, "SrcPort"))?;
    let dst_port = port(either(&m.dst_port, "dst_port", &m.dst_port_v1, "DstPort"))?;
    let (client, server, port) = fold(src, src_port, dst, dst_port, protocol, None);
    let rate = count(either(
        &m.sampling_rate,
        "sampling_rate",
        &m.sampling_rate_v1,
        "SamplingRate",
    ))?;
    let scale = |value: u64| {
        if rate > 0 {
            value.saturating_mul(rate)
        } else {
            value
        }
    };
    let (start, end) = times(m)?;
    Ok(Outcome::Flow(Observation {
        client,
        server,
        port,
        protocol,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
        accepted: true,
        bytes: scale(count(either(&m.bytes, "bytes", &m.bytes_v1, "Bytes"))?),
        packets: scale(count(either(
            &m.packets,
            "packets",
            &m.packets_v1,
            "Packets",
        ))?),
        start,
        end,
        source: SourceKind::Goflow2,
    }))
}

fn is_empty(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.is_empty(),
        Some(_) => false,
    }
}

fn address((value, key): Keyed<'_>) -> Result<IpAddr, InputError> {
    let text = value.and_then(Value::as_str).unwrap_or("");
    parse_ip(text.as_bytes()).ok_or_else(|| {
        let found = value.map_or_else(|| "nothing".to_string(), Value::to_string);
        InputError::new("an IP address", found).field(key)
    })
}

/// An unsigned number, given as a JSON number or a string of digits (protobuf JSON renders
/// 64-bit integers as strings).
fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// A counter; absent or null is 0.
fn count((value, key): Keyed<'_>) -> Result<u64, InputError> {
    match value {
        None | Some(Value::Null) => Ok(0),
        Some(value) => {
            unsigned(value).ok_or_else(|| InputError::new("a count", value.to_string()).field(key))
        }
    }
}

fn port((value, key): Keyed<'_>) -> Result<u16, InputError> {
    let number = count((value, key))?;
    u16::try_from(number)
        .map_err(|_| InputError::new("a port number", number.to_string()).field(key))
}

/// The protocol: a number, or a name as goflow2's renderer writes it (`TCP`, `ICMPv6`…);
/// `None` when the renderer lost it (`"unknown"`, or `""` for numbers it has no name for).
fn protocol((value, key): Keyed<'_>) -> Result<Option<Protocol>, InputError> {
    let bad = |found: String| InputError::new("a protocol number or name", found).field(key);
    match value {
        Some(Value::String(name)) if name.is_empty() || name.eq_ignore_ascii_case("unknown") => {
            Ok(None)
        }
        Some(Value::String(name)) => Protocol::parse(name)
            .map(Some)
            .ok_or_else(|| bad(format!("{name:?}"))),
        Some(value @ Value::Number(_)) => unsigned(value)
            .and_then(|n| u8::try_from(n).ok())
            .map(|n| Some(Protocol(n)))
            .ok_or_else(|| bad(value.to_string())),
        Some(value) => Err(bad(value.to_string())),
        None => Err(bad("nothing".into())),
    }
}

/// A time in Unix seconds from a number in `unit` seconds per 1 (1 for seconds, 1_000 for
/// milliseconds, 1_000_000_000 for nanoseconds) or an RFC 3339 string (goflow2's `datetime`
/// renderers); 0 is no time.
fn time((value, key): Keyed<'_>, unit: u64) -> Result<Option<i64>, InputError> {
    let bad = |found: String| InputError::new("a time", found).field(key);
    let seconds = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.contains('-') => {
            return parse_rfc3339(text)
                .map(Some)
                .ok_or_else(|| bad(format!("{text:?}")));
        }
        Some(value) => unsigned(value).ok_or_else(|| bad(value.to_string()))? / unit,
    };
    let seconds = i64::try_from(seconds).map_err(|_| bad(seconds.to_string()))?;
    Ok((seconds > 0).then_some(seconds))
}

/// First and last seen: the flow's start and end; the time received where the exporter gave
/// none (sFlow samples, v1 messages with zero times).
fn times(m: &Message) -> Result<(Option<i64>, Option<i64>), InputError> {
    let first = |candidates: [(Keyed<'_>, u64); 3]| -> Result<Option<i64>, InputError> {
        for (keyed, unit) in candidates {
            if let Some(seconds) = time(keyed, unit)? {
                return Ok(Some(seconds));
            }
        }
        Ok(None)
    };
    const NS: u64 = 1_000_000_000;
    let received = first([
        ((m.time_received_ns.as_ref(), "time_received_ns"), NS),
        ((m.time_received_v1.as_ref(), "TimeReceived"), 1),
        ((None, ""), 1),
    ])?;
    let start = first([
        ((m.time_flow_start_ns.as_ref(), "time_flow_start_ns"), NS),
        ((m.time_flow_start_v1.as_ref(), "TimeFlowStart"), 1),
        ((m.time_flow_start_ms_v1.as_ref(), "TimeFlowStartMs"), 1000),
    ])?;
    let end = first([
        ((m.time_flow_end_ns.as_ref(), "time_flow_end_ns"), NS),
        ((m.time_flow_end_v1.as_ref(), "TimeFlowEnd"), 1),
        ((m.time_flow_end_ms_v1.as_ref(), "TimeFlowEndMs"), 1000),
    ])?;
    Ok(match (start, end) {
        (None, None) => (received, received),
        times => times,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_both_versions_from_the_first_line() {
        assert!(looks_like(
            r#"{"type":"IPFIX","time_received_ns":1,"src_addr":"10.0.0.1","dst_addr":"10.0.0.2"}"#
        ));
        assert!(looks_like(
            r#"{"Type":"NETFLOW_V9","TimeReceived":1,"SrcAddr":"10.0.0.1","DstAddr":"10.0.0.2"}"#
        ));
        for other in [
            r#"{"ip_src":"10.0.0.1","ip_dst":"10.0.0.2","port_src":1}"#,
            r#"{"src_addr":"10.0.0.1","dst_addr":"10.0.0.2"}"#,
            r#"{"flow":{"IP":{"source":"10.0.0.1"}}}"#,
            r#"{"ts":1.5,"id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2"}"#,
            "src_addr dst_addr sampler_address",
        ] {
            assert!(!looks_like(other), "{other}");
        }
    }

    #[test]
    fn times_fall_back_to_the_time_received() -> Result<(), InputError> {
        let m = message(br#"{"TimeReceived":1703760968,"TimeFlowStart":0,"TimeFlowStartMs":1703760960500,"TimeFlowEndMs":0}"#)?;
        assert_eq!(times(&m)?, (Some(1_703_760_960), None));
        let m = message(br#"{"time_received_ns":1748941205123456789}"#)?;
        assert_eq!(times(&m)?, (Some(1_748_941_205), Some(1_748_941_205)));
        let m = message(br#"{"time_flow_start_ns":"2025-06-03T09:13:00.5Z"}"#)?;
        assert_eq!(times(&m)?.0, Some(1_748_941_980));
        Ok(())
    }
}
