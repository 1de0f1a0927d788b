//! Edges are stored in blocks: each row of `edge_blocks` holds up to [`BLOCK`] edges of one
//! import in key order, packed in a compact binary form, with the newest observation time of
//! the block beside it. Millions of edges are written and read in a fraction of the time a row
//! per edge takes, and in a third of the space.
//!
//! One edge: a flags byte (bit 0 client IPv6, bit 1 server IPv6, bit 2 first seen set, bit 3
//! last seen set), the client and server addresses (4 or 16 bytes), the port (2 bytes, little
//! endian) and the protocol (1 byte), then as LEB128 varints the stored client and server hint
//! ids, records, accepted, rejected, bytes, packets, the first seen time (zigzag), the last seen
//! time as a zigzag difference from the first (or alone, zigzag, when the first is unset), and
//! the sources bit mask.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::model::{EdgeKey, EdgeStats, HintId, Protocol, SourceSet};

/// Edges per block.
pub const BLOCK: usize = 65_536;

const CLIENT_V6: u8 = 1;
const SERVER_V6: u8 = 2;
const HAS_FIRST: u8 = 4;
const HAS_LAST: u8 = 8;

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn unzigzag(value: u64) -> i64 {
    (value >> 1) as i64 ^ -((value & 1) as i64)
}

fn put_address(out: &mut Vec<u8>, address: IpAddr) {
    match address {
        IpAddr::V4(v4) => out.extend_from_slice(&v4.octets()),
        IpAddr::V6(v6) => out.extend_from_slice(&v6.octets()),
    }
}

/// Appends one edge; `hint` maps an import's hint id to its stored id.
pub fn encode(out: &mut Vec<u8>, key: &EdgeKey, stats: &EdgeStats, hint: impl Fn(HintId) -> u64) {
    let mut flags = 0;
    if key.client.is_ipv6() {
        flags |= CLIENT_V6;
    }
    if key.server.is_ipv6() {
        flags |= SERVER_V6;
    }
    if stats.first_seen.is_some() {
        flags |= HAS_FIRST;
    }
    if stats.last_seen.is_some() {
        flags |= HAS_LAST;
    }
    out.push(flags);
    put_address(out, key.client);
    put_address(out, key.server);
    out.extend_from_slice(&key.port.to_le_bytes());
    out.push(key.protocol.0);
    put_varint(out, hint(key.client_hint));
    put_varint(out, hint(key.server_hint));
    for value in [
        stats.records,
        stats.accepted,
        stats.rejected,
        stats.bytes,
        stats.packets,
    ] {
        put_varint(out, value);
    }
    match (stats.first_seen, stats.last_seen) {
        (Some(first), Some(last)) => {
            put_varint(out, zigzag(first));
            put_varint(out, zigzag(last.wrapping_sub(first)));
        }
        (Some(time), None) | (None, Some(time)) => put_varint(out, zigzag(time)),
        (None, None) => {}
    }
    put_varint(out, u64::from(stats.sources.0));
}

/// Reads the edges of a block; `None` when it is not a well-formed block.
pub struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Decoder<'a> {
        Decoder { bytes, at: 0 }
    }

    pub fn is_done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let end = self.at.checked_add(N)?;
        let bytes = self.bytes.get(self.at..end)?;
        self.at = end;
        <[u8; N]>::try_from(bytes).ok()
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    fn address(&mut self, v6: bool) -> Option<IpAddr> {
        Some(if v6 {
            IpAddr::V6(Ipv6Addr::from(self.take::<16>()?))
        } else {
            IpAddr::V4(Ipv4Addr::from(self.take::<4>()?))
        })
    }

    /// The next edge, with stored hint ids.
    pub fn next_edge(&mut self) -> Option<(EdgeKey, EdgeStats)> {
        let [flags] = self.take::<1>()?;
        let client = self.address(flags & CLIENT_V6 != 0)?;
        let server = self.address(flags & SERVER_V6 != 0)?;
        let port = u16::from_le_bytes(self.take::<2>()?);
        let [protocol] = self.take::<1>()?;
        let client_hint = HintId(u32::try_from(self.varint()?).ok()?);
        let server_hint = HintId(u32::try_from(self.varint()?).ok()?);
        let mut counts = [0u64; 5];
        for count in &mut counts {
            *count = self.varint()?;
        }
        let (first_seen, last_seen) = match (flags & HAS_FIRST != 0, flags & HAS_LAST != 0) {
            (true, true) => {
                let first = unzigzag(self.varint()?);
                (
                    Some(first),
                    Some(first.wrapping_add(unzigzag(self.varint()?))),
                )
            }
            (true, false) => (Some(unzigzag(self.varint()?)), None),
            (false, true) => (None, Some(unzigzag(self.varint()?))),
            (false, false) => (None, None),
        };
        let sources = SourceSet(u32::try_from(self.varint()?).ok()?);
        let key = EdgeKey {
            client,
            server,
            port,
            protocol: Protocol(protocol),
            client_hint,
            server_hint,
        };
        let [records, accepted, rejected, bytes, packets] = counts;
        let stats = EdgeStats {
            records,
            accepted,
            rejected,
            bytes,
            packets,
            first_seen,
            last_seen,
            sources,
        };
        Some((key, stats))
    }
}

