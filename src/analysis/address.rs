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
    fn declared_internal_ranges_count_as_internal() {
        let ranges = vec!["198.18.0.0/15".parse().unwrap_or_else(|_| unreachable!())];
        assert!(is_internal(ip("198.19.1.1"), &ranges));
        assert!(!is_internal(ip("198.20.1.1"), &ranges));
    }
}
