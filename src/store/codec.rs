//! How values are laid out in columns: addresses as 4- or 16-byte blobs, hashes as hex.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[cfg(test)]
pub fn address_bytes(address: IpAddr) -> Vec<u8> {
    match address {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => v6.octets().to_vec(),
    }
}

pub fn address_from(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes)
            .ok()
            .map(|b| IpAddr::V4(Ipv4Addr::from(b))),
        16 => <[u8; 16]>::try_from(bytes)
            .ok()
            .map(|b| IpAddr::V6(Ipv6Addr::from(b))),
        _ => None,
    }
}

pub fn hash_hex(hash: u128) -> String {
    format!("{hash:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_round_trip() {
        for text in ["10.1.2.3", "2001:db8::1", "::ffff:10.0.0.1"] {
            let address: IpAddr = text.parse().unwrap_or_else(|_| unreachable!());
            assert_eq!(address_from(&address_bytes(address)), Some(address));
        }
        assert_eq!(address_from(&[1, 2, 3]), None);
    }
}
