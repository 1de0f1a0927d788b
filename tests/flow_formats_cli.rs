//! Every flow format through the binary, as a user runs it: detected without `--format`,
//! imported, and counted as the right number of service edges.

use std::path::{Path, PathBuf};

mod common;
use common::run_json as run;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/flows")
        .join(path)
}

/// Imports one file into a fresh workspace; returns the detected format and the figures.
fn import_one(
    path: &Path,
    extra: &[&str],
) -> Result<(String, serde_json::Value), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let mut args = vec!["import", "--json"];
    args.extend_from_slice(extra);
    let path_text = path.to_string_lossy().into_owned();
    args.push(&path_text);
    let report = run(&ws, &args)?;
    let format = report["files"][0]["format"]
        .as_str()
        .unwrap_or("")
        .to_string();
    Ok((format, run(&ws, &["stats", "--json"])?))
}

#[test]
fn each_flow_format_is_detected_and_counted() -> TestResult {
    let nsg = format!(
        "azure/nsg/insights-logs-networksecuritygroupflowevent/resourceId=/SUBSCRIPTIONS/{SUB}/RESOURCEGROUPS/RG-PAY/\
         PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-PAY-APP/y=2025/m=11/d=17/h=08/m=00/macAddress=0022488A1B2C/PT1H.json"
    );
    let vnet = format!(
        "azure/vnet/insights-logs-flowlogflowevent/flowLogResourceID=/SUBSCRIPTIONS/{SUB}/RESOURCEGROUPS/NETWORKWATCHERRG/\
         PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_WESTEUROPE/FLOWLOGS/VNET-PROD-FLOWLOG/y=2025/m=11/d=17/h=08/m=00/macAddress=6045BD7A3C21/PT1H.json"
    );
    let cases: [(&str, &str, u64, &[&str]); 11] = [
        (&nsg, "azure-nsg", 5, &[]),
        (&vnet, "azure-vnet", 5, &[]),
        ("gcp/vpc_flows.ndjson", "gcp-vpc-flow", 6, &[]),
        ("gcp/gcloud-read.json", "gcp-vpc-flow", 2, &[]),
        (
            "netflow/nfdump-current.csv",
            "nfdump-csv",
            5,
            &["--tz", "Europe/Berlin"],
        ),
        ("netflow/nfdump-legacy.csv", "nfdump-csv", 5, &[]),
        ("netflow/nfdump-csv-fast.csv", "nfdump-csv", 3, &[]),
        ("netflow/goflow2-v2.json", "goflow2", 6, &[]),
        ("netflow/goflow2-v1.json", "goflow2", 3, &[]),
        ("edges/edges.csv", "edges-csv", 5, &[]),
        ("cloudwatch/subscription.ndjson", "aws-vpc-flow", 2, &[]),
    ];
    for (path, format, edges, extra) in cases {
        let (detected, stats) = import_one(&fixture(path), extra)?;
        assert_eq!(detected, format, "{path}");
        assert_eq!(stats["edges"].as_u64(), Some(edges), "{path}: {stats}");
    }
    Ok(())
}

#[test]
fn an_azure_blob_tree_imports_as_a_tree() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let root = fixture("azure/nsg").to_string_lossy().into_owned();
    let report = run(&ws, &["import", "--json", &root])?;
    let files = report["files"].as_array().ok_or("files")?;
    assert_eq!(files.len(), 3);
    assert!(
        files
            .iter()
            .all(|f| f["format"] == "azure-nsg" && f["status"] == "imported")
    );
    Ok(())
}

#[test]
fn cloudwatch_needs_fields_and_the_cli_passes_them() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("w.blastwall");
    let file = fixture("cloudwatch/filter-log-events.json")
        .to_string_lossy()
        .into_owned();
    let refused = run(&ws, &["import", "--json", &file])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(refused.contains("pass --fields"), "{refused}");
    let fields = "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
    run(&ws, &["import", "--json", "--fields", fields, &file])?;
    assert_eq!(run(&ws, &["stats", "--json"])?["edges"].as_u64(), Some(2));
    Ok(())
}