/// The newest observation of an edge, as the window sees it.
pub fn newest(stats: &EdgeStats) -> Option<i64> {
    stats.last_seen.or(stats.first_seen)
}

/// Whether an edge is inside the window `[since, until]` (`None` is open): the span of its
/// observations overlaps it (an edge with one time was seen at that instant), and undated edges
/// always are.
pub fn in_window(stats: &EdgeStats, since: Option<i64>, until: Option<i64>) -> bool {
    if stats.first_seen.is_none() && stats.last_seen.is_none() {
        return true;
    }
    let last = stats.last_seen.or(stats.first_seen);
    let first = stats.first_seen.or(stats.last_seen);
    since.is_none_or(|s| last.is_some_and(|l| l >= s))
        && until.is_none_or(|u| first.is_some_and(|f| f <= u))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn address(v6: bool, n: u32) -> IpAddr {
        if v6 {
            IpAddr::V6(Ipv6Addr::from(u128::from(n) << 64 | 0x2001))
        } else {
            IpAddr::V4(Ipv4Addr::from(n))
        }
    }

    proptest! {
        #[test]
        fn edges_round_trip(
            edges in prop::collection::vec(
                (any::<bool>(), any::<u32>(), any::<bool>(), any::<u32>(), any::<u16>(), any::<u8>(),
                 0u32..5, any::<[u64; 5]>(), any::<Option<i64>>(), any::<Option<i64>>(), any::<u32>()),
                0..50),
        ) {
            let mut bytes = Vec::new();
            let mut expected = Vec::new();
            for (cv6, c, sv6, s, port, protocol, hint, counts, first, last, sources) in edges {
                let key = EdgeKey {
                    client: address(cv6, c),
                    server: address(sv6, s),
                    port,
                    protocol: Protocol(protocol),
                    client_hint: HintId(hint),
                    server_hint: HintId(hint / 2),
                };
                let [records, accepted, rejected, bytes_sent, packets] = counts;
                let stats = EdgeStats {
                    records, accepted, rejected, bytes: bytes_sent, packets,
                    first_seen: first, last_seen: last, sources: SourceSet(sources),
                };
                encode(&mut bytes, &key, &stats, |h| u64::from(h.0));
                expected.push((key, stats));
            }
            let mut decoder = Decoder::new(&bytes);
            let mut decoded = Vec::new();
            while !decoder.is_done() {
                decoded.push(decoder.next_edge().ok_or_else(|| TestCaseError::fail("bad block"))?);
            }
            prop_assert_eq!(decoded, expected);
        }

        #[test]
        fn truncated_blocks_are_refused_not_panicked_on(cut in 0usize..60, extra in any::<Vec<u8>>()) {
            let mut bytes = Vec::new();
            let key = EdgeKey {
                client: address(true, 7),
                server: address(false, 9),
                port: 443,
                protocol: Protocol(6),
                client_hint: HintId(300),
                server_hint: HintId::NONE,
            };
            let stats = EdgeStats { records: 1 << 40, first_seen: Some(5), last_seen: Some(-9), ..EdgeStats::default() };
            encode(&mut bytes, &key, &stats, |h| u64::from(h.0));
            let full = bytes.len();
            bytes.truncate(cut.min(full));
            bytes.extend(extra);
            let mut decoder = Decoder::new(&bytes);
            let _ = decoder.next_edge();
        }
    }

    #[test]
    fn the_window_keeps_what_overlaps_and_what_is_undated() {
        let stats = |first, last| EdgeStats {
            first_seen: first,
            last_seen: last,
            ..EdgeStats::default()
        };
        assert!(in_window(&stats(None, None), Some(10), Some(20)));
        assert!(in_window(&stats(Some(5), Some(15)), Some(10), Some(20)));
        assert!(!in_window(&stats(Some(5), Some(9)), Some(10), None));
        assert!(!in_window(&stats(Some(21), None), None, Some(20)));
        assert!(in_window(&stats(None, Some(12)), Some(10), Some(20)));
    }
}
