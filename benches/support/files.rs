//! The bench estate as files `blastwall import` reads: the workloads as a CMDB CSV and the edges
//! as an edges CSV, for whole-process comparisons (benches/networkx_blast.py). Kubernetes
//! workloads become hosts of the same name, which changes no edge.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::estate::{Layout, ipv4};

/// Writes `cmdb.csv` and `edges.csv` into `dir` (created if missing).
pub fn write_import_files(layout: &Layout, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut cmdb = BufWriter::new(File::create(dir.join("cmdb.csv"))?);
    writeln!(cmdb, "name,ip,app,tier,env,data class,labels")?;
    for spec in &layout.workloads {
        let mut labels = Vec::new();
        if let Some(domain) = spec.domain {
            labels.push(format!("domain=d{domain:02}"));
        }
        if let Some(role) = spec.role {
            labels.push(format!("role={role}"));
        }
        writeln!(
            cmdb,
            "{},{},{},{},prod,{},{}",
            spec.name,
            ipv4(spec.address),
            spec.app,
            spec.tier,
            if spec.pci { "pci" } else { "" },
            labels.join(";"),
        )?;
    }
    cmdb.flush()?;
    let mut edges = BufWriter::new(File::create(dir.join("edges.csv"))?);
    writeln!(edges, "client,server,port,protocol,records,outcome")?;
    for &(client, server, port, protocol, accepted) in &layout.edges {
        let outcome = if accepted { "accepted" } else { "rejected" };
        writeln!(
            edges,
            "{},{},{port},{protocol},1,{outcome}",
            ipv4(client),
            ipv4(server),
        )?;
    }
    edges.flush()
}
