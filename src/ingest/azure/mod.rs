//! Azure Network Watcher flow logs: NSG flow logs (versions 1 and 2) and virtual-network flow
//! logs (`flowLogVersion` 4), the `{"records":[…]}` documents written to hourly `PT1H.json`
//! blobs. Streamed with serde (a blob is often one multi-megabyte line): each flow tuple, a
//! comma-separated string inside the JSON, is one flow record, placed at its own line.

mod tuple;

use std::cell::Cell;
use std::fmt;
use std::io::{self, BufRead, Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::batch::{Batch, Context};
use super::error::InputError;
use super::kubernetes::json_error;

/// The two kinds of Azure flow log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Nsg,
    Vnet,
}

/// One level of the document on the way down to the tuples.
enum Step {
    /// An object: the key to follow.
    Key(&'static str),
    /// An array: every element.
    Each,
}

/// `{"records":[{"properties":{"Version":2,"flows":[{"rule":…,"flows":[{"mac":…,
/// "flowTuples":[…]}]}]}}]}`
const NSG_STEPS: [Step; 9] = [
    Step::Key("records"),
    Step::Each,
    Step::Key("properties"),
    Step::Key("flows"),
    Step::Each,
    Step::Key("flows"),
    Step::Each,
    Step::Key("flowTuples"),
    Step::Each,
];

/// `{"records":[{"flowLogVersion":4,"flowRecords":{"flows":[{"aclID":…,"flowGroups":[{"rule":…,
/// "flowTuples":[…]}]}]}}]}`
const VNET_STEPS: [Step; 9] = [
    Step::Key("records"),
    Step::Each,
    Step::Key("flowRecords"),
    Step::Key("flows"),
    Step::Each,
    Step::Key("flowGroups"),
    Step::Each,
    Step::Key("flowTuples"),
    Step::Each,
];

/// The depth of the records array, where each element starts a record.
const RECORDS: usize = 1;

impl Kind {
    fn steps(self) -> &'static [Step; 9] {
        match self {
            Kind::Nsg => &NSG_STEPS,
            Kind::Vnet => &VNET_STEPS,
        }
    }

    /// The depth of the object holding the version, and its key.
    fn version_key(self) -> (usize, &'static str) {
        match self {
            Kind::Nsg => (3, "Version"),
            Kind::Vnet => (2, "flowLogVersion"),
        }
    }

    fn versions(self) -> &'static [u64] {
        match self {
            Kind::Nsg => &[1, 2],
            Kind::Vnet => &[4],
        }
    }

    fn document(self) -> &'static str {
        match self {
            Kind::Nsg => "an Azure NSG flow log as JSON ({\"records\":[…]})",
            Kind::Vnet => "an Azure virtual-network flow log as JSON ({\"records\":[…]})",
        }
    }
}

/// Whether the head of a file is a virtual-network flow log.
pub fn looks_like_vnet(head: &str) -> bool {
    head.starts_with('{')
        && head.contains("\"records\"")
        && head.contains("\"flowLogVersion\"")
        && (head.contains("\"FlowLogFlowEvent\"") || head.contains("\"flowRecords\""))
}

/// Whether the head of a file is an NSG flow log (and not a virtual-network flow log).
pub fn looks_like_nsg(head: &str) -> bool {
    head.starts_with('{')
        && head.contains("\"records\"")
        && !head.contains("\"flowLogVersion\"")
        && (head.contains("\"NetworkSecurityGroupFlowEvent\"")
            || (head.contains("\"properties\"") && head.contains("\"flowTuples\"")))
}

/// Parses an NSG flow log document (version 1 or 2) into the batch.
pub fn parse_nsg(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    parse(Kind::Nsg, input, ctx, batch)
}

/// Parses a virtual-network flow log document (`flowLogVersion` 4) into the batch.
pub fn parse_vnet(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    parse(Kind::Vnet, input, ctx, batch)
}

fn parse(
    kind: Kind,
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    if input
        .fill_buf()
        .map_err(|e| super::vpc::read_error(ctx, &e))?
        .starts_with(b"\xEF\xBB\xBF")
    {
        input.consume(3);
    }
    let newlines = Cell::new(0);
    let reader = LineCounter {
        inner: input,
        newlines: &newlines,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let mut walk = Walk {
        kind,
        ctx,
        batch,
        newlines: &newlines,
        index: [0; 9],
        version: None,
        failure: None,
    };
    // Blobs joined with `cat` are documents one after the other: read them all.
    loop {
        let node = Node {
            walk: &mut walk,
            depth: 0,
        };
        if let Err(error) = node.deserialize(&mut deserializer) {
            return Err(walk.failure.take().unwrap_or_else(|| {
                let problem = json_error(walk.ctx, &error, kind.document());
                if error.is_eof() {
                    problem.hint(
                        "the file ends early: a blob of the current hour is still being written \
                         and has no closing `]}` yet; download it again after the hour",
                    )
                } else {
                    problem
                }
            }));
        }
        if deserializer.end().is_ok() {
            return Ok(());
        }
    }
}

/// Counts the line breaks read, so that a tuple can be placed at its line (serde_json reads one
/// byte at a time, so the count is exact when a string has just been read).
struct LineCounter<'r, 'c> {
    inner: &'r mut dyn BufRead,
    newlines: &'c Cell<u64>,
}

impl Read for LineCounter<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let count = buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        self.newlines.set(self.newlines.get() + count);
        Ok(n)
    }
}

