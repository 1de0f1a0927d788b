//! One flow tuple: the comma-separated string inside `flowTuples`. Its source is the initiator.

use super::Kind;
use crate::ingest::batch::Observation;
use crate::ingest::error::{InputError, shown};
use crate::ingest::parse::{parse_ip, parse_u64};
use crate::model::{HintId, Protocol, SourceKind};

/// Timestamps from here on are milliseconds (1e12 seconds is in the year 33658).
const MILLISECONDS: u64 = 1_000_000_000_000;

/// The column layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// NSG version 1: `time,src,dst,sport,dport,T|U,I|O,A|D`.
    NsgV1,
    /// NSG version 2: version 1 then `B|C|E` and four counters.
    NsgV2,
    /// Virtual network: `time,src,dst,sport,dport,protocol,I|O,B|C|E|D,encryption` and four
    /// counters.
    Vnet,
}

impl Layout {
    fn width(self) -> usize {
        match self {
            Layout::NsgV1 => 8,
            Layout::NsgV2 | Layout::Vnet => 13,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Layout::NsgV1 => "an NSG version 1 tuple",
            Layout::NsgV2 => "an NSG version 2 tuple",
            Layout::Vnet => "a virtual-network flow tuple",
        }
    }
}

/// Up to 13 fields of a tuple, and how many there were.
struct Fields<'t> {
    values: [&'t str; 13],
    count: usize,
}

impl<'t> Fields<'t> {
    fn split(text: &'t str) -> Fields<'t> {
        let mut values = [""; 13];
        let mut count = 0;
        for value in text.split(',') {
            if let Some(slot) = values.get_mut(count) {
                *slot = value;
            }
            count += 1;
        }
        Fields { values, count }
    }

    fn get(&self, index: usize) -> &'t str {
        self.values.get(index).copied().unwrap_or("")
    }
}

fn bad(column: &'static str, expected: &str, found: &str) -> InputError {
    InputError::new(expected, shown(found.as_bytes())).field(column)
}

/// The layout of a tuple: by the record's version when it came before the flows, else by the
/// number of fields.
fn layout(
    kind: Kind,
    version: Option<u64>,
    fields: &Fields<'_>,
    text: &str,
) -> Result<Layout, InputError> {
    let layout = match (kind, version, fields.count) {
        (Kind::Vnet, _, _) => Layout::Vnet,
        (Kind::Nsg, Some(1), _) | (Kind::Nsg, None, 8) => Layout::NsgV1,
        (Kind::Nsg, Some(_), _) | (Kind::Nsg, None, 13) => Layout::NsgV2,
        (Kind::Nsg, None, count) => {
            return Err(InputError::new(
                "8 (NSG version 1) or 13 (version 2) comma-separated fields",
                format!("{count} in {}", shown(text.as_bytes())),
            ));
        }
    };
    if fields.count != layout.width() {
        return Err(InputError::new(
            format!(
                "{} comma-separated fields ({})",
                layout.width(),
                layout.name()
            ),
            format!("{} in {}", fields.count, shown(text.as_bytes())),
        ));
    }
    Ok(layout)
}

/// Reads one tuple into an observation; errors name the column.
pub(super) fn observation(
    kind: Kind,
    version: Option<u64>,
    text: &str,
) -> Result<Observation, InputError> {
    let fields = Fields::split(text);
    let layout = layout(kind, version, &fields, text)?;
    let time = timestamp(fields.get(0))?;
    let address = |index: usize, column: &'static str| {
        let value = fields.get(index);
        parse_ip(value.as_bytes()).ok_or_else(|| bad(column, "an IP address", value))
    };
    let src = address(1, "source IP")?;
    let dst = address(2, "destination IP")?;
    let protocol = protocol(layout, fields.get(5))?;
    port(protocol, fields.get(3), "source port")?;
    let port = port(protocol, fields.get(4), "destination port")?;
    match fields.get(6) {
        "I" | "O" => {}
        other => return Err(bad("direction", "I (inbound) or O (outbound)", other)),
    }
    let (accepted, counted) = outcome(layout, &fields)?;
    let (bytes, packets) = counters(layout, &fields, counted)?;
    let source = match kind {
        Kind::Nsg => SourceKind::AzureNsg,
        Kind::Vnet => SourceKind::AzureVnet,
    };
    Ok(Observation {
        client: src,
        server: dst,
        port,
        protocol,
        client_hint: HintId::NONE,
        server_hint: HintId::NONE,
        accepted,
        bytes,
        packets,
        start: Some(time),
        end: Some(time),
        source,
    })
}

/// Unix seconds, or milliseconds (told apart by magnitude).
fn timestamp(value: &str) -> Result<i64, InputError> {
    parse_u64(value.as_bytes())
        .map(|t| if t >= MILLISECONDS { t / 1000 } else { t })
        .and_then(|t| i64::try_from(t).ok())
        .ok_or_else(|| bad("timestamp", "a Unix time in seconds or milliseconds", value))
}

fn protocol(layout: Layout, value: &str) -> Result<Protocol, InputError> {
    match layout {
        Layout::NsgV1 | Layout::NsgV2 => match value {
            "T" => Ok(Protocol::TCP),
            "U" => Ok(Protocol::UDP),
            _ => Err(bad("protocol", "T (TCP) or U (UDP)", value)),
        },
        Layout::Vnet => parse_u64(value.as_bytes())
            .and_then(|n| u8::try_from(n).ok())
            .map(Protocol)
            .ok_or_else(|| {
                bad(
                    "protocol",
                    "an IP protocol number (6 TCP, 17 UDP, 1 ICMP…)",
                    value,
                )
            }),
    }
}

