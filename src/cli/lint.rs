//! `blastwall lint`: zero-trust anti-patterns in the plan. Exit status 0 without a high finding,
//! 1 with one, 2 when the command itself failed.

use std::io::{self, ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{json, table};
use crate::analysis::lint::{Finding, Severity};
use crate::ops::WorkspaceChoice;
use crate::ops::lint::{LintError, lint_workspace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Lint this plan file instead of the stored plan (it is read, not stored).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The exit status when the command itself failed (a finding never causes it).
const FAILED: u8 = 2;

/// A finding as `lint --json` and `check --json` print it.
#[derive(Serialize)]
pub(crate) struct FindingJson<'a> {
    severity: &'static str,
    kind: &'static str,
    subject: &'a str,
    message: &'a str,
    hint: &'a str,
}

impl<'a> FindingJson<'a> {
    pub(crate) fn new(f: &'a Finding) -> FindingJson<'a> {
        FindingJson {
            severity: f.severity.as_str(),
            kind: f.kind,
            subject: &f.subject_name,
            message: &f.message,
            hint: &f.hint,
        }
    }
}

#[derive(Serialize)]
struct LintJson<'a> {
    findings: Vec<FindingJson<'a>>,
}

/// Lints and prints; errors are printed here, so that they exit with status 2, not 1.
pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    let findings = match findings(choice, args) {
        Ok(findings) => findings,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Ok(ExitCode::from(FAILED));
        }
    };
    let written = if args.json {
        print_json(&findings)
    } else {
        print_human(&findings)
    };
    match written {
        Err(error) if error.kind() != ErrorKind::BrokenPipe => {
            eprintln!("error: {error}");
            Ok(ExitCode::from(FAILED))
        }
        _ if findings.iter().any(|f| f.severity == Severity::High) => Ok(ExitCode::FAILURE),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn findings(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<Vec<Finding>> {
    let mut workspace = super::open_to_read(choice)?;
    super::narrow(&mut workspace)?;
    if args.plan.is_none() {
        super::note_scenario(&workspace)?;
    }
    match lint_workspace(&workspace, args.plan.as_deref()) {
        Err(LintError::NoPlan { workspace }) => anyhow::bail!(
            "no plan in workspace {workspace}\n  hint: `blastwall plan apply FILE` stores one, \
             or lint a file with `blastwall lint --plan FILE`"
        ),
        result => Ok(result?),
    }
}

fn print_json(findings: &[Finding]) -> io::Result<()> {
    let report = LintJson {
        findings: findings.iter().map(FindingJson::new).collect(),
    };
    json(&mut io::stdout().lock(), &report)
}

/// One aligned line per finding with its hint below, then the counts.
fn print_human(findings: &[Finding]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if findings.is_empty() {
        return writeln!(out, "no findings");
    }
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                f.severity.as_str().to_string(),
                f.kind.to_string(),
                f.subject_name.clone(),
                f.message.clone(),
            ]
        })
        .collect();
    let mut aligned = Vec::new();
    table(
        &mut aligned,
        &["SEVERITY", "KIND", "SUBJECT", "MESSAGE"],
        &rows,
    )?;
    let aligned = String::from_utf8_lossy(&aligned);
    let mut lines = aligned.lines();
    if let Some(header) = lines.next() {
        writeln!(out, "{header}")?;
    }
    for (line, finding) in lines.zip(findings) {
        writeln!(out, "{line}\n  hint: {}", finding.hint)?;
    }
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    writeln!(
        out,
        "\n{} finding{}: {} high, {} medium, {} low",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low)
    )
}
