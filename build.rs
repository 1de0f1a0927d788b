//! Embeds the bundled demo estate (`sample-estates/northwind/`) into the binary, so that
//! `blastwall` opens a populated workbench on a fresh machine.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-estates")
        .join("northwind");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The demo estate's data files: (path inside the estate, content).\npub const FILES: &[(&str, &[u8])] = &[\n",
    );
    for file in &files {
        let name = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        // Prose, the generator's figures and the plan (applied, not imported) are not data.
        let skip = name.ends_with(".md") || name == "expected.json" || name == "plan.yaml";
        if !skip {
            println!("cargo:rerun-if-changed={}", file.display());
            let _ = writeln!(
                code,
                "    ({name:?}, include_bytes!({:?})),",
                file.display().to_string()
            );
        }
    }
    code.push_str("];\n");
    let plan = root.join("plan.yaml");
    println!("cargo:rerun-if-changed={}", plan.display());
    if plan.exists() {
        let _ = writeln!(
            code,
            "/// The demo plan.\npub const PLAN: Option<&str> = Some(include_str!({:?}));",
            plan.display().to_string()
        );
    } else {
        code.push_str("/// The demo plan.\npub const PLAN: Option<&str> = None;\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("demo_estate.rs");
    if let Err(error) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {error}", out.display());
    }
}
