//! Lookups computed once per loaded estate (on the loading worker), so that filtering is a scan
//! of prepared text and drawing never sorts or searches.

use std::net::IpAddr;

use rustc_hash::FxHashMap;

use crate::analysis::resolve::BlindSpotAddress;
use crate::analysis::{Endpoint, ResolvedEstate};
use crate::model::{Outcome, Protocol};

use super::packed::{PackedLists, PackedText};

/// Which service edges the Flows screen shows, by outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutcomeFilter {
    #[default]
    All,
    Accepted,
    Rejected,
}

impl OutcomeFilter {
    pub fn next(self) -> OutcomeFilter {
        match self {
            OutcomeFilter::All => OutcomeFilter::Accepted,
            OutcomeFilter::Accepted => OutcomeFilter::Rejected,
            OutcomeFilter::Rejected => OutcomeFilter::All,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OutcomeFilter::All => "all",
            OutcomeFilter::Accepted => "accepted",
            OutcomeFilter::Rejected => "rejected",
        }
    }

    pub fn admits(self, outcome: Outcome) -> bool {
        match self {
            OutcomeFilter::All => true,
            OutcomeFilter::Accepted => outcome == Outcome::Accepted,
            OutcomeFilter::Rejected => outcome == Outcome::Rejected,
        }
    }
}

/// A Flows filter: a port (`5432`), a port and protocol (`53/udp`), or text in either end's label.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FlowQuery {
    All,
    Port(u16),
    PortProto(u16, Protocol),
    Text(String),
}

impl FlowQuery {
    fn parse(query: &str) -> FlowQuery {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return FlowQuery::All;
        }
        if let Ok(port) = query.parse::<u16>() {
            return FlowQuery::Port(port);
        }
        if let Some((port, protocol)) = query.split_once('/')
            && let (Ok(port), Some(protocol)) = (port.parse::<u16>(), Protocol::parse(protocol))
        {
            return FlowQuery::PortProto(port, protocol);
        }
        FlowQuery::Text(query)
    }
}

/// Per-estate lookups for the screens.
#[derive(Debug, Clone, Default)]
pub struct EstateIndex {
    /// Lower-cased searchable text per workload.
    workload_text: PackedText,
    /// Per workload: service edges where it is the server, busiest first.
    pub flows_in: PackedLists,
    /// Per workload: service edges where it is the client, busiest first.
    pub flows_out: PackedLists,
    /// Service edges by bytes, then records, descending.
    pub flow_order: Vec<u32>,
    /// Lower-cased client and server labels per service edge.
    flow_text: PackedText,
    /// Per service edge: the address-level edges behind it, busiest first.
    pub evidence: PackedLists,
    /// Blind spots by records, descending.
    pub blind_order: Vec<u32>,
    blind_text: PackedText,
}

impl EstateIndex {
    pub fn build(estate: &ResolvedEstate) -> EstateIndex {
        let (flows_in, flows_out) = workload_flows(estate);
        let mut flow_order: Vec<u32> = (0..estate.service_edges.len() as u32).collect();
        flow_order.sort_by_key(|&i| {
            let stats = &estate.service_edges[i as usize].stats;
            (
                std::cmp::Reverse(stats.bytes),
                std::cmp::Reverse(stats.records),
                i,
            )
        });
        let mut blind_order: Vec<u32> = (0..estate.blind_spots.len() as u32).collect();
        blind_order
            .sort_by_key(|&i| (std::cmp::Reverse(estate.blind_spots[i as usize].records), i));
        EstateIndex {
            workload_text: estate.workloads.iter().map(workload_text).collect(),
            flows_in,
            flows_out,
            flow_order,
            flow_text: estate
                .service_edges
                .iter()
                .map(|e| {
                    let client = endpoint_label(estate, e.client);
                    let server = endpoint_label(estate, e.server);
                    format!("{client}\u{1f}{server}").to_lowercase()
                })
                .collect(),
            evidence: evidence(estate),
            blind_order,
            blind_text: estate.blind_spots.iter().map(blind_text).collect(),
        }
    }

    /// Whether every match of `query` also matched `previous` (the user typed on), so that
    /// filtering may scan only the previous matches. Holds for workload and blind-spot filters.
    pub fn narrows(previous: &str, query: &str) -> bool {
        let previous = previous.trim().to_lowercase();
        !previous.is_empty() && query.trim().to_lowercase().contains(&previous)
    }

    /// [`narrows`](Self::narrows) for the Flows filter, where only text queries narrow.
    pub fn narrows_flows(previous: &str, query: &str) -> bool {
        match (FlowQuery::parse(previous), FlowQuery::parse(query)) {
            (FlowQuery::Text(previous), FlowQuery::Text(query)) => query.contains(&previous),
            _ => false,
        }
    }

    /// Workloads whose name, attributes, labels (`k=v`) or addresses contain the query; among
    /// `within` only, when given.
    pub fn filter_workloads(&self, query: &str, within: Option<&[usize]>) -> Vec<usize> {
        let query = query.trim().to_lowercase();
        candidates(within, 0..self.workload_text.len())
            .filter(|&i| {
                self.workload_text
                    .get(i)
                    .is_some_and(|t| t.contains(&query))
            })
            .collect()
    }

