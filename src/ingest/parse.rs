//! Small byte-level parsers shared by the importers: numbers, addresses, times, direction.

use std::net::{IpAddr, Ipv4Addr};

use crate::model::Protocol;

/// The fields of one line, as byte ranges into it: reused from line to line without allocating.
#[derive(Debug, Default)]
pub struct Fields {
    spans: Vec<(u32, u32)>,
}

/// One line's fields, borrowed.
#[derive(Clone, Copy)]
pub struct Record<'a> {
    text: &'a [u8],
    spans: &'a [(u32, u32)],
}

impl Fields {
    /// Splits on runs of ASCII white space. Eight bytes at a time: a word is tested for bytes
    /// up to 0x20 at once, and only those (in a flow log, the separators) are looked at.
    pub fn split_whitespace<'a>(&'a mut self, text: &'a [u8]) -> Record<'a> {
        self.spans.clear();
        let mut start: Option<usize> = None;
        let mut at = 0;
        let mut visit =
            |i: usize, spans: &mut Vec<(u32, u32)>, separator: bool| match (separator, start) {
                (true, Some(s)) => {
                    spans.push((s as u32, i as u32));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            };
        while let Some(word) = text.get(at..at + 8) {
            let word = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
            // High bit set in every byte below 0x21 (and possibly in bytes above one such).
            let mut low = word.wrapping_sub(0x2121_2121_2121_2121) & !word & 0x8080_8080_8080_8080;
            if low == 0 {
                visit(at, &mut self.spans, false);
            } else {
                let mut next = at;
                while low != 0 {
                    let i = at + (low.trailing_zeros() / 8) as usize;
                    low &= low - 1;
                    if text[i].is_ascii_whitespace() {
                        if next < i {
                            visit(next, &mut self.spans, false);
                        }
                        visit(i, &mut self.spans, true);
                        next = i + 1;
                    }
                }
                if next < at + 8 {
                    visit(next, &mut self.spans, false);
                }
            }
            at += 8;
        }
        for (i, b) in text.iter().enumerate().skip(at) {
            visit(i, &mut self.spans, b.is_ascii_whitespace());
        }
        if let Some(s) = start {
            self.spans.push((s as u32, text.len() as u32));
        }
        Record {
            text,
            spans: &self.spans,
        }
    }

    /// Splits on every occurrence of a separator (empty fields kept).
    pub fn split_on<'a>(&'a mut self, text: &'a [u8], separator: &[u8]) -> Record<'a> {
        self.spans.clear();
        let mut start = 0;
        if !separator.is_empty() {
            for i in memchr::memmem::find_iter(text, separator) {
                self.spans.push((start as u32, i as u32));
                start = i + separator.len();
            }
        }
        self.spans.push((start as u32, text.len() as u32));
        Record {
            text,
            spans: &self.spans,
        }
    }
}

impl<'a> Record<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn get(&self, index: usize) -> &'a [u8] {
        self.spans
            .get(index)
            .map_or(&[], |&(a, b)| &self.text[a as usize..b as usize])
    }
}

/// Parses an unsigned decimal integer from ASCII digits, with overflow checks.
pub fn parse_u64(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 20 {
        return None;
    }
    let mut value: u64 = 0;
    for &b in bytes {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
    }
    Some(value)
}

/// Parses an IPv4 or IPv6 address from ASCII, IPv4 by hand for speed.
pub fn parse_ip(bytes: &[u8]) -> Option<IpAddr> {
    parse_ipv4(bytes)
        .map(IpAddr::V4)
        .or_else(|| std::str::from_utf8(bytes).ok()?.parse().ok())
}

