//! Sets of IP addresses as sorted, disjoint, aggregated prefixes (IPv4 first, then IPv6), with
//! union and difference: what a security group's CIDRs and an nftables interval set hold.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// A set of addresses: aggregated prefixes, sorted, none overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AddressSet {
    nets: Vec<IpNet>,
}

impl AddressSet {
    /// The set the prefixes cover (host bits are ignored).
    pub fn new(nets: impl IntoIterator<Item = IpNet>) -> AddressSet {
        let nets: Vec<IpNet> = nets.into_iter().map(|n| n.trunc()).collect();
        let mut nets = IpNet::aggregate(&nets);
        nets.sort_by_key(first);
        AddressSet { nets }
    }

    /// Every IPv4 and IPv6 address.
    pub fn everything() -> AddressSet {
        AddressSet::new([IpNet::V4(Ipv4Net::default()), IpNet::V6(Ipv6Net::default())])
    }

    /// The private ranges Blastwall never counts as internet: RFC 1918, RFC 6598, loopback,
    /// link-local, IPv6 unique-local and link-local, and IPv4-mapped IPv6.
    pub fn private() -> AddressSet {
        let ranges = [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "::1/128",
            "fc00::/7",
            "fe80::/10",
            "::ffff:0:0/96",
        ];
        AddressSet::new(ranges.iter().filter_map(|r| r.parse::<IpNet>().ok()))
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// The prefixes, IPv4 first, each family sorted.
    pub fn nets(&self) -> &[IpNet] {
        &self.nets
    }

    pub fn v4(&self) -> impl Iterator<Item = &IpNet> {
        self.nets.iter().filter(|n| matches!(n, IpNet::V4(_)))
    }

    pub fn v6(&self) -> impl Iterator<Item = &IpNet> {
        self.nets.iter().filter(|n| matches!(n, IpNet::V6(_)))
    }

    pub fn union(&self, other: &AddressSet) -> AddressSet {
        AddressSet::new(self.nets.iter().chain(&other.nets).copied())
    }

    /// The addresses in `self` and not in `other`.
    pub fn minus(&self, other: &AddressSet) -> AddressSet {
        let cuts = &other.nets;
        let mut out = Vec::with_capacity(self.nets.len());
        for net in &self.nets {
            let (low, high) = (first(net), last(net));
            let start = cuts.partition_point(|c| first(c) < low);
            if start > 0 && cuts[start - 1].contains(net) {
                continue;
            }
            let end = cuts.partition_point(|c| first(c) <= high);
            let inside = &cuts[start..end];
            if inside.iter().any(|c| c.contains(net)) {
                continue;
            }
            split(*net, inside, &mut out);
        }
        AddressSet::new(out)
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        self.nets.iter().any(|n| n.contains(&address))
    }
}

/// The first address of a prefix, comparable across families (IPv4 first).
fn first(net: &IpNet) -> (bool, u128) {
    match net {
        IpNet::V4(n) => (false, u128::from(u32::from(n.network()))),
        IpNet::V6(n) => (true, u128::from(n.network())),
    }
}

fn last(net: &IpNet) -> (bool, u128) {
    match net {
        IpNet::V4(n) => (false, u128::from(u32::from(n.broadcast()))),
        IpNet::V6(n) => (true, u128::from(n.broadcast())),
    }
}

/// Pushes the parts of `net` outside `cuts` (disjoint prefixes inside `net`, sorted).
fn split(net: IpNet, cuts: &[IpNet], out: &mut Vec<IpNet>) {
    if cuts.is_empty() {
        out.push(net);
        return;
    }
    let Ok(halves) = net.subnets(net.prefix_len() + 1) else {
        return;
    };
    let halves: Vec<IpNet> = halves.collect();
    let [low, high] = halves.as_slice() else {
        return;
    };
    let middle = cuts.partition_point(|c| first(c) < first(high));
    for (half, part) in [(*low, &cuts[..middle]), (*high, &cuts[middle..])] {
        if part.iter().any(|c| c.contains(&half)) {
            continue;
        }
        split(half, part, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(nets: &[&str]) -> AddressSet {
        AddressSet::new(nets.iter().filter_map(|n| n.parse::<IpNet>().ok()))
    }

    #[test]
    fn difference_splits_into_prefixes() {
        let rest = set(&["10.0.0.0/24"]).minus(&set(&["10.0.0.7/32", "10.0.0.128/25"]));
        let text: Vec<String> = rest.nets().iter().map(|n| n.to_string()).collect();
        assert_eq!(
            text,
            [
                "10.0.0.0/30",
                "10.0.0.4/31",
                "10.0.0.6/32",
                "10.0.0.8/29",
                "10.0.0.16/28",
                "10.0.0.32/27",
                "10.0.0.64/26"
            ]
        );
        assert!(!rest.contains("10.0.0.7".parse().unwrap_or(IpAddr::from([0; 4]))));
        let everything = AddressSet::everything().minus(&AddressSet::private());
        assert!(!everything.contains(IpAddr::from([10, 1, 2, 3])));
        assert!(everything.contains(IpAddr::from([8, 8, 8, 8])));
        assert_eq!(
            set(&["10.0.0.0/25", "10.0.0.128/25"]).nets(),
            set(&["10.0.0.0/24"]).nets()
        );
    }
}
