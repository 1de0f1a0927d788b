//! The canonical YAML writer shared by every YAML deliverable: block style with two-space
//! indentation, flow style where asked, and text quoted only when a YAML 1.2 or 1.1 reader would
//! take it for something else (`yes`, `null`, `1.0`, `2024-03-01`, `*x`, `a: b` are quoted);
//! otherwise double-quoted with YAML escapes, or, for multi-line text, written as a literal block
//! when that is exact. (serde_yaml_ng's own serializer writes `yes` and dates plain, which YAML
//! 1.1 tools misread.)

use std::fmt::Write as _;

/// A YAML node of the canonical form.
pub(crate) enum Node {
    /// Text, quoted as needed.
    Text(String),
    /// Written as is: numbers, booleans.
    Word(String),
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
    /// A mapping written in flow style, `{a: b}`.
    FlowMap(Vec<(String, Node)>),
    /// A list written in flow style, `[a, b]`.
    FlowList(Vec<Node>),
}

/// A mapping entry.
pub(crate) fn entry(key: &str, node: Node) -> (String, Node) {
    (key.to_string(), node)
}

/// A text node.
pub(crate) fn text(value: &str) -> Node {
    Node::Text(value.to_string())
}

/// A number (or any word written as is).
pub(crate) fn number(value: impl ToString) -> Node {
    Node::Word(value.to_string())
}

/// A document whose top level is a block mapping of `entries`.
pub(crate) fn to_yaml(entries: &[(String, Node)]) -> String {
    let mut out = String::new();
    block_map(&mut out, entries, 0);
    out
}

fn block_map(out: &mut String, entries: &[(String, Node)], indent: usize) {
    for (key, node) in entries {
        let _ = write!(out, "{:indent$}{}:", "", scalar(key, false));
        block_value(out, node, indent);
    }
}

/// The rest of a line after `key:` or `-`, and the lines of a nested block.
fn block_value(out: &mut String, node: &Node, indent: usize) {
    match node {
        Node::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            block_map(out, entries, indent + 2);
        }
        Node::List(items) if !items.is_empty() => {
            out.push('\n');
            block_list(out, items, indent + 2);
        }
        Node::Text(value) => {
            out.push(' ');
            match literal_block(value, indent + 2) {
                Some(block) => out.push_str(&block),
                None => out.push_str(&scalar(value, false)),
            }
            out.push('\n');
        }
        _ => {
            out.push(' ');
            flow(out, node);
            out.push('\n');
        }
    }
}

/// Items at `indent`: a nested block is written one level deeper, its first line after the `- `.
fn block_list(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                let mut nested = String::new();
                block_map(&mut nested, entries, indent + 2);
                let _ = write!(out, "{:indent$}- {}", "", &nested[indent + 2..]);
            }
            Node::List(inner) if !inner.is_empty() => {
                let mut nested = String::new();
                block_list(&mut nested, inner, indent + 2);
                let _ = write!(out, "{:indent$}- {}", "", &nested[indent + 2..]);
            }
            _ => {
                let _ = write!(out, "{:indent$}-", "");
                block_value(out, item, indent);
            }
        }
    }
}

fn flow(out: &mut String, node: &Node) {
    match node {
        Node::Text(value) => out.push_str(&scalar(value, true)),
        Node::Word(word) => out.push_str(word),
        Node::Map(entries) | Node::FlowMap(entries) => {
            out.push('{');
            for (n, (key, value)) in entries.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}: ", scalar(key, true));
                flow(out, value);
            }
            out.push('}');
        }
        Node::List(items) | Node::FlowList(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                flow(out, item);
            }
            out.push(']');
        }
    }
}

/// A one-line scalar: plain when that is safe, else double-quoted.
pub(crate) fn scalar(value: &str, in_flow: bool) -> String {
    if is_plain(value, in_flow) {
        value.to_string()
    } else {
        double_quoted(value)
    }
}

/// Conservative: starting with a letter or digit (or `_`, `/`, `(`), then letters, digits, spaces
/// and punctuation that cannot end or change the scalar (in flow style, no `:` or `,[]{}#`), and
/// read back as this very string by YAML 1.2 (serde_yaml_ng) and not misread by YAML 1.1.
fn is_plain(value: &str, in_flow: bool) -> bool {
    const BLOCK_ONLY: &str = ":,;[]{}#'\"!?&*%=~$^<>|`";
    let allowed = |c: char| {
        c.is_alphanumeric()
            || matches!(c, ' ' | '-' | '_' | '.' | '/' | '@' | '+' | '(' | ')')
            || (!in_flow && BLOCK_ONLY.contains(c))
    };
    let starts_well = value
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '/' | '('));
    starts_well
        && !value.ends_with([' ', ':'])
        && value.chars().all(allowed)
        && !value.contains(": ")
        && !value.contains(" #")
        && !yaml11_special(value)
        && reads_back(value, in_flow)
}

/// Words and numbers YAML 1.1 reads as booleans, nulls, numbers (`1_000`, `1:30`) or dates.
fn yaml11_special(value: &str) -> bool {
    const WORDS: [&str; 12] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity",
    ];
    let lower = value.to_ascii_lowercase();
    let numeric = value
        .trim_start_matches(['-', '+', '.'])
        .starts_with(|c: char| c.is_ascii_digit())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '+' | '-'));
    WORDS.contains(&lower.as_str()) || numeric
}

fn reads_back(value: &str, in_flow: bool) -> bool {
    let document = if in_flow {
        format!("[{value}]")
    } else {
        format!("- {value}")
    };
    matches!(
        serde_yaml_ng::from_str::<Vec<serde_yaml_ng::Value>>(&document).as_deref(),
        Ok([serde_yaml_ng::Value::String(read)]) if read == value
    )
}

/// A double-quoted scalar; everything YAML would not read back literally is escaped.
fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_printable(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// Printable in the YAML sense and not a line break, a byte-order mark or a tab.
fn is_printable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// Multi-line text as a literal block (`|-`, `|`, `|+` by its trailing line breaks), when that
/// reads back exactly: printable characters only, no line starting or ending with whitespace.
pub(crate) fn literal_block(value: &str, indent: usize) -> Option<String> {
    let body = value.trim_end_matches('\n');
    let trailing = value.len() - body.len();
    let lines: Vec<&str> = body.split('\n').collect();
    let exact = lines.len() > 1
        && !body.is_empty()
        && body.chars().all(|c| c == '\n' || is_printable(c))
        && lines.iter().all(|l| *l == l.trim());
    if !exact {
        return None;
    }
    let mut block = match trailing {
        0 => "|-".to_string(),
        1 => "|".to_string(),
        _ => "|+".to_string(),
    };
    for line in &lines {
        block.push('\n');
        if !line.is_empty() {
            let _ = write!(block, "{:indent$}{line}", "");
        }
    }
    block.push_str(&"\n".repeat(trailing.saturating_sub(1)));
    Some(block)
}
