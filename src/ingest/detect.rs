//! Format detection from content (the first bytes after decompression), not from file names.

use serde::Serialize;

/// Every format Blastwall imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Cmdb,
    KubernetesPods,
    AwsInstances,
    AwsVpcs,
    AwsSubnets,
    Topology,
    AwsVpcFlow,
    Zeek,
    Hubble,
    AzureNsg,
    AzureVnet,
    GcpVpcFlow,
    Nfdump,
    Goflow2,
    EdgesCsv,
}

impl Format {
    pub const ALL: [Format; 15] = [
        Format::Cmdb,
        Format::KubernetesPods,
        Format::AwsInstances,
        Format::AwsVpcs,
        Format::AwsSubnets,
        Format::Topology,
        Format::AwsVpcFlow,
        Format::Zeek,
        Format::Hubble,
        Format::AzureNsg,
        Format::AzureVnet,
        Format::GcpVpcFlow,
        Format::Nfdump,
        Format::Goflow2,
        Format::EdgesCsv,
    ];

    /// The name used by `--format` and in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Format::Cmdb => "cmdb-csv",
            Format::KubernetesPods => "k8s-pods",
            Format::AwsInstances => "aws-instances",
            Format::AwsVpcs => "aws-vpcs",
            Format::AwsSubnets => "aws-subnets",
            Format::Topology => "topology",
            Format::AwsVpcFlow => "aws-vpc-flow",
            Format::Zeek => "zeek-conn",
            Format::Hubble => "hubble",
            Format::AzureNsg => "azure-nsg",
            Format::AzureVnet => "azure-vnet",
            Format::GcpVpcFlow => "gcp-vpc-flow",
            Format::Nfdump => "nfdump-csv",
            Format::Goflow2 => "goflow2",
            Format::EdgesCsv => "edges-csv",
        }
    }

    pub fn parse_name(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == text)
    }

    pub fn is_flow(self) -> bool {
        !matches!(
            self,
            Format::Cmdb
                | Format::KubernetesPods
                | Format::AwsInstances
                | Format::AwsVpcs
                | Format::AwsSubnets
                | Format::Topology
        )
    }

    pub fn names() -> String {
        Format::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Guesses the format from the first bytes of (decompressed) content.
pub fn detect(head: &[u8]) -> Option<Format> {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}');
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return detect_json(trimmed);
    }
    let first_line = trimmed.lines().next().unwrap_or("");
    if first_line.starts_with("#separator") || first_line.starts_with("#fields") {
        return Some(Format::Zeek);
    }
    if is_vpc_header(first_line) || is_vpc_default_record(first_line) {
        return Some(Format::AwsVpcFlow);
    }
    if super::nfdump::looks_like(trimmed) {
        return Some(Format::Nfdump);
    }
    if super::edges_csv::looks_like(first_line) {
        return Some(Format::EdgesCsv);
    }
    if text.lines().any(|l| l.trim_end() == "kind: topology") {
        return Some(Format::Topology);
    }
    if is_cmdb_header(first_line) {
        return Some(Format::Cmdb);
    }
    None
}

