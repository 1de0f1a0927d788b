//! nfdump CSV exports (`nfdump -r/-R … -o csv`): the current layout
//! (`firstSeen,duration,proto,srcAddr,…`), `csv-fast`, custom `csv:%…` headers and the legacy
//! layout (`ts,te,td,sa,da,…`) with its `Summary` trailer. Columns are found by their header
//! names. NetFlow records carry no direction and no verdict: each folds by the lower port and is
//! accepted.

mod columns;
mod zone;

use std::io::BufRead;

use super::batch::{Batch, Context};
use super::error::{InputError, shown};
use super::lines::{Line, LineReader};
use super::parse::Fields;
use super::vpc::{read_error, too_long};
use columns::{Columns, is_header};
use zone::Zone;

/// Whether a text head is an nfdump CSV export: its first line is a comma-separated header naming
/// the address columns as nfdump spells them (`srcAddr`/`dstAddr`, legacy `sa`/`da`), and it is
/// not an inventory (name or hostname columns) or Blastwall's edges CSV.
pub fn looks_like(head: &str) -> bool {
    let first_line = head.lines().next().unwrap_or("");
    let names: Vec<&str> = first_line.split(',').map(str::trim).collect();
    let has = |wanted: [&str; 2]| names.iter().any(|n| wanted.contains(n));
    let other = names.iter().any(|n| {
        matches!(
            super::cmdb::normalise_header(n).as_str(),
            "name" | "hostname" | "host" | "client" | "server"
        )
    });
    names.len() >= 3 && has(["srcAddr", "sa"]) && has(["dstAddr", "da"]) && !other
}

/// Where the reader is in the file.
enum State {
    /// Before the first header line.
    Start,
    Data(Columns),
    /// After a `Summary` line: the legacy trailer, up to the header of a concatenated export.
    Trailer,
}

/// Parses an nfdump CSV export into the batch.
pub fn parse(
    input: &mut dyn BufRead,
    ctx: &mut Context,
    batch: &mut Batch,
) -> Result<(), InputError> {
    let zone = Zone::new(ctx.options.time_zone.as_deref()).map_err(|e| ctx.error(None, e))?;
    let mut lines = LineReader::new(input);
    let mut fields = Fields::default();
    let mut state = State::Start;
    let mut local_times = false;
    loop {
        let (number, text) = match lines.next_line().map_err(|e| read_error(ctx, &e))? {
            None => break,
            Some((number, Line::TooLong)) => match state {
                State::Start => return Err(ctx.error(Some(number), too_long())),
                State::Trailer => continue,
                State::Data(_) => {
                    batch.flows.records += 1;
                    ctx.bad_flow(batch, Some(number), too_long())?;
                    continue;
                }
            },
            Some((number, Line::Text(text))) => (number, text),
        };
        let text = text.trim_ascii();
        if text.is_empty() {
            continue;
        }
        // Addresses hold `.` or `:`, header names never do: only such lines can be headers.
        if !text.iter().any(|b| matches!(b, b'.' | b':')) && is_header(text) {
            state = State::Data(Columns::new(text).map_err(|e| ctx.error(Some(number), e))?);
            continue;
        }
        if text.starts_with(b"Summary") {
            state = State::Trailer;
            continue;
        }
        let columns = match &state {
            State::Trailer => continue,
            State::Start => return Err(ctx.error(Some(number), no_header(text))),
            State::Data(columns) => columns,
        };
        batch.flows.records += 1;
        let record = fields.split_on(text, b",");
        match columns.observation(record, &zone, &mut local_times) {
            Ok(observation) => batch.flows.add(observation),
            Err(error) => {
                ctx.bad_flow(batch, Some(number), error)?;
            }
        }
    }
    if local_times {
        batch.warnings.push(zone.note(&ctx.file));
    }
    Ok(())
}

fn no_header(text: &[u8]) -> InputError {
    InputError::new(
        "a header line naming the columns (firstSeen,…,srcAddr,… or ts,te,td,sa,da,…)",
        shown(text),
    )
    .field("header")
    .hint("nfdump -q leaves the header out; export again without -q")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_nfdump_headers_only() {
        for head in [
            "ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out\n",
            "firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows\n",
            "cnt,af,firstSeen,lastSeen,proto,srcAddr,srcPort,dstAddr,dstPort,srcAS,dstAS\n",
            "firstSeen,lastSeen,proto,srcAddr,srcPort,dstAddr,dstPort,inPackets,inBytes\n",
        ] {
            assert!(looks_like(head), "{head}");
        }
        for head in [
            "name,ip,app\nweb1,10.0.0.1,shop\n",
            "hostname,srcAddr,dstAddr\n",
            "client,server,port,protocol,records,bytes\n",
            "client,server,srcAddr,dstAddr\n",
            "version account-id interface-id srcaddr dstaddr\n",
            "sa da sp dp\n",
            "srcaddr,dstaddr,srcport,dstport,protocol\n",
        ] {
            assert!(!looks_like(head), "{head}");
        }
    }
}
