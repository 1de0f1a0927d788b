//! Kubernetes object names from names that may hold anything: DNS-1123 labels (lower-case
//! letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters).
//! A name that had to change (or be cut) gets a stable suffix, 8 hex digits of its xxh3-64, so
//! two originals that sanitise alike still get different names; the original goes in an
//! annotation.

use xxhash_rust::xxh3::xxh3_64;

/// The longest DNS-1123 label.
pub const MAX_LABEL: usize = 63;

/// `text` as a DNS-1123 label: unchanged when it already is one, else sanitised with a stable
/// hash suffix.
pub fn dns_label(text: &str) -> String {
    if is_dns_label(text) {
        return text.to_string();
    }
    let mut clean = String::with_capacity(text.len());
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        let keep = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if !(keep == '-' && (clean.is_empty() || clean.ends_with('-'))) {
            clean.push(keep);
        }
    }
    let suffix = format!("{:08x}", xxh3_64(text.as_bytes()) & 0xffff_ffff);
    let room = MAX_LABEL - suffix.len() - 1;
    let stem: String = clean.chars().take(room).collect();
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        format!("x-{suffix}")
    } else {
        format!("{stem}-{suffix}")
    }
}

/// Whether `text` is a DNS-1123 label.
pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    text.len() <= MAX_LABEL
        && edge_ok(bytes.first())
        && edge_ok(bytes.last())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_stay_and_others_get_a_stable_suffix() {
        assert_eq!(dns_label("allow-orders"), "allow-orders");
        let odd = dns_label("allow-Orders_API");
        assert!(odd.starts_with("allow-orders-api-"), "{odd}");
        assert!(is_dns_label(&odd));
        assert_eq!(odd, dns_label("allow-Orders_API"));
        assert_ne!(odd, dns_label("allow-orders.api"));
        let long = dns_label(&"a".repeat(100));
        assert!(is_dns_label(&long) && long.len() == MAX_LABEL, "{long}");
        assert!(is_dns_label(&dns_label("\"$`;")));
        assert!(is_dns_label(&dns_label("")));
    }
}
