//! Text for numbers, sizes, times and addresses, the same on every screen.

use ipnet::IpNet;

use crate::model::{Protocol, SourceSet};

/// `1234567` as `1,234,567`.
pub fn count(n: u64) -> String {
    crate::model::number::thousands(n)
}

/// A byte count in decimal units: `512 B`, `1.2 kB`, `3.4 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Unix seconds as UTC `YYYY-MM-DD HH:MM:SS`.
pub fn utc(seconds: i64) -> String {
    let (year, month, day, hour, minute, second) = crate::model::time::utc_parts(seconds);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
}

/// An optional time, or a dash.
pub fn time_or_dash(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "—".to_string(), |s| format!("{} UTC", utc(s)))
}

/// A host address without its `/32`; a range as a prefix.
pub fn net(net: &IpNet) -> String {
    if net.prefix_len() == net.max_prefix_len() {
        net.addr().to_string()
    } else {
        net.to_string()
    }
}

/// The first `shown` addresses, and how many more: `10.0.0.1, 10.0.0.2 +3`.
pub fn addresses(nets: &[IpNet], shown: usize) -> String {
    let first: Vec<String> = nets.iter().take(shown).map(net).collect();
    let mut text = first.join(", ");
    if nets.len() > shown {
        text.push_str(&format!(" +{}", nets.len() - shown));
    }
    text
}

/// `443/tcp`, `0/icmp`.
pub fn port_proto(port: u16, protocol: Protocol) -> String {
    format!("{port}/{}", protocol.name())
}

/// `aws-vpc, zeek`.
pub fn sources(sources: SourceSet) -> String {
    sources.names().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_bytes() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_200_000), "1.2 MB");
        assert_eq!(bytes(999_999), "1.0 MB");
        assert_eq!(bytes(3_400_000_000), "3.4 GB");
    }

    #[test]
    fn utc_times() {
        assert_eq!(utc(0), "1970-01-01 00:00:00");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(utc(1_714_557_600), "2024-05-01 10:00:00");
        assert_eq!(utc(-1), "1969-12-31 23:59:59");
        assert_eq!(utc(4_102_444_799), "2099-12-31 23:59:59");
    }

    #[test]
    fn address_lists() -> Result<(), Box<dyn std::error::Error>> {
        let nets: Vec<IpNet> = ["10.0.0.1/32", "10.0.1.0/24", "10.0.0.3/32", "10.0.0.4/32"]
            .iter()
            .map(|s| s.parse())
            .collect::<Result<_, _>>()?;
        assert_eq!(addresses(&nets, 2), "10.0.0.1, 10.0.1.0/24 +2");
        assert_eq!(addresses(&nets, 1), "10.0.0.1 +3");
        assert_eq!(addresses(&nets[..1], 2), "10.0.0.1");
        Ok(())
    }
}
