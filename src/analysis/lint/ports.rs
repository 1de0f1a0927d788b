//! Port lists as sets: whether one rule's ports cover another's.

use crate::model::plan::PortSpec;

/// The union of a rule's port entries: `any`, or ranges merged per protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PortCover {
    any: bool,
    /// (protocol, first, last), sorted, overlapping and adjacent ranges merged.
    ranges: Vec<(u8, u16, u16)>,
}

impl PortCover {
    pub fn of(ports: &[PortSpec]) -> PortCover {
        let mut any = false;
        let mut all: Vec<(u8, u16, u16)> = Vec::new();
        for port in ports {
            match *port {
                PortSpec::Any => any = true,
                PortSpec::Range {
                    protocol,
                    first,
                    last,
                } => all.push((protocol, first, last)),
            }
        }
        all.sort_unstable();
        let mut ranges: Vec<(u8, u16, u16)> = Vec::with_capacity(all.len());
        for (protocol, first, last) in all {
            match ranges.last_mut() {
                Some((p, _, end)) if *p == protocol && u32::from(first) <= u32::from(*end) + 1 => {
                    *end = (*end).max(last);
                }
                _ => ranges.push((protocol, first, last)),
            }
        }
        PortCover { any, ranges }
    }

    /// Whether the union covers one entry: `any` only by `any`, a range by the merged ranges of
    /// its protocol.
    pub fn covers(&self, port: PortSpec) -> bool {
        if self.any {
            return true;
        }
        match port {
            PortSpec::Any => false,
            PortSpec::Range {
                protocol,
                first,
                last,
            } => self
                .ranges
                .iter()
                .any(|&(p, f, l)| p == protocol && f <= first && last <= l),
        }
    }

    /// Whether the union covers every entry of a port list.
    pub fn covers_all(&self, ports: &[PortSpec]) -> bool {
        ports.iter().all(|&port| self.covers(port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(protocol: u8, first: u16, last: u16) -> PortSpec {
        PortSpec::Range {
            protocol,
            first,
            last,
        }
    }

    #[test]
    fn adjacent_ranges_merge_per_protocol_and_any_is_only_covered_by_any() {
        let cover = PortCover::of(&[
            range(6, 8000, 8499),
            range(6, 8500, 9000),
            range(17, 53, 53),
        ]);
        assert!(cover.covers(range(6, 8443, 8600)));
        assert!(cover.covers(range(6, 8000, 9000)));
        assert!(!cover.covers(range(6, 7999, 8001)));
        assert!(!cover.covers(range(17, 8443, 8443)));
        assert!(!cover.covers(PortSpec::Any));
        assert!(cover.covers_all(&[range(17, 53, 53), range(6, 8080, 8080)]));
        let everything = PortCover::of(&[range(6, 0, u16::MAX), PortSpec::Any]);
        assert!(everything.covers(PortSpec::Any) && everything.covers(range(1, 0, u16::MAX)));
        let top = PortCover::of(&[range(6, 65_000, u16::MAX), range(6, 0, 10)]);
        assert!(top.covers(range(6, 65_535, 65_535)) && !top.covers(range(6, 11, 11)));
    }
}
