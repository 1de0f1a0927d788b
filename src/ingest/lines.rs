//! A line reader over any `BufRead`: one reused buffer, line numbers, CRLF folded, and a cap on
//! line length so a binary or corrupt file cannot exhaust memory.

use std::io::{self, BufRead};

/// The longest line any importer accepts.
pub const MAX_LINE: usize = 1 << 20;

/// What [`LineReader::next_line`] found.
pub enum Line<'a> {
    Text(&'a [u8]),
    /// A line over [`MAX_LINE`] bytes; the rest of it was skipped.
    TooLong,
}

/// The reader's buffered bytes (empty at the end of input), read again when interrupted.
pub fn fill<R: BufRead + ?Sized>(reader: &mut R) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    reader.fill_buf()
}

pub struct LineReader<R> {
    inner: R,
    buffer: Vec<u8>,
    number: u64,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R) -> LineReader<R> {
        LineReader {
            inner,
            buffer: Vec::with_capacity(4096),
            number: 0,
        }
    }

    /// The 1-based number of the line last returned.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The next line (its 1-based number, and the text without its line ending), or `None` at
    /// the end of input.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.buffer.clear();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let available = fill(&mut self.inner)?;
            if available.is_empty() {
                break;
            }
            read_any = true;
            let (chunk, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (&available[..i], Some(i + 1)),
                None => (available, None),
            };
            if !too_long {
                if self.buffer.len() + chunk.len() > MAX_LINE {
                    too_long = true;
                    self.buffer.clear();
                } else {
                    self.buffer.extend_from_slice(chunk);
                }
            }
            let used = done.unwrap_or(available.len());
            self.inner.consume(used);
            if done.is_some() {
                break;
            }
        }
        if !read_any {
            return Ok(None);
        }
        self.number += 1;
        if too_long {
            return Ok(Some((self.number, Line::TooLong)));
        }
        if self.buffer.last() == Some(&b'\r') {
            self.buffer.pop();
        }
        if self.number == 1 && self.buffer.starts_with(b"\xEF\xBB\xBF") {
            self.buffer.drain(..3);
        }
        Ok(Some((self.number, Line::Text(&self.buffer))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8]) -> Vec<String> {
        let mut reader = LineReader::new(input);
        let mut lines = Vec::new();
        while let Ok(Some((_, line))) = reader.next_line() {
            lines.push(match line {
                Line::Text(text) => String::from_utf8_lossy(text).into_owned(),
                Line::TooLong => "<too long>".into(),
            });
        }
        lines
    }

    #[test]
    fn splits_lines_and_folds_crlf_and_bom() {
        assert_eq!(collect(b"\xEF\xBB\xBFa\r\nb\n\nc"), vec!["a", "b", "", "c"]);
    }

    #[test]
    fn refuses_lines_over_the_cap_and_goes_on() {
        let mut input = vec![b'x'; MAX_LINE + 10];
        input.extend_from_slice(b"\nnext\n");
        assert_eq!(collect(&input), vec!["<too long>", "next"]);
    }
}
