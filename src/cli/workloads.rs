//! `blastwall workloads`: workloads after merging and resolution.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::output::{json, table};
use crate::analysis::Workload;
use crate::analysis::address::is_host;
use crate::model::{Attribute, NetworkRef};
use crate::store::Workspace;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct WorkloadJson<'a> {
    name: &'a str,
    kind: &'static str,
    app: &'a str,
    tier: &'a str,
    env: &'a str,
    owner: &'a str,
    criticality: &'a str,
    data_class: &'a str,
    labels: &'a BTreeMap<String, String>,
    addresses: Vec<String>,
    identity: Option<&'a str>,
    zone: &'a str,
    namespace: Option<&'a str>,
    networks: &'a [NetworkRef],
    observed_only: bool,
}

/// An address for display: a host without its prefix length, a range as a CIDR.
pub fn address_text(net: &ipnet::IpNet) -> String {
    if is_host(net) {
        net.addr().to_string()
    } else {
        net.to_string()
    }
}

fn to_json<'a>(w: &'a Workload, zone: &'a str) -> WorkloadJson<'a> {
    WorkloadJson {
        name: &w.name,
        kind: w.kind.as_str(),
        app: w.attribute(Attribute::App),
        tier: w.attribute(Attribute::Tier),
        env: w.attribute(Attribute::Env),
        owner: w.attribute(Attribute::Owner),
        criticality: w.attribute(Attribute::Criticality),
        data_class: w.attribute(Attribute::DataClass),
        labels: &w.labels,
        addresses: w.addresses.iter().map(address_text).collect(),
        identity: w.identity.as_deref(),
        zone,
        namespace: w.namespace.as_deref(),
        networks: &w.networks,
        observed_only: w.observed_only,
    }
}

pub fn run(workspace: &Workspace, args: &Args) -> anyhow::Result<ExitCode> {
    let view = crate::ops::plan_view::load_plan_view(workspace)?;
    let estate = &view.estate;
    let zone = |i: usize| view.zones.name(view.zones.workload_zone[i]);
    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(Serialize)]
        struct Output<'a> {
            workloads: Vec<WorkloadJson<'a>>,
        }
        json(
            &mut out,
            &Output {
                workloads: estate
                    .workloads
                    .iter()
                    .enumerate()
                    .map(|(i, w)| to_json(w, zone(i)))
                    .collect(),
            },
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = estate
        .workloads
        .iter()
        .map(|w| {
            let mut addresses: Vec<String> = w.addresses.iter().take(3).map(address_text).collect();
            if w.addresses.len() > 3 {
                addresses.push(format!("+{}", w.addresses.len() - 3));
            }
            let kind = if w.observed_only {
                "observed".to_string()
            } else {
                w.kind.as_str().to_string()
            };
            vec![
                w.name.clone(),
                kind,
                w.app().to_string(),
                w.attribute(Attribute::Tier).to_string(),
                w.attribute(Attribute::Env).to_string(),
                addresses.join(" "),
            ]
        })
        .collect();
    table(
        &mut out,
        &["NAME", "KIND", "APP", "TIER", "ENV", "ADDRESSES"],
        &rows,
    )?;
    writeln!(out, "{} workloads", rows.len())?;
    Ok(ExitCode::SUCCESS)
}
