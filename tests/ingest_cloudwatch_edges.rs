//! Header-less VPC flow logs (CloudWatch exports, `--fields`) and Blastwall's edges CSV.

use std::io::Cursor;
use std::net::IpAddr;

use blastwall::ingest::{self, Batch, Context, Format, ParseOptions, vpc::field_names};
use blastwall::model::{EdgeStats, Outcome, Protocol, SourceKind};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CUSTOM: &str = "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} \
                      ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

fn parse(
    format: Format,
    name: &str,
    bytes: &[u8],
    fields: Option<&str>,
) -> Result<Batch, ingest::InputError> {
    let mut ctx = Context::new(name, false);
    ctx.options = ParseOptions {
        vpc_fields: fields.map(field_names),
        time_zone: None,
    };
    let mut batch = Batch::default();
    ingest::parse(format, &mut Cursor::new(bytes), &mut ctx, &mut batch)?;
    Ok(batch)
}

fn edge(
    batch: &Batch,
    client: &str,
    server: &str,
    port: u16,
    protocol: Protocol,
) -> Option<EdgeStats> {
    let (client, server): (IpAddr, IpAddr) = (client.parse().ok()?, server.parse().ok()?);
    let mut found: Option<EdgeStats> = None;
    for (key, stats) in batch.flows.edges.iter() {
        if (key.client, key.server, key.port, key.protocol) == (client, server, port, protocol) {
            found.get_or_insert_with(EdgeStats::default).merge(&stats);
        }
    }
    found
}

fn error_of(result: Result<Batch, ingest::InputError>) -> String {
    result.err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn field_names_accept_log_format_syntax() {
    assert_eq!(field_names("${version} ${srcaddr}"), ["version", "srcaddr"]);
    assert_eq!(
        field_names(" version  srcaddr,dstaddr "),
        ["version", "srcaddr", "dstaddr"]
    );
}

#[test]
fn cloudwatch_filter_log_events_with_fields() -> TestResult {
    let bytes = include_bytes!("fixtures/flows/cloudwatch/filter-log-events.json");
    assert_eq!(ingest::detect(bytes), Some(Format::AwsVpcFlow));
    let batch = parse(Format::AwsVpcFlow, "cw.json", bytes, Some(CUSTOM))?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (4, 1));
    let pg = edge(&batch, "10.0.12.57", "10.0.40.21", 5432, Protocol::TCP).ok_or("pg edge")?;
    assert_eq!((pg.records, pg.bytes), (2, 2960 + 4410));
    let ssh = edge(&batch, "198.51.100.77", "10.0.12.57", 22, Protocol::TCP).ok_or("ssh edge")?;
    assert_eq!(ssh.outcome(), Outcome::Rejected);
    Ok(())
}

#[test]
fn cloudwatch_without_fields_says_what_to_pass() {
    let bytes = include_bytes!("fixtures/flows/cloudwatch/filter-log-events.json");
    let error = error_of(parse(Format::AwsVpcFlow, "cw.json", bytes, None));
    assert!(
        error.starts_with("cw.json:6: expected a header line naming the fields, or the 14 fields of the default format, found a record of 13 fields without a header"),
        "{error}"
    );
    assert!(error.contains("pass --fields"), "{error}");
    let error = error_of(parse(
        Format::AwsVpcFlow,
        "c.log",
        include_bytes!("fixtures/flows/cloudwatch/custom.log"),
        None,
    ));
    assert!(
        error.starts_with("c.log:1: expected a header line"),
        "{error}"
    );
    let error = error_of(parse(
        Format::AwsVpcFlow,
        "c.log",
        b"1 2 3\n",
        Some("srcaddr dst_addr"),
    ));
    assert!(
        error.starts_with("c.log:1: field --fields: expected flow log field names"),
        "{error}"
    );
}

