//! The CLI as one OS user, `alice` (USER set, USERNAME and LOGNAME removed), so the history
//! records a known name; and the small estate with its plan, the workspace most CLI tests need.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::text;

/// A file or directory under `tests/fixtures`.
pub fn fixture(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// Runs the binary as the OS user `alice` on a workspace (never the user's own).
pub fn run(ws: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_blastwall"))
        .arg("--workspace")
        .arg(ws)
        .args(args)
        .env_remove("BLASTWALL_WORKSPACE")
        .env_remove("USERNAME")
        .env_remove("LOGNAME")
        .env("USER", "alice")
        .output()
}

/// Runs and requires success; returns stdout.
pub fn ok(ws: &Path, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let out = run(ws, args)?;
    if !out.status.success() {
        return Err(format!("{args:?}: {}", text(&out.stderr)).into());
    }
    Ok(text(&out.stdout))
}

/// Runs, requires success, and parses stdout as JSON.
pub fn json(ws: &Path, args: &[&str]) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&ok(ws, args)?)?)
}

/// The small estate with its plan applied.
pub fn planned(dir: &tempfile::TempDir) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let ws = dir.path().join("w.blastwall");
    let (inventory, flows) = (
        fixture("estate-small/inventory"),
        fixture("estate-small/flows"),
    );
    ok(&ws, &["import", &inventory, &flows])?;
    ok(&ws, &["plan", "apply", &fixture("plans/small.yaml")])?;
    Ok(ws)
}
