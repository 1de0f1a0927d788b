//! VPC flow log text read on every core: this thread cuts the input into chunks of whole lines
//! and follows the header lines; worker threads parse chunks and aggregate records into edges.
//! Each worker owns one part of the edge table ([`EdgeTable::part_of`]) and hands the records
//! of other parts to their owners, so no edge is held twice and the parts join without merging.
//! Errors name the same line, and `--skip-bad` lists the same records, as reading line by line.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

use super::{Layout, headerless_layout, is_header, names_addresses, read_error, read_record};
use crate::ingest::batch::{Batch, Context};
use crate::ingest::chunks::{Chunk, Chunker};
use crate::ingest::error::InputError;
use crate::ingest::lines::MAX_LINE;
use crate::ingest::parse::Fields;
use crate::model::{EdgeKey, EdgeTable, FlowSample};

/// Lines of one chunk to parse with one layout.
struct Job {
    chunk: Chunk,
    layout: Arc<Layout>,
}

/// Lines to read with a layout (`None`: blank lines before any layout).
type Piece = (Chunk, Option<Arc<Layout>>);

/// Records of another worker's part.
enum Message {
    Records(Vec<(EdgeKey, FlowSample)>),
    Done,
}

/// What a worker found.
struct Found {
    batch: Batch,
    ctx: Context,
    error: Option<InputError>,
}

/// How many threads parse.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8))
}

/// Parses VPC flow log text (not CloudWatch JSON) into the batch.
pub(super) fn parse(
    input: &mut dyn std::io::BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let n = workers();
    let failed = AtomicBool::new(false);
    let (job_tx, job_rx) = mpsc::sync_channel::<Job>(n * 2);
    let job_rx = Mutex::new(job_rx);
    let (inbox_tx, inbox_rx): (Vec<Sender<Message>>, Vec<Receiver<Message>>) =
        (0..n).map(|_| mpsc::channel()).unzip();
    let found = std::thread::scope(|scope| {
        let handles: Vec<_> = inbox_rx
            .into_iter()
            .enumerate()
            .map(|(me, inbox)| {
                let worker = Worker {
                    me,
                    parts: n,
                    jobs: &job_rx,
                    inbox,
                    others: inbox_tx.clone(),
                    failed: &failed,
                    ctx: context_like(ctx),
                };
                scope.spawn(move || worker.run())
            })
            .collect();
        drop(inbox_tx);
        let read = dispatch(input, ctx, &job_tx, &failed);
        drop(job_tx);
        let found: Vec<Option<Found>> = handles.into_iter().map(|h| h.join().ok()).collect();
        (read, found)
    });
    let (read, found) = found;
    join(ctx, batch, read, found)
}

fn context_like(ctx: &Context) -> Context {
    let mut copy = Context::new(ctx.file.clone(), ctx.skip_bad);
    copy.options = ctx.options.clone();
    copy
}