fn parse_ipv4(bytes: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut index = 0;
    let mut value: u32 = 0;
    let mut digits = 0;
    for &b in bytes {
        if b == b'.' {
            if digits == 0 || index == 3 {
                return None;
            }
            octets[index] = u8::try_from(value).ok()?;
            index += 1;
            value = 0;
            digits = 0;
        } else if b.is_ascii_digit() {
            if digits == 3 || (digits > 0 && value == 0) {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
            digits += 1;
        } else {
            return None;
        }
    }
    if index != 3 || digits == 0 {
        return None;
    }
    octets[3] = u8::try_from(value).ok()?;
    Some(Ipv4Addr::from(octets))
}

/// Folds a record into (client, server, service port). `source_is_server` says which end
/// initiated when the format knows; otherwise the server is the end with the lower port (on equal
/// ports, the destination). Port-less protocols and ICMP have service port 0 and keep their
/// direction.
pub fn fold(
    src: IpAddr,
    src_port: u16,
    dst: IpAddr,
    dst_port: u16,
    protocol: Protocol,
    source_is_server: Option<bool>,
) -> (IpAddr, IpAddr, u16) {
    if !protocol.has_ports() {
        return (src, dst, 0);
    }
    let reply = source_is_server.unwrap_or(src_port < dst_port);
    if reply {
        (dst, src, src_port)
    } else {
        (src, dst, dst_port)
    }
}

/// Parses an RFC 3339 / ISO-8601 timestamp (`2025-09-18T07:41:02.118Z`, `+02:00` offsets) to
/// Unix seconds.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        std::str::from_utf8(b.get(range)?).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hh: i64 = rest.get(1..3)?.parse().ok()?;
            let mm: i64 = rest.get(rest.len() - 2..)?.parse().ok()?;
            sign * (hh * 3600 + mm * 60)
        }
    };
    let days = crate::model::time::days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Whole seconds of a decimal seconds value such as Zeek's `1747044001.128734`.
pub fn parse_decimal_seconds(bytes: &[u8]) -> Option<i64> {
    let whole = bytes.split(|&b| b == b'.').next()?;
    let value = parse_u64(whole)?;
    i64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn whitespace_splitting_agrees_with_the_standard_library(
            text in prop::collection::vec(
                prop_oneof![Just(b' '), Just(b'\t'), Just(b'\r'), Just(0x0bu8), Just(0x0cu8),
                            Just(0x1fu8), Just(b'!'), Just(b'a'), Just(0xa0u8), any::<u8>()],
                0..80),
        ) {
            let mut fields = Fields::default();
            let record = fields.split_whitespace(&text);
            let found: Vec<&[u8]> = (0..record.len()).map(|i| record.get(i)).collect();
            let expected: Vec<&[u8]> = text
                .split(u8::is_ascii_whitespace)
                .filter(|t| !t.is_empty())
                .collect();
            prop_assert_eq!(found, expected);
        }
    }

    use super::*;

    #[test]
    fn parses_integers_with_overflow_checks() {
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_u64(b""), None);
    }

    #[test]
    fn parses_addresses() {
        assert_eq!(parse_ip(b"10.0.12.57"), Some(IpAddr::from([10, 0, 12, 57])));
        assert_eq!(parse_ip(b"2001:db8::1").map(|a| a.is_ipv6()), Some(true));
        for bad in [
            &b"10.0.0"[..],
            b"10.0.0.256",
            b"10.0.0.01",
            b"10..0.1",
            b"-",
            b"1.2.3.4.5",
        ] {
            assert_eq!(parse_ip(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn folds_replies_onto_the_request_edge() {
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        assert_eq!(fold(a, 40000, b, 443, Protocol::TCP, None), (a, b, 443));
        assert_eq!(fold(b, 443, a, 40000, Protocol::TCP, None), (a, b, 443));
        assert_eq!(
            fold(b, 443, a, 40000, Protocol::TCP, Some(false)),
            (b, a, 40000)
        );
        assert_eq!(fold(a, 123, b, 123, Protocol::UDP, None), (a, b, 123));
        assert_eq!(fold(b, 0, a, 0, Protocol::ICMP, None), (b, a, 0));
    }

    #[test]
    fn parses_timestamps() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2025-09-18T07:41:02.118273645Z"),
            Some(1_758_181_262)
        );
        assert_eq!(
            parse_rfc3339("2025-09-18T09:41:02+02:00"),
            Some(1_758_181_262)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(
            parse_decimal_seconds(b"1747044001.128734"),
            Some(1_747_044_001)
        );
    }
}