#[test]
fn subscription_envelopes_skip_control_messages() -> TestResult {
    let bytes = include_bytes!("fixtures/flows/cloudwatch/subscription.ndjson");
    assert_eq!(ingest::detect(bytes), Some(Format::AwsVpcFlow));
    let batch = parse(Format::AwsVpcFlow, "sub.ndjson", bytes, None)?;
    assert_eq!((batch.flows.records, batch.flows.skipped), (2, 0));
    assert!(edge(&batch, "10.0.12.57", "10.0.30.9", 443, Protocol::TCP).is_some());
    Ok(())
}

#[test]
fn plain_headerless_records_with_fields() -> TestResult {
    let batch = parse(
        Format::AwsVpcFlow,
        "c.log",
        include_bytes!("fixtures/flows/cloudwatch/custom.log"),
        Some(CUSTOM),
    )?;
    assert_eq!(batch.flows.records, 2);
    assert_eq!(batch.flows.edges.len(), 1);
    Ok(())
}

#[test]
fn edges_csv_imports_aggregates_as_they_are() -> TestResult {
    let bytes = include_bytes!("fixtures/flows/edges/edges.csv");
    assert_eq!(ingest::detect(bytes), Some(Format::EdgesCsv));
    let batch = parse(Format::EdgesCsv, "edges.csv", bytes, None)?;
    assert_eq!(
        batch.flows.records,
        1520 + 88_000 + 41 + 12 + 5,
        "records count as flow records"
    );
    assert_eq!(batch.flows.edges.len(), 5);
    let pg = edge(&batch, "10.1.4.22", "10.1.9.30", 5432, Protocol::TCP).ok_or("pg")?;
    assert_eq!(
        (pg.records, pg.bytes, pg.packets),
        (1520, 98_311_200, 80_211)
    );
    assert!(pg.sources.contains(SourceKind::Edges));
    let dns = edge(&batch, "10.1.4.22", "10.1.0.2", 53, Protocol::UDP).ok_or("dns")?;
    assert_eq!(
        (dns.first_seen, dns.last_seen),
        (Some(1_747_044_000), Some(1_747_130_400))
    );
    let ssh = edge(&batch, "198.51.100.9", "10.1.9.30", 22, Protocol::TCP).ok_or("ssh")?;
    assert_eq!((ssh.outcome(), ssh.rejected), (Outcome::Rejected, 41));
    assert!(edge(&batch, "10.1.4.22", "10.1.9.30", 0, Protocol::ICMP).is_some());
    Ok(())
}

#[test]
fn edges_csv_errors() {
    let error = error_of(parse(
        Format::EdgesCsv,
        "e.csv",
        b"client,server,port\n10.0.0.1,10.0.0.2,80\n",
        None,
    ));
    assert!(
        error.starts_with("e.csv:1: field header: expected a protocol column"),
        "{error}"
    );
    let cases: [(&[u8], &str); 5] = [
        (
            b"client,server,port,protocol\n10.0.0.1,10.0.0.2,70000,tcp\n",
            "e.csv:2: field port: expected a port from 0 to 65535, found \"70000\"",
        ),
        (
            b"client,server,port,protocol\n10.0.0.1,nope,80,tcp\n",
            "e.csv:2: field server: expected an IP address, found \"nope\"",
        ),
        (
            b"client,server,port,protocol\n10.0.0.1,10.0.0.2,80,carrier-pigeon\n",
            "e.csv:2: field protocol: expected a protocol name or number",
        ),
        (
            b"client,server,port,protocol,outcome\n10.0.0.1,10.0.0.2,80,tcp,maybe\n",
            "e.csv:2: field outcome: expected accepted or rejected",
        ),
        (
            b"client,server,port,protocol,records\n10.0.0.1,10.0.0.2,80,tcp,0\n",
            "e.csv:2: field records: expected at least 1 record",
        ),
    ];
    for (bytes, expected) in cases {
        let error = error_of(parse(Format::EdgesCsv, "e.csv", bytes, None));
        assert!(error.starts_with(expected), "{error}");
    }
}
