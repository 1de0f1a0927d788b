//! Azure NSG flow logs (versions 1 and 2) and virtual-network flow logs (version 4): blobs in
//! their storage layout, folded into edges; every refusal with its file, line and field.

use std::path::{Path, PathBuf};

use blastwall::ingest::{self, Batch, Context, Format, detect};
use blastwall::model::{Outcome, Protocol, SourceKind};
use blastwall::ops::{self, FileStatus, ImportOptions, ImportProgress};
use blastwall::store::Workspace;

mod common;
use common::{edge, edges, ip, parse};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SUB: &str = "00000000-0000-0000-0000-000000000000";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flows/azure")
}

/// An NSG flow log blob: `resourceId=/SUBSCRIPTIONS/…/y=/m=/d=/h=/m=00/macAddress=/PT1H.json`.
fn nsg_blob(nsg: &str, hour: &str, mac: &str) -> PathBuf {
    root().join(format!(
        "nsg/insights-logs-networksecuritygroupflowevent/resourceId=/SUBSCRIPTIONS/{SUB}/\
         RESOURCEGROUPS/RG-PAY/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/{nsg}/\
         y=2025/m=11/d=17/h={hour}/m=00/macAddress={mac}/PT1H.json"
    ))
}

/// The virtual-network flow log blob under the full flow log resource id, hour 08.
fn vnet_blob_long() -> PathBuf {
    root().join(format!(
        "vnet/insights-logs-flowlogflowevent/flowLogResourceID=/SUBSCRIPTIONS/{SUB}/\
         RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/\
         NETWORKWATCHER_WESTEUROPE/FLOWLOGS/VNET-PROD-FLOWLOG/\
         y=2025/m=11/d=17/h=08/m=00/macAddress=6045BD7A3C21/PT1H.json"
    ))
}

/// The virtual-network flow log blob under the short resource id shape, hour 09.
fn vnet_blob_short() -> PathBuf {
    root().join(format!(
        "vnet/insights-logs-flowlogflowevent/flowLogResourceID=/{SUB}_NETWORKWATCHERRG/\
         NETWORKWATCHER_WESTEUROPE_VNET-PROD-FLOWLOG/\
         y=2025/m=11/d=17/h=09/m=00/macAddress=6045BD7A3C22/PT1H.json"
    ))
}

fn parse_file(
    format: Format,
    path: &Path,
    skip_bad: bool,
) -> Result<(Batch, Context), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    Ok(parse(format, "PT1H.json", &bytes, skip_bad)?)
}

