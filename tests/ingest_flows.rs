//! Flow importers: the verbatim and own examples of the format reference, folded into edges.

use blastwall::ingest::Format;
use blastwall::model::Protocol;

mod common;
use common::{edge, edges, parse};

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn vpc_default_format_folds_replies_and_counts_nodata() -> TestResult {
    let (batch, _) = parse(
        Format::AwsVpcFlow,
        "vpc.log",
        include_bytes!("fixtures/flows/vpc-default.log"),
        false,
    )?;
    assert_eq!(batch.flows.records, 8);
    assert_eq!(batch.flows.skipped, 2);
    assert_eq!(edges(&batch).len(), 5);
    let ssh = edge(&batch, "172.31.16.139", "172.31.16.21", 22, Protocol::TCP).ok_or("ssh edge")?;
    assert_eq!((ssh.records, ssh.bytes, ssh.accepted), (2, 4249 + 3200, 2));
    assert_eq!(
        (ssh.first_seen, ssh.last_seen),
        (Some(1418530010), Some(1418530070))
    );
    let rdp = edge(&batch, "172.31.9.69", "172.31.9.12", 3389, Protocol::TCP).ok_or("rdp edge")?;
    assert_eq!(rdp.outcome(), blastwall::model::Outcome::Rejected);
    // ICMP has no ports: request and reply are two edges on port 0.
    assert!(edge(&batch, "203.0.113.12", "172.31.16.139", 0, Protocol::ICMP).is_some());
    assert!(edge(&batch, "172.31.16.139", "203.0.113.12", 0, Protocol::ICMP).is_some());
    Ok(())
}

#[test]
fn vpc_custom_format_uses_its_header_and_packet_addresses() -> TestResult {
    let (batch, _) = parse(
        Format::AwsVpcFlow,
        "v5.log",
        include_bytes!("fixtures/flows/vpc-custom-v5.log"),
        false,
    )?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (6, 1));
    assert_eq!(edges(&batch).len(), 4);
    let pg = edge(&batch, "10.0.12.57", "10.0.40.21", 5432, Protocol::TCP).ok_or("pg edge")?;
    assert_eq!(
        pg.records, 2,
        "the SYN-ACK half folds into the request edge"
    );
    assert!(
        edge(&batch, "10.0.77.7", "10.0.40.21", 5432, Protocol::TCP).is_some(),
        "pkt-srcaddr wins"
    );
    assert!(edge(&batch, "10.0.12.200", "10.0.40.21", 5432, Protocol::TCP).is_none());
    Ok(())
}

#[test]
fn vpc_without_header_is_read_as_the_default_layout() -> TestResult {
    let text = "2 123456789010 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 100 1 2 ACCEPT OK\n";
    let (batch, _) = parse(Format::AwsVpcFlow, "cw.log", text.as_bytes(), false)?;
    assert!(edge(&batch, "10.0.0.1", "10.0.0.2", 443, Protocol::TCP).is_some());
    Ok(())
}

#[test]
fn vpc_bad_records_name_file_line_and_field() {
    let text = "version srcaddr dstaddr srcport dstport protocol action\n2 10.0.0.1 10.0.0.2 40000 443 6 ACCEPT\n2 10.0.0.1 10.0.0.999 40000 443 6 ACCEPT\n";
    let error = parse(Format::AwsVpcFlow, "bad.log", text.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("bad.log:3: field dstaddr: expected an IP address, found \"10.0.0.999\""),
        "{error}"
    );
    assert!(error.contains("hint:"), "{error}");

    let short = "version srcaddr dstaddr srcport dstport protocol\n2 10.0.0.1 10.0.0.2 40000\n";
    let error = parse(Format::AwsVpcFlow, "short.log", short.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("short.log:2: expected 6 fields as in the header, found 4 fields"),
        "{error}"
    );

    let header = "version account-id interface-id\n";
    let error = parse(Format::AwsVpcFlow, "hdr.log", header.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("hdr.log:1: field header: expected a header naming at least srcaddr"),
        "{error}"
    );

    let action = "version srcaddr dstaddr srcport dstport protocol action\n2 10.0.0.1 10.0.0.2 1 2 6 MAYBE\n";
    let error = parse(Format::AwsVpcFlow, "a.log", action.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("a.log:2: field action: expected ACCEPT, REJECT or -"),
        "{error}"
    );
}

