//! Zeek `conn.log`: TSV laid out by its `#fields` header (separator and unset markers as the
//! header says; several header blocks may follow each other), and JSON lines with dotted keys.
//! One line is one connection, originator to responder.

use std::io::BufRead;
use std::net::IpAddr;

use serde::Deserialize;

use super::batch::{Batch, Context, Observation};
use super::error::{InputError, shown};
use super::lines::{Line, LineReader};
use super::parse::{Fields, Record, parse_decimal_seconds, parse_ip, parse_rfc3339, parse_u64};
use super::vpc::{read_error, too_long};
use crate::model::{HintId, Protocol, SourceKind};

/// One connection, as either layout gives it.
#[derive(Debug)]
struct Conn {
    orig: Option<IpAddr>,
    resp: Option<IpAddr>,
    resp_port: u16,
    proto: Protocol,
    tcp: bool,
    state_rejected: bool,
    ts: Option<i64>,
    duration: Option<i64>,
    bytes: u64,
    packets: u64,
}

impl Conn {
    fn emit(self, batch: &mut Batch) -> Result<(), InputError> {
        let orig = self
            .orig
            .ok_or_else(|| InputError::new("an address", "nothing").field("id.orig_h"))?;
        let resp = self
            .resp
            .ok_or_else(|| InputError::new("an address", "nothing").field("id.resp_h"))?;
        let port = if self.proto.has_ports() {
            self.resp_port
        } else {
            0
        };
        batch.flows.add(Observation {
            client: orig,
            server: resp,
            port,
            protocol: self.proto,
            client_hint: HintId::NONE,
            server_hint: HintId::NONE,
            // Unanswered TCP attempts are rejections; for UDP and ICMP no reply is normal.
            accepted: !(self.tcp && self.state_rejected),
            bytes: self.bytes,
            packets: self.packets,
            start: self.ts,
            end: self.ts.map(|ts| ts + self.duration.unwrap_or(0)),
            source: SourceKind::Zeek,
        });
        Ok(())
    }
}

fn rejected_state(state: &[u8]) -> bool {
    matches!(state, b"S0" | b"REJ" | b"RSTOS0" | b"SH")
}

/// The protocol of a connection from Zeek's `proto` (and `ip_proto`, where logged).
fn protocol(
    proto: &[u8],
    ip_proto: Option<u64>,
    orig: Option<IpAddr>,
) -> Result<(Protocol, bool), InputError> {
    let from_ip_proto = ip_proto.and_then(|p| u8::try_from(p).ok()).map(Protocol);
    let protocol = match proto {
        b"tcp" => Protocol::TCP,
        b"udp" => Protocol::UDP,
        // Zeek says `icmp` for ICMPv6 too; `ip_proto` or the address family tells them apart.
        b"icmp" => from_ip_proto.unwrap_or(if orig.is_some_and(|a| a.is_ipv6()) {
            Protocol::ICMPV6
        } else {
            Protocol::ICMP
        }),
        b"unknown_transport" => from_ip_proto.unwrap_or(Protocol(255)),
        other => {
            return Err(
                InputError::new("tcp, udp, icmp or unknown_transport", shown(other)).field("proto"),
            );
        }
    };
    Ok((protocol, proto == b"tcp"))
}

/// Parses a conn.log in either layout (sniffed per line: `{` starts a JSON record).
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let mut lines = LineReader::new(input);
    let mut tsv = TsvLayout::default();
    let mut fields = Fields::default();
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
        if text.is_empty() {
            continue;
        }
        if text[0] == b'#' {
            tsv.header(text).map_err(|e| ctx.error(Some(number), e))?;
            continue;
        }
        if text[0] == b'{' {
            match json_record(text) {
                Ok(None) => {}
                Ok(Some(conn)) => {
                    batch.flows.records += 1;
                    if let Err(e) = conn.emit(batch) {
                        ctx.bad_flow(batch, Some(number), e)?;
                    }
                }
                Err(e) => {
                    batch.flows.records += 1;
                    ctx.bad_flow(batch, Some(number), e)?;
                }
            }
            continue;
        }
        if tsv.columns.is_none() {
            return Err(ctx.error(
                Some(number),
                InputError::new("a #fields header line before the first record", shown(text)).hint(
                    "a Zeek TSV log starts with its #separator … #fields … #types header block",
                ),
            ));
        }
        batch.flows.records += 1;
        let record = fields.split_on(text, &tsv.separator);
        if let Err(e) = tsv.record(record).and_then(|conn| conn.emit(batch)) {
            ctx.bad_flow(batch, Some(number), e)?;
        }
    }
    Ok(())
}

