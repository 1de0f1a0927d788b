//! Google Cloud VPC flow logs: NDJSON, `gcloud logging read --format=json` arrays and single
//! entries, folded into edges, with GKE pods as identity hints.

use blastwall::analysis::{Endpoint, resolve_estate};
use blastwall::ingest::{self, Batch, Format};
use blastwall::model::{Estate, Outcome, Protocol, SourceKind};

mod common;
use common::{edge, edges, ip, parse};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const NDJSON: &[u8] = include_bytes!("fixtures/flows/gcp/vpc_flows.ndjson");
const ARRAY: &[u8] = include_bytes!("fixtures/flows/gcp/gcloud-read.json");
const SINGLE: &[u8] = include_bytes!("fixtures/flows/gcp/single-entry.json");
const BAD: &[u8] = include_bytes!("fixtures/flows/gcp/bad-records.ndjson");

fn gcp(name: &str, bytes: &[u8]) -> Result<Batch, ingest::InputError> {
    parse(Format::GcpVpcFlow, name, bytes, false).map(|(batch, _)| batch)
}

fn error(name: &str, text: &str) -> String {
    parse(Format::GcpVpcFlow, name, text.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

/// The (client pod, server pod) names of the hints on an address-level edge.
fn pods(batch: &Batch, client: &str, server: &str, port: u16) -> Vec<(String, String)> {
    let name = |id: blastwall::model::HintId| {
        batch
            .flows
            .hints
            .get(id.0 as usize)
            .map(|h| format!("{}/{}", h.namespace, h.pod_name))
            .unwrap_or_default()
    };
    let mut found: Vec<(String, String)> = batch
        .flows
        .edges
        .iter()
        .map(|(k, _)| k)
        .filter(|k| (k.client, k.server, k.port) == (ip(client), ip(server), port))
        .map(|k| (name(k.client_hint), name(k.server_hint)))
        .collect();
    found.sort();
    found
}

#[test]
fn ndjson_folds_both_reporters_and_replies_into_one_edge() -> TestResult {
    let batch = gcp("vpc_flows.ndjson", NDJSON)?;
    // Eight flow records; the firewall and audit entries are not flow records.
    assert_eq!((batch.flows.records, batch.flows.skipped), (8, 0));
    assert_eq!(edges(&batch).len(), 6);
    let pg = edge(&batch, "10.20.1.23", "10.20.4.17", 5432, Protocol::TCP).ok_or("pg edge")?;
    assert_eq!(pg.records, 3, "SRC, DEST and the reply half are one edge");
    assert_eq!(pg.bytes, 18344 + 17920 + 902113);
    assert_eq!(pg.packets, 41 + 40 + 655);
    assert_eq!((pg.accepted, pg.rejected), (3, 0));
    assert_eq!(
        (pg.first_seen, pg.last_seen),
        (Some(1_759_396_490), Some(1_759_396_497))
    );
    assert!(pg.sources.contains(SourceKind::GcpVpc));
    // The reply half names the pod at its destination: it is still the client's hint.
    assert_eq!(
        pods(&batch, "10.20.1.23", "10.20.4.17", 5432),
        [(
            "orders/orders-6c8f9d7b54-r2kzt".to_string(),
            "/".to_string()
        )]
    );
    Ok(())
}

#[test]
fn ndjson_dropped_icmp_ipv6_ties_and_gateways() -> TestResult {
    let batch = gcp("vpc_flows.ndjson", NDJSON)?;
    let dropped = edge(&batch, "10.20.9.9", "10.20.4.17", 5432, Protocol::TCP).ok_or("dropped")?;
    assert_eq!(dropped.outcome(), Outcome::Rejected);
    assert_eq!((dropped.bytes, dropped.packets), (0, 0));
    assert_eq!(
        (dropped.first_seen, dropped.last_seen),
        (Some(1_759_396_560), Some(1_759_396_564))
    );
    let icmp = edge(&batch, "10.20.1.23", "10.20.4.17", 0, Protocol::ICMP).ok_or("icmp")?;
    assert_eq!((icmp.bytes, icmp.packets), (840, 10));
    let dns = edge(
        &batch,
        "fd20:8b1e:42c0::1:17",
        "fd20:8b1e:42c0::53",
        53,
        Protocol::UDP,
    )
    .ok_or("dns")?;
    assert_eq!((dns.bytes, dns.packets), (96, 2), "int64 as JSON numbers");
    // Equal ports: DEST reported EGRESS, so the destination initiated.
    assert!(edge(&batch, "10.20.7.6", "10.20.7.5", 7000, Protocol::TCP).is_some());
    assert!(edge(&batch, "10.20.7.5", "10.20.7.6", 7000, Protocol::TCP).is_none());
    let vpn = edge(&batch, "192.168.50.10", "10.20.6.31", 443, Protocol::TCP).ok_or("vpn")?;
    assert_eq!(vpn.records, 1);
    assert_eq!(
        pods(&batch, "192.168.50.10", "10.20.6.31", 443),
        [("/".to_string(), "finance/ledger-1".to_string())]
    );
    let ledger = batch
        .flows
        .hints
        .iter()
        .find(|h| h.pod_name == "ledger-1")
        .ok_or("ledger hint")?;
    assert_eq!(
        ledger.owner,
        Some(("StatefulSet".to_string(), "ledger".to_string()))
    );
    Ok(())
}

#[test]
fn gcloud_array_is_streamed_and_skips_other_logs() -> TestResult {
    let batch = gcp("gcloud-read.json", ARRAY)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (3, 0));
    assert_eq!(edges(&batch).len(), 2);
    let web = edge(&batch, "10.30.2.8", "10.30.5.2", 443, Protocol::TCP).ok_or("web")?;
    assert_eq!((web.records, web.bytes, web.packets), (2, 5120 + 48211, 52));
    assert_eq!(
        (web.first_seen, web.last_seen),
        (Some(1_762_549_440), Some(1_762_549_449))
    );
    assert_eq!(
        pods(&batch, "10.40.1.12", "10.40.2.7", 6379),
        [(
            "checkout/cart-5b9f7d6c8d-2xq4z".to_string(),
            "cache/redis-0".to_string()
        )]
    );
    Ok(())
}

#[test]
fn single_and_minified_layouts() -> TestResult {
    let batch = gcp("single-entry.json", SINGLE)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (1, 0));
    let web = edge(&batch, "10.50.3.4", "10.50.8.8", 8080, Protocol::TCP).ok_or("web")?;
    assert_eq!(
        (web.bytes, web.first_seen, web.last_seen),
        (1024, Some(1_762_583_390), Some(1_762_583_399))
    );
    // A one-line array behind a byte order mark and white space.
    let mut minified = b"\xEF\xBB\xBF \n".to_vec();
    let array: serde_json::Value = serde_json::from_slice(ARRAY)?;
    minified.extend(serde_json::to_vec(&array)?);
    let batch = gcp("minified.json", &minified)?;
    assert_eq!((batch.flows.records, edges(&batch).len()), (3, 2));
    // Two pretty-printed entries one after the other, and an empty array.
    let twice = [SINGLE, SINGLE].concat();
    let batch = gcp("twice.json", &twice)?;
    let web = edge(&batch, "10.50.3.4", "10.50.8.8", 8080, Protocol::TCP).ok_or("web")?;
    assert_eq!((batch.flows.records, web.records), (2, 2));
    assert_eq!(gcp("empty.json", b"[]\n")?.flows.records, 0);
    assert_eq!(gcp("nothing.json", b"")?.flows.records, 0);
    Ok(())
}

