//! CMDB / application inventory CSV: one row per host or workload.
//!
//! RFC 4180 through the `csv` crate (quoted fields, CRLF, a UTF-8 BOM stripped). The delimiter is
//! `,` unless the header line has tabs and no comma (tab) or semicolons and no comma (`;`, as
//! Excel writes in some locales). Header names match case- and punctuation-insensitively:
//!
//! | column | aliases | value |
//! |---|---|---|
//! | name (required) | `name`, `hostname`, `host` | the workload's name |
//! | addresses | `ip`, `ips`, `ip address`, `ip addresses`, `address`, `addresses` | IPs or CIDRs separated by `;`, `,` or spaces |
//! | app | `app`, `application` | attribute |
//! | owner, tier, criticality | as named | attributes |
//! | env | `env`, `environment` | attribute |
//! | data class | `data class`, `data_classification`, `classification` | attribute |
//! | labels | `labels` | `key=value;key=value` |
//!
//! Other columns are ignored (and listed once as a warning). An address with host bits under a
//! prefix (`10.0.40.21/24`, interface notation) is that host; a network address with a prefix
//! (`10.0.50.0/24`) is a range the workload owns.

use std::collections::BTreeMap;
use std::io::{BufRead, Cursor, Read};
use std::net::IpAddr;

use csv::{ReaderBuilder, StringRecord};
use ipnet::IpNet;

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use super::lines::MAX_LINE;
use crate::model::{Attribute, WorkloadKind, WorkloadRecord};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a recognised column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Addresses,
    Labels,
    Attribute(Attribute),
}

/// Lower-cases a header name and keeps only ASCII letters and digits: `IP Address` → `ipaddress`.
pub fn normalise_header(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn column_of(header: &str) -> Option<Column> {
    let column = match normalise_header(header).as_str() {
        "name" | "hostname" | "host" => Column::Name,
        "ip" | "ips" | "ipaddress" | "ipaddresses" | "address" | "addresses" => Column::Addresses,
        "labels" => Column::Labels,
        "app" | "application" => Column::Attribute(Attribute::App),
        "owner" => Column::Attribute(Attribute::Owner),
        "tier" => Column::Attribute(Attribute::Tier),
        "env" | "environment" => Column::Attribute(Attribute::Env),
        "criticality" => Column::Attribute(Attribute::Criticality),
        "dataclass" | "dataclassification" | "classification" => {
            Column::Attribute(Attribute::DataClass)
        }
        _ => return None,
    };
    Some(column)
}

/// Where the recognised columns are.
#[derive(Debug)]
struct Layout {
    width: usize,
    name: usize,
    columns: Vec<(usize, Column)>,
}

/// Parses a CMDB CSV file into the batch.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let head = read_head(input).map_err(|e| read_error(ctx, &e))?;
    let mut reader = ReaderBuilder::new()
        .delimiter(delimiter(&head))
        .has_headers(false)
        .flexible(true)
        .from_reader(Cursor::new(head).chain(input));
    let mut record = StringRecord::new();
    if !reader
        .read_record(&mut record)
        .map_err(|e| csv_error(ctx, &e))?
    {
        return Err(ctx.error(Some(1), missing_name("an empty file".into())));
    }
    let layout = layout(&record, ctx, batch)?;
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(ctx, &e))?
    {
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        match row(&layout, &record) {
            Ok(workload) => batch.workloads.push(workload),
            Err(error) => ctx.bad(record.position().map(|p| p.line()), error)?,
        }
    }
    Ok(())
}

/// Reads up to the first non-blank line (the header), without the BOM.
fn read_head(input: &mut dyn BufRead) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut limited = input.take(MAX_LINE as u64);
    while limited.read_until(b'\n', &mut head)? > 0 {
        if head
            .iter()
            .any(|b| !b.is_ascii_whitespace() && !BOM.contains(b))
        {
            break;
        }
    }
    if head.starts_with(BOM) {
        head.drain(..BOM.len());
    }
    Ok(head)
}