fn split<'a>(text: &'a [u8], separator: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match memchr::memmem::find(current, separator) {
            Some(i) => {
                rest = Some(&current[i + separator.len()..]);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Column positions from the latest `#fields` line.
#[derive(Debug, Clone, Copy)]
struct Columns {
    width: usize,
    orig_h: usize,
    resp_h: usize,
    resp_p: usize,
    proto: usize,
    ts: Option<usize>,
    duration: Option<usize>,
    conn_state: Option<usize>,
    orig_bytes: Option<usize>,
    resp_bytes: Option<usize>,
    orig_ip_bytes: Option<usize>,
    resp_ip_bytes: Option<usize>,
    orig_pkts: Option<usize>,
    resp_pkts: Option<usize>,
    ip_proto: Option<usize>,
}

#[derive(Debug)]
struct TsvLayout {
    separator: Vec<u8>,
    unset: Vec<u8>,
    columns: Option<Columns>,
}

impl Default for TsvLayout {
    fn default() -> Self {
        TsvLayout {
            separator: b"\t".to_vec(),
            unset: b"-".to_vec(),
            columns: None,
        }
    }
}

/// Decodes `\xNN` escapes in header values.
fn unescape(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'\\' && value.get(i + 1) == Some(&b'x') && i + 4 <= value.len() {
            let hex = std::str::from_utf8(&value[i + 2..i + 4]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 4;
                continue;
            }
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

impl TsvLayout {
    fn header(&mut self, line: &[u8]) -> Result<(), InputError> {
        if let Some(value) = line.strip_prefix(b"#separator ") {
            self.separator = unescape(value.trim_ascii());
            if self.separator.is_empty() {
                return Err(InputError::new("a separator", "nothing").field("#separator"));
            }
            return Ok(());
        }
        let mut parts = split(line, &self.separator);
        let key = parts.next().unwrap_or_default();
        match key {
            b"#unset_field" => self.unset = parts.next().unwrap_or(b"-").to_vec(),
            b"#fields" => {
                let names: Vec<&[u8]> = parts.collect();
                self.columns = Some(columns(&names)?);
            }
            _ => {}
        }
        Ok(())
    }

    fn record(&self, fields: Record<'_>) -> Result<Conn, InputError> {
        let Some(c) = self.columns else {
            return Err(InputError::new("a #fields header", "a record"));
        };
        if fields.len() != c.width {
            return Err(InputError::new(
                format!("{} fields as in #fields", c.width),
                format!("{} fields", fields.len()),
            ));
        }
        let set = |i: Option<usize>| {
            i.map(|i| fields.get(i))
                .filter(|v| *v != self.unset.as_slice() && !v.is_empty())
        };
        let count = |i: Option<usize>, name: &str| -> Result<u64, InputError> {
            match set(i) {
                None => Ok(0),
                Some(v) => {
                    parse_u64(v).ok_or_else(|| InputError::new("a count", shown(v)).field(name))
                }
            }
        };
        let address = |i: usize, name: &str| -> Result<IpAddr, InputError> {
            parse_ip(fields.get(i))
                .ok_or_else(|| InputError::new("an IP address", shown(fields.get(i))).field(name))
        };
        let orig = address(c.orig_h, "id.orig_h")?;
        let resp = address(c.resp_h, "id.resp_h")?;
        let resp_port = parse_u64(fields.get(c.resp_p))
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| {
                InputError::new("a port number", shown(fields.get(c.resp_p))).field("id.resp_p")
            })?;
        let ip_proto = set(c.ip_proto).and_then(parse_u64);
        let (proto, tcp) = protocol(fields.get(c.proto), ip_proto, Some(orig))?;
        let ts = match set(c.ts) {
            None => None,
            Some(v) => Some(
                parse_decimal_seconds(v)
                    .ok_or_else(|| InputError::new("a time in seconds", shown(v)).field("ts"))?,
            ),
        };
        let ip_bytes =
            count(c.orig_ip_bytes, "orig_ip_bytes")? + count(c.resp_ip_bytes, "resp_ip_bytes")?;
        Ok(Conn {
            orig: Some(orig),
            resp: Some(resp),
            resp_port,
            proto,
            tcp,
            state_rejected: set(c.conn_state).is_some_and(rejected_state),
            ts,
            duration: set(c.duration).and_then(parse_decimal_seconds),
            bytes: if ip_bytes > 0 {
                ip_bytes
            } else {
                count(c.orig_bytes, "orig_bytes")? + count(c.resp_bytes, "resp_bytes")?
            },
            packets: count(c.orig_pkts, "orig_pkts")? + count(c.resp_pkts, "resp_pkts")?,
        })
    }
}

fn columns(names: &[&[u8]]) -> Result<Columns, InputError> {
    let find = |name: &str| names.iter().position(|n| *n == name.as_bytes());
    let need = |name: &str| {
        find(name).ok_or_else(|| {
            InputError::new(format!("a {name} column"), "a #fields line without it")
                .field("#fields")
                .hint("is this a conn.log? other Zeek logs (dns.log, http.log…) carry no flows")
        })
    };
    Ok(Columns {
        width: names.len(),
        orig_h: need("id.orig_h")?,
        resp_h: need("id.resp_h")?,
        resp_p: need("id.resp_p")?,
        proto: need("proto")?,
        ts: find("ts"),
        duration: find("duration"),
        conn_state: find("conn_state"),
        orig_bytes: find("orig_bytes"),
        resp_bytes: find("resp_bytes"),
        orig_ip_bytes: find("orig_ip_bytes"),
        resp_ip_bytes: find("resp_ip_bytes"),
        orig_pkts: find("orig_pkts"),
        resp_pkts: find("resp_pkts"),
        ip_proto: find("ip_proto"),
    })
}

/// `ts` in Zeek JSON: seconds as a number by default, or an ISO-8601 string, or epoch millis.
#[derive(Deserialize)]
#[serde(untagged)]
enum JsonTime {
    Seconds(f64),
    Text(String),
}

#[derive(Deserialize)]
struct JsonConn {
    #[serde(rename = "_path")]
    path: Option<String>,
    ts: Option<JsonTime>,
    #[serde(rename = "id.orig_h")]
    orig_h: Option<String>,
    #[serde(rename = "id.resp_h")]
    resp_h: Option<String>,
    #[serde(rename = "id.resp_p")]
    resp_p: Option<u64>,
    proto: Option<String>,
    duration: Option<f64>,
    conn_state: Option<String>,
    orig_bytes: Option<u64>,
    resp_bytes: Option<u64>,
    orig_ip_bytes: Option<u64>,
    resp_ip_bytes: Option<u64>,
    orig_pkts: Option<u64>,
    resp_pkts: Option<u64>,
    ip_proto: Option<u64>,
}

/// One JSON line; `None` for records of other Zeek logs (`_path` other than conn).
fn json_record(text: &[u8]) -> Result<Option<Conn>, InputError> {
    let conn: JsonConn = serde_json::from_slice(text).map_err(|e| {
        InputError::new(
            "a Zeek conn record in JSON",
            format!("{} ({e})", shown(text)),
        )
    })?;
    if conn.path.as_deref().is_some_and(|p| !p.contains("conn")) {
        return Ok(None);
    }
    let address = |value: &Option<String>, name: &str| -> Result<IpAddr, InputError> {
        let value = value
            .as_deref()
            .ok_or_else(|| InputError::new("an IP address", "nothing").field(name))?;
        parse_ip(value.as_bytes())
            .ok_or_else(|| InputError::new("an IP address", format!("{value:?}")).field(name))
    };
    let orig = address(&conn.orig_h, "id.orig_h")?;
    let resp = address(&conn.resp_h, "id.resp_h")?;
    let resp_port = conn
        .resp_p
        .and_then(|p| u16::try_from(p).ok())
        .ok_or_else(|| {
            InputError::new("a port number", format!("{:?}", conn.resp_p)).field("id.resp_p")
        })?;
    let proto = conn
        .proto
        .as_deref()
        .ok_or_else(|| InputError::new("a protocol", "nothing").field("proto"))?;
    let (proto, tcp) = protocol(proto.as_bytes(), conn.ip_proto, Some(orig))?;
    let ts = match conn.ts {
        None => None,
        Some(JsonTime::Seconds(s)) if s > 1e11 => Some((s / 1000.0) as i64),
        Some(JsonTime::Seconds(s)) => Some(s as i64),
        Some(JsonTime::Text(t)) => Some(
            parse_rfc3339(&t)
                .ok_or_else(|| InputError::new("a time", format!("{t:?}")).field("ts"))?,
        ),
    };
    let ip_bytes = conn.orig_ip_bytes.unwrap_or(0) + conn.resp_ip_bytes.unwrap_or(0);
    Ok(Some(Conn {
        orig: Some(orig),
        resp: Some(resp),
        resp_port,
        proto,
        tcp,
        state_rejected: conn
            .conn_state
            .as_deref()
            .is_some_and(|s| rejected_state(s.as_bytes())),
        ts,
        duration: conn.duration.map(|d| d as i64),
        bytes: if ip_bytes > 0 {
            ip_bytes
        } else {
            conn.orig_bytes.unwrap_or(0) + conn.resp_bytes.unwrap_or(0)
        },
        packets: conn.orig_pkts.unwrap_or(0) + conn.resp_pkts.unwrap_or(0),
    }))
}
