//! Address classification: which addresses are private, and which network holds an address.

use std::net::IpAddr;

use ipnet::IpNet;

/// Whether an address is private: RFC 1918, RFC 6598 shared space, loopback, link-local or an
/// IPv6 unique-local address.
pub fn is_private(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

/// The ranges [`is_private`] holds, as prefixes: the IPv4 ones, their IPv4-mapped IPv6 forms,
/// and the IPv6 ones.
pub fn private_ranges() -> Vec<IpNet> {
    const V4: [([u8; 4], u8); 6] = [
        ([10, 0, 0, 0], 8),
        ([172, 16, 0, 0], 12),
        ([192, 168, 0, 0], 16),
        ([100, 64, 0, 0], 10),
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16),
    ];
    let mut out = Vec::new();
    for (octets, prefix) in V4 {
        let v4 = std::net::Ipv4Addr::from(octets);
        out.extend(ipnet::Ipv4Net::new(v4, prefix).ok().map(IpNet::V4));
        let mapped = v4.to_ipv6_mapped();
        out.extend(ipnet::Ipv6Net::new(mapped, prefix + 96).ok().map(IpNet::V6));
    }
    for (first, prefix) in [(0xfc00u16, 7u8), (0xfe80, 10)] {
        let address = std::net::Ipv6Addr::new(first, 0, 0, 0, 0, 0, 0, 0);
        out.extend(ipnet::Ipv6Net::new(address, prefix).ok().map(IpNet::V6));
    }
    out.push(IpNet::from(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)));
    out
}

/// Whether an address is internal: private, or inside a range the organisation declared internal.
pub fn is_internal(address: IpAddr, internal_ranges: &[IpNet]) -> bool {
    is_private(address) || internal_ranges.iter().any(|range| range.contains(&address))
}

/// The host prefix of an address (/32 or /128).
pub fn host_net(address: IpAddr) -> IpNet {
    IpNet::from(address)
}

/// Whether a prefix is a single host.
pub fn is_host(net: &IpNet) -> bool {
    net.prefix_len() == net.max_prefix_len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn private_ranges() {
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "169.254.169.254",
            "fd00::1",
            "fc00::1",
            "fe80::1",
            "::1",
        ] {
            assert!(is_private(ip(private)), "{private} should be private");
        }
        for public in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "203.0.113.9",
            "2001:db8::1",
        ] {
            assert!(!is_private(ip(public)), "{public} should be public");
        }
    }

    #[test]
    fn private_ranges_hold_exactly_the_private_addresses() {
        let ranges = super::private_ranges();
        assert_eq!(ranges.len(), 15);
        for net in &ranges {
            assert!(is_private(net.network()), "{net} starts private");
            assert!(is_private(net.broadcast()), "{net} ends private");
        }
        for address in [
            "9.255.255.255",
            "11.0.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "fe7f::1",
        ] {
            let address = ip(address);
            assert!(!is_private(address));
            assert!(
                !ranges.iter().any(|net| net.contains(&address)),
                "{address}"
            );
        }
        for address in [
            "::ffff:10.1.2.3",
            "::ffff:192.168.0.1",
            "fd12::1",
            "fe80::9",
        ] {
            let address = ip(address);
            assert!(is_private(address));
            assert!(ranges.iter().any(|net| net.contains(&address)), "{address}");
        }
    }

    #[test]
    fn declared_internal_ranges_count_as_internal() {
        let ranges = vec!["198.18.0.0/15".parse().unwrap_or_else(|_| unreachable!())];
        assert!(is_internal(ip("198.19.1.1"), &ranges));
        assert!(!is_internal(ip("198.20.1.1"), &ranges));
    }
}