/// Cuts the input into jobs, following header lines, until the end or a failure.
fn dispatch(
    input: &mut dyn std::io::BufRead,
    ctx: &Context,
    jobs: &SyncSender<Job>,
    failed: &AtomicBool,
) -> Result<(), InputError> {
    let mut chunker = Chunker::new(input);
    let mut layout: Option<Arc<Layout>> = None;
    while !failed.load(Ordering::Relaxed) {
        let Some(chunk) = chunker.next_chunk().map_err(|e| read_error(ctx, &e))? else {
            break;
        };
        for (piece, layout) in split_at_headers(chunk, &mut layout, ctx)? {
            // A piece before any layout holds blank lines only.
            let Some(layout) = layout else { continue };
            let job = Job {
                chunk: piece,
                layout,
            };
            if jobs.send(job).is_err() {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Splits a chunk where a header line sets the layout (the first non-blank line of the input,
/// and any later header naming addresses). Returns the pieces with the layout each is read
/// with; the layout in effect after the chunk is left in `layout`.
fn split_at_headers(
    chunk: Chunk,
    layout: &mut Option<Arc<Layout>>,
    ctx: &Context,
) -> Result<Vec<Piece>, InputError> {
    if chunk.too_long {
        return Ok(vec![(chunk, layout.clone())]);
    }
    // Where a layout starts: the line, where its records resume, their first line number.
    let mut cuts: Vec<(usize, usize, u64, Arc<Layout>)> = Vec::new();
    let before = layout.clone();
    let mut current = layout.clone();
    for span in chunk.spans() {
        let (number, line, start, offset) = (span.number, span.text, span.start, span.next);
        let blank = line.iter().all(u8::is_ascii_whitespace);
        if blank {
            continue;
        }
        let header = is_header(line) && (current.is_none() || names_addresses(line));
        if current.is_some() && !header {
            // Only a header changes anything; skip the rest cheaply when none is possible.
            if memchr::memmem::find(&chunk.bytes[offset..], b"srcaddr").is_none() {
                break;
            }
            continue;
        }
        let next = if header {
            let names: Vec<&[u8]> = line
                .split(u8::is_ascii_whitespace)
                .filter(|t| !t.is_empty())
                .collect();
            Layout::new(&names).map_err(|e| ctx.error(Some(number), e))?
        } else {
            headerless_layout(ctx, line).map_err(|e| ctx.error(Some(number), e))?
        };
        let next = Arc::new(next);
        // A header line itself is not a record; a first record without a header is.
        let resume = if header { offset } else { start };
        cuts.push((start, resume, number + u64::from(header), Arc::clone(&next)));
        current = Some(next);
    }
    *layout = current;
    if cuts.is_empty() {
        return Ok(vec![(chunk, before)]);
    }
    let mut pieces = Vec::new();
    let first = cuts[0].0;
    if first > 0 {
        let piece = Chunk {
            bytes: chunk.bytes[..first].to_vec(),
            first_line: chunk.first_line,
            too_long: false,
        };
        pieces.push((piece, before));
    }
    for (i, (_, resume, line, next)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(chunk.bytes.len(), |c| c.0);
        let piece = Chunk {
            bytes: chunk.bytes[*resume..end.max(*resume)].to_vec(),
            first_line: *line,
            too_long: false,
        };
        pieces.push((piece, Some(Arc::clone(next))));
    }
    Ok(pieces)
}

struct Worker<'a> {
    me: usize,
    parts: usize,
    jobs: &'a Mutex<Receiver<Job>>,
    inbox: Receiver<Message>,
    others: Vec<Sender<Message>>,
    failed: &'a AtomicBool,
    ctx: Context,
}

impl Worker<'_> {
    fn run(mut self) -> Found {
        let mut batch = Batch::default();
        let mut error = None;
        let mut outbox: Vec<Vec<(EdgeKey, FlowSample)>> = vec![Vec::new(); self.parts];
        // Workers that said they are done (this one counts itself).
        let mut done = 1;
        loop {
            let job = match self.jobs.lock() {
                Ok(jobs) => jobs.recv(),
                Err(_) => break,
            };
            let Ok(job) = job else { break };
            // After a failure the queue is drained (the reader may be waiting to hand a chunk
            // over) but nothing more is parsed.
            if self.failed.load(Ordering::Relaxed) {
                continue;
            }
            if let Err(e) = self.parse_job(&job, &mut batch, &mut outbox) {
                error = Some(e);
                self.failed.store(true, Ordering::Relaxed);
            }
            self.send(&mut outbox);
            while let Ok(message) = self.inbox.try_recv() {
                done += usize::from(self.take(message, &mut batch));
            }
        }
        for (other, sender) in self.others.iter().enumerate() {
            if other != self.me {
                let _ = sender.send(Message::Done);
            }
        }
        while done < self.parts {
            match self.inbox.recv() {
                Ok(message) => done += usize::from(self.take(message, &mut batch)),
                Err(_) => break,
            }
        }
        // Each worker sorts its own part.
        batch.flows.edges.finish();
        Found {
            batch,
            ctx: self.ctx,
            error,
        }
    }

    /// Adds records handed over; `true` for another worker's last message.
    fn take(&self, message: Message, batch: &mut Batch) -> bool {
        match message {
            Message::Records(records) => {
                for (key, sample) in records {
                    batch.flows.edges.add_to_own_part(key, &sample);
                }
                false
            }
            Message::Done => true,
        }
    }

    fn send(&self, outbox: &mut [Vec<(EdgeKey, FlowSample)>]) {
        for (other, records) in outbox.iter_mut().enumerate() {
            if other != self.me && !records.is_empty() {
                let records = std::mem::take(records);
                let _ = self.others[other].send(Message::Records(records));
            }
        }
    }

    fn parse_job(
        &mut self,
        job: &Job,
        batch: &mut Batch,
        outbox: &mut [Vec<(EdgeKey, FlowSample)>],
    ) -> Result<(), InputError> {
        if job.chunk.too_long {
            batch.flows.records += 1;
            return self
                .ctx
                .bad_flow(batch, Some(job.chunk.first_line), super::too_long());
        }
        let mut fields = Fields::default();
        for (number, line) in job.chunk.lines() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            batch.flows.records += 1;
            if line.len() > MAX_LINE {
                self.ctx.bad_flow(batch, Some(number), super::too_long())?;
                continue;
            }
            match read_record(&job.layout, fields.split_whitespace(line)) {
                Ok(Some((key, sample))) => {
                    let part = EdgeTable::part_of(&key, self.parts);
                    if part == self.me {
                        batch.flows.edges.add_to_own_part(key, &sample);
                    } else {
                        outbox[part].push((key, sample));
                    }
                }
                Ok(None) => batch.flows.skipped += 1,
                Err(error) => self.ctx.bad_flow(batch, Some(number), error)?,
            }
        }
        Ok(())
    }
}

/// Joins what the workers found into the batch: the first error in the file wins.
fn join(
    ctx: &mut Context,
    batch: &mut Batch,
    read: Result<(), InputError>,
    found: Vec<Option<Found>>,
) -> Result<(), InputError> {
    let mut errors: Vec<InputError> = read.err().into_iter().collect();
    let mut tables = Vec::with_capacity(found.len());
    let mut skipped = Vec::new();
    for worker in found {
        let Some(worker) = worker else {
            return Err(ctx.error(
                None,
                InputError::new("a readable flow log", "a parser thread that stopped")
                    .hint("nothing was imported; this is a bug in Blastwall, please report it with the file's first lines"),
            ));
        };
        errors.extend(worker.error);
        batch.flows.records += worker.batch.flows.records;
        batch.flows.skipped += worker.batch.flows.skipped;
        skipped.extend(worker.ctx.skipped);
        tables.push(worker.batch.flows.edges);
    }
    if let Some(first) = errors.into_iter().min_by_key(|e| e.line.unwrap_or(0)) {
        return Err(first);
    }
    skipped.sort_by_key(|s| s.error.line);
    ctx.skipped.extend(skipped);
    let joined = EdgeTable::join_parts(tables);
    if batch.flows.edges.is_empty() {
        batch.flows.edges = joined;
    } else {
        for (key, stats) in joined.iter() {
            batch.flows.edges.add_stats(key, &stats);
        }
    }
    Ok(())
}
