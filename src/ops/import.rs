//! Importing files: detect each format from content, parse into batches, and store every file of
//! one import in one transaction. A bad record stops everything (unless `--skip-bad`) and nothing
//! is written.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::analysis::{Conflict, merge_inventory};
use crate::ingest::input::Input;
use crate::ingest::{self, Batch, Context, Format, InputError, ParseOptions, detect};
use crate::store::{ImportContent, ImportMeta, StoreError, Workspace};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Skip detection and read every file as this format.
    pub format: Option<Format>,
    /// Import the good records and list the bad ones instead of stopping.
    pub skip_bad: bool,
    /// Import files again even when the same content was imported before.
    pub force: bool,
    /// What formats need to be told: the layout of header-less VPC flow logs, the time zone of
    /// local times.
    pub parse: ParseOptions,
}

/// Shared progress of a running import, for a progress bar or gauge.
#[derive(Debug, Default)]
pub struct ImportProgress {
    pub bytes_done: Arc<AtomicU64>,
    pub bytes_total: AtomicU64,
    pub current: Mutex<String>,
    pub cancel: AtomicBool,
}

impl ImportProgress {
    /// Done so far, from 0 to 1.
    pub fn ratio(&self) -> f64 {
        let total = self.bytes_total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.bytes_done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0)
    }

    pub fn current_file(&self) -> String {
        self.current.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

/// Why an import stopped. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Input(InputError),
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("import cancelled; nothing was written")]
    Cancelled,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Imported,
    /// Replaced an earlier import of the same content (`--force`).
    Reimported,
    /// The same content was imported before; nothing was done.
    AlreadyImported,
    /// In a directory, a file of no known format; left alone.
    Unrecognised,
}

/// The outcome for one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileOutcome {
    pub path: String,
    pub format: Option<&'static str>,
    pub status: FileStatus,
    pub flow_records: u64,
    pub flow_records_skipped: u64,
    pub edges: u64,
    pub workloads: u64,
    pub networks: u64,
    pub pods: u64,
    pub warnings: Vec<String>,
    /// Records left out by `--skip-bad`, each with its file, line and reason.
    pub skipped: Vec<String>,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub files: Vec<FileOutcome>,
    /// Attribute disagreements this import settled (the imported value won).
    pub conflicts: Vec<Conflict>,
}

struct Parsed {
    outcome: FileOutcome,
    batch: Batch,
    hash: u128,
    replace: Option<i64>,
}

/// Expands directories (recursively, in name order); `true` marks files named explicitly.
fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, ImportError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| ImportError::File {
            path: path.display().to_string(),
            message: format!("cannot read it ({e})"),
        })?;
        if meta.is_dir() {
            let mut found = BTreeSet::new();
            walk(path, &mut found)?;
            files.extend(found.into_iter().map(|p| (p, false)));
        } else {
            files.push((path.clone(), true));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, found: &mut BTreeSet<PathBuf>) -> Result<(), ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| ImportError::File {
        path: dir.display().to_string(),
        message: format!("cannot list the directory ({e})"),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, found)?;
        } else if path.is_file() {
            found.insert(path);
        }
    }
    Ok(())
}

