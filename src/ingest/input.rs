//! Opening an input: content hashing in the same pass, progress counting, transparent
//! (multi-member) gzip, and a peek at the first bytes for format detection.

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use flate2::read::MultiGzDecoder;
use xxhash_rust::xxh3::Xxh3;

/// How many decompressed bytes format detection looks at.
pub const HEAD_LEN: usize = 64 * 1024;

/// Counts and hashes the raw bytes as they are read.
struct Tap<R> {
    inner: R,
    hasher: Arc<Mutex<Xxh3>>,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut hasher) = self.hasher.lock() {
            hasher.update(&buf[..n]);
        }
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened input: a buffered reader of the decompressed content plus its first bytes.
pub struct Input {
    pub reader: Box<dyn BufRead>,
    pub head: Vec<u8>,
    pub compressed: bool,
    hasher: Arc<Mutex<Xxh3>>,
}

impl Input {
    /// Wraps a raw byte stream; `read` receives the count of raw bytes consumed (for progress).
    pub fn open(raw: Box<dyn Read>, read: Arc<AtomicU64>) -> io::Result<Input> {
        let hasher = Arc::new(Mutex::new(Xxh3::new()));
        let tap = Tap {
            inner: raw,
            hasher: Arc::clone(&hasher),
            read,
        };
        let mut buffered = BufReader::with_capacity(256 * 1024, tap);
        let compressed = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
        let mut content: Box<dyn Read> = if compressed {
            Box::new(MultiGzDecoder::new(buffered))
        } else {
            Box::new(buffered)
        };
        let mut head = Vec::with_capacity(HEAD_LEN);
        (&mut content)
            .take(HEAD_LEN as u64)
            .read_to_end(&mut head)?;
        let reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(
            256 * 1024,
            Cursor::new(head.clone()).chain(content),
        ));
        Ok(Input {
            reader,
            head,
            compressed,
            hasher,
        })
    }

    /// Reads whatever the parser left and returns the hash of the whole raw input.
    pub fn finish(mut self) -> io::Result<u128> {
        io::copy(&mut self.reader, &mut io::sink())?;
        Ok(self
            .hasher
            .lock()
            .map(|h| h.digest128())
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_read_transparently_and_hashed_raw() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder
            .write_all(b"hello\nworld\n")
            .unwrap_or_else(|_| unreachable!());
        let gz = encoder.finish().unwrap_or_else(|_| unreachable!());
        let counter = Arc::new(AtomicU64::new(0));
        let mut input = Input::open(Box::new(Cursor::new(gz.clone())), Arc::clone(&counter))
            .unwrap_or_else(|_| unreachable!());
        assert!(input.compressed);
        assert_eq!(input.head, b"hello\nworld\n");
        let mut text = String::new();
        input
            .reader
            .read_to_string(&mut text)
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(text, "hello\nworld\n");
        let hash = input.finish().unwrap_or_else(|_| unreachable!());
        assert_eq!(hash, xxhash_rust::xxh3::xxh3_128(&gz));
        assert_eq!(counter.load(Ordering::Relaxed), gz.len() as u64);
    }
}
