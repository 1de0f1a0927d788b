//! HCL text for Terraform: quoted strings with HCL's escapes, resource names as identifiers, and
//! AWS's restricted character set for descriptions.

use std::fmt::Write as _;

use xxhash_rust::xxh3::xxh3_64;

/// `text` as a quoted HCL string: `"` and `\` escaped, `${` and `%{` doubled so Terraform reads
/// no template, control characters as `\n`, `\r`, `\t` or `\uXXXX`.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 8 hex digits of the xxh3-64 of `text`: a stable suffix.
pub fn short_hash(text: &str) -> String {
    format!("{:08x}", xxh3_64(text.as_bytes()) & 0xffff_ffff)
}

/// A Terraform name: `prefix_` then `stem` in letters, digits, `_` and `-` (others become `_`,
/// cut to 40 characters), then `_` and 8 hex digits of `seed`'s hash. Never starts with a digit.
pub fn identifier(prefix: &str, stem: &str, seed: &str) -> String {
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("{prefix}_{clean}_{}", short_hash(seed))
}

/// Text in the characters AWS allows in security group names, descriptions and tags (ASCII
/// letters, digits, spaces and `._-:/()#,@[]+=&;{}!$*`); others become `_`. Cut to `max`.
pub fn aws_text(text: &str, max: usize) -> String {
    const ALLOWED: &str = " ._-:/()#,@[]+=&;{}!$*";
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ALLOWED.contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.len() <= max {
        return clean;
    }
    let cut: String = clean.chars().take(max.saturating_sub(3)).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_templates_and_controls() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(string("${x} %{if} $5 %d"), r#""$${x} %%{if} $5 %d""#);
        assert_eq!(string("line\nnext\u{7}"), r#""line\nnext\u0007""#);
        let id = identifier("sg", "PCI zone/1", "seed");
        assert!(id.starts_with("sg_pci_zone_1_"), "{id}");
        assert_eq!(aws_text("café \"x\" ${y}", 255), "caf_ _x_ ${y}");
        assert_eq!(aws_text(&"a".repeat(300), 10), "aaaaaaa...");
    }
}
