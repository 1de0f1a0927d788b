//! Output helpers: aligned tables, JSON, and human numbers.

use std::io::{self, Write};

use serde::Serialize;

use crate::analysis::ResolvedEstate;
use crate::analysis::zones::ZoneMap;

/// Prints rows as aligned columns (the header first). The last column is not padded.
pub fn table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(i) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let line = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
        let mut text = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            if i + 1 < widths.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &mut header.iter().copied())?;
    for row in rows {
        line(out, &mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

/// An observed service edge as `simulate --json` and `check --json` print it.
#[derive(Debug, Serialize)]
pub struct EdgeJson {
    pub src: String,
    pub dst: String,
    pub port: u16,
    pub protocol: String,
    pub src_zone: String,
    pub dst_zone: String,
    pub records: u64,
}

impl EdgeJson {
    /// The service edges at `indices`, sorted by client, server, port and protocol.
    pub fn sorted(
        estate: &ResolvedEstate,
        zones: &ZoneMap,
        indices: impl IntoIterator<Item = usize>,
    ) -> Vec<EdgeJson> {
        let zone = |e| zones.name(zones.zone_of(e)).to_string();
        let mut edges: Vec<EdgeJson> = indices
            .into_iter()
            .filter_map(|i| estate.service_edges.get(i))
            .map(|e| EdgeJson {
                src: estate.endpoint_label(e.client),
                dst: estate.endpoint_label(e.server),
                port: e.port,
                protocol: e.protocol.name(),
                src_zone: zone(e.client),
                dst_zone: zone(e.server),
                records: e.stats.records,
            })
            .collect();
        edges.sort_by(|a, b| {
            (&a.src, &a.dst, a.port, &a.protocol).cmp(&(&b.src, &b.dst, b.port, &b.protocol))
        });
        edges
    }
}

/// Prints edges as a table: client, server, service, zones, records.
pub fn edge_table(out: &mut impl Write, edges: &[EdgeJson]) -> io::Result<()> {
    let rows: Vec<Vec<String>> = edges
        .iter()
        .map(|e| {
            vec![
                e.src.clone(),
                e.dst.clone(),
                format!("{}/{}", e.port, e.protocol),
                format!("{} → {}", e.src_zone, e.dst_zone),
                count(e.records),
            ]
        })
        .collect();
    table(
        out,
        &["CLIENT", "SERVER", "SERVICE", "ZONES", "RECORDS"],
        &rows,
    )
}

/// Prints a value as pretty JSON.
pub fn json(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::other)?;
    writeln!(out)
}

/// A count with thousands separators: 1,234,567.
pub fn count(n: u64) -> String {
    crate::model::number::thousands(n)
}

/// Bytes in human units: 532 B, 1.2 kB, 3.4 MB.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = u;
    }
    format!("{value:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align() -> Result<(), Box<dyn std::error::Error>> {
        let mut out = Vec::new();
        table(
            &mut out,
            &["NAME", "APP"],
            &[
                vec!["web-1".into(), "shop".into()],
                vec!["a".into(), "".into()],
            ],
        )?;
        assert_eq!(String::from_utf8(out)?, "NAME   APP\nweb-1  shop\na\n");
        Ok(())
    }

    #[test]
    fn human_numbers() {
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(bytes(532), "532 B");
        assert_eq!(bytes(1_234_567), "1.2 MB");
    }
}
