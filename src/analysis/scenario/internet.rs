//! Which rule sides admit traffic from the `internet` pseudo-zone: the addresses no workload
//! owns, outside every private and declared-internal range and every zone's `cidr` member
//! ([`ZoneMap::zone_of`]). A side admits it when it is `any`, the zone `internet`, or a `cidr`
//! selector holding at least one such address. Zones other than `internet` never do: an address
//! inside a zone's `cidr` belongs to that zone.
//!
//! Whether a `cidr` holds an internet address is decided by ranges, not by the addresses observed
//! so far: the covered space (private, internal, zone ranges, workload addresses) is merged into
//! sorted intervals, and a look-up finds the first address of the range left uncovered. That
//! address is then placed by [`ZoneMap::zone_of`] and matched by [`selects_address`], as the
//! simulation would for a flow from it.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::analysis::address::private_ranges;
use crate::analysis::resolve::{Endpoint, ResolvedEstate};
use crate::analysis::zones::{ZoneMap, selects_address};
use crate::model::plan::{Peer, Selector};

/// The address space the `internet` pseudo-zone does not hold, per family, as merged inclusive
/// intervals sorted by start.
pub struct InternetSpace<'a> {
    zones: &'a ZoneMap,
    v4: Vec<(u128, u128)>,
    v6: Vec<(u128, u128)>,
}

/// A prefix as an inclusive interval, and whether it is IPv4.
fn interval(net: &IpNet) -> (bool, u128, u128) {
    match net {
        IpNet::V4(v4) => (
            true,
            u128::from(u32::from(v4.network())),
            u128::from(u32::from(v4.broadcast())),
        ),
        IpNet::V6(v6) => (false, u128::from(v6.network()), u128::from(v6.broadcast())),
    }
}

fn merged(mut intervals: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
    intervals.sort_unstable();
    let mut out: Vec<(u128, u128)> = Vec::with_capacity(intervals.len());
    for (start, end) in intervals {
        match out.last_mut() {
            Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

impl<'a> InternetSpace<'a> {
    pub fn new(estate: &ResolvedEstate, zones: &'a ZoneMap) -> InternetSpace<'a> {
        let covered = private_ranges()
            .into_iter()
            .chain(zones.internal.iter().copied())
            .chain(zones.ranges.iter().map(|(net, _)| *net))
            .chain(
                estate
                    .workloads
                    .iter()
                    .flat_map(|w| w.addresses.iter().copied()),
            );
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for net in covered {
            let (is_v4, start, end) = interval(&net);
            if is_v4 { &mut v4 } else { &mut v6 }.push((start, end));
        }
        InternetSpace {
            zones,
            v4: merged(v4),
            v6: merged(v6),
        }
    }

    /// The first address of a range the covered space leaves out, if any.
    fn uncovered(&self, net: &IpNet) -> Option<IpAddr> {
        let (is_v4, start, end) = interval(net);
        let covered = if is_v4 { &self.v4 } else { &self.v6 };
        let before = covered.partition_point(|&(s, _)| s <= start);
        let first = match before.checked_sub(1).map(|i| covered[i]) {
            Some((_, last)) if last >= end => return None,
            Some((_, last)) if last >= start => last + 1,
            _ => start,
        };
        Some(if is_v4 {
            IpAddr::V4(u32::try_from(first).ok()?.into())
        } else {
            IpAddr::V6(first.into())
        })
    }

    /// An address of the `internet` zone inside `net`, if it holds one.
    pub fn witness(&self, net: &IpNet) -> Option<IpAddr> {
        self.uncovered(net)
            .filter(|&a| self.zones.zone_of(Endpoint::Address(a)) == self.zones.internet())
    }

    /// Whether a rule side matches some address of the `internet` zone.
    pub fn admits(&self, peer: &Peer) -> bool {
        match peer {
            Peer::Any => true,
            Peer::Zone(name) => self.zones.index(name) == Some(self.zones.internet()),
            Peer::Selector(selector @ Selector::Cidr(net)) => self
                .witness(net)
                .is_some_and(|address| selects_address(selector, address)),
            Peer::Selector(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::resolve::resolve_estate;
    use crate::analysis::testkit::{TestResult, estate, ip};
    use crate::analysis::zones::assign_zones;
    use crate::ingest::plan::parse_plan;

    fn cidr(text: &str) -> Result<Peer, ipnet::AddrParseError> {
        Ok(Peer::Selector(Selector::Cidr(text.parse()?)))
    }

    #[test]
    fn cidr_sides_admit_the_internet_only_where_it_is_left_uncovered() -> TestResult {
        let mut raw = estate();
        raw.workloads.push((
            1,
            crate::analysis::testkit::host("edge-01", "198.51.100.7", "edge", "web"),
        ));
        let estate = resolve_estate(&raw);
        let plan = parse_plan(
            "version: 1
zones:
  - {name: partners, members: [{cidr: 192.0.2.0/24}]}
",
            "plan.yaml",
        )?;
        let zones = assign_zones(&plan, &estate);
        let space = InternetSpace::new(&estate, &zones);
        assert!(space.admits(&Peer::Any));
        assert!(space.admits(&Peer::Zone("internet".into())));
        assert!(!space.admits(&Peer::Zone("unmanaged".into())));
        assert!(!space.admits(&Peer::Zone("partners".into())));
        assert!(space.admits(&cidr("0.0.0.0/0")?));
        assert!(space.admits(&cidr("::/0")?));
        assert!(space.admits(&cidr("203.0.113.0/24")?));
        assert!(!space.admits(&cidr("10.0.0.0/8")?));
        assert!(!space.admits(&cidr("192.0.2.0/25")?), "a zone's range");
        assert!(
            !space.admits(&cidr("198.51.100.7/32")?),
            "a workload's own address"
        );
        assert_eq!(
            space.witness(&"198.51.100.6/31".parse()?),
            Some(ip("198.51.100.6")),
            "the workload holds only .7"
        );
        assert_eq!(
            space.witness(&"198.51.100.0/29".parse()?),
            Some(ip("198.51.100.0"))
        );
        assert!(!space.admits(&cidr("fd00::/8")?));
        assert!(!space.admits(&Peer::Selector(Selector::App("shop".into()))));
        Ok(())
    }
}
