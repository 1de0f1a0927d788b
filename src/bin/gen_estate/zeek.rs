//! Zeek conn.log: the DC1 core sensor as TSV, the user-access sensor as JSON lines.

use std::io::Write;
use std::path::Path;

use crate::deps::{ICMP, Style, TCP, UDP};
use crate::model::Res;
use crate::net::{Out, T0, is_local, zeek_stamp};
use crate::rng::Rng;
use crate::sample::Sampler;
use crate::traffic::{Traffic, ZACCESS, ZCORE};
use crate::truth::Tally;

pub const FIELDS: &str = "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents";
pub const TYPES: &str = "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]";
const PERIOD_US: u64 = 6 * 3600 * 1_000_000;

/// One conn.log entry.
struct Conn<'a> {
    ts_us: u64,
    uid: String,
    orig_h: &'a str,
    orig_p: u16,
    resp_h: &'a str,
    resp_p: u16,
    proto: &'static str,
    service: Option<&'static str>,
    duration_us: Option<u64>,
    bytes: Option<(u64, u64)>,
    state: &'static str,
    local: (bool, bool),
    history: Option<&'static str>,
    pkts: (u64, u64, u64, u64),
}

pub fn service(port: u16, proto: u8) -> Option<&'static str> {
    Some(match (port, proto) {
        (443 | 8443 | 6514 | 636 | 5671, TCP) => "ssl",
        (80 | 8080 | 3128 | 8081 | 8530 | 9100 | 9200, TCP) => "http",
        (53, _) => "dns",
        (22, TCP) => "ssh",
        (5432, TCP) => "postgresql",
        (3306, TCP) => "mysql",
        (445, TCP) => "smb,gssapi",
        (389, TCP) => "ldap",
        (88, TCP) => "krb_tcp",
        (123, UDP) => "ntp",
        (25 | 587, TCP) => "smtp",
        (514, UDP) => "syslog",
        (3389, TCP) => "rdp",
        _ => return None,
    })
}

fn make<'a>(rng: &mut Rng, t: &'a Traffic, ci: u32, ts_us: u64) -> Conn<'a> {
    let conv = &t.convs[ci as usize];
    let (c, s) = (&t.parties[conv.c as usize], &t.parties[conv.s as usize]);
    let mut z = Conn {
        ts_us,
        uid: format!("C{}", rng.base62(17)),
        orig_h: &c.ip,
        orig_p: rng.range(32768, 60999) as u16,
        resp_h: &s.ip,
        resp_p: conv.port,
        proto: if conv.proto == UDP { "udp" } else { "tcp" },
        service: service(conv.port, conv.proto),
        duration_us: Some(rng.range(800, 30_000_000)),
        bytes: None,
        state: "SF",
        local: (is_local(c.addr), is_local(s.addr)),
        history: Some("ShADadFf"),
        pkts: (0, 0, 0, 0),
    };
    let (op, rp) = (rng.range(4, 80), rng.range(3, 90));
    let (ob, rb) = (op * rng.range(20, 900), rp * rng.range(40, 1400));
    z.bytes = Some((ob, rb));
    z.pkts = (op, ob + op * 52, rp, rb + rp * 52);
    match (conv.style, conv.proto) {
        (_, ICMP) => {
            (z.proto, z.orig_p, z.resp_p, z.service) = ("icmp", 8, 0, None);
            (z.state, z.history, z.bytes) = ("OTH", None, Some((48, 48)));
            z.pkts = (1, 76, 1, 76);
            z.duration_us = Some(rng.range(200, 3000));
        }
        (Style::Reject, _) => {
            z.service = None;
            let (state, history, resp_pkts) = match rng.below(20) {
                0..=8 => ("S0", "S", 0),
                9..=15 => ("REJ", "Sr", 1),
                16..=17 => ("RSTOS0", "SR", 0),
                _ => ("SH", "SF", 0),
            };
            (z.state, z.history) = (state, Some(history));
            let op = rng.range(1, 3);
            z.pkts = (op, op * 60, resp_pkts, resp_pkts * 40);
            if state == "S0" {
                (z.duration_us, z.bytes) = (None, None);
            } else {
                z.bytes = Some((0, 0));
                z.duration_us = Some(rng.range(100, 3_000_000));
            }
        }
        (Style::OneWay, _) => {
            (z.state, z.history, z.service) = ("S0", Some("D"), z.service);
            let b = rng.range(80, 900);
            (z.bytes, z.pkts) = (Some((b, 0)), (1, b + 28, 0, 0));
            z.duration_us = None;
        }
        (_, UDP) => {
            (z.state, z.history) = ("SF", Some("Dd"));
            let (b1, b2) = (rng.range(30, 80), rng.range(60, 400));
            (z.bytes, z.pkts) = (Some((b1, b2)), (1, b1 + 28, 1, b2 + 28));
            z.duration_us = Some(rng.range(200, 40_000));
        }
        _ => {
            let (state, history) = match rng.below(100) {
                0..=83 => ("SF", "ShADadFf"),
                84..=88 => ("S1", "ShADad"),
                89..=92 => ("RSTO", "ShADadR"),
                93..=95 => ("RSTR", "ShADadr"),
                96..=97 => ("S3", "ShADadf"),
                _ => ("S2", "ShADadF"),
            };
            (z.state, z.history) = (state, Some(history));
            if state == "S1" {
                z.duration_us = Some(rng.range(60_000_000, 3_600_000_000));
            }
        }
    }
    z
}