fn delimiter(header: &[u8]) -> u8 {
    let has = |byte: u8| header.contains(&byte);
    if has(b'\t') && !has(b',') {
        b'\t'
    } else if has(b';') && !has(b',') {
        b';'
    } else {
        b','
    }
}

fn missing_name(found: String) -> InputError {
    InputError::new("a name column (name, hostname or host)", found)
        .field("header")
        .hint("the first line must name the columns, one of them name, hostname or host")
}

fn layout(header: &StringRecord, ctx: &Context, batch: &mut Batch) -> Result<Layout, InputError> {
    let mut columns: Vec<(usize, Column)> = Vec::new();
    let mut ignored = Vec::new();
    for (index, text) in header.iter().enumerate() {
        let text = text.trim();
        match column_of(text) {
            Some(column) if columns.iter().all(|&(_, c)| c != column) => {
                columns.push((index, column));
            }
            Some(_) => ignored.push(format!("{text} (duplicate)")),
            None if text.is_empty() => {}
            None => ignored.push(text.to_string()),
        }
    }
    let Some(&(name, _)) = columns.iter().find(|&&(_, c)| c == Column::Name) else {
        let line = header.position().map_or(1, |p| p.line());
        let text = header.iter().collect::<Vec<_>>().join(",");
        return Err(ctx.error(Some(line), missing_name(shown(text.as_bytes()))));
    };
    if !ignored.is_empty() {
        batch.warnings.push(format!(
            "{}: ignored columns: {}",
            ctx.file,
            ignored.join(", ")
        ));
    }
    Ok(Layout {
        width: header.len(),
        name,
        columns,
    })
}

/// Reads one data row.
fn row(layout: &Layout, record: &StringRecord) -> Result<WorkloadRecord, InputError> {
    if record.len() != layout.width {
        return Err(InputError::new(
            format!("{} fields as in the header", layout.width),
            format!("{} fields", record.len()),
        ));
    }
    let cell = |index: usize| record.get(index).unwrap_or("").trim();
    let name = cell(layout.name);
    if name.is_empty() {
        return Err(InputError::new("a host or workload name", "an empty cell").field("name"));
    }
    let mut workload = WorkloadRecord {
        name: name.to_string(),
        kind: Some(WorkloadKind::Host),
        ..WorkloadRecord::default()
    };
    for &(index, column) in &layout.columns {
        match column {
            Column::Name => {}
            Column::Addresses => workload.addresses = addresses(cell(index))?,
            Column::Labels => workload.labels = labels(cell(index))?,
            Column::Attribute(attribute) => workload.set_attribute(attribute, cell(index)),
        }
    }
    Ok(workload)
}

fn addresses(cell: &str) -> Result<Vec<IpNet>, InputError> {
    let mut nets = Vec::new();
    for item in cell
        .split(|c: char| c == ';' || c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
    {
        let net = parse_net(item).ok_or_else(|| {
            InputError::new("an IP address or CIDR", shown(item.as_bytes())).field("ip")
        })?;
        if !nets.contains(&net) {
            nets.push(net);
        }
    }
    Ok(nets)
}

/// An address as a host prefix, or a CIDR; an address with host bits under a prefix is the host.
fn parse_net(text: &str) -> Option<IpNet> {
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(IpNet::from(address));
    }
    let net: IpNet = text.parse().ok()?;
    Some(if net.addr() == net.network() {
        net
    } else {
        IpNet::from(net.addr())
    })
}

fn labels(cell: &str) -> Result<BTreeMap<String, String>, InputError> {
    let mut labels = BTreeMap::new();
    for item in cell
        .split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
    {
        let bad = || {
            InputError::new("labels as key=value;key=value", shown(item.as_bytes())).field("labels")
        };
        let (key, value) = item.split_once('=').ok_or_else(bad)?;
        let key = key.trim();
        if key.is_empty() {
            return Err(bad());
        }
        labels.insert(key.to_string(), value.trim().to_string());
    }
    Ok(labels)
}

