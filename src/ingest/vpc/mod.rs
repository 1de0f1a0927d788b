//! AWS VPC flow logs in text: the default version-2 layout, or any custom field order announced
//! by the header line (fields of versions 2–5 and later; unknown names are kept as opaque
//! columns). Byte-level: no allocation per record.

use std::io::BufRead;
use std::net::IpAddr;

mod cloudwatch;
mod parallel;

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use super::parse::{Record, fold, parse_ip, parse_u64};
use crate::model::{EdgeKey, FlowSample, HintId, Protocol, SourceKind};

/// The default (version 2) layout, used when a file has no header line.
pub const DEFAULT_FIELDS: [&str; 14] = [
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
];

/// Column positions of the fields the importer reads.
#[derive(Debug, Default)]
struct Layout {
    width: usize,
    srcaddr: Option<usize>,
    dstaddr: Option<usize>,
    pkt_srcaddr: Option<usize>,
    pkt_dstaddr: Option<usize>,
    srcport: Option<usize>,
    dstport: Option<usize>,
    protocol: usize,
    packets: Option<usize>,
    bytes: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    action: Option<usize>,
    log_status: Option<usize>,
    tcp_flags: Option<usize>,
}

impl Layout {
    fn new(names: &[&[u8]]) -> Result<Layout, InputError> {
        let find = |name: &str| names.iter().position(|n| *n == name.as_bytes());
        let protocol = find("protocol");
        let has_src = find("srcaddr").or(find("pkt-srcaddr")).is_some();
        let has_dst = find("dstaddr").or(find("pkt-dstaddr")).is_some();
        let (Some(protocol), true, true) = (protocol, has_src, has_dst) else {
            let found = names
                .iter()
                .map(|n| String::from_utf8_lossy(n))
                .collect::<Vec<_>>()
                .join(" ");
            return Err(InputError::new(
                "a header naming at least srcaddr, dstaddr and protocol",
                format!("{:?}", found.chars().take(80).collect::<String>()),
            )
            .field("header")
            .hint("the first line of an S3 flow log file names its fields; CloudWatch exports have none"));
        };
        Ok(Layout {
            width: names.len(),
            srcaddr: find("srcaddr"),
            dstaddr: find("dstaddr"),
            pkt_srcaddr: find("pkt-srcaddr"),
            pkt_dstaddr: find("pkt-dstaddr"),
            srcport: find("srcport"),
            dstport: find("dstport"),
            protocol,
            packets: find("packets"),
            bytes: find("bytes"),
            start: find("start"),
            end: find("end"),
            action: find("action"),
            log_status: find("log-status"),
            tcp_flags: find("tcp-flags"),
        })
    }
}

fn is_header(line: &[u8]) -> bool {
    line.first().is_some_and(u8::is_ascii_lowercase)
        && line
            .split(u8::is_ascii_whitespace)
            .filter(|t| !t.is_empty())
            .all(|t| {
                t.iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
            })
}

fn names_addresses(line: &[u8]) -> bool {
    line.split(u8::is_ascii_whitespace)
        .any(|t| t == b"srcaddr" || t == b"pkt-srcaddr")
}

/// Parses a VPC flow log file into the batch: text records (with or without a header line), or
/// CloudWatch Logs JSON that wraps them.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let head = input.fill_buf().map_err(|e| read_error(ctx, &e))?;
    let first = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .iter()
        .find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        return cloudwatch::parse(input, ctx, batch);
    }
    parallel::parse(input, ctx, batch)
}

