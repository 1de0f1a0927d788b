//! VPC flow logs larger than one chunk: the parallel reader must give the same edges, counts,
//! line numbers and skipped records as reading line by line, wherever headers and bad records
//! fall.

mod common;

use std::collections::BTreeMap;
use std::net::IpAddr;

use blastwall::ingest::Format;
use common::{edges, ip, parse};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
/// The same fields in another order, as a concatenated file of another flow log would have.
const OTHER_HEADER: &str =
    "srcaddr dstaddr dstport srcport protocol action start end bytes packets log-status\n";

/// Client and server of record `i`, 1,500 distinct pairs.
fn ends(i: u64) -> (String, String) {
    (
        format!("10.1.{}.{}", (i % 1500) / 250, i % 250 + 1),
        format!("10.2.0.{}", i % 7 + 1),
    )
}

/// Records and bytes per (client, server).
type Totals = BTreeMap<(IpAddr, IpAddr), (u64, u64)>;

/// About 3.5 MiB: records in the default layout, then a header with another layout halfway.
fn big_log(records: u64) -> (Vec<u8>, Totals) {
    let mut text = String::from(HEADER);
    let mut expected = Totals::new();
    for i in 0..records {
        let (client, server) = ends(i);
        let bytes = 100 + i % 900;
        if i == records / 2 {
            text.push_str(OTHER_HEADER);
        }
        if i >= records / 2 {
            // Replies too: the server's port is the lower one.
            let (a, b, sport, dport) = if i % 3 == 0 {
                (&server, &client, 443, 40000 + i % 20000)
            } else {
                (&client, &server, 40000 + i % 20000, 443)
            };
            text.push_str(&format!(
                "{a} {b} {dport} {sport} 6 ACCEPT 1700000000 1700000060 {bytes} 3 OK\n"
            ));
        } else {
            text.push_str(&format!(
                "2 123456789012 eni-1 {client} {server} {} 443 6 3 {bytes} 1700000000 1700000060 ACCEPT OK\n",
                40000 + i % 20000
            ));
        }
        let entry = expected.entry((ip(&client), ip(&server))).or_default();
        entry.0 += 1;
        entry.1 += bytes;
    }
    (text.into_bytes(), expected)
}

#[test]
fn a_large_log_gives_the_same_edges_as_its_records() -> TestResult {
    let records = 40_000;
    let (bytes, expected) = big_log(records);
    assert!(bytes.len() > 3 << 20, "{}", bytes.len());
    let (batch, _) = parse(Format::AwsVpcFlow, "big.log", &bytes, false)?;
    assert_eq!(batch.flows.records, records);
    assert_eq!(batch.flows.skipped, 0);
    let found: Totals = edges(&batch)
        .into_iter()
        .map(|((client, server, port, _), stats)| {
            assert_eq!(port, 443);
            ((client, server), (stats.records, stats.bytes))
        })
        .collect();
    assert_eq!(found, expected);
    Ok(())
}

#[test]
fn the_first_bad_record_of_a_large_log_is_named_by_its_line() -> TestResult {
    let (mut bytes, _) = big_log(40_000);
    let text = String::from_utf8(bytes.clone())?;
    // Break two records far apart; the earlier one is reported.
    let lines: Vec<&str> = text.lines().collect();
    let (early, late) = (12_345usize, 35_000usize);
    let mut broken = String::new();
    for (i, line) in lines.iter().enumerate() {
        let number = i + 1;
        if number == early || number == late {
            broken.push_str(&line.replacen("ACCEPT", "MAYBE", 1));
        } else {
            broken.push_str(line);
        }
        broken.push('\n');
    }
    bytes = broken.into_bytes();
    let error = parse(Format::AwsVpcFlow, "big.log", &bytes, false)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.starts_with(&format!(
            "big.log:{early}: field action: expected ACCEPT, REJECT or -"
        )),
        "{error}"
    );
    let (batch, ctx) = parse(Format::AwsVpcFlow, "big.log", &bytes, true)?;
    let lines: Vec<Option<u64>> = ctx.skipped.iter().map(|s| s.error.line).collect();
    assert_eq!(lines, [Some(early as u64), Some(late as u64)]);
    assert_eq!(batch.flows.skipped, 2);
    assert_eq!(batch.flows.records, 40_000);
    Ok(())
}
