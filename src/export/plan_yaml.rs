//! The canonical plan file: the stored plan written back as YAML in a stable form, so that it
//! re-applies to the same plan and diffs cleanly.
//!
//! Keys come in the documented order, optional fields are left out when unset, small mappings
//! and port lists are written in flow style (`{zone: web}`, `[tcp/443, icmp]`) as the format's
//! documentation shows them, and ports in their short form. A string is written plain only when
//! it is plainly safe: when both YAML 1.2 and YAML 1.1 readers would take it as that very string
//! (`yes`, `null`, `1.0`, `2024-03-01`, `*x`, `a: b` are quoted); otherwise it is double-quoted
//! with YAML escapes, or, for multi-line text, written as a literal block when that is exact.
//! (serde_yaml_ng's own serializer writes `yes` and dates plain, which YAML 1.1 tools misread.)

use std::fmt::Write as _;

use crate::model::plan::{PLAN_VERSION, Peer, Plan, Rule, Selector, Zone};

/// A YAML node of the canonical form.
enum Node {
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

/// The plan as canonical YAML. Deterministic: the same plan gives the same bytes.
pub fn plan_to_yaml(plan: &Plan) -> String {
    let mut entries = vec![
        ("version".to_string(), Node::Word(PLAN_VERSION.to_string())),
        (
            "defaults".to_string(),
            Node::FlowMap(vec![
                entry("east_west", text(plan.defaults.east_west.as_str())),
                entry("intra_zone", text(plan.defaults.intra_zone.as_str())),
            ]),
        ),
        entry("zones", Node::List(plan.zones.iter().map(zone).collect())),
        entry("rules", Node::List(plan.rules.iter().map(rule).collect())),
    ];
    if !plan.phases.is_empty() {
        entries.push(entry(
            "phases",
            Node::List(plan.phases.iter().map(json).collect()),
        ));
    }
    let mut out = String::new();
    block_map(&mut out, &entries, 0);
    out
}

fn entry(key: &str, node: Node) -> (String, Node) {
    (key.to_string(), node)
}

fn text(value: &str) -> Node {
    Node::Text(value.to_string())
}

/// Adds `key: value` when the value is set.
fn optional(entries: &mut Vec<(String, Node)>, key: &str, value: Option<&String>) {
    if let Some(value) = value {
        entries.push(entry(key, text(value)));
    }
}

fn zone(zone: &Zone) -> Node {
    let mut entries = vec![
        entry("name", text(&zone.name)),
        entry("sensitivity", text(zone.sensitivity.as_str())),
    ];
    if let Some(policy) = zone.intra_zone {
        entries.push(entry("intra_zone", text(policy.as_str())));
    }
    optional(&mut entries, "description", zone.description.as_ref());
    optional(&mut entries, "note", zone.note.as_ref());
    let members = zone.members.iter().map(|s| Node::Map(vec![selector(s)]));
    entries.push(entry("members", Node::List(members.collect())));
    Node::Map(entries)
}

/// A selector as its one `kind: value` entry.
fn selector(selector: &Selector) -> (String, Node) {
    let value = match selector {
        Selector::Labels(labels) => {
            Node::FlowMap(labels.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        }
        Selector::Workload(v)
        | Selector::App(v)
        | Selector::Namespace(v)
        | Selector::ServiceAccount(v)
        | Selector::Identity(v)
        | Selector::Network(v) => text(v),
        Selector::Cidr(net) => Node::Text(net.to_string()),
    };
    entry(selector.kind(), value)
}

fn peer(peer: &Peer) -> Node {
    match peer {
        Peer::Any => text("any"),
        Peer::Zone(name) => Node::FlowMap(vec![entry("zone", text(name))]),
        Peer::Selector(s) => Node::FlowMap(vec![selector(s)]),
    }
}

fn rule(rule: &Rule) -> Node {
    let mut entries = Vec::new();
    optional(&mut entries, "name", rule.name.as_ref());
    entries.push(entry("from", peer(&rule.from)));
    entries.push(entry("to", peer(&rule.to)));
    let ports = rule.ports.iter().map(|&p| Node::Text(p.to_string()));
    entries.push(entry("ports", Node::FlowList(ports.collect())));
    optional(&mut entries, "justification", rule.justification.as_ref());
    optional(&mut entries, "owner", rule.owner.as_ref());
    let status = match rule.status {
        crate::model::plan::RuleStatus::Approved => "approved",
        crate::model::plan::RuleStatus::Proposed => "proposed",
    };
    entries.push(entry("status", text(status)));
    entries.push(entry("enabled", Node::Word(rule.enabled.to_string())));
    if rule.baseline {
        entries.push(entry("baseline", Node::Word("true".into())));
    }
    optional(&mut entries, "note", rule.note.as_ref());
    if let Some(evidence) = &rule.evidence {
        let mut fields = Vec::new();
        let count = |n: Option<u64>| n.map(|n| Node::Word(n.to_string()));
        for (key, node) in [
            ("edges", count(evidence.edges)),
            ("records", count(evidence.records)),
        ] {
            fields.extend(node.map(|node| entry(key, node)));
        }
        optional(&mut fields, "first_seen", evidence.first_seen.as_ref());
        optional(&mut fields, "last_seen", evidence.last_seen.as_ref());
        if !evidence.sources.is_empty() {
            let sources = evidence.sources.iter().map(|s| text(s));
            fields.push(entry("sources", Node::FlowList(sources.collect())));
        }
        entries.push(entry("evidence", Node::FlowMap(fields)));
    }
    Node::Map(entries)
}

/// Phases are kept as data: block style, keys in the order serde_json keeps them.
fn json(value: &serde_json::Value) -> Node {
    match value {
        serde_json::Value::Null => Node::Word("null".into()),
        serde_json::Value::Bool(b) => Node::Word(b.to_string()),
        serde_json::Value::Number(n) => Node::Word(n.to_string()),
        serde_json::Value::String(s) => text(s),
        serde_json::Value::Array(items) => Node::List(items.iter().map(json).collect()),
        serde_json::Value::Object(map) => {
            Node::Map(map.iter().map(|(k, v)| (k.clone(), json(v))).collect())
        }
    }
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
fn scalar(value: &str, in_flow: bool) -> String {
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
fn literal_block(value: &str, indent: usize) -> Option<String> {
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

#[cfg(test)]
mod tests;