/// The error text of an input that must be refused.
fn refusal(format: Format, name: &str, text: &str) -> String {
    parse(format, name, text.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn nsg_version_2_sums_a_conversation_into_one_edge() -> TestResult {
    let path = nsg_blob("NSG-PAY-APP", "08", "0022488A1B2C");
    let (batch, _) = parse_file(Format::AzureNsg, &path, false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (9, 0));
    assert_eq!(edges(&batch).len(), 5);
    // Begin, continuing and end tuples in three records: one edge, counters of C and E summed
    // over both directions.
    let web = edge(&batch, "10.10.1.4", "10.10.2.5", 8443, Protocol::TCP).ok_or("web")?;
    assert_eq!((web.records, web.accepted, web.rejected), (3, 3, 0));
    assert_eq!(
        (web.bytes, web.packets),
        (2210 + 9876 + 900 + 4100, 14 + 12 + 6 + 5)
    );
    assert_eq!(
        (web.first_seen, web.last_seen),
        (Some(1763366460), Some(1763366580))
    );
    assert!(web.sources.contains(SourceKind::AzureNsg));
    assert!(edge(&batch, "10.10.2.5", "10.10.1.4", 50211, Protocol::TCP).is_none());
    let begun = edge(&batch, "10.10.1.7", "10.10.2.5", 8443, Protocol::TCP).ok_or("begun")?;
    assert_eq!((begun.records, begun.bytes, begun.packets), (1, 0, 0));
    let ssh = edge(&batch, "203.0.113.50", "10.10.2.5", 22, Protocol::TCP).ok_or("ssh")?;
    assert_eq!((ssh.records, ssh.rejected), (2, 2));
    assert_eq!(ssh.outcome(), Outcome::Rejected);
    let dns = edge(&batch, "10.10.2.5", "10.10.3.9", 53, Protocol::UDP).ok_or("dns")?;
    assert_eq!((dns.records, dns.bytes, dns.packets), (2, 74 + 190, 2));
    let v6 = edge(
        &batch,
        "2001:db8:10::5",
        "2001:db8:30::9",
        443,
        Protocol::TCP,
    )
    .ok_or("v6")?;
    assert_eq!((v6.bytes, v6.packets), (6000, 9));
    Ok(())
}

#[test]
fn nsg_version_1_has_no_counters() -> TestResult {
    let path = nsg_blob("NSG-LEGACY-WEB", "08", "000D3AF87856");
    let (batch, _) = parse_file(Format::AzureNsg, &path, false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (5, 0));
    assert_eq!(edges(&batch).len(), 4);
    let http = edge(&batch, "10.30.0.8", "10.30.1.4", 80, Protocol::TCP).ok_or("http")?;
    assert_eq!((http.records, http.bytes, http.packets), (2, 0, 0));
    assert_eq!(
        (http.first_seen, http.last_seen),
        (Some(1763366405), Some(1763366410))
    );
    let rdp = edge(&batch, "198.51.100.7", "10.30.1.4", 3389, Protocol::TCP).ok_or("rdp")?;
    assert_eq!(rdp.outcome(), Outcome::Rejected);
    // The source is the initiator, even when both ports are equal.
    assert!(edge(&batch, "10.30.1.4", "10.30.0.1", 123, Protocol::UDP).is_some());
    Ok(())
}

#[test]
fn vnet_milliseconds_states_and_encryption() -> TestResult {
    let (batch, _) = parse_file(Format::AzureVnet, &vnet_blob_long(), false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (8, 0));
    assert_eq!(edges(&batch).len(), 5);
    let sql = edge(&batch, "10.20.3.7", "10.20.9.4", 1433, Protocol::TCP).ok_or("sql")?;
    assert_eq!((sql.records, sql.accepted), (4, 4));
    assert_eq!(
        (sql.bytes, sql.packets),
        (3120 + 40112 + 1500 + 20000, 18 + 15 + 10 + 9)
    );
    assert_eq!(
        (sql.first_seen, sql.last_seen),
        (Some(1763366440), Some(1763366580))
    );
    assert!(sql.sources.contains(SourceKind::AzureVnet));
    let denied = edge(
        &batch,
        "2001:db8:77::15",
        "fd00:20::9:4",
        3389,
        Protocol::TCP,
    )
    .ok_or("denied")?;
    assert_eq!((denied.records, denied.rejected), (1, 1));
    // Denied by encryption policy (aclID and rule "unspecified").
    let unencrypted = edge(&batch, "10.20.3.8", "10.20.9.4", 1433, Protocol::TCP).ok_or("nx")?;
    assert_eq!(unencrypted.outcome(), Outcome::Rejected);
    let icmp = edge(&batch, "10.20.3.7", "10.20.9.4", 0, Protocol::ICMP).ok_or("icmp")?;
    assert_eq!((icmp.records, icmp.bytes, icmp.packets), (1, 672, 8));
    let dns = edge(&batch, "10.20.3.7", "168.63.129.16", 53, Protocol::UDP).ok_or("dns")?;
    assert_eq!((dns.accepted, dns.bytes, dns.packets), (1, 220, 2));
    Ok(())
}

#[test]
fn vnet_seconds_and_portless_icmpv6() -> TestResult {
    let (batch, _) = parse_file(Format::AzureVnet, &vnet_blob_short(), false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (3, 0));
    assert_eq!(edges(&batch).len(), 2);
    let sql = edge(&batch, "10.20.3.9", "10.20.9.4", 1433, Protocol::TCP).ok_or("sql")?;
    assert_eq!((sql.records, sql.bytes, sql.packets), (2, 3900, 13));
    assert_eq!(
        (sql.first_seen, sql.last_seen),
        (Some(1763370010), Some(1763370070))
    );
    let icmp = edge(&batch, "fd00:20::3:9", "fd00:20::9:4", 0, Protocol::ICMPV6).ok_or("icmp")?;
    assert_eq!((icmp.bytes, icmp.packets), (416, 4));
    Ok(())
}

#[test]
fn blobs_are_detected_by_content() -> TestResult {
    let nsg = [
        nsg_blob("NSG-PAY-APP", "08", "0022488A1B2C"),
        nsg_blob("NSG-PAY-APP", "09", "0022488A1B2C"),
        nsg_blob("NSG-LEGACY-WEB", "08", "000D3AF87856"),
        root().join("bad/nsg-bad-tuples.json"),
        root().join("bad/in-progress-PT1H.json"),
    ];
    for path in nsg {
        assert_eq!(
            detect(&std::fs::read(&path)?),
            Some(Format::AzureNsg),
            "{path:?}"
        );
    }
    for path in [
        vnet_blob_long(),
        vnet_blob_short(),
        root().join("bad/vnet-bad-tuples.json"),
    ] {
        assert_eq!(
            detect(&std::fs::read(&path)?),
            Some(Format::AzureVnet),
            "{path:?}"
        );
    }
    let others = root().join("..");
    for name in ["hubble.json", "conn.json.log"] {
        let head = std::fs::read_to_string(others.join(name))?;
        assert!(!ingest::azure::looks_like_nsg(&head), "{name}");
        assert!(!ingest::azure::looks_like_vnet(&head), "{name}");
    }
    let vnet = std::fs::read_to_string(vnet_blob_long())?;
    assert!(!ingest::azure::looks_like_nsg(&vnet));
    assert_eq!(detect(b"{\"records\": []}"), None);
    assert_eq!(
        detect(b"{\"Reservations\": []}"),
        Some(Format::AwsInstances)
    );
    Ok(())
}

#[test]
fn a_blob_tree_imports_as_a_tree() -> TestResult {
    let mut workspace = Workspace::in_memory()?;
    let paths = [root().join("nsg"), root().join("vnet")];
    let report = ops::import_paths(
        &mut workspace,
        &paths,
        ImportOptions::default(),
        &ImportProgress::default(),
    )?;
    let files: Vec<(Option<&str>, u64, bool)> = report
        .files
        .iter()
        .map(|f| (f.format, f.flow_records, f.status == FileStatus::Imported))
        .collect();
    assert_eq!(
        files,
        [
            (Some("azure-nsg"), 5, true),
            (Some("azure-nsg"), 9, true),
            (Some("azure-nsg"), 1, true),
            (Some("azure-vnet"), 3, true),
            (Some("azure-vnet"), 8, true),
        ]
    );
    let estate = ops::load_resolved(&workspace)?;
    assert_eq!(estate.flow_records, 26);
    // The conversation begun at 08:00 and ended at 09:00 is one edge across the two blobs.
    assert_eq!(estate.edges.len(), 5 + 4 + 5 + 2);
    let ended = estate
        .edges
        .iter()
        .find(|e| e.client == ip("10.10.1.7") && e.port == 8443)
        .ok_or("the conversation across hours")?;
    assert_eq!((ended.stats.records, ended.stats.bytes), (2, 1500));
    assert_eq!(ended.stats.last_seen, Some(1763370000));
    Ok(())
}

#[test]
fn bad_nsg_tuples_name_their_path_line_and_column() -> TestResult {
    let path = root().join("bad/nsg-bad-tuples.json");
    let bytes = std::fs::read(&path)?;
    let error = parse(Format::AzureNsg, "nsg.json", &bytes, false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with(
            "nsg.json:20: field records[0].properties.flows[0].flows[0].flowTuples[1]: \
             expected 13 comma-separated fields (an NSG version 2 tuple), found 8 in \
             \"1763366460,10.10.1.4,10.10.2.5,50211,8443,T,I,A\""
        ),
        "{error}"
    );
    assert!(
        error.contains("hint: fix the record, or pass --skip-bad"),
        "{error}"
    );

    let (batch, ctx) = parse(Format::AzureNsg, "nsg.json", &bytes, true)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (9, 8));
    assert_eq!(edges(&batch).len(), 1);
    let skipped: Vec<String> = ctx.skipped.iter().map(|s| s.error.headline()).collect();
    let first = "nsg.json:{line}: field records[0].properties.flows[{flow}].flows[0].flowTuples";
    let expected = [
        (
            21,
            0,
            "[2].source IP: expected an IP address, found \"10.10.1.400\"",
        ),
        (
            22,
            0,
            "[3].destination port: expected a port number, found \"99999\"",
        ),
        (
            33,
            1,
            "[0].protocol: expected T (TCP) or U (UDP), found \"X\"",
        ),
        (
            34,
            1,
            "[1].decision: expected A (allowed) or D (denied), found \"Q\"",
        ),
        (
            35,
            1,
            "[2].flow state: expected B (begin), C (continuing) or E (end), found \"Z\"",
        ),
        (
            36,
            1,
            "[3].bytes source to destination: expected a count or nothing, found \"abc\"",
        ),
        (
            37,
            1,
            "[4].timestamp: expected a Unix time in seconds or milliseconds, found \"yesterday\"",
        ),
    ];
    assert_eq!(skipped.len(), 8);
    for ((line, flow, rest), found) in expected.iter().zip(&skipped[1..]) {
        let start = first
            .replace("{line}", &line.to_string())
            .replace("{flow}", &flow.to_string());
        assert_eq!(*found, format!("{start}{rest}"));
    }
    Ok(())
}

#[test]
fn bad_vnet_tuples_name_their_path_line_and_column() -> TestResult {
    let bytes = std::fs::read(root().join("bad/vnet-bad-tuples.json"))?;
    let (batch, ctx) = parse(Format::AzureVnet, "vnet.json", &bytes, true)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (6, 5));
    let skipped: Vec<String> = ctx.skipped.iter().map(|s| s.error.headline()).collect();
    let path = "field records[0].flowRecords.flows[0].flowGroups[0].flowTuples";
    assert_eq!(
        skipped,
        [
            format!(
                "vnet.json:21: {path}[1].protocol: expected an IP protocol number (6 TCP, 17 UDP, 1 ICMP…), found \"tcp\""
            ),
            format!(
                "vnet.json:22: {path}[2].flow state: expected B (begin), C (continuing), E (end) or D (denied), found \"A\""
            ),
            format!(
                "vnet.json:23: {path}[3].direction: expected I (inbound) or O (outbound), found \"X\""
            ),
            format!(
                "vnet.json:24: {path}[4].source port: expected a port number or nothing, found \"x\""
            ),
            format!(
                "vnet.json:25: {path}[5]: expected 13 comma-separated fields (a virtual-network flow tuple), found 12 in \"1763366440112,10.20.3.7,10.20.9.4,53012,1433,6,O,B,NX,0,0,0\""
            ),
        ]
    );
    Ok(())
}

