//! The layers keep their boundaries: `model` and `analysis` stay pure (no files, no SQL, no
//! terminal), and only `store` talks SQL.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            out.push((path.display().to_string(), text));
        }
    }
}

fn offenders(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(layer),
        &mut files,
    );
    assert!(!files.is_empty(), "no sources under src/{layer}");
    files
        .into_iter()
        .flat_map(|(path, text)| {
            forbidden
                .iter()
                .filter(|word| text.contains(*word))
                .map(|word| format!("{path} mentions {word}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

const IO: [&str; 7] = [
    "rusqlite",
    "ratatui",
    "crossterm",
    "std::fs",
    "std::net::TcpStream",
    "std::process",
    "std::io::stdin",
];

#[test]
fn model_and_analysis_are_free_of_io() {
    for layer in ["model", "analysis"] {
        let found = offenders(layer, &IO);
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn only_the_store_talks_sql_and_only_the_tui_draws() {
    for layer in ["model", "analysis", "ingest", "ops", "cli"] {
        let found = offenders(layer, &["rusqlite"]);
        assert!(found.is_empty(), "{found:#?}");
    }
    for layer in ["model", "analysis", "ingest", "store", "ops"] {
        let found = offenders(layer, &["ratatui", "crossterm"]);
        assert!(found.is_empty(), "{found:#?}");
    }
}