#[test]
fn gke_pods_resolve_by_identity() -> TestResult {
    let batch = gcp("vpc_flows.ndjson", NDJSON)?;
    let edges: Vec<_> = batch.flows.edges.sorted().collect();
    let estate = Estate {
        hints: batch.flows.hints,
        edges,
        ..Estate::default()
    };
    let resolved = resolve_estate(&estate);
    let pg = resolved
        .edges
        .iter()
        .find(|e| e.client == ip("10.20.1.23") && e.port == 5432)
        .ok_or("pg edge")?;
    let client = resolved.workload(pg.client_endpoint).ok_or("a workload")?;
    assert_eq!(client.name, "orders/orders");
    assert!(client.observed_only);
    assert_eq!(pg.server_endpoint, Endpoint::Address(ip("10.20.4.17")));
    let vpn = resolved
        .edges
        .iter()
        .find(|e| e.port == 443 && e.server == ip("10.20.6.31"))
        .ok_or("vpn edge")?;
    let server = resolved.workload(vpn.server_endpoint).ok_or("a workload")?;
    assert_eq!(server.name, "finance/ledger");
    Ok(())
}

#[test]
fn detection_claims_flow_logs_and_nothing_else() {
    for bytes in [NDJSON, ARRAY, SINGLE, BAD] {
        assert_eq!(ingest::detect(bytes), Some(Format::GcpVpcFlow));
    }
    let newer = br#"{"logName":"projects/p/logs/networkmanagement.googleapis.com%2Fvpc_flows","jsonPayload":{"connection":{"src_ip":"10.0.0.1"}}}"#;
    assert_eq!(ingest::detect(newer), Some(Format::GcpVpcFlow));
    let firewall = br#"{"logName":"projects/p/logs/compute.googleapis.com%2Ffirewall","jsonPayload":{"connection":{"src_ip":"10.0.0.1","dest_ip":"10.0.0.2"},"disposition":"DENIED"}}"#;
    assert_ne!(ingest::detect(firewall), Some(Format::GcpVpcFlow));
    let others: [&[u8]; 5] = [
        br#"{"flow":{"verdict":"FORWARDED","IP":{"source":"10.0.0.1"}},"node_name":"n"}"#,
        br#"{"ts":1.5,"id.orig_h":"10.0.0.1","id.resp_h":"10.0.0.2"}"#,
        br#"{"apiVersion":"v1","items":[],"kind":"List"}"#,
        br#"{"Reservations":[]}"#,
        br#"[{"protoPayload":{"methodName":"x"},"logName":"projects/p/logs/cloudaudit.googleapis.com%2Factivity"}]"#,
    ];
    for bytes in others {
        assert_ne!(
            ingest::detect(bytes),
            Some(Format::GcpVpcFlow),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn bad_records_name_file_line_and_field() {
    let message = parse(Format::GcpVpcFlow, "bad.ndjson", BAD, false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with(
            "bad.ndjson:2: field jsonPayload.connection.src_ip: expected an IP address, found \"10.0.0.999\""
        ),
        "{message}"
    );
    assert!(message.contains("hint:"), "{message}");
}

#[test]
fn each_field_says_what_it_expected() {
    let flow = |connection: &str, rest: &str| {
        format!(
            "{{\"jsonPayload\":{{\"connection\":{{{connection}}},\"reporter\":\"SRC\"{rest}}}}}\n"
        )
    };
    let cases = [
        (
            flow(r#""src_ip":"10.0.0.1","dest_port":443,"protocol":6"#, ""),
            "x.json:1: field jsonPayload.connection.dest_ip: expected an IP address, found nothing",
        ),
        (
            flow(r#""src_ip":"10.0.0.1","dest_ip":7,"protocol":6"#, ""),
            "x.json:1: field jsonPayload.connection.dest_ip: expected an IP address, found 7",
        ),
        (
            flow(
                r#""src_ip":"10.0.0.1","dest_ip":"10.0.0.2","dest_port":443"#,
                "",
            ),
            "x.json:1: field jsonPayload.connection.protocol: expected an IP protocol number (0–255), found nothing",
        ),
        (
            flow(
                r#""src_ip":"10.0.0.1","dest_ip":"10.0.0.2","protocol":300"#,
                "",
            ),
            "x.json:1: field jsonPayload.connection.protocol: expected an IP protocol number (0–255), found 300",
        ),
        (
            flow(
                r#""src_ip":"10.0.0.1","dest_ip":"10.0.0.2","protocol":6,"src_port":-1"#,
                "",
            ),
            "x.json:1: field jsonPayload.connection.src_port: expected a port number, found -1",
        ),
        (
            flow(
                r#""src_ip":"10.0.0.1","dest_ip":"10.0.0.2","protocol":6"#,
                r#","packets_sent":true"#,
            ),
            "x.json:1: field jsonPayload.packets_sent: expected a count, found true",
        ),
        (
            flow(
                r#""src_ip":"10.0.0.1","dest_ip":"10.0.0.2","protocol":6"#,
                r#","end_time":"2025-13-01T00:00:00Z""#,
            ),
            "x.json:1: field jsonPayload.end_time: expected an RFC 3339 time, found \"2025-13-01T00:00:00Z\"",
        ),
        (
            "[\"x\"]".to_string(),
            "x.json:1: expected a Cloud Logging entry (a JSON object), found a string",
        ),
    ];
    for (text, expected) in cases {
        let message = error("x.json", &text);
        assert!(message.starts_with(expected), "{message}");
    }
}

#[test]
fn skip_bad_imports_the_rest_and_lists_every_skipped_line() -> TestResult {
    let (batch, ctx) = parse(Format::GcpVpcFlow, "bad.ndjson", BAD, true)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (8, 6));
    assert_eq!(edges(&batch).len(), 2);
    assert!(edge(&batch, "10.60.0.3", "10.60.0.2", 8443, Protocol::TCP).is_some());
    let lines: Vec<Option<u64>> = ctx.skipped.iter().map(|s| s.error.line).collect();
    assert_eq!(
        lines,
        [Some(2), Some(3), Some(4), Some(5), Some(6), Some(7)]
    );
    let messages: Vec<String> = ctx.skipped.iter().map(|s| s.error.headline()).collect();
    assert!(
        messages[1].starts_with(
            "bad.ndjson:3: field jsonPayload.connection.dest_port: expected a port number, found 70000"
        ),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].starts_with(
            "bad.ndjson:4: field jsonPayload.bytes_sent: expected a count, found \"-5\""
        ),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].starts_with(
            "bad.ndjson:5: field jsonPayload.start_time: expected an RFC 3339 time, found \"yesterday\""
        ),
        "{}",
        messages[3]
    );
    assert!(
        messages[4].starts_with("bad.ndjson:6: expected a Cloud Logging entry as JSON, found"),
        "{}",
        messages[4]
    );
    assert!(
        messages[5].starts_with(
            "bad.ndjson:7: expected a Cloud Logging entry (a JSON object), found a number"
        ),
        "{}",
        messages[5]
    );
    Ok(())
}

#[test]
fn records_in_documents_are_placed_at_the_line_where_their_entry_starts() -> TestResult {
    // The fourth entry of the pretty-printed array opens on line 70 (its `{`, the line before its
    // insertId); its bad port is further down.
    let text =
        String::from_utf8(ARRAY.to_vec())?.replace("\"dest_port\": 6379", "\"dest_port\": 99999");
    let start = text
        .lines()
        .position(|l| l.contains("1f2e3d4c5b6a03"))
        .ok_or("fourth entry")?;
    let message = error("read.json", &text);
    let expected = format!(
        "read.json:{}: field jsonPayload.connection.dest_port: expected a port number, found 99999",
        start
    );
    assert!(message.starts_with(&expected), "{message}");
    // A single pretty-printed entry after two blank lines starts on line 3.
    let single = format!(
        "\n\n{}",
        String::from_utf8(SINGLE.to_vec())?.replace("10.50.8.8", "10.50.8")
    );
    let message = error("one.json", &single);
    assert!(
        message.starts_with(
            "one.json:3: field jsonPayload.connection.dest_ip: expected an IP address, found \"10.50.8\""
        ),
        "{message}"
    );
    Ok(())
}

#[test]
fn malformed_documents_are_fatal_even_with_skip_bad() {
    let broken = "[\n  {\"jsonPayload\": {}},\n  {\"jsonPayload\": %}\n]\n";
    let message = parse(Format::GcpVpcFlow, "a.json", broken.as_bytes(), true)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message
            .starts_with("a.json:3: expected Cloud Logging entries as JSON, found expected value"),
        "{message}"
    );
    let cut = "[\n  {\"jsonPayload\": {\"connection\": {\n";
    let message = error("cut.json", cut);
    assert!(
        message.starts_with("cut.json:3: expected Cloud Logging entries as JSON, found EOF"),
        "{message}"
    );
    assert!(message.contains("was it cut short?"), "{message}");
    let trailing = error("t.json", "[]\n]\n");
    assert!(
        trailing.starts_with(
            "t.json:2: expected Cloud Logging entries as JSON, found trailing characters"
        ),
        "{trailing}"
    );
    let pretty_cut = error("p.json", "\n{\n  \"jsonPayload\": {\n");
    assert!(
        pretty_cut.starts_with("p.json:4: expected Cloud Logging entries as JSON, found EOF"),
        "{pretty_cut}"
    );
}

#[test]
fn overlong_lines_are_refused_clearly() {
    let mut text = b"{\"jsonPayload\":{}}\n{\"x\":\"".to_vec();
    text.extend(std::iter::repeat_n(b'1', (1 << 20) + 5));
    text.extend(b"\"}\n");
    let message = parse(Format::GcpVpcFlow, "big.json", &text, false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.starts_with("big.json:2: expected a line of at most 1 MiB, found a longer line"),
        "{message}"
    );
}
