//! Google Cloud VPC flow logs: Cloud Logging entries whose `jsonPayload` carries a
//! `connection`, from either log (`compute.googleapis.com%2Fvpc_flows` or
//! `networkmanagement.googleapis.com%2Fvpc_flows`: the payload decides, not the log name). One
//! entry per line (Cloud Storage sinks), a JSON array (`gcloud logging read --format=json`), or
//! a single entry, pretty-printed or not. Entries of other logs are skipped and not counted.

mod document;
mod lenient;
mod record;

use std::io::{BufRead, Cursor, Read};

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use super::lines::{Line, LineReader};
use super::vpc::{read_error, too_long};
use lenient::Shape;
use record::Entry;

/// Whether the head of a JSON file is Cloud Logging entries of VPC flow logs: the log name, or
/// a flow record's `reporter` beside a `connection`'s `src_ip` (Firewall Rules Logging entries
/// have no `reporter`).
pub fn looks_like(head: &str) -> bool {
    head.contains("\"jsonPayload\"")
        && (head.contains("vpc_flows")
            || (head.contains("\"src_ip\"") && head.contains("\"reporter\"")))
}

/// Parses VPC flow log entries in any of the three layouts into the batch.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    if opens_array(input).map_err(|e| read_error(ctx, &e))? {
        return document::parse_array(input, ctx, batch);
    }
    match parse_lines(&mut *input, ctx, batch)? {
        None => Ok(()),
        Some((number, mut first)) => {
            first.push(b'\n');
            document::parse_objects(Cursor::new(first).chain(input), number, ctx, batch)
        }
    }
}

/// Whether the content starts with `[` (after a byte order mark, which it drops, and white
/// space).
fn opens_array(input: &mut dyn BufRead) -> std::io::Result<bool> {
    let head = input.fill_buf()?;
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let opens = head[if bom { 3 } else { 0 }..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'[');
    if bom {
        input.consume(3);
    }
    Ok(opens)
}

/// Reads one entry per line. Returns the first entry's line and text when that line is not a
/// whole entry: the file is then one document (a pretty-printed entry).
fn parse_lines(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<Option<(u64, Vec<u8>)>, InputError> {
    let mut lines = LineReader::new(input);
    let mut first = true;
    loop {
        let (number, text) = match lines.next_line().map_err(|e| read_error(ctx, &e))? {
            None => return Ok(None),
            Some((number, Line::TooLong)) => {
                first = false;
                batch.flows.records += 1;
                ctx.bad_flow(batch, Some(number), too_long())?;
                continue;
            }
            Some((number, Line::Text(text))) => (number, text),
        };
        if text.trim_ascii().is_empty() {
            continue;
        }
        let item = serde_json::from_slice::<Shape<Entry>>(text);
        if first && item.as_ref().is_err_and(serde_json::Error::is_eof) {
            return Ok(Some((number, text.to_vec())));
        }
        first = false;
        match item {
            Ok(item) => record::add(item, number, ctx, batch)?,
            Err(e) => {
                batch.flows.records += 1;
                let error = InputError::new(
                    "a Cloud Logging entry as JSON",
                    format!("{} ({e})", shown(text)),
                );
                ctx.bad_flow(batch, Some(number), error)?;
            }
        }
    }
}