/// A port; protocols without ports (ICMP) have service port 0 and may leave it empty.
fn port(protocol: Protocol, value: &str, column: &'static str) -> Result<u16, InputError> {
    if !protocol.has_ports() {
        return match value {
            "" => Ok(0),
            _ if parse_u64(value.as_bytes()).is_some() => Ok(0),
            _ => Err(bad(column, "a port number or nothing", value)),
        };
    }
    parse_u64(value.as_bytes())
        .and_then(|n| u16::try_from(n).ok())
        .ok_or_else(|| bad(column, "a port number", value))
}

/// Whether the flow was allowed, and whether its counters count (`C` and `E` tuples).
fn outcome(layout: Layout, fields: &Fields<'_>) -> Result<(bool, bool), InputError> {
    let accepted = match layout {
        Layout::NsgV1 | Layout::NsgV2 => match fields.get(7) {
            "A" => true,
            "D" => false,
            other => return Err(bad("decision", "A (allowed) or D (denied)", other)),
        },
        Layout::Vnet => fields.get(7) != "D",
    };
    let state = match layout {
        Layout::NsgV1 => return Ok((accepted, false)),
        Layout::NsgV2 => 8,
        Layout::Vnet => 7,
    };
    match fields.get(state) {
        "B" => Ok((accepted, false)),
        "C" | "E" => Ok((accepted, true)),
        "D" if layout == Layout::Vnet => Ok((false, false)),
        other => {
            let expected = match layout {
                Layout::Vnet => "B (begin), C (continuing), E (end) or D (denied)",
                _ => "B (begin), C (continuing) or E (end)",
            };
            Err(bad("flow state", expected, other))
        }
    }
}

/// Bytes and packets, both directions; empty counters (as on `B` tuples) are nothing.
fn counters(layout: Layout, fields: &Fields<'_>, counted: bool) -> Result<(u64, u64), InputError> {
    if layout == Layout::NsgV1 {
        return Ok((0, 0));
    }
    const COLUMNS: [&str; 4] = [
        "packets source to destination",
        "bytes source to destination",
        "packets destination to source",
        "bytes destination to source",
    ];
    let mut values = [0u64; 4];
    for (offset, (column, slot)) in COLUMNS.into_iter().zip(&mut values).enumerate() {
        let value = fields.get(9 + offset);
        if !value.is_empty() {
            *slot = parse_u64(value.as_bytes())
                .ok_or_else(|| bad(column, "a count or nothing", value))?;
        }
    }
    if !counted {
        return Ok((0, 0));
    }
    let [packets_out, bytes_out, packets_in, bytes_in] = values;
    Ok((
        bytes_out.saturating_add(bytes_in),
        packets_out.saturating_add(packets_in),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn timestamps_are_seconds_or_milliseconds_by_magnitude() -> TestResult {
        assert_eq!(timestamp("1763366440")?, 1_763_366_440);
        assert_eq!(timestamp("1763366440112")?, 1_763_366_440);
        assert_eq!(timestamp("999999999999")?, 999_999_999_999);
        assert!(timestamp("").is_err());
        assert!(timestamp("-1").is_err());
        Ok(())
    }

    #[test]
    fn only_continuing_and_end_tuples_count_their_counters() -> TestResult {
        let cases = [
            (
                Kind::Vnet,
                "1,10.0.0.1,10.0.0.2,1,2,6,O,B,NX,1,10,1,10",
                true,
                0,
            ),
            (
                Kind::Vnet,
                "1,10.0.0.1,10.0.0.2,1,2,6,O,D,NX,1,10,1,10",
                false,
                0,
            ),
            (
                Kind::Vnet,
                "1,10.0.0.1,10.0.0.2,1,2,6,I,C,X,1,10,1,10",
                true,
                20,
            ),
            (
                Kind::Vnet,
                "1,10.0.0.1,10.0.0.2,1,2,6,O,E,NX_FALLBACK,,,,",
                true,
                0,
            ),
            (
                Kind::Nsg,
                "1,10.0.0.1,10.0.0.2,1,2,T,I,D,E,1,10,1,10",
                false,
                20,
            ),
            (Kind::Nsg, "1,10.0.0.1,10.0.0.2,1,2,U,O,A", true, 0),
        ];
        for (kind, text, accepted, bytes) in cases {
            let observation = observation(kind, None, text)?;
            assert_eq!(
                (observation.accepted, observation.bytes),
                (accepted, bytes),
                "{text}"
            );
        }
        Ok(())
    }

    #[test]
    fn ports_are_numbers_except_for_portless_protocols() {
        assert_eq!(port(Protocol::TCP, "443", "p").ok(), Some(443));
        assert!(port(Protocol::TCP, "", "p").is_err());
        assert!(port(Protocol::UDP, "65536", "p").is_err());
        assert_eq!(port(Protocol::ICMP, "", "p").ok(), Some(0));
        assert_eq!(port(Protocol::ICMPV6, "128", "p").ok(), Some(0));
        assert!(port(Protocol::ICMP, "echo", "p").is_err());
    }
}
