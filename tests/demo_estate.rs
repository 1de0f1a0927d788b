//! The bundled demo estate: embedded in the binary, its figures equal what its generator knows,
//! and the generator reproduces the committed files byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use blastwall::analysis::Figures;
use blastwall::ops;
use blastwall::store::Workspace;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn estate_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-estates/northwind")
}

fn expected() -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&std::fs::read_to_string(
        estate_dir().join("expected.json"),
    )?)?)
}

#[test]
fn the_embedded_demo_estate_has_the_generators_figures() -> TestResult {
    assert!(
        ops::demo::files().len() >= 10,
        "the demo estate is embedded"
    );
    let mut workspace = Workspace::in_memory()?;
    ops::demo::import_demo(&mut workspace)?;
    let figures: Figures = ops::stats(&workspace)?;
    assert_eq!(serde_json::to_value(figures)?, expected()?);
    assert!(figures.workloads >= 300 && figures.flow_records >= 100_000);
    let (plan, _) = workspace
        .load_plan()?
        .ok_or("the demo workspace comes with its plan")?;
    assert!(plan.zones.len() >= 8 && plan.rules.len() >= 25);
    Ok(())
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                out.insert(name, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    out
}

#[test]
fn the_generator_reproduces_the_committed_estate() -> TestResult {
    let dir = tempfile::tempdir()?;
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_gen-estate"))
        .arg("--out")
        .arg(dir.path())
        .stderr(std::process::Stdio::null())
        .status()?;
    assert!(status.success());
    let mut committed = files(&estate_dir());
    committed.remove("README.md");
    committed.remove("plan.yaml");
    let generated = files(dir.path());
    assert_eq!(
        committed.keys().collect::<Vec<_>>(),
        generated.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &committed {
        assert!(
            generated.get(name) == Some(bytes),
            "{name} differs from the generator's output"
        );
    }
    Ok(())
}
