//! Whole JSON documents: an array of entries (`gcloud logging read --format=json`, often one
//! long line) streamed element by element, or entries written one after another (a single
//! pretty-printed entry). Each entry is placed at the line where it starts.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};

use serde::de::{Deserializer as _, Error as _, SeqAccess, Visitor};

use super::lenient::Shape;
use super::record::{Entry, add};
use crate::ingest::batch::{Batch, Context};
use crate::ingest::error::InputError;

/// Line bookkeeping shared by the reader and the entry loop.
struct Marks {
    /// The line of the byte last read.
    line: Cell<u64>,
    /// The line where the latest entry started.
    start: Cell<u64>,
    /// Whether the next significant byte starts an entry.
    pending: Cell<bool>,
}

impl Marks {
    fn new(first_line: u64) -> Marks {
        Marks {
            line: Cell::new(first_line),
            start: Cell::new(first_line),
            pending: Cell::new(false),
        }
    }

    fn see(&self, byte: u8) {
        if self.pending.get() && !matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b',') {
            self.pending.set(false);
            self.start.set(self.line.get());
        }
        if byte == b'\n' {
            self.line.set(self.line.get() + 1);
        }
    }
}

/// Hands serde_json one byte at a time (as it reads anyway) and counts lines.
struct Counted<'a, R> {
    inner: R,
    marks: &'a Marks,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let limit = buf.len().min(1);
        let n = self.inner.read(&mut buf[..limit])?;
        for &byte in &buf[..n] {
            self.marks.see(byte);
        }
        Ok(n)
    }
}

const EXPECTED: &str = "Cloud Logging entries as JSON";

/// A fatal JSON error at its line (serde_json counts from `first_line`).
fn document_error(ctx: &Context, error: &serde_json::Error, first_line: u64) -> InputError {
    let line = u64::try_from(error.line())
        .ok()
        .filter(|&line| line > 0)
        .map(|line| line + first_line - 1);
    let mut message = error.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    let problem = if error.is_io() {
        InputError::new("a readable file", format!("a read error: {message}"))
            .hint("a truncated .gz or a file still being written; copy it again")
    } else if error.is_eof() {
        InputError::new(EXPECTED, message).hint("the file ends early: was it cut short?")
    } else {
        InputError::new(EXPECTED, message).hint(
            "a JSON array (gcloud logging read --format=json), one entry per line, or one entry",
        )
    };
    ctx.error(line, problem)
}

/// The array's elements, each added as it is read.
struct Entries<'a> {
    marks: &'a Marks,
    ctx: &'a mut Context,
    batch: &'a mut Batch,
    stopped: Option<InputError>,
}

impl<'de> Visitor<'de> for &mut Entries<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of Cloud Logging entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.marks.pending.set(true);
            let Some(item) = seq.next_element::<Shape<Entry>>()? else {
                return Ok(());
            };
            if let Err(error) = add(item, self.marks.start.get(), self.ctx, self.batch) {
                self.stopped = Some(error);
                return Err(A::Error::custom("stopped at a bad record"));
            }
        }
    }
}

/// Reads a JSON array of entries, streaming.
pub(super) fn parse_array(
    input: impl Read,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let marks = Marks::new(1);
    let reader = Counted {
        inner: input,
        marks: &marks,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut entries = Entries {
        marks: &marks,
        ctx,
        batch,
        stopped: None,
    };
    let result = (&mut de)
        .deserialize_seq(&mut entries)
        .and_then(|()| de.end());
    match (result, entries.stopped) {
        (_, Some(error)) => Err(error),
        (Err(error), None) => Err(document_error(entries.ctx, &error, 1)),
        (Ok(()), None) => Ok(()),
    }
}

/// Reads entries written one after another, from `first_line` on.
pub(super) fn parse_objects(
    input: impl Read,
    first_line: u64,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let marks = Marks::new(first_line);
    let reader = Counted {
        inner: input,
        marks: &marks,
    };
    let mut stream = serde_json::Deserializer::from_reader(reader).into_iter::<Shape<Entry>>();
    loop {
        marks.pending.set(true);
        match stream.next() {
            None => return Ok(()),
            Some(Ok(item)) => add(item, marks.start.get(), ctx, batch)?,
            Some(Err(error)) => return Err(document_error(ctx, &error, first_line)),
        }
    }
}