#[test]
fn skip_bad_imports_the_rest_and_counts_the_skipped() -> TestResult {
    let text = "version srcaddr dstaddr srcport dstport protocol\n2 10.0.0.1 10.0.0.2 40000 443 6\n2 nonsense 10.0.0.2 40000 443 6\n2 10.0.0.3 10.0.0.2 40000 443 6\n";
    let (batch, ctx) = parse(Format::AwsVpcFlow, "mixed.log", text.as_bytes(), true)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (3, 1));
    assert_eq!(edges(&batch).len(), 2);
    assert_eq!(ctx.skipped.len(), 1);
    assert_eq!(ctx.skipped[0].error.line, Some(3));
    Ok(())
}

#[test]
fn overlong_lines_are_refused_clearly() {
    let mut text = b"version srcaddr dstaddr srcport dstport protocol\n".to_vec();
    text.extend(std::iter::repeat_n(b'1', (1 << 20) + 5));
    text.push(b'\n');
    let error = parse(Format::AwsVpcFlow, "big.log", &text, false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("big.log:2: expected a line of at most 1 MiB, found a longer line"),
        "{error}"
    );
}

#[test]
fn zeek_tsv_by_its_header() -> TestResult {
    let (batch, _) = parse(
        Format::Zeek,
        "conn.log",
        include_bytes!("fixtures/flows/conn.log"),
        false,
    )?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (6, 0));
    assert_eq!(edges(&batch).len(), 6);
    let pg = edge(&batch, "10.1.4.22", "10.1.9.30", 5432, Protocol::TCP).ok_or("pg")?;
    assert_eq!(pg.bytes, 7530 + 94461);
    assert_eq!(
        (pg.first_seen, pg.last_seen),
        (Some(1747044001), Some(1747044013))
    );
    let ssh = edge(&batch, "198.51.100.9", "10.1.9.30", 22, Protocol::TCP).ok_or("ssh")?;
    assert_eq!(
        ssh.outcome(),
        blastwall::model::Outcome::Rejected,
        "S0 is an attempt"
    );
    let syslog = edge(&batch, "10.1.4.22", "10.1.9.40", 514, Protocol::UDP).ok_or("syslog")?;
    assert_eq!(
        syslog.outcome(),
        blastwall::model::Outcome::Accepted,
        "one-way UDP is normal"
    );
    assert!(edge(&batch, "10.1.4.22", "10.1.9.30", 0, Protocol::ICMP).is_some());
    assert!(
        edge(
            &batch,
            "2001:db8:10::22",
            "2001:db8:90::30",
            443,
            Protocol::TCP
        )
        .is_some()
    );
    Ok(())
}

#[test]
fn zeek_json_lines_skip_other_logs() -> TestResult {
    let (batch, _) = parse(
        Format::Zeek,
        "conn.json",
        include_bytes!("fixtures/flows/conn.json.log"),
        false,
    )?;
    assert_eq!(batch.flows.records, 2);
    assert_eq!(edges(&batch).len(), 2);
    Ok(())
}

#[test]
fn zeek_errors() {
    let no_header = "1747044001.1\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\n";
    let error = parse(Format::Zeek, "z.log", no_header.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("z.log:1: expected a #fields header line before the first record"),
        "{error}"
    );
    let dns = "#separator \\x09\n#fields\tts\tuid\tquery\n";
    let error = parse(Format::Zeek, "dns.log", dns.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("dns.log:2: field #fields: expected a id.orig_h column"),
        "{error}"
    );
    let bad_port = "#fields\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n10.0.0.1\t1\t10.0.0.2\t99999\ttcp\n";
    let error = parse(Format::Zeek, "p.log", bad_port.as_bytes(), false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("p.log:2: field id.resp_p: expected a port number, found \"99999\""),
        "{error}"
    );
}