/// The state of one pass over a document.
struct Walk<'a> {
    kind: Kind,
    ctx: &'a mut Context,
    batch: &'a mut Batch,
    newlines: &'a Cell<u64>,
    /// The element index at each array depth.
    index: [usize; 9],
    /// The version of the current record, once read.
    version: Option<u64>,
    /// The error that stopped the import, when it is not serde's own.
    failure: Option<InputError>,
}

impl Walk<'_> {
    fn line(&self) -> u64 {
        self.newlines.get() + 1
    }

    /// Where the walk is, as `records[0].properties.flows[1]…` down to `depth`.
    fn path(&self, depth: usize) -> String {
        let mut path = String::new();
        for (at, step) in self.kind.steps().iter().enumerate().take(depth) {
            match step {
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Each => path.push_str(&format!("[{}]", self.index[at])),
            }
        }
        path
    }

    /// Stops the walk with an error of the file.
    fn stop<E: de::Error>(&mut self, error: InputError) -> E {
        self.failure = Some(error);
        E::custom("stopped")
    }

    fn set_version<E: de::Error>(
        &mut self,
        depth: usize,
        key: &str,
        version: u64,
    ) -> Result<(), E> {
        if self.kind.versions().contains(&version) {
            self.version = Some(version);
            return Ok(());
        }
        let expected = match self.kind {
            Kind::Nsg => "version 1 or 2",
            Kind::Vnet => "flowLogVersion 4",
        };
        let field = format!("{}.{key}", self.path(depth));
        let error = InputError::new(expected, version.to_string())
            .field(field)
            .hint("Blastwall reads NSG flow logs of versions 1 and 2 and virtual-network flow logs of version 4");
        let error = self.ctx.error(Some(self.line()), error);
        Err(self.stop(error))
    }

    /// One flow tuple: one flow record.
    fn tuple(&mut self, text: &str) -> Result<(), InputError> {
        self.batch.flows.records += 1;
        let mut error = match tuple::observation(self.kind, self.version, text) {
            Ok(observation) => {
                self.batch.flows.add(observation);
                return Ok(());
            }
            Err(error) => error,
        };
        self.batch.flows.skipped += 1;
        let path = self.path(self.kind.steps().len());
        let field = match error.field.take() {
            Some(column) => format!("{path}.{column}"),
            None => path,
        };
        let line = self.line();
        self.ctx.bad(Some(line), error.field(field))
    }
}

/// A seed that walks one level of the document and everything under it.
struct Node<'w, 'a> {
    walk: &'w mut Walk<'a>,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.walk.kind.steps().get(self.depth) {
            Some(Step::Key(_)) => deserializer.deserialize_map(self),
            Some(Step::Each) => deserializer.deserialize_seq(self),
            None => deserializer.deserialize_str(self),
        }
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.walk.kind.steps().get(self.depth) {
            Some(Step::Key(key)) => write!(f, "an object with a {key:?} key"),
            Some(Step::Each) => f.write_str("an array"),
            None => f.write_str("a flow tuple (a string)"),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let walk = self.walk;
        let Some(Step::Key(wanted)) = walk.kind.steps().get(self.depth) else {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &"an array"));
        };
        let (version_depth, version_key) = walk.kind.version_key();
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == *wanted && !found {
                found = true;
                map.next_value_seed(Node {
                    walk: &mut *walk,
                    depth: self.depth + 1,
                })?;
            } else if self.depth == version_depth && key == version_key {
                let version: u64 = map.next_value()?;
                walk.set_version(self.depth, version_key, version)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if found {
            return Ok(());
        }
        let path = walk.path(self.depth);
        let mut error = InputError::new(format!("a {wanted:?} key"), "an object without one")
            .hint(format!("is this {}?", walk.kind.document()));
        if !path.is_empty() {
            error = error.field(path);
        }
        let error = walk.ctx.error(Some(walk.line()), error);
        Err(walk.stop(error))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let walk = self.walk;
        let mut index = 0;
        loop {
            walk.index[self.depth] = index;
            if self.depth == RECORDS {
                walk.version = None;
            }
            let element = Node {
                walk: &mut *walk,
                depth: self.depth + 1,
            };
            if seq.next_element_seed(element)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        match self.walk.tuple(text) {
            Ok(()) => Ok(()),
            Err(error) => Err(self.walk.stop(error)),
        }
    }
}