/// Imports files and directories into the workspace.
pub fn import_paths(
    workspace: &mut Workspace,
    paths: &[PathBuf],
    options: ImportOptions,
    progress: &ImportProgress,
) -> Result<ImportReport, ImportError> {
    let files = expand(paths)?;
    let total = files
        .iter()
        .filter_map(|(p, _)| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    progress.bytes_total.store(total, Ordering::Relaxed);
    let mut sources = Vec::with_capacity(files.len());
    for (path, explicit) in files {
        let name = path.display().to_string();
        let file = File::open(&path).map_err(|e| ImportError::File {
            path: name.clone(),
            message: format!("cannot open it ({e})"),
        })?;
        sources.push((name, explicit, Box::new(file) as Box<dyn Read>));
    }
    import_readers(workspace, sources, options, progress)
}

/// Imports named byte streams (`explicit` ones must be of a known format).
pub fn import_readers(
    workspace: &mut Workspace,
    sources: Vec<(String, bool, Box<dyn Read>)>,
    options: ImportOptions,
    progress: &ImportProgress,
) -> Result<ImportReport, ImportError> {
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut report = ImportReport::default();
    let mut seen_hashes = BTreeSet::new();
    for (name, explicit, reader) in sources {
        if progress.cancel.load(Ordering::Relaxed) {
            return Err(ImportError::Cancelled);
        }
        if let Ok(mut current) = progress.current.lock() {
            current.clone_from(&name);
        }
        match parse_one(workspace, &name, explicit, reader, &options, progress)? {
            None => report
                .files
                .push(outcome(&name, None, FileStatus::Unrecognised)),
            Some(item) if !seen_hashes.insert(item.hash) => {
                // The same content twice in one import: once is enough.
                report.files.push(FileOutcome {
                    status: FileStatus::AlreadyImported,
                    ..item.outcome
                });
            }
            Some(item) => match item.outcome.status {
                FileStatus::AlreadyImported => report.files.push(item.outcome),
                _ => parsed.push(item),
            },
        }
    }
    if let Ok(mut current) = progress.current.lock() {
        *current = "writing the workspace…".into();
    }
    let ids = store(workspace, &parsed)?;
    let new_ids: BTreeSet<u64> = ids.iter().map(|&id| id as u64).collect();
    if parsed.iter().any(|p| !p.batch.workloads.is_empty()) {
        let inventory = merge_inventory(&workspace.workload_records()?);
        report.conflicts = inventory
            .conflicts
            .into_iter()
            .filter(|c| new_ids.contains(&c.winner_seq))
            .collect();
    }
    report.files.extend(parsed.into_iter().map(|p| p.outcome));
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// Writes the parsed files in one transaction, replacing earlier imports of forced files.
fn store(workspace: &mut Workspace, parsed: &[Parsed]) -> Result<Vec<i64>, ImportError> {
    if parsed.is_empty() {
        return Ok(Vec::new());
    }
    let replace: Vec<i64> = parsed.iter().filter_map(|p| p.replace).collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let items: Vec<(ImportMeta, ImportContent<'_>)> = parsed
        .iter()
        .map(|p| {
            let meta = ImportMeta {
                path: p.outcome.path.clone(),
                format: p.outcome.format.unwrap_or("").to_string(),
                content_hash: p.hash,
                imported_at: now,
                summary: serde_json::to_value(&p.outcome).unwrap_or_default(),
            };
            (meta, content(&p.batch))
        })
        .collect();
    let change = super::history::change("import", import_summary(parsed));
    Ok(workspace.save_imports(&replace, &items, &change)?)
}

/// `2 files, 1,204 flow records: a.log, b.csv` (at most three names).
fn import_summary(parsed: &[Parsed]) -> String {
    let records: u64 = parsed.iter().map(|p| p.outcome.flow_records).sum();
    let workloads: u64 = parsed.iter().map(|p| p.outcome.workloads).sum();
    let names: Vec<&str> = parsed.iter().map(|p| p.outcome.path.as_str()).collect();
    let mut shown = names.iter().take(3).copied().collect::<Vec<_>>().join(", ");
    if names.len() > 3 {
        shown.push_str(&format!(" and {} more", names.len() - 3));
    }
    format!(
        "{} file{}, {records} flow records, {workloads} workload records: {shown}",
        parsed.len(),
        if parsed.len() == 1 { "" } else { "s" }
    )
}

fn content(batch: &Batch) -> ImportContent<'_> {
    ImportContent {
        workloads: &batch.workloads,
        networks: &batch.networks,
        pods: &batch.pods,
        identity_sources: &batch.identity_sources,
        internal_ranges: &batch.internal_ranges,
        hints: &batch.flows.hints,
        edges: &batch.flows.edges,
        flow_records: batch.flows.records,
        flow_records_skipped: batch.flows.skipped,
    }
}

fn outcome(path: &str, format: Option<Format>, status: FileStatus) -> FileOutcome {
    FileOutcome {
        path: path.to_string(),
        format: format.map(Format::name),
        status,
        flow_records: 0,
        flow_records_skipped: 0,
        edges: 0,
        workloads: 0,
        networks: 0,
        pods: 0,
        warnings: Vec::new(),
        skipped: Vec::new(),
    }
}

fn parse_one(
    workspace: &Workspace,
    name: &str,
    explicit: bool,
    reader: Box<dyn Read>,
    options: &ImportOptions,
    progress: &ImportProgress,
) -> Result<Option<Parsed>, ImportError> {
    let unreadable = |e: std::io::Error| ImportError::File {
        path: name.to_string(),
        message: format!(
            "cannot read it ({e})\n  hint: a truncated .gz or a file still being written; copy it again"
        ),
    };
    let mut input = Input::open(reader, Arc::clone(&progress.bytes_done)).map_err(unreadable)?;
    let format = match options.format.or_else(|| detect(&input.head)) {
        Some(format) => format,
        None if !explicit => return Ok(None),
        None => return Err(unknown_format(name, &input.head)),
    };
    let mut ctx = Context::new(name, options.skip_bad);
    ctx.options = options.parse.clone();
    let mut batch = Batch::default();
    ingest::parse(format, &mut input.reader, &mut ctx, &mut batch).map_err(ImportError::Input)?;
    let hash = input.finish().map_err(unreadable)?;
    let (status, replace) = match workspace.find_import(hash)? {
        None => (FileStatus::Imported, None),
        Some(previous) if options.force => (FileStatus::Reimported, Some(previous.id)),
        Some(_) => (FileStatus::AlreadyImported, None),
    };
    let outcome = FileOutcome {
        flow_records: batch.flows.records,
        flow_records_skipped: batch.flows.skipped,
        edges: batch.flows.edges.len() as u64,
        workloads: batch.workloads.len() as u64,
        networks: batch.networks.len() as u64,
        pods: batch.pods.len() as u64,
        warnings: batch.warnings.clone(),
        skipped: ctx.skipped.iter().map(|s| s.error.headline()).collect(),
        ..outcome(name, Some(format), status)
    };
    Ok(Some(Parsed {
        outcome,
        batch,
        hash,
        replace,
    }))
}

/// A file named on the command line whose format is not recognised.
fn unknown_format(name: &str, head: &[u8]) -> ImportError {
    let error = if head.is_empty() {
        InputError::new("a file in a known format", "an empty file")
    } else {
        let expected = format!("a file in a known format ({})", Format::names());
        InputError::new(expected, ingest::error::shown(head))
    };
    ImportError::Input(error.at(name, Some(1)).hint(
        "see docs/formats.md; if the format is known but not recognised, name it with --format",
    ))
}
