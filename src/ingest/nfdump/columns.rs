//! The columns of an nfdump CSV header, by name, and the reading of one data line through them.

use std::net::IpAddr;

use super::zone::{Zone, is_local_time};
use crate::ingest::batch::Observation;
use crate::ingest::error::{InputError, shown};
use crate::ingest::parse::{Record, fold, parse_decimal_seconds, parse_ip, parse_u64};
use crate::model::{HintId, Protocol, SourceKind};

/// Header names for each column read: the camelCase names of current nfdump (`-o csv`,
/// `csv-fast`, `csv:%…`) and the short names of the legacy layout.
const SRC_ADDR: [&str; 2] = ["srcaddr", "sa"];
const DST_ADDR: [&str; 2] = ["dstaddr", "da"];
const PROTO: [&str; 2] = ["proto", "pr"];
const SRC_PORT: [&str; 2] = ["srcport", "sp"];
const DST_PORT: [&str; 2] = ["dstport", "dp"];
const FIRST: [&str; 2] = ["firstseen", "ts"];
const LAST: [&str; 2] = ["lastseen", "te"];
const DURATION: [&str; 2] = ["duration", "td"];
const IN_PACKETS: [&str; 3] = ["packets", "inpackets", "ipkt"];
const OUT_PACKETS: [&str; 2] = ["outpackets", "opkt"];
const IN_BYTES: [&str; 3] = ["bytes", "inbytes", "ibyt"];
const OUT_BYTES: [&str; 2] = ["outbytes", "obyt"];

/// Whether a line is a header: it names the source and destination address columns.
pub fn is_header(line: &[u8]) -> bool {
    let names: Vec<&[u8]> = line.split(|&b| b == b',').map(<[u8]>::trim_ascii).collect();
    let has = |wanted: &[&str]| {
        names
            .iter()
            .any(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w.as_bytes())))
    };
    names.len() >= 2 && has(&SRC_ADDR) && has(&DST_ADDR)
}

/// Column positions of the fields the importer reads, from the header line.
#[derive(Debug)]
pub struct Columns {
    names: Vec<String>,
    src_addr: usize,
    dst_addr: usize,
    proto: usize,
    src_port: usize,
    dst_port: usize,
    first: Option<usize>,
    last: Option<usize>,
    duration: Option<usize>,
    in_packets: Option<usize>,
    out_packets: Option<usize>,
    in_bytes: Option<usize>,
    out_bytes: Option<usize>,
}

impl Columns {
    pub fn new(line: &[u8]) -> Result<Columns, InputError> {
        let names: Vec<String> = line
            .split(|&b| b == b',')
            .map(|n| String::from_utf8_lossy(n.trim_ascii()).into_owned())
            .collect();
        let find = |wanted: &[&str]| {
            wanted
                .iter()
                .find_map(|w| names.iter().position(|n| n.eq_ignore_ascii_case(w)))
        };
        let (Some(src_addr), Some(dst_addr), Some(proto), Some(src_port), Some(dst_port)) = (
            find(&SRC_ADDR),
            find(&DST_ADDR),
            find(&PROTO),
            find(&SRC_PORT),
            find(&DST_PORT),
        ) else {
            return Err(InputError::new(
                "a header naming srcAddr, dstAddr, proto, srcPort and dstPort (legacy: sa, da, pr, sp, dp)",
                shown(line),
            )
            .field("header")
            .hint("export with nfdump -o csv, or name the columns: -o 'csv:%tsr,%ter,%pr,%sa,%sp,%da,%dp,%ipkt,%ibyt,%opkt,%obyt'"));
        };
        Ok(Columns {
            src_addr,
            dst_addr,
            proto,
            src_port,
            dst_port,
            first: find(&FIRST),
            last: find(&LAST),
            duration: find(&DURATION),
            in_packets: find(&IN_PACKETS),
            out_packets: find(&OUT_PACKETS),
            in_bytes: find(&IN_BYTES),
            out_bytes: find(&OUT_BYTES),
            names,
        })
    }

    pub fn width(&self) -> usize {
        self.names.len()
    }

    fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }

    /// Reads one data line into an observation. `local` is set when a local time was read.
    pub fn observation(
        &self,
        fields: Record<'_>,
        zone: &Zone,
        local: &mut bool,
    ) -> Result<Observation, InputError> {
        if fields.len() != self.width() {
            return Err(InputError::new(
                format!("{} fields as in the header", self.width()),
                format!("{} fields", fields.len()),
            ));
        }
        let value = |i: usize| fields.get(i).trim_ascii();
        let src = self.address(value(self.src_addr), self.src_addr)?;
        let dst = self.address(value(self.dst_addr), self.dst_addr)?;
        let protocol = protocol(value(self.proto)).ok_or_else(|| {
            InputError::new("a protocol number or name", shown(value(self.proto)))
                .field(self.name(self.proto))
        })?;
        // ICMP "ports" carry type and code (`8.0`, or legacy `type*256+code`): not read.
        let (src_port, dst_port) = if protocol.has_ports() {
            (
                self.port(value(self.src_port), self.src_port)?,
                self.port(value(self.dst_port), self.dst_port)?,
            )
        } else {
            (0, 0)
        };
        let (client, server, port) = fold(src, src_port, dst, dst_port, protocol, None);
        let (start, end) = self.times(&value, zone, local)?;
        Ok(Observation {
            client,
            server,
            port,
            protocol,
            client_hint: HintId::NONE,
            server_hint: HintId::NONE,
            accepted: true,
            bytes: self
                .count(self.in_bytes, &value)?
                .saturating_add(self.count(self.out_bytes, &value)?),
            packets: self
                .count(self.in_packets, &value)?
                .saturating_add(self.count(self.out_packets, &value)?),
            start,
            end,
            source: SourceKind::Nfdump,
        })
    }

    /// First and last seen; without a last-seen column, the end is the start plus the duration.
    fn times<'a>(
        &self,
        value: &impl Fn(usize) -> &'a [u8],
        zone: &Zone,
        local: &mut bool,
    ) -> Result<(Option<i64>, Option<i64>), InputError> {
        let start = self.time(self.first, value, zone, local)?;
        let end = self.time(self.last, value, zone, local)?;
        let (None, Some(start), Some(i)) = (end, start, self.duration) else {
            return Ok((start, end));
        };
        let seconds = parse_decimal_seconds(value(i)).ok_or_else(|| {
            InputError::new("a duration in seconds", shown(value(i))).field(self.name(i))
        })?;
        Ok((Some(start), Some(start.saturating_add(seconds))))
    }

    fn address(&self, text: &[u8], index: usize) -> Result<IpAddr, InputError> {
        parse_ip(text)
            .ok_or_else(|| InputError::new("an IP address", shown(text)).field(self.name(index)))
    }

    fn port(&self, text: &[u8], index: usize) -> Result<u16, InputError> {
        parse_u64(text)
            .and_then(|p| u16::try_from(p).ok())
            .ok_or_else(|| InputError::new("a port number", shown(text)).field(self.name(index)))
    }

    fn count<'a>(
        &self,
        index: Option<usize>,
        value: &impl Fn(usize) -> &'a [u8],
    ) -> Result<u64, InputError> {
        let Some(i) = index else {
            return Ok(0);
        };
        parse_u64(value(i))
            .ok_or_else(|| InputError::new("a count", shown(value(i))).field(self.name(i)))
    }

    /// A first/last-seen time: local, epoch seconds (`secs.msec`), or epoch milliseconds
    /// (`csv-fast`); zero and nfdump's `0000-00-00 …` are no time.
    fn time<'a>(
        &self,
        index: Option<usize>,
        value: &impl Fn(usize) -> &'a [u8],
        zone: &Zone,
        local: &mut bool,
    ) -> Result<Option<i64>, InputError> {
        let Some(i) = index else {
            return Ok(None);
        };
        let text = value(i);
        let bad = || {
            InputError::new(
                "a time (YYYY-MM-DD HH:MM:SS[.mmm], or epoch seconds or milliseconds)",
                shown(text),
            )
            .field(self.name(i))
        };
        if is_local_time(text) || text.starts_with(b"0000-") {
            *local = true;
            return zone.local_seconds(text).map_err(|()| bad());
        }
        let seconds = if text.contains(&b'.') {
            parse_decimal_seconds(text).ok_or_else(bad)?
        } else {
            let number = parse_u64(text).ok_or_else(bad)?;
            let seconds = if number >= 100_000_000_000 {
                number / 1000
            } else {
                number
            };
            i64::try_from(seconds).map_err(|_| bad())?
        };
        Ok((seconds > 0).then_some(seconds))
    }
}

/// nfdump prints protocols as numbers (current releases) or names (`TCP`, `ICMP6`, `GRE`…).
fn protocol(text: &[u8]) -> Option<Protocol> {
    let text = std::str::from_utf8(text).ok()?;
    if let Some(protocol) = Protocol::parse(text) {
        return Some(protocol);
    }
    let number = match text.to_ascii_uppercase().as_str() {
        "HOPOPT" => 0,
        "IGMP" => 2,
        "GGP" => 3,
        "IPIP" | "IPV4" | "IP-IN-IP" => 4,
        "ST" => 5,
        "EGP" => 8,
        "IGP" => 9,
        "PUP" => 12,
        "IDP" => 22,
        "DCCP" => 33,
        "IPV6" => 41,
        "IPV6-ROUTE" | "ROUTE6" => 43,
        "IPV6-FRAG" | "FRAG6" => 44,
        "RSVP" => 46,
        "IPV6-NONXT" | "NONXT6" => 59,
        "IPV6-OPTS" | "OPTS6" => 60,
        "EIGRP" => 88,
        "OSPF" | "OSPFIGP" => 89,
        "ETHERIP" => 97,
        "ENCAP" => 98,
        "PIM" => 103,
        "IPCOMP" => 108,
        "VRRP" => 112,
        "L2TP" => 115,
        "ISIS" => 124,
        "UDPLITE" => 136,
        "MPLS-IN-IP" => 137,
        _ => return None,
    };
    Some(Protocol(number))
}
