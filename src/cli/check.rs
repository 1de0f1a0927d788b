//! `blastwall check`: the CI drift gate. Exit status 0 when the plan covers the flows and keeps
//! its guardrails, 1 when it does not, 2 when the command itself failed.

use std::io::{self, ErrorKind, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::guardrails::{GuardrailJson, print_guardrails};
use super::lint::FindingJson;
use super::output::{EdgeJson, count, edge_table, json, table};
use crate::ops::WorkspaceChoice;
use crate::ops::check::{CheckError, CheckOptions, CheckReport, check};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Flow files or directories to count with the workspace's flows (imported into a temporary
    /// copy; the workspace is not changed).
    #[arg(value_name = "FLOWS")]
    pub flows: Vec<PathBuf>,
    /// Check this plan file instead of the stored plan (it is read, not stored).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Fail on rules that match no flow too (otherwise a warning).
    #[arg(long)]
    pub strict: bool,
}

/// The exit status when the command itself failed.
const FAILED: u8 = 2;

#[derive(Serialize)]
struct CheckJson<'a> {
    uncovered: Vec<EdgeJson>,
    unused_rules: Vec<String>,
    guardrails: Vec<GuardrailJson>,
    findings: Vec<FindingJson<'a>>,
    passed: bool,
}

/// Checks and prints; errors are printed here, so that they exit with status 2, not 1.
pub fn run(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<ExitCode> {
    let report = match report(choice, args) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Ok(ExitCode::from(FAILED));
        }
    };
    let json = to_json(&report, args.strict);
    let passed = json.passed;
    let written = if args.json {
        self::json(&mut io::stdout().lock(), &json)
    } else {
        print_human(&mut io::stdout().lock(), &report, &json, args.strict)
    };
    match written {
        Err(error) if error.kind() != ErrorKind::BrokenPipe => {
            eprintln!("error: {error}");
            Ok(ExitCode::from(FAILED))
        }
        _ if passed => Ok(ExitCode::SUCCESS),
        _ => Ok(ExitCode::FAILURE),
    }
}

fn report(choice: &WorkspaceChoice, args: &Args) -> anyhow::Result<CheckReport> {
    let mut workspace = super::open_to_read(choice)?;
    super::narrow(&mut workspace)?;
    if args.plan.is_none() {
        super::note_scenario(&workspace)?;
    }
    let options = CheckOptions {
        plan_file: args.plan.as_deref(),
        flows: &args.flows,
    };
    match check(&workspace, options) {
        Err(CheckError::NoPlan { workspace }) => anyhow::bail!(
            "no plan in workspace {workspace}\n  hint: `blastwall plan apply FILE` stores one, \
             or check a file with `blastwall check --plan FILE`"
        ),
        result => Ok(result?),
    }
}

fn to_json(report: &CheckReport, strict: bool) -> CheckJson<'_> {
    let (plan, estate, zones) = (&report.plan, &report.estate, &report.zones);
    let guardrails = GuardrailJson::broken(plan, estate, zones, &report.guardrails);
    CheckJson {
        uncovered: EdgeJson::sorted(estate, zones, report.uncovered.iter().copied()),
        unused_rules: (report.unused_rules.iter())
            .map(|&r| plan.rule_name(r))
            .collect(),
        guardrails,
        findings: report.findings.iter().map(FindingJson::new).collect(),
        passed: report.passed(strict),
    }
}

/// `1 rule`, `2 rules`.
fn counted(n: usize, one: &str, many: &str) -> String {
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// A headline per category, its table, and the verdict on the last line.
fn print_human(
    out: &mut impl Write,
    report: &CheckReport,
    json: &CheckJson,
    strict: bool,
) -> io::Result<()> {
    if let Some(imported) = &report.imported {
        let records: u64 = imported.files.iter().map(|f| f.flow_records).sum();
        writeln!(
            out,
            "flows: the workspace's plus {} from {} (imported into a temporary copy)\n",
            counted(
                usize::try_from(records).unwrap_or(usize::MAX),
                "record",
                "records"
            ),
            counted(imported.files.len(), "file", "files"),
        )?;
    }
    writeln!(
        out,
        "uncovered flows: {} (the plan denies them: they would break under enforcement)",
        json.uncovered.len()
    )?;
    if !json.uncovered.is_empty() {
        edge_table(out, &json.uncovered)?;
    }
    print_guardrails(out, &json.guardrails)?;
    let unused = if strict {
        "error (--strict)"
    } else {
        "warning"
    };
    writeln!(
        out,
        "\nunused rules: {} (match no observed flow; {unused})",
        json.unused_rules.len()
    )?;
    if !report.unused_rules.is_empty() {
        let rows: Vec<Vec<String>> = (report.unused_rules.iter())
            .filter_map(|&r| Some((r, report.plan.rules.get(r)?)))
            .map(|(r, rule)| {
                let ports: Vec<String> = rule.ports.iter().map(ToString::to_string).collect();
                let (from, to) = (rule.from.to_string(), rule.to.to_string());
                vec![report.plan.rule_name(r), from, to, ports.join(", ")]
            })
            .collect();
        table(out, &["RULE", "FROM", "TO", "PORTS"], &rows)?;
    }
    writeln!(out, "\nhigh lint findings: {}", report.findings.len())?;
    if !report.findings.is_empty() {
        let rows: Vec<Vec<String>> = (report.findings.iter())
            .map(|f| {
                vec![
                    f.kind.to_string(),
                    f.subject_name.clone(),
                    f.message.clone(),
                ]
            })
            .collect();
        table(out, &["KIND", "SUBJECT", "MESSAGE"], &rows)?;
    }
    writeln!(out, "\n{}", verdict(json, strict))
}

/// `check: passed`, or `check: failed (…)` with the count of each failing category.
fn verdict(json: &CheckJson, strict: bool) -> String {
    if json.passed {
        return "check: passed".to_string();
    }
    let mut failed = Vec::new();
    let mut add = |n: usize, one: &str, many: &str| {
        if n > 0 {
            failed.push(counted(n, one, many));
        }
    };
    add(json.uncovered.len(), "uncovered flow", "uncovered flows");
    add(
        json.guardrails.len(),
        "guardrail broken",
        "guardrails broken",
    );
    if strict {
        add(json.unused_rules.len(), "unused rule", "unused rules");
    }
    add(
        json.findings.len(),
        "high lint finding",
        "high lint findings",
    );
    format!("check: failed ({})", failed.join(", "))
}