/// The field names of a flow log format as `--fields` or `LogFormat` give it:
/// `version account-id …` or `${version} ${account-id} …`.
pub fn field_names(format: &str) -> Vec<String> {
    format
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|t| t.trim_start_matches("${").trim_end_matches('}'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The layout of records without a header line: `--fields` when given, else the default
/// version 2 format when the first record has its shape, else a clear refusal.
fn headerless_layout(ctx: &Context, first_record: &[u8]) -> Result<Layout, InputError> {
    if let Some(names) = &ctx.options.vpc_fields {
        let bad = names.iter().find(|n| {
            !n.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
        if let Some(bad) = bad {
            return Err(InputError::new(
                "flow log field names such as srcaddr",
                format!("{bad:?}"),
            )
            .field("--fields"));
        }
        let names: Vec<&[u8]> = names.iter().map(|n| n.as_bytes()).collect();
        return Layout::new(&names).map_err(|e| e.field("--fields"));
    }
    let tokens: Vec<&[u8]> = first_record
        .split(u8::is_ascii_whitespace)
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() == DEFAULT_FIELDS.len() && tokens[0] == b"2" {
        let names: Vec<&[u8]> = DEFAULT_FIELDS.iter().map(|n| n.as_bytes()).collect();
        return Layout::new(&names);
    }
    Err(InputError::new(
        "a header line naming the fields, or the 14 fields of the default format",
        format!("a record of {} fields without a header", tokens.len()),
    )
    .hint(
        "CloudWatch exports have no header: pass --fields with the flow log's LogFormat \
         (aws ec2 describe-flow-logs --query 'FlowLogs[].LogFormat')",
    ))
}

pub(super) fn read_error(ctx: &Context, error: &std::io::Error) -> InputError {
    ctx.error(
        None,
        InputError::new("a readable file", format!("a read error: {error}"))
            .hint("a truncated .gz or a file still being written; copy it again"),
    )
}

pub(super) fn too_long() -> InputError {
    InputError::new("a line of at most 1 MiB", "a longer line")
        .hint("this is not a text flow log (binary data, or a file without line breaks)")
}

fn dash(value: &[u8]) -> bool {
    value == b"-"
}

fn number<T: TryFrom<u64>>(
    fields: Record<'_>,
    index: Option<usize>,
    name: &str,
) -> Result<Option<T>, InputError> {
    let Some(value) = index.map(|i| fields.get(i)) else {
        return Ok(None);
    };
    if dash(value) {
        return Ok(None);
    }
    parse_u64(value)
        .and_then(|v| T::try_from(v).ok())
        .map(Some)
        .ok_or_else(|| InputError::new("a number", shown(value)).field(name))
}

/// The packet-level address where logged and set, else the interface-level one; `None` when
/// unset.
fn address(
    fields: Record<'_>,
    packet: Option<usize>,
    interface: Option<usize>,
    name: &'static str,
) -> Result<Option<IpAddr>, InputError> {
    let packet_name = if name == "srcaddr" {
        "pkt-srcaddr"
    } else {
        "pkt-dstaddr"
    };
    let (index, name) = match packet.filter(|&i| !dash(fields.get(i))) {
        Some(i) => (i, packet_name),
        None => match interface {
            Some(i) => (i, name),
            None => return Ok(None),
        },
    };
    let value = fields.get(index);
    if dash(value) {
        return Ok(None);
    }
    parse_ip(value)
        .map(Some)
        .ok_or_else(|| InputError::new("an IP address", shown(value)).field(name))
}

/// Whether an `action` value is an acceptance (`-` and no action column count as accepted).
fn accepted(action: Option<&[u8]>) -> Result<bool, InputError> {
    match action {
        Some(b"REJECT") => Ok(false),
        Some(b"ACCEPT" | b"-") | None => Ok(true),
        Some(other) => Err(InputError::new("ACCEPT, REJECT or -", shown(other)).field("action")),
    }
}

/// Reads one record into the batch; NODATA/SKIPDATA count as skipped.
fn record(layout: &Layout, fields: Record<'_>, batch: &mut Batch) -> Result<(), InputError> {
    match read_record(layout, fields)? {
        Some((key, sample)) => batch.flows.edges.add(key, &sample),
        None => batch.flows.skipped += 1,
    }
    Ok(())
}

/// Reads one record: its folded edge and what it saw, or `None` for a record that carries no
/// flow (NODATA, SKIPDATA, or every flow field unset).
fn read_record(
    layout: &Layout,
    fields: Record<'_>,
) -> Result<Option<(EdgeKey, FlowSample)>, InputError> {
    if fields.len() != layout.width {
        return Err(InputError::new(
            format!("{} fields as in the header", layout.width),
            format!("{} fields", fields.len()),
        ));
    }
    let status = layout.log_status.map(|i| fields.get(i));
    if matches!(status, Some(b"NODATA" | b"SKIPDATA")) {
        return Ok(None);
    }
    let src = address(fields, layout.pkt_srcaddr, layout.srcaddr, "srcaddr")?;
    let dst = address(fields, layout.pkt_dstaddr, layout.dstaddr, "dstaddr")?;
    let protocol: Option<u8> = number(fields, Some(layout.protocol), "protocol")?;
    let (Some(src), Some(dst), Some(protocol)) = (src, dst, protocol) else {
        // Every flow field unset: a NODATA-like record in a format without log-status.
        return Ok(None);
    };
    let protocol = Protocol(protocol);
    let src_port: u16 = number(fields, layout.srcport, "srcport")?.unwrap_or(0);
    let dst_port: u16 = number(fields, layout.dstport, "dstport")?.unwrap_or(0);
    let flags: Option<u16> = number(fields, layout.tcp_flags, "tcp-flags")?;
    let accepted = accepted(layout.action.map(|i| fields.get(i)))?;
    // The server is the end with the lower port. Only where both ports are equal do TCP flags,
    // when logged, say who initiated: SYN-ACK comes from the server.
    let source_is_server = flags
        .filter(|_| protocol == Protocol::TCP && src_port == dst_port)
        .map(|f| f & 0x12 == 0x12);
    let (client, server, port) = fold(src, src_port, dst, dst_port, protocol, source_is_server);
    let start: Option<u64> = number(fields, layout.start, "start")?;
    let end: Option<u64> = number(fields, layout.end, "end")?;
    let key = EdgeKey {
        client,
        server,
        port,
        protocol,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let sample = FlowSample {
        accepted,
        bytes: number(fields, layout.bytes, "bytes")?.unwrap_or(0),
        packets: number(fields, layout.packets, "packets")?.unwrap_or(0),
        start: start.and_then(|v| i64::try_from(v).ok()),
        end: end.and_then(|v| i64::try_from(v).ok()),
        source: SourceKind::AwsVpc,
    };
    Ok(Some((key, sample)))
}