    /// Blind spots (busiest first) whose address, class or network contains the query.
    pub fn filter_blind_spots(&self, query: &str, within: Option<&[usize]>) -> Vec<usize> {
        let query = query.trim().to_lowercase();
        candidates(within, self.blind_order.iter().map(|&i| i as usize))
            .filter(|&i| self.blind_text.get(i).is_some_and(|t| t.contains(&query)))
            .collect()
    }

    /// Service edges (largest first) matching the query and the outcome filter.
    pub fn filter_flows(
        &self,
        estate: &ResolvedEstate,
        query: &str,
        outcome: OutcomeFilter,
        within: Option<&[usize]>,
    ) -> Vec<usize> {
        let query = FlowQuery::parse(query);
        candidates(within, self.flow_order.iter().map(|&i| i as usize))
            .filter(|&i| {
                let Some(edge) = estate.service_edges.get(i) else {
                    return false;
                };
                outcome.admits(edge.stats.outcome())
                    && match &query {
                        FlowQuery::All => true,
                        FlowQuery::Port(port) => edge.port == *port,
                        FlowQuery::PortProto(port, protocol) => {
                            edge.port == *port && edge.protocol == *protocol
                        }
                        FlowQuery::Text(text) => self
                            .flow_text
                            .get(i)
                            .is_some_and(|t| t.contains(text.as_str())),
                    }
            })
            .collect()
    }
}

/// The rows to test: `within` when given, else all of them.
fn candidates<'a>(
    within: Option<&'a [usize]>,
    all: impl Iterator<Item = usize> + 'a,
) -> Box<dyn Iterator<Item = usize> + 'a> {
    match within {
        Some(rows) => Box::new(rows.iter().copied()),
        None => Box::new(all),
    }
}

/// The blind spot record of an unresolved address.
pub fn blind_spot(estate: &ResolvedEstate, address: IpAddr) -> Option<&BlindSpotAddress> {
    estate.blind_spot(address)
}

/// A workload's name, or an address marked with its blind-spot class (`203.0.113.9 (internet)`).
pub fn endpoint_label(estate: &ResolvedEstate, endpoint: Endpoint) -> String {
    estate.marked_endpoint_label(endpoint)
}

fn workload_text(workload: &crate::analysis::Workload) -> String {
    let mut text = workload.name.clone();
    for value in workload.attributes.values() {
        text.push('\u{1f}');
        text.push_str(value);
    }
    for (key, value) in &workload.labels {
        text.push('\u{1f}');
        text.push_str(&format!("{key}={value}"));
    }
    for address in &workload.addresses {
        text.push('\u{1f}');
        text.push_str(&address.to_string());
    }
    text.to_lowercase()
}

fn blind_text(spot: &BlindSpotAddress) -> String {
    let network = spot
        .network
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    format!(
        "{}\u{1f}{}\u{1f}{network}",
        spot.address,
        spot.class.as_str()
    )
    .to_lowercase()
}

fn workload_flows(estate: &ResolvedEstate) -> (PackedLists, PackedLists) {
    let edges = || estate.service_edges.iter().enumerate();
    let owner = |endpoint: Endpoint| match endpoint {
        Endpoint::Workload(w) => w as usize,
        Endpoint::Address(_) => usize::MAX,
    };
    let n = estate.workloads.len();
    let mut flows_in = PackedLists::group(n, edges().map(|(i, e)| (owner(e.server), i as u32)));
    let mut flows_out = PackedLists::group(n, edges().map(|(i, e)| (owner(e.client), i as u32)));
    let busiest = |i: u32| {
        let records = estate
            .service_edges
            .get(i as usize)
            .map_or(0, |e| e.stats.records);
        (std::cmp::Reverse(records), i)
    };
    flows_in.sort_each_by_key(busiest);
    flows_out.sort_each_by_key(busiest);
    (flows_in, flows_out)
}

/// Per service edge, the address-level edges behind it, busiest first.
fn evidence(estate: &ResolvedEstate) -> PackedLists {
    let by_key: FxHashMap<(Endpoint, Endpoint, u16, Protocol), usize> = estate
        .service_edges
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.client, e.server, e.port, e.protocol), i))
        .collect();
    let owners: Vec<usize> = estate
        .edges
        .iter()
        .map(|e| {
            let key = (e.client_endpoint, e.server_endpoint, e.port, e.protocol);
            by_key.get(&key).copied().unwrap_or(usize::MAX)
        })
        .collect();
    let pairs = owners
        .iter()
        .enumerate()
        .map(|(i, &owner)| (owner, i as u32));
    let mut evidence = PackedLists::group(estate.service_edges.len(), pairs);
    evidence.sort_each_by_key(|i| {
        let records = estate.edges.get(i as usize).map_or(0, |e| e.stats.records);
        (std::cmp::Reverse(records), i)
    });
    evidence
}