fn read_error(ctx: &Context, error: &std::io::Error) -> InputError {
    ctx.error(
        None,
        InputError::new("a readable file", format!("a read error: {error}")),
    )
}

fn csv_error(ctx: &Context, error: &csv::Error) -> InputError {
    let line = error.position().map(|p| p.line());
    let problem = match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => InputError::new(
            "UTF-8 text",
            format!("invalid UTF-8 in field {}", err.field() + 1),
        )
        .hint("save the export as UTF-8 (in Excel: CSV UTF-8)"),
        csv::ErrorKind::Io(io) => InputError::new("a readable file", format!("a read error: {io}")),
        _ => InputError::new("CSV text (RFC 4180)", error.to_string()),
    };
    ctx.error(line, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn run(text: &[u8], skip_bad: bool) -> (Result<(), InputError>, Context, Batch) {
        let mut ctx = Context::new("cmdb.csv", skip_bad);
        let mut batch = Batch::default();
        let result = parse(&mut &text[..], &mut ctx, &mut batch);
        (result, ctx, batch)
    }

    fn error_of(text: &[u8]) -> Result<String, Box<dyn std::error::Error>> {
        let (result, _, _) = run(text, false);
        Ok(result.err().ok_or("expected an error")?.to_string())
    }

    fn join<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
        items
            .into_iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One host on a line: `name {attributes} {labels} [addresses]`; checks the rest is empty.
    fn summaries(batch: &Batch) -> Vec<String> {
        let summary = |w: &WorkloadRecord| {
            let bare = WorkloadRecord {
                name: w.name.clone(),
                kind: Some(WorkloadKind::Host),
                attributes: w.attributes.clone(),
                labels: w.labels.clone(),
                addresses: w.addresses.clone(),
                ..WorkloadRecord::default()
            };
            assert_eq!(w, &bare);
            let attributes = join(
                w.attributes
                    .iter()
                    .map(|(a, v)| format!("{}={v}", a.label())),
            );
            let labels = join(w.labels.iter().map(|(k, v)| format!("{k}={v}")));
            format!(
                "{} {{{attributes}}} {{{labels}}} [{}]",
                w.name,
                join(&w.addresses)
            )
        };
        batch.workloads.iter().map(summary).collect()
    }

    #[test]
    fn normalises_header_names() {
        assert_eq!(normalise_header("IP Address"), "ipaddress");
        assert_eq!(
            normalise_header("data_classification"),
            "dataclassification"
        );
        assert_eq!(normalise_header("\u{feff}Host-Name "), "hostname");
    }

    #[test]
    fn reads_the_fixture_with_bom_crlf_quotes_and_aliases() -> TestResult {
        let fixture = include_bytes!("../../tests/fixtures/inventory/cmdb.csv");
        assert_eq!(
            crate::ingest::detect(fixture),
            Some(crate::ingest::Format::Cmdb)
        );
        let (result, ctx, batch) = run(fixture, false);
        result?;
        assert!(ctx.skipped.is_empty());
        assert_eq!(
            summaries(&batch),
            [
                "pay-db-01 {app=payments, tier=data, env=prod, owner=team-payments, \
                 criticality=critical, data_class=restricted} {backup=nightly, pci=true} [10.0.40.21/32]",
                "web-01 {app=storefront, tier=web, env=prod, owner=team-web, criticality=high, \
                 data_class=internal} {} [10.0.10.11/32, 10.0.10.12/32, 2001:db8:0:10::11/128]",
                "batch-farm {app=reporting, tier=batch, env=prod, owner=team-data, criticality=medium, \
                 data_class=confidential} {cost-centre=4711, team=data} [10.0.50.0/24]",
                "ftp01 {app=legacy-ftp, env=prod, owner=ops, criticality=low} {} [192.0.2.44/32]",
            ]
        );
        assert_eq!(
            batch.warnings,
            ["cmdb.csv: ignored columns: Notes, Location"]
        );
        Ok(())
    }

    #[test]
    fn reads_semicolon_and_tab_separated_files() -> TestResult {
        let fixture = include_bytes!("../../tests/fixtures/inventory/cmdb-semicolon.csv");
        let (result, _, batch) = run(fixture, false);
        result?;
        assert_eq!(
            summaries(&batch),
            [
                "fileserver-01 {app=files;share, env=prod, owner=it-ops} {} [10.20.0.5/32]",
                "print-02 {app=printing, env=prod, owner=it-ops} {} [10.20.0.9/32]",
            ]
        );
        assert_eq!(batch.warnings, ["cmdb.csv: ignored columns: Notizen"]);
        let text = b"\nhost\tips\tapp\tIP\nweb1\t10.0.0.7/24 10.0.0.7\tshop\t\n";
        let (result, _, batch) = run(text, false);
        result?;
        assert_eq!(summaries(&batch), ["web1 {app=shop} {} [10.0.0.7/32]"]);
        assert_eq!(
            batch.warnings,
            ["cmdb.csv: ignored columns: IP (duplicate)"]
        );
        Ok(())
    }

    #[test]
    fn refuses_a_header_without_a_name_column() -> TestResult {
        assert_eq!(
            error_of(b"ip,app\n10.0.0.1,shop\n")?,
            "cmdb.csv:1: field header: expected a name column (name, hostname or host), \
             found \"ip,app\"\n  hint: the first line must name the columns, one of them name, \
             hostname or host"
        );
        let expected = "cmdb.csv:1: field header: expected a name column (name, hostname or host), \
                        found an empty file";
        assert!(error_of(b"")?.starts_with(expected));
        Ok(())
    }

    #[rustfmt::skip]
    #[test]
    fn refuses_bad_records_with_line_and_field() -> TestResult {
        let hint = "\n  hint: fix the record, or pass --skip-bad to import the rest and list what was skipped";
        let cases: [(&[u8], &str); 6] = [
            (b"name,ip\nweb1,10.0.0.1\n,10.0.0.2\n", "cmdb.csv:3: field name: expected a host or workload name, found an empty cell"),
            (b"name,ip\nweb1,10.0.0.300\n", "cmdb.csv:2: field ip: expected an IP address or CIDR, found \"10.0.0.300\""),
            (b"name,ip\nweb1,\"10.0.0.1, db\"\n", "cmdb.csv:2: field ip: expected an IP address or CIDR, found \"db\""),
            (b"name,labels\nweb1,a=1;pci\n", "cmdb.csv:2: field labels: expected labels as key=value;key=value, found \"pci\""),
            (b"name,labels\nweb1, =1\n", "cmdb.csv:2: field labels: expected labels as key=value;key=value, found \"=1\""),
            (b"name,ip,app\n\"web\n1\",10.0.0.1,a\nweb2,10.0.0.2\n", "cmdb.csv:4: expected 3 fields as in the header, found 2 fields"),
        ];
        for (text, expected) in cases {
            assert_eq!(error_of(text)?, format!("{expected}{hint}"));
        }
        Ok(())
    }

    #[test]
    fn invalid_utf8_is_fatal_with_its_line() -> TestResult {
        let (result, _, _) = run(b"name,ip\nweb1,10.0.0.1\nweb\xff,10.0.0.2\n", true);
        assert_eq!(
            result.err().ok_or("expected an error")?.headline(),
            "cmdb.csv:3: expected UTF-8 text, found invalid UTF-8 in field 1"
        );
        Ok(())
    }

    #[test]
    fn skip_bad_lists_the_row_and_imports_the_rest() -> TestResult {
        let text = b"name,ip\nweb1,10.0.0.1\nweb2,nope\nweb3,10.0.0.3\n";
        let (result, ctx, batch) = run(text, true);
        result?;
        let names: Vec<&str> = batch.workloads.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["web1", "web3"]);
        assert_eq!(ctx.skipped.len(), 1);
        assert_eq!(
            ctx.skipped[0].error.to_string(),
            "cmdb.csv:3: field ip: expected an IP address or CIDR, found \"nope\""
        );
        Ok(())
    }
}
