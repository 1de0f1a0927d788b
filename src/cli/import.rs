//! `blastwall import`: files and directories into the workspace, all or nothing.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::output::{count, json};
use crate::ingest::{Format, ParseOptions};
use crate::ops::import::{FileOutcome, FileStatus};
use crate::ops::{ImportOptions, ImportProgress, ImportReport, WorkspaceChoice};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories (searched recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Read every file as this format instead of detecting it from content.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<Format>,
    /// Import the good records and list the bad ones instead of stopping at the first.
    #[arg(long)]
    pub skip_bad: bool,
    /// Import again files whose content was imported before (replacing the earlier import).
    #[arg(long)]
    pub force: bool,
    /// The field layout of VPC flow logs without a header line (CloudWatch exports), as the
    /// flow log's LogFormat gives it: "version account-id interface-id srcaddr …" or "${version} …".
    #[arg(long, value_name = "FIELDS")]
    pub fields: Option<String>,
    /// The time zone of local times in nfdump CSV: an IANA name (Europe/Berlin), UTC, or an
    /// offset (+02:00). Default: UTC.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_format(text: &str) -> Result<Format, String> {
    Format::parse_name(text)
        .ok_or_else(|| format!("unknown format {text:?}; known: {}", Format::names()))
}

pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    let mut workspace = super::open(choice)?;
    let options = ImportOptions {
        format: args.format,
        skip_bad: args.skip_bad,
        force: args.force,
        parse: ParseOptions {
            vpc_fields: args.fields.as_deref().map(crate::ingest::vpc::field_names),
            time_zone: args.tz.clone(),
        },
    };
    let progress = Arc::new(ImportProgress::default());
    let done = Arc::new(AtomicBool::new(false));
    let bar = (!args.json && std::io::stderr().is_terminal()).then(|| spawn_bar(&progress, &done));
    let result = crate::ops::import_paths(&mut workspace, &args.paths, options, &progress);
    done.store(true, Ordering::Relaxed);
    if let Some(handle) = bar {
        let _ = handle.join();
    }
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            anyhow::bail!("{error}\nnothing was imported; the workspace is unchanged");
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        json(&mut out, &report)?;
    } else {
        print_report(&mut out, &report, workspace.path())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn spawn_bar(
    progress: &Arc<ImportProgress>,
    done: &Arc<AtomicBool>,
) -> std::thread::JoinHandle<()> {
    let (progress, done) = (Arc::clone(progress), Arc::clone(done));
    std::thread::spawn(move || {
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template(
            "{spinner} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {msg}",
        )
        .map(|s| s.progress_chars("=> "));
        if let Ok(style) = style {
            bar.set_style(style);
        }
        while !done.load(Ordering::Relaxed) {
            bar.set_length(progress.bytes_total.load(Ordering::Relaxed));
            bar.set_position(progress.bytes_done.load(Ordering::Relaxed));
            bar.set_message(progress.current_file());
            std::thread::sleep(Duration::from_millis(100));
        }
        bar.finish_and_clear();
    })
}

fn describe(file: &FileOutcome) -> String {
    let mut parts = Vec::new();
    if file.workloads > 0 {
        parts.push(format!("{} workloads", count(file.workloads)));
    }
    if file.pods > 0 {
        parts.push(format!("{} pods", count(file.pods)));
    }
    if file.networks > 0 {
        parts.push(format!("{} networks", count(file.networks)));
    }
    if file.flow_records > 0 {
        let mut text = format!("{} flow records", count(file.flow_records));
        if file.flow_records_skipped > 0 {
            text.push_str(&format!(" ({} skipped)", count(file.flow_records_skipped)));
        }
        parts.push(format!("{text} → {} edges", count(file.edges)));
    }
    if parts.is_empty() {
        parts.push("nothing to import".into());
    }
    parts.join(", ")
}

fn print_report(
    out: &mut impl Write,
    report: &ImportReport,
    workspace: &str,
) -> std::io::Result<()> {
    let imported = report
        .files
        .iter()
        .filter(|f| matches!(f.status, FileStatus::Imported | FileStatus::Reimported))
        .count();
    writeln!(
        out,
        "imported {imported} of {} files into {workspace}",
        report.files.len()
    )?;
    for file in &report.files {
        let format = file.format.unwrap_or("-");
        let what = match file.status {
            FileStatus::Imported => describe(file),
            FileStatus::Reimported => format!("{} (replaced the earlier import)", describe(file)),
            FileStatus::AlreadyImported => {
                "already imported, nothing done (use --force to import it again)".into()
            }
            FileStatus::Unrecognised => "not a recognised format, left alone".into(),
        };
        writeln!(out, "  {}  [{format}]  {what}", file.path)?;
        for warning in &file.warnings {
            writeln!(out, "    note: {warning}")?;
        }
        for skipped in &file.skipped {
            writeln!(out, "    skipped {skipped}")?;
        }
    }
    if !report.conflicts.is_empty() {
        writeln!(out, "conflicts (the later import wins):")?;
        for c in &report.conflicts {
            writeln!(
                out,
                "  {}: {} {:?} replaced {:?}",
                c.workload, c.attribute, c.kept, c.replaced
            )?;
        }
    }
    Ok(())
}
