//! A tiny ordered JSON value with a pretty and a compact writer.
//!
//! Keys keep the order they were inserted in, so the output is byte-identical
//! whatever features the `serde_json` build has.

use std::io::{self, Write};

#[derive(Clone, Debug)]
pub enum J {
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

/// Build an object from `(key, value)` pairs.
pub fn obj(pairs: Vec<(&str, J)>) -> J {
    J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub fn s(v: impl Into<String>) -> J {
    J::Str(v.into())
}

pub fn int(v: impl Into<i64>) -> J {
    J::Int(v.into())
}

/// Append `v` as a quoted JSON string.
pub fn esc_into(out: &mut String, v: &str) {
    out.push('"');
    for ch in v.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn quoted(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    esc_into(&mut out, v);
    out
}

fn pad(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

/// Render with 4-space indentation (the style of `kubectl` and the AWS CLI).
pub fn render_pretty(out: &mut String, v: &J, level: usize) {
    match v {
        J::Arr(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, level + 1);
                render_pretty(out, item, level + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, level);
            out.push(']');
        }
        J::Obj(pairs) if !pairs.is_empty() => {
            out.push_str("{\n");
            for (i, (k, item)) in pairs.iter().enumerate() {
                pad(out, level + 1);
                esc_into(out, k);
                out.push_str(": ");
                render_pretty(out, item, level + 1);
                out.push_str(if i + 1 < pairs.len() { ",\n" } else { "\n" });
            }
            pad(out, level);
            out.push('}');
        }
        other => render_compact(out, other),
    }
}

/// Render on one line without spaces.
pub fn render_compact(out: &mut String, v: &J) {
    match v {
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Int(n) => out.push_str(&n.to_string()),
        J::Str(x) => esc_into(out, x),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                render_compact(out, item);
            }
            out.push(']');
        }
        J::Obj(pairs) => {
            out.push('{');
            for (i, (k, item)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                esc_into(out, k);
                out.push(':');
                render_compact(out, item);
            }
            out.push('}');
        }
    }
}

/// Write `v` pretty-printed at nesting `level` (used to stream list items).
pub fn write_pretty(w: &mut impl Write, v: &J, level: usize) -> io::Result<()> {
    let mut out = String::new();
    render_pretty(&mut out, v, level);
    w.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_and_compact() {
        let v = obj(vec![
            ("a", int(1)),
            ("b", J::Arr(vec![s("x"), J::Bool(true)])),
            ("c", J::Arr(vec![])),
            ("d", obj(vec![])),
        ]);
        let mut p = String::new();
        render_pretty(&mut p, &v, 0);
        assert_eq!(
            p,
            "{\n    \"a\": 1,\n    \"b\": [\n        \"x\",\n        true\n    ],\n    \"c\": [],\n    \"d\": {}\n}"
        );
        let mut c = String::new();
        render_compact(&mut c, &v);
        assert_eq!(c, "{\"a\":1,\"b\":[\"x\",true],\"c\":[],\"d\":{}}");
        assert_eq!(quoted("a\"b\\"), "\"a\\\"b\\\\\"");
    }
}