#[test]
fn nsg_layout_follows_the_version_or_the_field_count() -> TestResult {
    // "Version" after "flows": the tuple's field count decides.
    let late = r#"{"records":[{"properties":{"flows":[{"rule":"r","flows":[{"mac":"M","flowTuples":["1763366405,10.0.0.1,10.0.0.2,40000,443,T,I,A"]}]}],"Version":1}}]}"#;
    let (batch, _) = parse(Format::AzureNsg, "late.json", late.as_bytes(), false)?;
    assert!(edge(&batch, "10.0.0.1", "10.0.0.2", 443, Protocol::TCP).is_some());
    let odd = r#"{"records":[{"properties":{"flows":[{"rule":"r","flows":[{"mac":"M","flowTuples":["1,10.0.0.1,10.0.0.2,1,2,T,I,A,B,1"]}]}]}}]}"#;
    let error = refusal(Format::AzureNsg, "odd.json", odd);
    assert!(
        error.starts_with("odd.json:1: field records[0].properties.flows[0].flows[0].flowTuples[0]: expected 8 (NSG version 1) or 13 (version 2) comma-separated fields, found 10 in"),
        "{error}"
    );
    let v1 = r#"{"records":[{"properties":{"Version":1,"flows":[{"rule":"r","flows":[{"mac":"M","flowTuples":["1,10.0.0.1,10.0.0.2,1,2,T,I,A,B,,,,"]}]}]}}]}"#;
    let error = refusal(Format::AzureNsg, "v1.json", v1);
    assert!(
        error.starts_with("v1.json:1: field records[0].properties.flows[0].flows[0].flowTuples[0]: expected 8 comma-separated fields (an NSG version 1 tuple), found 13 in"),
        "{error}"
    );
    Ok(())
}