fn secs(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

fn tsv(z: &Conn) -> String {
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |x| x.to_string());
    let tf = |b: bool| if b { "T" } else { "F" };
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t0\t{}\t{}\t{}\t{}\t{}\t(empty)\n",
        secs(z.ts_us),
        z.uid,
        z.orig_h,
        z.orig_p,
        z.resp_h,
        z.resp_p,
        z.proto,
        z.service.unwrap_or("-"),
        z.duration_us.map_or("-".to_string(), secs),
        opt(z.bytes.map(|b| b.0)),
        opt(z.bytes.map(|b| b.1)),
        z.state,
        tf(z.local.0),
        tf(z.local.1),
        z.history.unwrap_or("-"),
        z.pkts.0,
        z.pkts.1,
        z.pkts.2,
        z.pkts.3
    )
}

fn json(z: &Conn) -> String {
    let mut o = format!(
        "{{\"ts\":{},\"uid\":\"{}\",\"id.orig_h\":\"{}\",\"id.orig_p\":{},\"id.resp_h\":\"{}\",\"id.resp_p\":{},\"proto\":\"{}\"",
        secs(z.ts_us),
        z.uid,
        z.orig_h,
        z.orig_p,
        z.resp_h,
        z.resp_p,
        z.proto
    );
    if let Some(s) = z.service {
        o.push_str(&format!(",\"service\":\"{s}\""));
    }
    if let Some(d) = z.duration_us {
        o.push_str(&format!(",\"duration\":{}", secs(d)));
    }
    if let Some((a, b)) = z.bytes {
        o.push_str(&format!(",\"orig_bytes\":{a},\"resp_bytes\":{b}"));
    }
    o.push_str(&format!(
        ",\"conn_state\":\"{}\",\"local_orig\":{},\"local_resp\":{},\"missed_bytes\":0",
        z.state, z.local.0, z.local.1
    ));
    if let Some(h) = z.history {
        o.push_str(&format!(",\"history\":\"{h}\""));
    }
    o.push_str(&format!(
        ",\"orig_pkts\":{},\"orig_ip_bytes\":{},\"resp_pkts\":{},\"resp_ip_bytes\":{}}}\n",
        z.pkts.0, z.pkts.1, z.pkts.2, z.pkts.3
    ));
    o
}

/// Write one sensor's log. `json_lines`: the access sensor (JSON), else the core sensor (TSV).
pub fn write(
    dir: &Path,
    t: &Traffic,
    seed: u64,
    budget: u64,
    gz: Option<u32>,
    json_lines: bool,
) -> Res<Tally> {
    let dir = dir.join("flows/zeek");
    std::fs::create_dir_all(&dir)?;
    let (source, label, name) = if json_lines {
        (ZACCESS, "zeek-json", "conn.json.log")
    } else {
        (ZCORE, "zeek-tsv", "conn.log")
    };
    for stale in [name.to_string(), format!("{name}.gz")] {
        let p = dir.join(stale);
        if p.exists() {
            std::fs::remove_file(p)?;
        }
    }
    let file = if gz.is_some() {
        format!("{name}.gz")
    } else {
        name.to_string()
    };
    let mut out = Out::create(&dir.join(file), gz)?;
    let mut rng = Rng::derive(seed, label);
    let mut s = Sampler::new(t, source, label);
    if !json_lines {
        let head = format!(
            "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t{}\n#fields\t{FIELDS}\n#types\t{TYPES}\n",
            zeek_stamp(T0)
        );
        out.write_all(head.as_bytes())?;
    }
    let step = (PERIOD_US / budget.max(1)).max(1);
    let mut ts = T0 as u64 * 1_000_000 + rng.range(0, 999_999);
    while s.tally.records < budget && !s.is_empty() {
        let Some(ci) = s.next(&mut rng) else { break };
        ts += rng.range(0, 2 * step);
        let z = make(&mut rng, t, ci, ts);
        let line = if json_lines { json(&z) } else { tsv(&z) };
        out.write_all(line.as_bytes())?;
        s.tally.records += 1;
        s.mark(ci);
    }
    if !json_lines {
        let end = (ts / 1_000_000) as i64 + 1;
        out.write_all(format!("#close\t{}\n", zeek_stamp(end.max(T0 + 6 * 3600))).as_bytes())?;
    }
    out.finish()?;
    Ok(s.finish())
}