fn detect_json(text: &str) -> Option<Format> {
    let has = |needle: &str| text.contains(needle);
    let first_line = text.lines().next().unwrap_or("");
    let line_has = |needle: &str| first_line.contains(needle);
    if line_has("\"id.orig_h\"") || line_has("\"_path\":\"conn\"") {
        return Some(Format::Zeek);
    }
    if line_has("\"flow\":{")
        || line_has("\"flow\": {")
        || (line_has("\"verdict\"") && line_has("\"IP\""))
        || line_has("\"node_status\"")
        || line_has("\"lost_events\"")
        || line_has("\"agent_event\"")
        || line_has("\"debug_event\"")
    {
        return Some(Format::Hubble);
    }
    if super::goflow2::looks_like(first_line) {
        return Some(Format::Goflow2);
    }
    if super::azure::looks_like_vnet(text) {
        return Some(Format::AzureVnet);
    }
    if super::azure::looks_like_nsg(text) {
        return Some(Format::AzureNsg);
    }
    if super::gcp::looks_like(text) {
        return Some(Format::GcpVpcFlow);
    }
    if has("\"message\"")
        && (has("\"logEvents\"") || has("\"logStreamName\"") || has("\"ingestionTime\""))
    {
        // CloudWatch Logs exports and subscription envelopes of VPC flow log records.
        return Some(Format::AwsVpcFlow);
    }
    if has("\"Reservations\"") {
        return Some(Format::AwsInstances);
    }
    if has("\"Vpcs\"") {
        return Some(Format::AwsVpcs);
    }
    if has("\"Subnets\"") {
        return Some(Format::AwsSubnets);
    }
    let kind_is =
        |kind: &str| has(&format!("\"kind\":\"{kind}\"")) || has(&format!("\"kind\": \"{kind}\""));
    if (kind_is("List") || kind_is("PodList") || kind_is("Pod"))
        && (has("\"podIP\"") || kind_is("Pod") || has("\"items\""))
    {
        return Some(Format::KubernetesPods);
    }
    None
}

fn is_vpc_header(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_ascii_whitespace().collect();
    tokens.len() >= 3
        && tokens.iter().all(|t| {
            t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && (tokens.contains(&"srcaddr") || tokens.contains(&"pkt-srcaddr"))
        && (tokens.contains(&"dstaddr") || tokens.contains(&"pkt-dstaddr"))
}

fn is_vpc_default_record(line: &str) -> bool {
    let tokens: Vec<&str> = line.split_ascii_whitespace().collect();
    tokens.len() == 14
        && tokens[0] == "2"
        && tokens[2].starts_with("eni-")
        && matches!(tokens[13], "OK" | "NODATA" | "SKIPDATA")
}

fn is_cmdb_header(line: &str) -> bool {
    let columns: Vec<String> = line
        .split([',', ';', '\t'])
        .map(super::cmdb::normalise_header)
        .collect();
    let has_name = columns
        .iter()
        .any(|c| matches!(c.as_str(), "name" | "hostname" | "host"));
    let has_more = columns.iter().any(|c| {
        matches!(
            c.as_str(),
            "ip" | "ips"
                | "ipaddress"
                | "address"
                | "addresses"
                | "app"
                | "application"
                | "owner"
                | "tier"
        )
    });
    has_name && has_more
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format_from_content() {
        let cases: [(&str, Format); 10] = [
            ("name,ip,app\nweb1,10.0.0.1,shop\n", Format::Cmdb),
            ("Hostname;IP Address;Owner\n", Format::Cmdb),
            (
                "{\"apiVersion\":\"v1\",\"items\":[],\"kind\":\"List\"}",
                Format::KubernetesPods,
            ),
            ("{\n  \"Reservations\": []\n}", Format::AwsInstances),
            ("{\"Vpcs\":[]}", Format::AwsVpcs),
            ("{\"Subnets\":[]}", Format::AwsSubnets),
            ("kind: topology\nversion: 1\n", Format::Topology),
            (
                "version account-id interface-id srcaddr dstaddr srcport dstport protocol\n",
                Format::AwsVpcFlow,
            ),
            ("#separator \\x09\n#set_separator\t,\n", Format::Zeek),
            (
                "{\"flow\":{\"verdict\":\"FORWARDED\"},\"node_name\":\"n\"}\n",
                Format::Hubble,
            ),
        ];
        for (text, format) in cases {
            assert_eq!(detect(text.as_bytes()), Some(format), "{text}");
        }
        assert_eq!(
            detect(b"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n"),
            Some(Format::AwsVpcFlow)
        );
        assert_eq!(
            detect(b"{\"ts\":1.5,\"id.orig_h\":\"10.0.0.1\"}\n"),
            Some(Format::Zeek)
        );
    }

    #[test]
    fn unknown_content_is_not_guessed() {
        assert_eq!(detect(b"# Northwind\nSome prose.\n"), None);
        assert_eq!(detect(b"{\"workloads\": 3}"), None);
        assert_eq!(detect(b"\x00\x01\x02binary"), None);
    }
}
