//! What one import produces before it is stored: inventory records and flows aggregated into
//! edges on the fly (a hash map keyed by edge; raw records are never kept).

use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::FxHashMap;

use super::error::InputError;
use crate::model::{
    EdgeKey, EdgeStats, EdgeTable, EndpointHint, FlowSample, HintId, IdentitySource, Network,
    PodRecord, Protocol, SourceKind, WorkloadRecord,
};

/// A record left out by `--skip-bad`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRecord {
    pub error: InputError,
}

/// Per-input parsing context: the file's display name and what to do with bad records.
#[derive(Debug)]
pub struct Context {
    pub file: String,
    pub skip_bad: bool,
    pub skipped: Vec<SkippedRecord>,
    pub options: ParseOptions,
}

/// What some formats need to be told because their files do not say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// The field layout of VPC flow logs that have no header line (CloudWatch exports), as in
    /// the flow log's `LogFormat` (`version account-id …`, `${…}` allowed).
    pub vpc_fields: Option<Vec<String>>,
    /// The time zone of local times (nfdump, pmacct): an IANA name such as `Europe/Berlin`,
    /// `UTC`, or a fixed offset such as `+02:00`. `None` means UTC.
    pub time_zone: Option<String>,
}

impl Context {
    pub fn new(file: impl Into<String>, skip_bad: bool) -> Context {
        Context {
            file: file.into(),
            skip_bad,
            skipped: Vec::new(),
            options: ParseOptions::default(),
        }
    }

    /// A flow record that could not be read: counted as skipped, then handled as a bad record.
    pub fn bad_flow(
        &mut self,
        batch: &mut Batch,
        line: Option<u64>,
        error: InputError,
    ) -> Result<(), InputError> {
        batch.flows.skipped += 1;
        self.bad(line, error)
    }

    /// Places an error in this file at a line.
    pub fn error(&self, line: Option<u64>, error: InputError) -> InputError {
        error.at(&self.file, line)
    }

    /// A bad record: with `--skip-bad` it is listed and parsing goes on, otherwise it stops the
    /// import.
    pub fn bad(&mut self, line: Option<u64>, error: InputError) -> Result<(), InputError> {
        let error = self.error(line, error);
        if self.skip_bad {
            self.skipped.push(SkippedRecord { error });
            Ok(())
        } else {
            Err(error.hint_if_missing(
                "fix the record, or pass --skip-bad to import the rest and list what was skipped",
            ))
        }
    }
}

impl InputError {
    fn hint_if_missing(self, hint: &str) -> InputError {
        if self.hint.is_some() {
            self
        } else {
            self.hint(hint)
        }
    }
}

/// One observed flow record, already folded: the client and server ends and the service port.
#[derive(Debug, Clone, Copy)]
pub struct Observation {
    pub client: IpAddr,
    pub server: IpAddr,
    pub port: u16,
    pub protocol: Protocol,
    pub client_hint: HintId,
    pub server_hint: HintId,
    pub accepted: bool,
    pub bytes: u64,
    pub packets: u64,
    pub start: Option<i64>,
    pub end: Option<i64>,
    pub source: SourceKind,
}

/// Flow records aggregated into edges.
#[derive(Debug, Default)]
pub struct FlowSink {
    pub edges: EdgeTable,
    /// Interned hints; index 0 is the empty hint.
    pub hints: Vec<EndpointHint>,
    hint_ids: FxHashMap<EndpointHint, HintId>,
    /// Every flow record read, skipped ones included.
    pub records: u64,
    /// NODATA/SKIPDATA records and records skipped by `--skip-bad`.
    pub skipped: u64,
}

impl FlowSink {
    /// Interns an endpoint hint.
    pub fn hint(&mut self, hint: EndpointHint) -> HintId {
        if self.hints.is_empty() {
            self.hints.push(EndpointHint::default());
        }
        if let Some(id) = self.hint_ids.get(&hint) {
            return *id;
        }
        let id = HintId(self.hints.len() as u32);
        self.hints.push(hint.clone());
        self.hint_ids.insert(hint, id);
        id
    }

    /// Adds an edge that was aggregated elsewhere (its records counted there).
    pub fn add_edge(&mut self, key: EdgeKey, stats: &EdgeStats) {
        self.edges.add_stats(key, stats);
    }

    pub fn add(&mut self, observation: Observation) {
        let key = EdgeKey {
            client: observation.client,
            server: observation.server,
            port: observation.port,
            protocol: observation.protocol,
            client_hint: observation.client_hint,
            server_hint: observation.server_hint,
        };
        self.edges.add(
            key,
            &FlowSample {
                accepted: observation.accepted,
                bytes: observation.bytes,
                packets: observation.packets,
                start: observation.start,
                end: observation.end,
                source: observation.source,
            },
        );
    }
}

/// Everything one input yields.
#[derive(Debug, Default)]
pub struct Batch {
    pub workloads: Vec<WorkloadRecord>,
    pub networks: Vec<Network>,
    pub pods: Vec<PodRecord>,
    pub identity_sources: Vec<IdentitySource>,
    pub internal_ranges: Vec<IpNet>,
    pub flows: FlowSink,
    /// Things worth telling the user that did not stop the import.
    pub warnings: Vec<String>,
}
