//! The plan file (policy as code): YAML text in, a validated [`Plan`] out. The format is in
//! `docs/plan-format.md`.
//!
//! The text is read three ways: as a loose YAML value (syntax errors, and `version: 1` first so
//! that another kind of file says so), as raw `deny_unknown_fields` structs (shape errors carry
//! serde's line and path), and then validated into the model. A validation error finds the line
//! of the node it is about with [`locate::line_of`]. Every problem is fatal; the first one is
//! reported as `FILE:LINE: field X: expected …, found …` with a hint.

mod check;
mod locate;
mod rollout;
mod selector;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_yaml_ng::Value;

use super::error::{InputError, shown};
use crate::model::plan::{PLAN_VERSION, Plan, PortSpec};
use locate::Seg;

const EXPECTED: &str = "a Blastwall plan file (see docs/plan-format.md)";

/// What a port entry may be, for messages.
pub const PORT_FORMS: &str = "tcp/N, udp/N, sctp/N, tcp/N-M, icmp, icmpv6 or any";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    #[serde(rename = "version")]
    _version: IgnoredAny,
    defaults: Option<RawDefaults>,
    zones: Option<Vec<RawZone>>,
    rules: Option<Vec<RawRule>>,
    phases: Option<Vec<rollout::RawPhase>>,
    guardrails: Option<Vec<rollout::RawGuardrail>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    east_west: Option<String>,
    intra_zone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawZone {
    name: String,
    sensitivity: Option<String>,
    intra_zone: Option<String>,
    description: Option<String>,
    note: Option<String>,
    members: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Option<String>,
    from: Value,
    to: Value,
    ports: Option<Vec<String>>,
    justification: Option<String>,
    owner: Option<String>,
    status: Option<String>,
    enabled: Option<bool>,
    baseline: Option<bool>,
    note: Option<String>,
    evidence: Option<RawEvidence>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    edges: Option<u64>,
    records: Option<u64>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    sources: Option<Vec<String>>,
}

/// Parses and validates a plan file's text; `file` names it in errors.
pub fn parse_plan(text: &str, file: &str) -> Result<Plan, InputError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let document: Value =
        serde_yaml_ng::from_str(text).map_err(|e| yaml_error(&e, "valid YAML").at(file, None))?;
    check_header(text, &document).map_err(|e| e.at(file, None))?;
    let raw: RawPlan =
        serde_yaml_ng::from_str(text).map_err(|e| yaml_error(&e, EXPECTED).at(file, None))?;
    check::Checker { text }
        .plan(raw)
        .map_err(|e| e.at(file, None))
}

/// A mapping with `version: 1`.
fn check_header(text: &str, document: &Value) -> Result<(), InputError> {
    let found = match document {
        Value::Mapping(_) => None,
        Value::Null => Some("an empty document"),
        _ => Some("a YAML document that is not a mapping"),
    };
    if let Some(found) = found {
        let error = InputError::new(EXPECTED, found);
        return Err(with_line(error, Some(1)).hint("a plan file starts with `version: 1`"));
    }
    let hint = format!("this build reads plan files of version {PLAN_VERSION}: `version: 1`");
    let found = match document.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(u64::from(PLAN_VERSION)) => return Ok(()),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => shown(s.as_bytes()),
        Some(Value::Null) | None => {
            let error = InputError::new("version: 1", "no version").field("version");
            return Err(with_line(error, Some(1)).hint(hint));
        }
        Some(_) => "a value that is not a number".into(),
    };
    let line = locate::line_of(text, &[Seg::Key("version")]);
    let error = InputError::new("version 1", found).field("version");
    Err(with_line(error, line).hint(hint))
}

fn with_line(mut error: InputError, line: Option<u64>) -> InputError {
    error.line = line;
    error
}

/// A YAML syntax or shape error, at its line, with the path serde names as the field.
fn yaml_error(error: &serde_yaml_ng::Error, expected: &str) -> InputError {
    let line = error.location().and_then(|l| u64::try_from(l.line()).ok());
    let message = strip_positions(&error.to_string());
    let (path, problem) = match message.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => (Some(path), rest),
        _ => (None, message.as_str()),
    };
    let mut error = shape_error(problem, expected);
    if let Some(path) = path {
        error = error.field(path);
    }
    with_line(error, line)
}

/// Serde's wording turned into expected/found.
fn shape_error(problem: &str, expected: &str) -> InputError {
    if let Some(rest) = problem.strip_prefix("unknown field `") {
        let (name, known) = rest
            .split_once("`, expected ")
            .unwrap_or((rest, "no keys here"));
        let name = name.trim_end_matches('`');
        return InputError::new(known.replace('`', ""), format!("unknown key {name:?}"))
            .hint("keys are case-sensitive; docs/plan-format.md lists every key");
    }
    if let Some(rest) = problem.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return InputError::new(format!("the required key {name}"), "none");
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((found, wanted)) = problem
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit_once(", expected "))
        {
            return InputError::new(wanted, found);
        }
    }
    InputError::new(expected, problem)
}

/// Removes ` at line L column C` from a YAML error message (the line is reported apart).
fn strip_positions(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let after =
            rest[start + " at line ".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        rest = after.strip_prefix(" column ").map_or(after, |after| {
            after.trim_start_matches(|c: char| c.is_ascii_digit())
        });
    }
    out + rest
}

/// A port entry as the plan file writes it: `tcp/8443`, `udp/53`, `sctp/N`, `tcp/8000-8100`,
/// `icmp`, `icmpv6` or `any` (case-insensitive). The error is what was found, for messages.
pub fn parse_port(text: &str) -> Result<PortSpec, String> {
    let lower = text.trim().to_ascii_lowercase();
    let whole = |protocol| PortSpec::Range {
        protocol,
        first: 0,
        last: u16::MAX,
    };
    match lower.as_str() {
        "any" => return Ok(PortSpec::Any),
        "icmp" => return Ok(whole(1)),
        "icmpv6" => return Ok(whole(58)),
        _ => {}
    }
    let found = shown(text.as_bytes());
    let (name, range) = lower.split_once('/').ok_or_else(|| found.clone())?;
    let protocol = match name {
        "tcp" => 6,
        "udp" => 17,
        "sctp" => 132,
        _ => return Err(found),
    };
    let (first, last) = range.split_once('-').unwrap_or((range, range));
    let digits = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    let number = |n: &str| digits(n).then(|| n.parse::<u16>().ok()).flatten();
    match (number(first), number(last)) {
        (Some(first), Some(last)) if first <= last => Ok(PortSpec::Range {
            protocol,
            first,
            last,
        }),
        (Some(_), Some(_)) => Err(format!("{found}, a range that runs backwards")),
        _ if digits(first) && digits(last) => Err(format!("{found}, a port above 65535")),
        _ => Err(found),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rollout;
