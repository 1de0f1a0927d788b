//! Reading a text input in chunks of whole lines, for parsers that spread the lines of one file
//! over threads. A chunk knows the number of its first line, so errors still name the line.

use std::io::{self, BufRead};

use super::lines::{MAX_LINE, fill};

/// About how many bytes a chunk holds.
pub const CHUNK: usize = 1 << 20;

/// Whole lines of the input, or one line too long to read.
#[derive(Debug, Default)]
pub struct Chunk {
    pub bytes: Vec<u8>,
    /// The 1-based number of the chunk's first line.
    pub first_line: u64,
    /// A single line over [`MAX_LINE`] bytes, skipped (`bytes` is empty).
    pub too_long: bool,
}

impl Chunk {
    /// The lines with their numbers, line endings (`\n`, `\r\n`) and a leading byte order mark
    /// on the first line of the input removed.
    pub fn lines(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.spans().map(|span| (span.number, span.text))
    }

    /// The lines as [`lines`](Chunk::lines) gives them, with where each starts and where the
    /// next one does.
    pub fn spans(&self) -> impl Iterator<Item = Span<'_>> {
        let bytes = &self.bytes[..];
        let mut start = 0;
        let mut number = self.first_line;
        std::iter::from_fn(move || {
            if start >= bytes.len() {
                return None;
            }
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let mut text = &bytes[start..end];
            if text.last() == Some(&b'\r') {
                text = &text[..text.len() - 1];
            }
            if number == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
            }
            let span = Span {
                number,
                start,
                next: (end + 1).min(bytes.len()),
                text,
            };
            start = end + 1;
            number += 1;
            Some(span)
        })
    }

    /// How many lines the chunk holds.
    pub fn line_count(&self) -> u64 {
        if self.too_long {
            return 1;
        }
        let newlines = memchr::memchr_iter(b'\n', &self.bytes).count() as u64;
        newlines + u64::from(self.bytes.last().is_some_and(|&b| b != b'\n'))
    }
}

/// One line of a chunk: its number, the offsets of its start and of the next line, its text.
pub struct Span<'a> {
    pub number: u64,
    pub start: usize,
    pub next: usize,
    pub text: &'a [u8],
}

/// Cuts an input into chunks of whole lines.
pub struct Chunker<'a> {
    input: &'a mut dyn BufRead,
    carry: Vec<u8>,
    next_line: u64,
    done: bool,
}

impl<'a> Chunker<'a> {
    pub fn new(input: &'a mut dyn BufRead) -> Chunker<'a> {
        Chunker {
            input,
            carry: Vec::new(),
            next_line: 1,
            done: false,
        }
    }

    /// Appends what the input has to `buffer`; `false` at the end of the input.
    fn fill(&mut self, buffer: &mut Vec<u8>) -> io::Result<bool> {
        let available = fill(self.input)?;
        if available.is_empty() {
            return Ok(false);
        }
        let n = available.len();
        buffer.extend_from_slice(available);
        self.input.consume(n);
        Ok(true)
    }

    /// Skips the rest of a line too long to read, through its line break.
    fn skip_line(&mut self) -> io::Result<()> {
        loop {
            let available = fill(self.input)?;
            if available.is_empty() {
                self.done = true;
                return Ok(());
            }
            match memchr::memchr(b'\n', available) {
                Some(i) => {
                    self.input.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let n = available.len();
                    self.input.consume(n);
                }
            }
        }
    }

    /// The next chunk, or `None` at the end of the input.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        let mut buffer = std::mem::take(&mut self.carry);
        buffer.reserve(CHUNK + CHUNK / 4);
        loop {
            let more = !self.done && buffer.len() < CHUNK && self.fill(&mut buffer)?;
            if !more && buffer.len() < CHUNK {
                self.done = true;
            }
            if self.done && buffer.len() < CHUNK {
                if buffer.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(self.emit(buffer)));
            }
            if buffer.len() < CHUNK {
                continue;
            }
            match memchr::memrchr(b'\n', &buffer) {
                Some(i) => {
                    self.carry = buffer[i + 1..].to_vec();
                    buffer.truncate(i + 1);
                    return Ok(Some(self.emit(buffer)));
                }
                None if buffer.len() > MAX_LINE => {
                    self.skip_line()?;
                    let chunk = Chunk {
                        bytes: Vec::new(),
                        first_line: self.next_line,
                        too_long: true,
                    };
                    self.next_line += 1;
                    return Ok(Some(chunk));
                }
                // One line longer than a chunk but not too long: read on.
                None => {
                    if !self.fill(&mut buffer)? {
                        self.done = true;
                    }
                    if self.done {
                        return Ok(Some(self.emit(buffer)));
                    }
                }
            }
        }
    }

    fn emit(&mut self, bytes: Vec<u8>) -> Chunk {
        let chunk = Chunk {
            bytes,
            first_line: self.next_line,
            too_long: false,
        };
        self.next_line += chunk.line_count();
        chunk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(input: &[u8]) -> Vec<(u64, Vec<String>, bool)> {
        let mut reader = io::BufReader::with_capacity(7, input);
        let mut chunker = Chunker::new(&mut reader);
        let mut out = Vec::new();
        while let Ok(Some(chunk)) = chunker.next_chunk() {
            let lines = chunk
                .lines()
                .map(|(n, l)| format!("{n}:{}", String::from_utf8_lossy(l)))
                .collect();
            out.push((chunk.first_line, lines, chunk.too_long));
        }
        out
    }

    #[test]
    fn lines_keep_their_numbers_across_chunks() {
        let mut input = b"\xEF\xBB\xBFa\r\nb\n\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', CHUNK - 3));
        input.extend_from_slice(b"\nc\nd");
        let found = chunks(&input);
        let lines: Vec<String> = found.iter().flat_map(|(_, l, _)| l.clone()).collect();
        assert_eq!(lines[..3], ["1:a", "2:b", "3:"]);
        assert!(lines[3].starts_with("4:xxx"));
        assert_eq!(lines[4..], ["5:c", "6:d"]);
    }

    #[test]
    fn a_line_over_the_cap_is_one_too_long_chunk() {
        let mut input = b"first\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE * 2 + 10));
        input.extend_from_slice(b"\nnext\n");
        let found = chunks(&input);
        let too_long: Vec<u64> = found.iter().filter(|c| c.2).map(|c| c.0).collect();
        assert_eq!(too_long, [2]);
        let last = found.last().map(|c| c.1.clone()).unwrap_or_default();
        assert_eq!(last.last().map(String::as_str), Some("3:next"));
    }

    #[test]
    fn an_empty_input_has_no_chunk() {
        assert!(chunks(b"").is_empty());
    }
}