#[test]
fn concatenated_blobs_are_read_one_after_the_other() -> TestResult {
    let one = r#"{"records":[{"properties":{"Version":2,"flows":[{"rule":"r","flows":[{"mac":"M","flowTuples":["1763366405,10.0.0.1,10.0.0.2,40000,443,T,I,A,E,1,10,1,20"]}]}]}}]}"#;
    let text = format!("{one}\n{one}\n");
    let (batch, _) = parse(Format::AzureNsg, "cat.json", text.as_bytes(), false)?;
    let https = edge(&batch, "10.0.0.1", "10.0.0.2", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!((https.records, https.bytes), (2, 60));
    Ok(())
}

#[test]
fn documents_of_another_shape_are_refused_with_their_line() -> TestResult {
    let bytes = std::fs::read(root().join("bad/in-progress-PT1H.json"))?;
    let error = parse(Format::AzureNsg, "PT1H.json", &bytes, false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("PT1H.json:1: expected an Azure NSG flow log as JSON ({\"records\":[…]}), found EOF while parsing a list"),
        "{error}"
    );
    assert!(error.contains("still being written"), "{error}");
    for (format, text, expected) in SHAPE_ERRORS {
        let error = refusal(format, "x.json", text);
        assert!(error.starts_with(expected), "{error}\n  wanted: {expected}");
    }
    Ok(())
}

/// Documents that are not flow logs of this shape: fatal, at their line.
#[rustfmt::skip]
const SHAPE_ERRORS: [(Format, &str, &str); 9] = [
    (Format::AzureNsg, "<!DOCTYPE html>", "x.json:1: expected an Azure NSG flow log as JSON ({\"records\":[…]}), found expected value"),
    (Format::AzureNsg, "[]", "x.json:1: expected an Azure NSG flow log as JSON ({\"records\":[…]}), found invalid type: sequence, expected an object with a \"records\" key"),
    (Format::AzureVnet, "{\"value\":\n[]}", "x.json:2: expected a \"records\" key, found an object without one"),
    (Format::AzureNsg, "{\"records\":[\n{\"category\":\"NetworkSecurityGroupFlowEvent\"}]}", "x.json:2: field records[0]: expected a \"properties\" key, found an object without one"),
    (Format::AzureVnet, "{\"records\":[{\"flowLogVersion\":4,\"flowRecords\":{\"flows\":[{\"aclID\":\"a\"}]}}]}", "x.json:1: field records[0].flowRecords.flows[0]: expected a \"flowGroups\" key"),
    (Format::AzureNsg, "{\"records\":[{\"properties\":{\"Version\":3,\"flows\":[]}}]}", "x.json:1: field records[0].properties.Version: expected version 1 or 2, found 3"),
    (Format::AzureVnet, "{\"records\":[{\"flowLogVersion\":2,\"flowRecords\":{\"flows\":[]}}]}", "x.json:1: field records[0].flowLogVersion: expected flowLogVersion 4, found 2"),
    (Format::AzureVnet, "{\"records\":[{\"flowRecords\":{\"flows\":[{\"flowGroups\":[{\"flowTuples\":[\n5]}]}]}}]}", "x.json:2: expected an Azure virtual-network flow log as JSON ({\"records\":[…]}), found invalid type: integer `5`, expected a flow tuple (a string)"),
    (Format::AzureNsg, "{\"records\":[]} ]}", "x.json:1: expected an Azure NSG flow log as JSON ({\"records\":[…]}), found expected value"),
];
