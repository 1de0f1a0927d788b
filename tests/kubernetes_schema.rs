//! The demo's NetworkPolicies against the official Kubernetes schemas, with `kubernetes-validate`
//! (PyPI; `.ci/run` installs it) in strict mode. Without the tool the test says it is skipped,
//! unless `CI` is set: then it fails.

mod readback;

use std::path::PathBuf;
use std::process::Command;

use readback::Error;

/// The validator: on the PATH, or where `pip install --user` puts it.
fn validator() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("kubernetes-validate")];
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".local/bin/kubernetes-validate"));
    }
    candidates.into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn the_demo_network_policies_pass_strict_schema_validation() -> Result<(), Error> {
    let Some(tool) = validator() else {
        if std::env::var_os("CI").is_some() {
            return Err("kubernetes-validate is not installed (CI is set)".into());
        }
        eprintln!(
            "skipped: kubernetes-validate not installed (python3 -m pip install --user kubernetes-validate)"
        );
        return Ok(());
    };
    let case = readback::demo()?;
    let dir = tempfile::tempdir()?;
    let mut files = Vec::new();
    for name in ["default-deny.yaml", "allow.yaml"] {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            case.render(&format!("enforcement/kubernetes/{name}"))?,
        )?;
        files.push(path);
    }
    let output = Command::new(tool)
        .args(["--strict", "--quiet", "--kubernetes-version", "1.33.0"])
        .args(&files)
        .output()?;
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || report.contains("ERROR") {
        return Err(format!("kubernetes-validate failed:\n{report}").into());
    }
    Ok(())
}
