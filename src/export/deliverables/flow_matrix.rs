//! The flow-to-policy matrix: one row per evaluated service edge (observed accepted at least
//! once), with its verdict under the plan, the rule (or default) that allows it, and why. In
//! Markdown, YAML and CSV; the CSV holds nothing but the table.

use std::fmt::Write as _;

use super::markdown::table;
use super::{Context, markdown_digests};
use crate::analysis::ServiceEdge;
use crate::analysis::simulate::{RuleSides, Verdict};
use crate::export::yaml::{Node, entry, number, text, to_yaml};
use crate::model::time::rfc3339;

/// The columns, in order, as every format names them.
pub const COLUMNS: [&str; 14] = [
    "source",
    "destination",
    "port",
    "protocol",
    "source_zone",
    "destination_zone",
    "verdict",
    "rule",
    "justification",
    "owner",
    "records",
    "first_seen",
    "last_seen",
    "sources",
];

/// One row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowRow {
    pub source: String,
    pub destination: String,
    pub port: u16,
    pub protocol: String,
    pub source_zone: String,
    pub destination_zone: String,
    pub allowed: bool,
    /// The first matching enabled rule, else `intra-zone` or `default`; empty when denied.
    pub rule: String,
    pub justification: String,
    pub owner: String,
    pub records: u64,
    /// RFC 3339, empty when unknown.
    pub first_seen: String,
    pub last_seen: String,
    pub sources: Vec<String>,
}

impl FlowRow {
    pub fn verdict(&self) -> &'static str {
        if self.allowed { "allow" } else { "deny" }
    }

    /// The cells in [`COLUMNS`] order; `sources` joined with `;`.
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.source.clone(),
            self.destination.clone(),
            self.port.to_string(),
            self.protocol.clone(),
            self.source_zone.clone(),
            self.destination_zone.clone(),
            self.verdict().to_string(),
            self.rule.clone(),
            self.justification.clone(),
            self.owner.clone(),
            self.records.to_string(),
            self.first_seen.clone(),
            self.last_seen.clone(),
            self.sources.join(";"),
        ]
    }
}

/// Every evaluated edge as a row, sorted by (source, destination, port, protocol).
pub fn rows(ctx: &Context) -> Vec<FlowRow> {
    let mut sides = RuleSides::new(ctx.plan, ctx.estate, ctx.zones);
    let mut rows: Vec<FlowRow> = ctx
        .estate
        .service_edges
        .iter()
        .zip(&ctx.simulation.verdicts)
        .filter(|(edge, verdict)| edge.stats.accepted > 0 && **verdict != Verdict::AlreadyBlocked)
        .map(|(edge, verdict)| row(ctx, &mut sides, edge, *verdict))
        .collect();
    rows.sort_by(|a, b| {
        (&a.source, &a.destination, a.port, &a.protocol).cmp(&(
            &b.source,
            &b.destination,
            b.port,
            &b.protocol,
        ))
    });
    rows
}

fn row(ctx: &Context, sides: &mut RuleSides, edge: &ServiceEdge, verdict: Verdict) -> FlowRow {
    let (estate, zones) = (ctx.estate, ctx.zones);
    let zone = |endpoint| zones.name(zones.zone_of(endpoint)).to_string();
    let (source_zone, destination_zone) = (zone(edge.client), zone(edge.server));
    let allowed = verdict.is_allowed();
    let (rule, justification, owner) = if !allowed {
        (
            String::new(),
            "no rule allows it".to_string(),
            String::new(),
        )
    } else if let Some(&r) = sides.matching_rules(edge).first() {
        let name = ctx.plan.rule_name(r);
        let rule = ctx.plan.rules.get(r);
        let why = rule.and_then(|r| r.justification.clone());
        let why = why.unwrap_or_else(|| format!("rule {name} (no justification recorded)"));
        let owner = rule.and_then(|r| r.owner.clone()).unwrap_or_default();
        (name, why, owner)
    } else if verdict == Verdict::IntraZone {
        let why = format!("same zone: {source_zone}");
        ("intra-zone".to_string(), why, String::new())
    } else {
        let why = "default allow".to_string();
        ("default".to_string(), why, String::new())
    };
    let time = |t: Option<i64>| t.map_or_else(String::new, rfc3339);
    FlowRow {
        source: estate.endpoint_label(edge.client),
        destination: estate.endpoint_label(edge.server),
        port: edge.port,
        protocol: edge.protocol.name(),
        source_zone,
        destination_zone,
        allowed,
        rule,
        justification,
        owner,
        records: edge.stats.records,
        first_seen: time(edge.stats.first_seen),
        last_seen: time(edge.stats.last_seen),
        sources: edge
            .stats
            .sources
            .names()
            .into_iter()
            .map(String::from)
            .collect(),
    }
}

/// `flow-matrix.md`: the digests and counts, then the table.
pub fn markdown(ctx: &Context) -> String {
    let rows = rows(ctx);
    let allowed = rows.iter().filter(|r| r.allowed).count();
    let mut out = String::from("# Flow-to-policy matrix\n\n");
    out.push_str(&markdown_digests(ctx));
    let _ = writeln!(
        out,
        "\n{} evaluated flows: {} allowed, {} denied (would break under enforcement).\n",
        rows.len(),
        allowed,
        rows.len() - allowed
    );
    let cells: Vec<Vec<String>> = rows.iter().map(FlowRow::cells).collect();
    table(&mut out, &COLUMNS, &cells);
    out
}

/// `flow-matrix.yaml`: `{estate_digest, plan_digest, flows: [...]}`.
pub fn yaml(ctx: &Context) -> String {
    let flows = rows(ctx).iter().map(flow_node).collect();
    to_yaml(&[
        entry("estate_digest", text(&ctx.digests.estate)),
        entry("plan_digest", text(&ctx.digests.plan)),
        entry("flows", Node::List(flows)),
    ])
}

fn flow_node(row: &FlowRow) -> Node {
    let cells = row.cells();
    let mut entries: Vec<(String, Node)> = COLUMNS
        .iter()
        .zip(cells)
        .map(|(&key, cell)| match key {
            "port" | "records" => entry(key, number(cell)),
            _ => entry(key, Node::Text(cell)),
        })
        .collect();
    if let Some(last) = entries.last_mut() {
        let sources = row.sources.iter().map(|s| text(s)).collect();
        last.1 = Node::FlowList(sources);
    }
    Node::Map(entries)
}

/// `flow-matrix.csv`: a header row with the column names, then one row per flow.
pub fn csv(ctx: &Context) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut records = vec![COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>()];
    records.extend(rows(ctx).iter().map(FlowRow::cells));
    for record in records {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&record);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
#[path = "flow_matrix_tests.rs"]
mod tests;
