//! NetFlow/IPFIX as text: nfdump CSV (current, csv-fast, custom `csv:%…`, legacy with its
//! trailer) and goflow2 JSON lines (v2 and v1), folded into edges.

use std::io::Cursor;

use blastwall::ingest::{self, Batch, Context, Format};
use blastwall::model::{Outcome, Protocol, SourceKind};

mod common;
use common::{edge, edges};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn parse_in_zone(
    format: Format,
    name: &str,
    bytes: &[u8],
    skip_bad: bool,
    time_zone: Option<&str>,
) -> Result<(Batch, Context), ingest::InputError> {
    let mut ctx = Context::new(name, skip_bad);
    ctx.options.time_zone = time_zone.map(str::to_string);
    let mut batch = Batch::default();
    ingest::parse(format, &mut Cursor::new(bytes), &mut ctx, &mut batch)?;
    Ok((batch, ctx))
}

fn parse(
    format: Format,
    name: &str,
    bytes: &[u8],
    skip_bad: bool,
) -> Result<(Batch, Context), ingest::InputError> {
    parse_in_zone(format, name, bytes, skip_bad, None)
}

/// The error an input stops with, rendered (empty when it does not stop).
fn error_of(format: Format, name: &str, bytes: &[u8]) -> String {
    parse(format, name, bytes, false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

const LEGACY: &[u8] = include_bytes!("fixtures/flows/netflow/nfdump-legacy.csv");
const CURRENT: &[u8] = include_bytes!("fixtures/flows/netflow/nfdump-current.csv");
const CSV_FAST: &[u8] = include_bytes!("fixtures/flows/netflow/nfdump-csv-fast.csv");
const CUSTOM: &[u8] = include_bytes!("fixtures/flows/netflow/nfdump-custom.csv");
const GOFLOW2_V2: &[u8] = include_bytes!("fixtures/flows/netflow/goflow2-v2.json");
const GOFLOW2_V1: &[u8] = include_bytes!("fixtures/flows/netflow/goflow2-v1.json");

/// 2025-04-02 10:15:03 UTC.
const T0: i64 = 1_743_588_903;

#[test]
fn formats_are_detected_from_content() {
    for bytes in [LEGACY, CURRENT, CSV_FAST, CUSTOM] {
        assert_eq!(ingest::detect(bytes), Some(Format::Nfdump));
    }
    for bytes in [GOFLOW2_V2, GOFLOW2_V1] {
        assert_eq!(ingest::detect(bytes), Some(Format::Goflow2));
    }
    assert_eq!(
        ingest::detect(b"name,ip,app\nweb1,10.0.0.1,shop\n"),
        Some(Format::Cmdb)
    );
    for other in [
        &b"hostname,ip,owner,srcAddr,dstAddr\n"[..],
        b"client,server,port,protocol,records,bytes\n10.0.0.1,10.0.0.2,443,tcp,1,2\n",
        b"{\"flow\":{\"verdict\":\"FORWARDED\"},\"node_name\":\"n\"}\n",
        b"{\"ts\":1.5,\"id.orig_h\":\"10.0.0.1\",\"id.resp_h\":\"10.0.0.2\"}\n",
    ] {
        let format = ingest::detect(other);
        assert!(
            format != Some(Format::Nfdump) && format != Some(Format::Goflow2),
            "{format:?}: {}",
            String::from_utf8_lossy(other)
        );
    }
}

#[test]
fn nfdump_legacy_layout_stops_at_its_summary() -> TestResult {
    let (batch, _) = parse(Format::Nfdump, "legacy.csv", LEGACY, false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (6, 0));
    assert_eq!(edges(&batch).len(), 5);
    let https = edge(&batch, "10.30.1.20", "10.30.8.5", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!(
        (https.records, https.accepted, https.bytes, https.packets),
        (2, 2, 9421 + 20480, 18 + 14),
        "the reply half folds into the request edge"
    );
    assert_eq!(
        (https.first_seen, https.last_seen),
        (Some(T0), Some(T0 + 6))
    );
    assert!(https.sources.contains(SourceKind::Nfdump));
    // Legacy ICMP `dp` is type*256+code (2048 = echo request): the edge has port 0.
    let ping = edge(&batch, "10.30.1.20", "10.30.8.5", 0, Protocol::ICMP).ok_or("ping")?;
    assert_eq!(ping.bytes, 84);
    assert!(edge(&batch, "10.30.8.5", "10.30.1.20", 0, Protocol::ICMP).is_some());
    let dns = edge(
        &batch,
        "2001:db8:30::14",
        "2001:db8:30::53",
        53,
        Protocol::UDP,
    )
    .ok_or("dns")?;
    assert_eq!(
        (dns.bytes, dns.packets),
        (73 + 121, 2),
        "in and out counters add up"
    );
    assert_eq!(
        (dns.first_seen, dns.last_seen),
        (Some(T0 + 57), Some(T0 + 58))
    );
    assert!(edge(&batch, "10.30.0.1", "224.0.0.5", 0, Protocol(89)).is_some());
    assert_eq!(
        batch.warnings,
        [
            "legacy.csv: nfdump local times read as UTC (pass --tz ZONE if nfdump ran in another time zone)"
        ]
    );
    Ok(())
}

#[test]
fn nfdump_current_layout_reads_local_times_in_the_zone() -> TestResult {
    let (batch, _) = parse_in_zone(
        Format::Nfdump,
        "current.csv",
        CURRENT,
        false,
        Some("Europe/Berlin"),
    )?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (5, 0));
    assert_eq!(edges(&batch).len(), 5);
    // 12:15:03 in Berlin (CEST, +02:00) is 10:15:03 UTC; the end is start + duration.
    let https = edge(&batch, "10.30.1.20", "10.30.8.5", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!(
        (https.first_seen, https.last_seen),
        (Some(T0), Some(T0 + 6))
    );
    assert_eq!((https.bytes, https.packets), (9421, 18));
    // A record from the server (source port 443) belongs to the client's edge.
    let api = edge(&batch, "10.30.1.20", "10.30.2.7", 443, Protocol::TCP).ok_or("api")?;
    assert_eq!((api.bytes, api.packets), (52000, 40));
    assert_eq!(
        (api.first_seen, api.last_seen),
        (Some(T0 + 4), Some(T0 + 16))
    );
    assert!(
        edge(&batch, "10.30.1.20", "10.30.8.5", 0, Protocol::ICMP).is_some(),
        "ICMP `type.code` ports are not ports"
    );
    let mdns = edge(&batch, "10.30.1.20", "10.30.1.255", 5353, Protocol::UDP).ok_or("mdns")?;
    assert_eq!(mdns.first_seen, None, "0000-00-00 is no time");
    assert!(
        edge(
            &batch,
            "2001:db8:30::14",
            "2001:db8:30::53",
            53,
            Protocol::UDP
        )
        .is_some()
    );
    assert_eq!(
        batch.warnings,
        ["current.csv: nfdump local times read in Europe/Berlin (--tz)"]
    );
    Ok(())
}

#[test]
fn nfdump_local_times_default_to_utc_or_take_an_offset() -> TestResult {
    let (utc, _) = parse(Format::Nfdump, "current.csv", CURRENT, false)?;
    let https = edge(&utc, "10.30.1.20", "10.30.8.5", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!(
        https.first_seen,
        Some(T0 + 7200),
        "without --tz the times are UTC"
    );
    let (offset, _) = parse_in_zone(
        Format::Nfdump,
        "current.csv",
        CURRENT,
        false,
        Some("+02:00"),
    )?;
    let https = edge(&offset, "10.30.1.20", "10.30.8.5", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!(https.first_seen, Some(T0));
    Ok(())
}

#[test]
fn nfdump_csv_fast_has_epoch_milliseconds_and_needs_no_zone() -> TestResult {
    let (batch, _) = parse(Format::Nfdump, "fast.csv", CSV_FAST, false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (4, 0));
    assert_eq!(edges(&batch).len(), 3);
    let https = edge(&batch, "10.30.1.20", "10.30.8.5", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!((https.records, https.bytes, https.packets), (2, 29901, 32));
    assert_eq!(
        (https.first_seen, https.last_seen),
        (Some(T0), Some(T0 + 8))
    );
    assert!(edge(&batch, "10.30.1.20", "10.30.8.5", 0, Protocol::ICMP).is_some());
    assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
    Ok(())
}

#[test]
fn nfdump_custom_header_with_epoch_seconds_and_tunnel_lines() -> TestResult {
    let (batch, _) = parse(Format::Nfdump, "custom.csv", CUSTOM, false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (4, 0));
    assert_eq!(edges(&batch).len(), 4);
    let https = edge(&batch, "10.30.1.20", "10.30.8.5", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!((https.bytes, https.packets), (9421 + 20480, 18 + 14));
    assert_eq!(
        (https.first_seen, https.last_seen),
        (Some(T0), Some(T0 + 6))
    );
    // The tunnel line nfdump prints before a tunnelled flow is an edge of its own.
    assert!(edge(&batch, "198.51.100.1", "198.51.100.2", 0, Protocol(47)).is_some());
    assert!(edge(&batch, "10.30.3.3", "10.30.4.4", 8125, Protocol::UDP).is_some());
    let ping6 = edge(
        &batch,
        "2001:db8:30::14",
        "2001:db8:30::1",
        0,
        Protocol::ICMPV6,
    )
    .ok_or("ping6")?;
    assert_eq!((ping6.first_seen, ping6.bytes), (None, 128));
    assert!(batch.warnings.is_empty());
    Ok(())
}

#[test]
fn nfdump_concatenated_exports_start_again_after_the_trailer() -> TestResult {
    let text = "ts,te,td,sa,da,sp,dp,pr,ipkt,ibyt\n\
                2025-04-02 10:15:03,2025-04-02 10:15:03,0.000,10.0.0.1,10.0.0.2,40000,443,TCP,1,60\n\
                Summary\n\
                flows,bytes,packets,avg_bps,avg_pps,avg_bpp\n\
                1,60,1,0,0,60\n\
                \n\
                ts,te,td,sa,da,sp,dp,pr,ipkt,ibyt\n\
                2025-04-02 10:15:04,2025-04-02 10:15:04,0.000,10.0.0.3,10.0.0.2,40001,443,TCP,1,60\n\
                Summary\n";
    let (batch, _) = parse(Format::Nfdump, "cat.csv", text.as_bytes(), false)?;
    assert_eq!(batch.flows.records, 2);
    assert!(edge(&batch, "10.0.0.3", "10.0.0.2", 443, Protocol::TCP).is_some());
    assert_eq!(batch.warnings.len(), 1, "one note per file");
    Ok(())
}

#[test]
fn nfdump_errors_name_file_line_and_column() {
    let cases = [
        (
            "10.0.0.1,10.0.0.2,6\n",
            "q.csv:1: field header: expected a header line naming the columns",
        ),
        (
            "firstSeen,srcAddr,dstAddr,dstPort\n",
            "q.csv:1: field header: expected a header naming srcAddr, dstAddr, proto, srcPort and dstPort",
        ),
        (
            "firstSeen,proto,srcAddr,srcPort,dstAddr,dstPort\n1.0,6,10.0.0.1,1,10.0.0.2,2\n1.0,6,10.30.1.999,1,10.0.0.2,2\n",
            "q.csv:3: field srcAddr: expected an IP address, found \"10.30.1.999\"",
        ),
        (
            "sa,da,sp,dp,pr\n10.0.0.1,10.0.0.2,1,70000,TCP\n",
            "q.csv:2: field dp: expected a port number, found \"70000\"",
        ),
        (
            "sa,da,sp,dp,pr\n10.0.0.1,10.0.0.2,1,2,WARP\n",
            "q.csv:2: field pr: expected a protocol number or name, found \"WARP\"",
        ),
        (
            "firstSeen,proto,srcAddr,srcPort,dstAddr,dstPort\n2025-04-02 25:00:00,6,10.0.0.1,1,10.0.0.2,2\n",
            "q.csv:2: field firstSeen: expected a time (YYYY-MM-DD HH:MM:SS[.mmm], or epoch seconds or milliseconds), found \"2025-04-02 25:00:00\"",
        ),
        (
            "proto,srcAddr,srcPort,dstAddr,dstPort,bytes\n6,10.0.0.1,1,10.0.0.2,2,lots\n",
            "q.csv:2: field bytes: expected a count, found \"lots\"",
        ),
        (
            "proto,srcAddr,srcPort,dstAddr,dstPort\n6,10.0.0.1,1,10.0.0.2\n",
            "q.csv:2: expected 5 fields as in the header, found 4 fields",
        ),
    ];
    for (text, start) in cases {
        let error = error_of(Format::Nfdump, "q.csv", text.as_bytes());
        assert!(error.starts_with(start), "{error}");
        assert!(error.contains("hint:"), "{error}");
    }
}

#[test]
fn nfdump_unknown_time_zone_is_refused() {
    let error = parse_in_zone(
        Format::Nfdump,
        "t.csv",
        CURRENT,
        false,
        Some("Mars/Olympus"),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        error.starts_with("t.csv: field --tz: expected a time zone: an IANA name such as Europe/Berlin, UTC, or an offset such as +02:00, found \"Mars/Olympus\""),
        "{error}"
    );
    assert!(error.contains("hint:"), "{error}");
}

#[test]
fn nfdump_skip_bad_imports_the_rest() -> TestResult {
    let text = "sa,da,sp,dp,pr\n10.0.0.1,10.0.0.2,40000,443,TCP\nnonsense,10.0.0.2,40000,443,TCP\n10.0.0.3,10.0.0.2,40000,443,TCP\n";
    let (batch, ctx) = parse(Format::Nfdump, "mixed.csv", text.as_bytes(), true)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (3, 1));
    assert_eq!(edges(&batch).len(), 2);
    assert_eq!(ctx.skipped.len(), 1);
    assert_eq!(ctx.skipped[0].error.line, Some(3));
    assert_eq!(ctx.skipped[0].error.field.as_deref(), Some("sa"));
    Ok(())
}

#[test]
fn goflow2_v2_scales_sampled_counters_and_skips_lost_protocols() -> TestResult {
    let (batch, _) = parse(Format::Goflow2, "v2.json", GOFLOW2_V2, false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (9, 2));
    assert_eq!(edges(&batch).len(), 6);
    let pg = edge(&batch, "10.40.2.15", "10.40.9.8", 5432, Protocol::TCP).ok_or("pg")?;
    assert_eq!(
        (pg.records, pg.accepted, pg.bytes, pg.packets),
        (2, 2, 18422 + 52000, 31 + 40),
        "the reply half folds into the request edge"
    );
    assert_eq!(
        (pg.first_seen, pg.last_seen),
        (Some(1_748_941_180), Some(1_748_941_205))
    );
    assert!(pg.sources.contains(SourceKind::Goflow2));
    assert_eq!(pg.outcome(), Outcome::Accepted);
    let https = edge(&batch, "10.40.2.16", "10.40.9.9", 443, Protocol::TCP).ok_or("https")?;
    assert_eq!(
        (https.bytes, https.packets),
        (1500 * 100, 3 * 100),
        "sampling_rate 100"
    );
    assert!(edge(&batch, "10.40.2.15", "10.40.9.8", 0, Protocol::ICMP).is_some());
    assert!(
        edge(
            &batch,
            "2001:db8:40::15",
            "2001:db8:40::1",
            0,
            Protocol::ICMPV6
        )
        .is_some()
    );
    let dns = edge(&batch, "10.40.2.17", "10.40.9.53", 53, Protocol::UDP).ok_or("dns")?;
    assert_eq!((dns.bytes, dns.packets), (80 * 512, 512));
    assert_eq!(
        (dns.first_seen, dns.last_seen),
        (Some(1_748_941_215), Some(1_748_941_215)),
        "sFlow samples have no flow times: the time received"
    );
    assert!(
        edge(&batch, "10.40.2.18", "10.40.9.123", 123, Protocol::UDP).is_some(),
        "numeric proto; equal ports: the destination is the server"
    );
    assert_eq!(batch.warnings.len(), 2);
    assert!(batch.warnings[0].starts_with("v2.json: 1 goflow2 records left out"));
    assert!(batch.warnings[1].starts_with("v2.json: 1 goflow2 records without IP addresses"));
    Ok(())
}

#[test]
fn goflow2_v1_reads_camel_case_keys() -> TestResult {
    let (batch, _) = parse(Format::Goflow2, "v1.json", GOFLOW2_V1, false)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (4, 0));
    assert_eq!(edges(&batch).len(), 3);
    let ssh = edge(&batch, "10.50.1.10", "10.50.2.20", 22, Protocol::TCP).ok_or("ssh")?;
    assert_eq!((ssh.records, ssh.bytes, ssh.packets), (2, 13000, 22));
    assert_eq!(
        (ssh.first_seen, ssh.last_seen),
        (Some(1_703_760_950), Some(1_703_760_961))
    );
    let syslog = edge(&batch, "10.50.1.11", "10.50.2.21", 514, Protocol::UDP).ok_or("syslog")?;
    assert_eq!((syslog.bytes, syslog.packets), (940, 10));
    assert_eq!(
        (syslog.first_seen, syslog.last_seen),
        (Some(1_703_760_961), Some(1_703_760_962)),
        "TimeFlowStartMs where TimeFlowStart is 0"
    );
    let ping = edge(&batch, "10.50.2.20", "10.50.1.10", 0, Protocol::ICMP).ok_or("ping")?;
    assert_eq!(ping.first_seen, Some(1_703_760_970));
    assert!(batch.warnings.is_empty());
    Ok(())
}

#[test]
fn goflow2_errors_name_file_line_and_key() {
    let cases = [
        (
            "{\"src_addr\":\"10.0.0.1\",\"dst_addr\":\"10.0.0.2\",\"proto\":6}\n{\"src_addr\": \n",
            "g.json:2: expected a goflow2 flow message as JSON, found",
        ),
        (
            "level=info msg=\"starting GoFlow2\"\n",
            "g.json:1: expected a goflow2 flow message as JSON, found \"level=info",
        ),
        (
            r#"{"src_addr":"10.0.0.300","dst_addr":"10.0.0.2","proto":"TCP"}"#,
            "g.json:1: field src_addr: expected an IP address, found \"10.0.0.300\"",
        ),
        (
            r#"{"SrcAddr":"10.0.0.1","DstAddr":"","Proto":6}"#,
            "g.json:1: field DstAddr: expected an IP address, found \"\"",
        ),
        (
            r#"{"src_addr":"10.0.0.1","dst_addr":"10.0.0.2","proto":"BOGUS"}"#,
            "g.json:1: field proto: expected a protocol number or name, found \"BOGUS\"",
        ),
        (
            r#"{"src_addr":"10.0.0.1","dst_addr":"10.0.0.2"}"#,
            "g.json:1: field proto: expected a protocol number or name, found nothing",
        ),
        (
            r#"{"src_addr":"10.0.0.1","dst_addr":"10.0.0.2","proto":"UDP","dst_port":70000}"#,
            "g.json:1: field dst_port: expected a port number, found 70000",
        ),
        (
            r#"{"src_addr":"10.0.0.1","dst_addr":"10.0.0.2","proto":"UDP","bytes":-5}"#,
            "g.json:1: field bytes: expected a count, found -5",
        ),
        (
            r#"{"SrcAddr":"10.0.0.1","DstAddr":"10.0.0.2","Proto":6,"TimeFlowStart":"soon"}"#,
            "g.json:1: field TimeFlowStart: expected a time, found \"soon\"",
        ),
    ];
    for (text, start) in cases {
        let error = error_of(Format::Goflow2, "g.json", text.as_bytes());
        assert!(error.starts_with(start), "{error}");
        assert!(error.contains("hint:"), "{error}");
    }
}

#[test]
fn goflow2_skip_bad_imports_the_rest() -> TestResult {
    let text = "{\"src_addr\":\"10.0.0.1\",\"dst_addr\":\"10.0.0.2\",\"proto\":\"TCP\",\"src_port\":40000,\"dst_port\":443}\nnot json\n{\"src_addr\":\"10.0.0.3\",\"dst_addr\":\"10.0.0.2\",\"proto\":\"TCP\",\"src_port\":40000,\"dst_port\":443}\n";
    let (batch, ctx) = parse(Format::Goflow2, "mixed.json", text.as_bytes(), true)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (3, 1));
    assert_eq!(edges(&batch).len(), 2);
    assert_eq!(ctx.skipped.len(), 1);
    assert_eq!(ctx.skipped[0].error.line, Some(2));
    Ok(())
}

#[test]
fn overlong_lines_are_bad_records() {
    let mut text = b"sa,da,sp,dp,pr\n".to_vec();
    text.extend(std::iter::repeat_n(b'1', (1 << 20) + 5));
    let error = error_of(Format::Nfdump, "big.csv", &text);
    assert!(
        error.starts_with("big.csv:2: expected a line of at most 1 MiB, found"),
        "{error}"
    );
    let error = error_of(Format::Goflow2, "big.json", &text[15..]);
    assert!(
        error.starts_with("big.json:1: expected a line of at most 1 MiB"),
        "{error}"
    );
}