#[test]
fn hubble_flows_fold_replies_and_skip_non_flow_lines() -> TestResult {
    let (batch, _) = parse(
        Format::Hubble,
        "hubble.json",
        include_bytes!("fixtures/flows/hubble.json"),
        false,
    )?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (6, 0));
    assert_eq!(edges(&batch).len(), 4);
    let api = edge(&batch, "10.244.1.15", "10.244.2.48", 8443, Protocol::TCP).ok_or("api")?;
    assert_eq!(api.records, 2, "the is_reply half folds into the request");
    let dropped =
        edge(&batch, "10.244.3.22", "10.244.2.48", 8443, Protocol::TCP).ok_or("dropped")?;
    assert_eq!(dropped.outcome(), blastwall::model::Outcome::Rejected);
    let dns = edge(&batch, "10.244.1.15", "10.244.0.12", 53, Protocol::UDP).ok_or("dns")?;
    assert_eq!(
        (dns.records, dns.accepted),
        (2, 2),
        "AUDIT is accepted; legacy reply:true folds"
    );
    assert!(
        edge(
            &batch,
            "fd00:10:244:1::f",
            "2001:db8:ff::10",
            0,
            Protocol::ICMPV6
        )
        .is_some()
    );
    let pods: Vec<&str> = batch
        .flows
        .hints
        .iter()
        .map(|h| h.pod_name.as_str())
        .collect();
    assert!(pods.contains(&"payments-api-5c8d7f9b6-m3n4p"));
    Ok(())
}

#[test]
fn hubble_errors() {
    let error = parse(Format::Hubble, "h.json", b"{\"flow\":{\"IP\":{\"source\":\"10.0.0.1\",\"destination\":\"nope\"},\"l4\":{\"TCP\":{\"destination_port\":80}}}}\n", false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("h.json:1: field IP.destination: expected an IP address, found \"nope\""),
        "{error}"
    );
    let error = parse(Format::Hubble, "h.json", b"{\"flow\": \n", false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with("h.json:1: expected a Hubble flow as JSON"),
        "{error}"
    );
}

#[test]
fn vpc_direction_is_the_lower_port_and_flags_only_break_ties() -> TestResult {
    let text = "srcaddr dstaddr srcport dstport protocol tcp-flags\n\
                10.0.0.2 10.0.0.1 443 40000 6 2\n\
                10.0.0.5 10.0.0.6 7000 7000 6 18\n";
    let (batch, _) = parse(Format::AwsVpcFlow, "dir.log", text.as_bytes(), false)?;
    // Inconsistent flags do not split an edge: the lower port decides.
    assert!(edge(&batch, "10.0.0.1", "10.0.0.2", 443, Protocol::TCP).is_some());
    // Equal ports: SYN-ACK comes from the server.
    assert!(edge(&batch, "10.0.0.6", "10.0.0.5", 7000, Protocol::TCP).is_some());
    Ok(())
}

#[test]
fn concatenated_vpc_files_repeat_their_header() -> TestResult {
    let text = "version srcaddr dstaddr srcport dstport protocol\n2 10.0.0.1 10.0.0.2 40000 443 6\nsrcaddr dstaddr dstport srcport protocol\n10.0.0.3 10.0.0.2 443 40000 6\n";
    let (batch, _) = parse(Format::AwsVpcFlow, "cat.log", text.as_bytes(), false)?;
    assert_eq!(batch.flows.records, 2);
    assert!(edge(&batch, "10.0.0.3", "10.0.0.2", 443, Protocol::TCP).is_some());
    Ok(())
}
