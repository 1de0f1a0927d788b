//! VPC flow log records as CloudWatch Logs delivers them: JSON lines or documents whose events
//! carry each record in `message` — `aws logs filter-log-events` output (`events`), subscription
//! envelopes (`logEvents`; `CONTROL_MESSAGE` envelopes are skipped), arrays of either, or one
//! event per line. CloudWatch records have no header: the layout is `--fields`, or the default
//! format when the records have its shape.

use std::io::BufRead;

use serde_json::Value;

use super::{Layout, headerless_layout, read_error, record};
use crate::ingest::batch::{Batch, Context};
use crate::ingest::error::InputError;
use crate::ingest::parse::Fields;

/// Collects the `message` of every event in a JSON value.
fn messages<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Array(items) => items.iter().for_each(|item| messages(item, out)),
        Value::Object(map) => {
            if map.get("messageType").and_then(Value::as_str) == Some("CONTROL_MESSAGE") {
                return;
            }
            let events = map.get("logEvents").or_else(|| map.get("events"));
            if let Some(Value::Array(events)) = events {
                events.iter().for_each(|event| messages(event, out));
            } else if let Some(Value::String(message)) = map.get("message") {
                out.push(message);
            }
        }
        _ => {}
    }
}

/// Finds where each message stands in the raw text, for line numbers.
struct Locator<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl Locator<'_> {
    fn line_of(&mut self, message: &str) -> Option<u64> {
        let found = memchr::memmem::find(&self.text[self.offset..], message.as_bytes())?;
        let end = self.offset + found;
        self.line += memchr::memchr_iter(b'\n', &self.text[self.offset..end]).count() as u64;
        self.offset = end;
        Some(self.line)
    }
}

pub(super) fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let mut text = Vec::new();
    input
        .read_to_end(&mut text)
        .map_err(|e| read_error(ctx, &e))?;
    let mut locator = Locator {
        text: &text,
        offset: 0,
        line: 1,
    };
    let mut layout: Option<Layout> = None;
    let mut fields = Fields::default();
    for value in serde_json::Deserializer::from_slice(&text).into_iter::<Value>() {
        let value = value.map_err(|e| {
            ctx.error(
                Some(e.line() as u64),
                InputError::new(
                    "CloudWatch Logs JSON with VPC flow log records",
                    e.to_string(),
                )
                .hint("a truncated export? copy it again"),
            )
        })?;
        let mut found = Vec::new();
        messages(&value, &mut found);
        for message in found {
            let line = locator.line_of(message);
            if message.trim().is_empty() {
                continue;
            }
            if layout.is_none() {
                let chosen =
                    headerless_layout(ctx, message.as_bytes()).map_err(|e| ctx.error(line, e))?;
                layout = Some(chosen);
            }
            let Some(layout) = layout.as_ref() else {
                continue;
            };
            batch.flows.records += 1;
            if let Err(error) = record(layout, fields.split_whitespace(message.as_bytes()), batch) {
                ctx.bad_flow(batch, line, error)?;
            }
        }
    }
    Ok(())
}
