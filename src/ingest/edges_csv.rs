//! Blastwall's edges CSV: edges aggregated elsewhere (a big-data engine over terabytes of logs),
//! imported as they are. Header required; columns by name:
//!
//! `client,server,port,protocol,records,bytes,packets,first_seen,last_seen,outcome`
//!
//! `client`, `server`, `port` and `protocol` are required; `records` defaults to 1, `bytes` and
//! `packets` to 0, `outcome` (`accepted` | `rejected`) to accepted; times are Unix seconds or
//! RFC 3339. An optional `source` column names the flow source (`aws-vpc`, `zeek`, …); otherwise
//! the edge's source is `edges`. Each row counts its `records` as flow records.

use std::io::BufRead;
use std::net::IpAddr;

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use super::parse::{parse_ip, parse_rfc3339, parse_u64};
use crate::model::{EdgeKey, EdgeStats, HintId, Protocol, SourceKind, SourceSet};

const REQUIRED: [&str; 4] = ["client", "server", "port", "protocol"];
const KNOWN: [&str; 11] = [
    "client",
    "server",
    "port",
    "protocol",
    "records",
    "bytes",
    "packets",
    "first_seen",
    "last_seen",
    "outcome",
    "source",
];

/// Whether a first line is an edges CSV header.
pub fn looks_like(first_line: &str) -> bool {
    let columns: Vec<&str> = first_line
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    REQUIRED.iter().all(|r| columns.contains(r))
}

/// Column positions by name.
struct Columns(Vec<Option<usize>>);

impl Columns {
    fn get<'a>(&self, record: &'a csv::StringRecord, name: &str) -> Option<&'a str> {
        let index = KNOWN.iter().position(|k| *k == name)?;
        self.0[index]
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ctx.error(Some(1), InputError::new("a CSV header", e.to_string())))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    if let Some(missing) = REQUIRED.iter().find(|r| !header.iter().any(|h| h == *r)) {
        return Err(ctx.error(
            Some(1),
            InputError::new(format!("a {missing} column"), format!("{:?}", header.join(",")))
                .field("header")
                .hint("the header is client,server,port,protocol,records,bytes,packets,first_seen,last_seen,outcome"),
        ));
    }
    let columns = Columns(
        KNOWN
            .iter()
            .map(|k| header.iter().position(|h| h == k))
            .collect(),
    );
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(ctx.error(Some(line), InputError::new("a CSV record", e.to_string())));
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        match edge(&columns, &record) {
            Ok((key, stats)) => {
                batch.flows.records += stats.records;
                batch.flows.add_edge(key, &stats);
            }
            Err(error) => {
                batch.flows.records += 1;
                ctx.bad_flow(batch, Some(line), error)?;
            }
        }
    }
    Ok(())
}

fn address(
    columns: &Columns,
    record: &csv::StringRecord,
    name: &str,
) -> Result<IpAddr, InputError> {
    let value = columns.get(record, name).unwrap_or("");
    parse_ip(value.as_bytes())
        .ok_or_else(|| InputError::new("an IP address", shown(value.as_bytes())).field(name))
}

fn count(
    columns: &Columns,
    record: &csv::StringRecord,
    name: &str,
    default: u64,
) -> Result<u64, InputError> {
    match columns.get(record, name) {
        None => Ok(default),
        Some(v) => parse_u64(v.as_bytes())
            .ok_or_else(|| InputError::new("a whole number", shown(v.as_bytes())).field(name)),
    }
}

fn time(
    columns: &Columns,
    record: &csv::StringRecord,
    name: &str,
) -> Result<Option<i64>, InputError> {
    let Some(value) = columns.get(record, name) else {
        return Ok(None);
    };
    let seconds = parse_u64(value.as_bytes())
        .and_then(|v| i64::try_from(v).ok())
        .or_else(|| parse_rfc3339(value));
    seconds.map(Some).ok_or_else(|| {
        InputError::new("Unix seconds or an RFC 3339 time", shown(value.as_bytes())).field(name)
    })
}

fn edge(columns: &Columns, record: &csv::StringRecord) -> Result<(EdgeKey, EdgeStats), InputError> {
    let client = address(columns, record, "client")?;
    let server = address(columns, record, "server")?;
    let port_text = columns.get(record, "port").unwrap_or("");
    let port = parse_u64(port_text.as_bytes())
        .and_then(|p| u16::try_from(p).ok())
        .ok_or_else(|| {
            InputError::new("a port from 0 to 65535", shown(port_text.as_bytes())).field("port")
        })?;
    let protocol_text = columns.get(record, "protocol").unwrap_or("");
    let protocol = Protocol::parse(protocol_text).ok_or_else(|| {
        InputError::new("a protocol name or number", shown(protocol_text.as_bytes()))
            .field("protocol")
    })?;
    let records = count(columns, record, "records", 1)?;
    if records == 0 {
        return Err(InputError::new("at least 1 record", "0").field("records"));
    }
    let rejected = match columns
        .get(record, "outcome")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("accepted") => false,
        Some("rejected") => true,
        Some(other) => {
            return Err(
                InputError::new("accepted or rejected", format!("{other:?}")).field("outcome"),
            );
        }
    };
    let source = match columns.get(record, "source") {
        None => SourceKind::Edges,
        Some(name) => SourceKind::parse(name).ok_or_else(|| {
            InputError::new(
                "a source such as aws-vpc, zeek or hubble",
                format!("{name:?}"),
            )
            .field("source")
        })?,
    };
    let key = EdgeKey {
        client,
        server,
        port: if protocol.has_ports() { port } else { 0 },
        protocol,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
    };
    let stats = EdgeStats {
        records,
        accepted: if rejected { 0 } else { records },
        rejected: if rejected { records } else { 0 },
        bytes: count(columns, record, "bytes", 0)?,
        packets: count(columns, record, "packets", 0)?,
        first_seen: time(columns, record, "first_seen")?,
        last_seen: time(columns, record, "last_seen")?,
        sources: SourceSet::of(source),
    };
    Ok((key, stats))
}
