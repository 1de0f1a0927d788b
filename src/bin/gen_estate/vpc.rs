//! AWS VPC flow logs (S3 text files, custom v5 format, gzip).

use std::io::Write;
use std::path::Path;

use crate::deps::{ICMP, Style, TCP};
use crate::model::{ACCOUNT, Model, REGION, Res};
use crate::net::{Out, T0, aws_stamp, is_v4};
use crate::rng::Rng;
use crate::sample::Sampler;
use crate::traffic::{Conv, Loc, Party, Traffic, VPC};
use crate::truth::Tally;

const HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr flow-direction\n";
pub const WINDOWS: i64 = 360;
const WINDOW: i64 = 60;

/// Per-ENI strings used on every record line.
struct EniInfo {
    id: String,
    primary: String,
    vpc_id: String,
    subnet_id: String,
    instance: String,
    vpc: usize,
}

struct Long {
    conv: u32,
    sport: u16,
    left: u32,
}

struct W<'a> {
    t: &'a Traffic,
    enis: Vec<EniInfo>,
    outs: Vec<Option<Out>>,
    rng: Rng,
    s: Sampler,
    lines: u64,
}

/// One directional record at one ENI.
struct Rec<'a> {
    eni: usize,
    src: &'a Party,
    dst: &'a Party,
    sport: u16,
    dport: u16,
    proto: u8,
    packets: u64,
    bytes: u64,
    start: i64,
    end: i64,
    action: &'a str,
    flags: u8,
}

impl W<'_> {
    fn line(&mut self, r: Rec) -> Res<()> {
        let e = &self.enis[r.eni];
        let egress = matches!(r.src.loc, Loc::Cloud { eni } if eni == r.eni);
        let v4 = is_v4(r.src.addr);
        let srcaddr = if egress && v4 { &e.primary } else { &r.src.ip };
        let dstaddr = if !egress && v4 { &e.primary } else { &r.dst.ip };
        let line = format!(
            "5 {ACCOUNT} {} {srcaddr} {dstaddr} {} {} {} {} {} {} {} {} OK {} {} {} {} {} {} {} {}\n",
            e.id,
            r.sport,
            r.dport,
            r.proto,
            r.packets,
            r.bytes,
            r.start,
            r.end,
            r.action,
            e.vpc_id,
            e.subnet_id,
            e.instance,
            r.flags,
            if v4 { "IPv4" } else { "IPv6" },
            r.src.ip,
            r.dst.ip,
            if egress { "egress" } else { "ingress" },
        );
        self.write(e.vpc, line.as_bytes())
    }

    fn status(&mut self, eni: usize, start: i64, status: &str) -> Res<()> {
        let e = &self.enis[eni];
        let line = format!(
            "5 {ACCOUNT} {} - - - - - - - {start} {} - {status} {} {} {} - - - - -\n",
            e.id,
            start + WINDOW - 1,
            e.vpc_id,
            e.subnet_id,
            e.instance
        );
        self.s.tally.skipped += 1;
        self.write(e.vpc, line.as_bytes())
    }

    fn write(&mut self, vpc: usize, bytes: &[u8]) -> Res<()> {
        if let Some(Some(out)) = self.outs.get_mut(vpc) {
            out.write_all(bytes)?;
        }
        self.s.tally.records += 1;
        self.lines += 1;
        Ok(())
    }

    fn enis_of(&self, conv: &Conv) -> [Option<usize>; 2] {
        let eni = |p: u32| match self.t.parties[p as usize].loc {
            Loc::Cloud { eni } => Some(eni),
            _ => None,
        };
        [eni(conv.c), eni(conv.s)]
    }

    /// Records of one window of a connection; `req`/`rep` give (flags) or None to omit.
    fn emit(
        &mut self,
        ci: u32,
        sport: u16,
        start: i64,
        req: Option<u8>,
        rep: Option<u8>,
    ) -> Res<()> {
        let t = self.t;
        let conv = t.convs[ci as usize];
        let (c, s) = (&t.parties[conv.c as usize], &t.parties[conv.s as usize]);
        let (sport, dport) = if conv.proto == ICMP {
            (0, 0)
        } else {
            (sport, conv.port)
        };
        let reject = conv.style == Style::Reject;
        let end = (start + self.rng.range(0, 20) as i64)
            .min(start - start.rem_euclid(WINDOW) + WINDOW - 1);
        let [ce, se] = self.enis_of(&conv);
        let (pk, by) = if reject {
            (self.rng.range(1, 3), self.rng.range(40, 180))
        } else {
            self.volume(conv.port, conv.proto)
        };
        if let Some(flags) = req {
            for (eni, at_server) in [(ce, false), (se, true)] {
                let Some(eni) = eni else { continue };
                let action = if reject && (at_server || se.is_none()) {
                    "REJECT"
                } else {
                    "ACCEPT"
                };
                let r = Rec {
                    eni,
                    src: c,
                    dst: s,
                    sport,
                    dport,
                    proto: conv.proto,
                    packets: pk,
                    bytes: by,
                    start,
                    end,
                    action,
                    flags,
                };
                self.line(r)?;
            }
        }
        if let Some(flags) = rep {
            let (pk2, by2) = self.volume(conv.port, conv.proto);
            for eni in [se, ce].into_iter().flatten() {
                let r = Rec {
                    eni,
                    src: s,
                    dst: c,
                    sport: dport,
                    dport: sport,
                    proto: conv.proto,
                    packets: pk2,
                    bytes: by2 * 3,
                    start,
                    end,
                    action: "ACCEPT",
                    flags,
                };
                self.line(r)?;
            }
        }
        self.s.mark(ci);
        Ok(())
    }

    /// (packets, bytes) of one direction in one window.
    fn volume(&mut self, port: u16, proto: u8) -> (u64, u64) {
        match (port, proto) {
            (_, ICMP) => {
                let pk = self.rng.range(1, 10);
                (pk, pk * 84)
            }
            (53 | 514 | 123, _) => {
                let pk = self.rng.range(1, 6);
                (pk, pk * self.rng.range(70, 300))
            }
            _ => {
                let pk = self.rng.range(3, 60);
                (pk, pk * self.rng.range(60, 1400))
            }
        }
    }

    /// A new connection of conversation `ci` starting in window `ws`.
    fn connection(&mut self, ci: u32, ws: i64, long: &mut Vec<Long>) -> Res<()> {
        let conv = self.t.convs[ci as usize];
        let sport = self.rng.range(32768, 60999) as u16;
        let start = ws + self.rng.range(0, 45) as i64;
        match conv.style {
            Style::Reject => self.emit(ci, sport, start, Some(2), None),
            Style::OneWay => self.emit(ci, sport, start, Some(0), None),
            Style::Icmp => self.emit(ci, sport, start, Some(0), None),
            Style::Normal | Style::Audit if conv.proto == TCP => {
                if self.rng.chance(5, 100) {
                    long.push(Long {
                        conv: ci,
                        sport,
                        left: self.rng.range(2, 6) as u32,
                    });
                    self.emit(ci, sport, start, Some(2), Some(18))
                } else if self.rng.chance(85, 100) {
                    self.emit(ci, sport, start, Some(3), Some(19))
                } else {
                    self.emit(ci, sport, start, Some(2), Some(18))
                }
            }
            _ => self.emit(ci, sport, start, Some(0), Some(0)),
        }
    }

    fn open_files(&mut self, dir: &Path, m: &Model, start: i64, level: u32) -> Res<()> {
        self.close()?;
        for (i, vpc) in m.cloud.vpcs.iter().enumerate() {
            let stamp = aws_stamp((start + 300) / 300 * 300);
            let name = format!(
                "{ACCOUNT}_vpcflowlogs_{REGION}_{}_{stamp}_{}.log.gz",
                vpc.fl_id,
                self.rng.hex(8)
            );
            let mut out = Out::create(&dir.join(name), Some(level))?;
            out.write_all(HEADER.as_bytes())?;
            self.outs[i] = Some(out);
        }
        Ok(())
    }

    fn close(&mut self) -> Res<()> {
        for o in self.outs.iter_mut() {
            if let Some(out) = o.take() {
                out.finish()?;
            }
        }
        Ok(())
    }
}

pub fn write(dir: &Path, m: &Model, t: &Traffic, seed: u64, budget: u64, level: u32) -> Res<Tally> {
    let dir = dir.join("flows/vpc");
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir(&dir)? {
        let p = entry?.path();
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if name.contains("_vpcflowlogs_") && name.ends_with(".log.gz") {
            std::fs::remove_file(&p)?;
        }
    }
    let enis = m
        .cloud
        .enis
        .iter()
        .map(|e| EniInfo {
            id: e.id.clone(),
            primary: crate::net::fmt_addr(e.primary),
            vpc_id: m.cloud.vpcs[e.vpc].id.clone(),
            subnet_id: m.cloud.subnets[e.subnet].id.clone(),
            instance: m.cloud.instances[e.inst].id.clone(),
            vpc: e.vpc,
        })
        .collect();
    let mut w = W {
        t,
        enis,
        outs: (0..m.cloud.vpcs.len()).map(|_| None).collect(),
        rng: Rng::derive(seed, "vpc"),
        s: Sampler::new(t, VPC, "vpc"),
        lines: 0,
    };
    let idle: Vec<usize> = (0..m.cloud.enis.len())
        .filter(|&e| m.cloud.enis[e].idle)
        .collect();
    let busy: Vec<usize> = (0..m.cloud.enis.len())
        .filter(|&e| !m.cloud.enis[e].idle)
        .collect();
    // Tiny estates have no idle ENI: let the last one report NODATA instead.
    let idle = if idle.is_empty() {
        busy.last().copied().into_iter().collect()
    } else {
        idle
    };
    let files = 6.max(budget.div_ceil(800_000)) as i64;
    let per_file = (WINDOWS / files).max(1);
    let nodata = (budget / 100).max(1);
    let skipdata = (budget / 1000).max(1);
    let mut long: Vec<Long> = Vec::new();
    for win in 0..WINDOWS {
        let ws = T0 + win * WINDOW;
        if win % per_file == 0 && win / per_file < files {
            w.open_files(&dir, m, ws, level)?;
        }
        let mut next = Vec::new();
        for l in long.drain(..) {
            let flags = if l.left == 1 { 1 } else { 0 };
            w.emit(l.conv, l.sport, ws, Some(flags), Some(flags))?;
            if l.left > 1 {
                next.push(Long {
                    left: l.left - 1,
                    ..l
                });
            }
        }
        long = next;
        if win == 0 {
            orphans(&mut w, ws, (budget / 400).max(2))?;
        }
        for &e in &idle {
            if win == 0 || w.rng.chance(nodata, (WINDOWS as u64) * idle.len() as u64) {
                w.status(e, ws, "NODATA")?;
            }
        }
        if (win == 1 || w.rng.chance(skipdata, WINDOWS as u64)) && !busy.is_empty() {
            let e = busy[w.rng.idx(busy.len())];
            w.status(e, ws, "SKIPDATA")?;
        }
        let target = budget * (win as u64 + 1) / WINDOWS as u64;
        while w.lines < target && !w.s.is_empty() {
            let Some(ci) = w.s.next(&mut w.rng) else {
                break;
            };
            w.connection(ci, ws, &mut long)?;
        }
    }
    w.close()?;
    Ok(w.s.finish())
}

/// Replies whose requests fell before the first window: only the reply half is logged.
fn orphans(w: &mut W, ws: i64, n: u64) -> Res<()> {
    let t = w.t;
    for _ in 0..n {
        let pred = |i: u32| {
            let c = &t.convs[i as usize];
            c.proto == TCP && c.style == Style::Normal
        };
        let Some(ci) = w.s.pick(&mut w.rng, pred) else {
            break;
        };
        let sport = w.rng.range(32768, 60999) as u16;
        let flags = if w.rng.chance(1, 3) { 1 } else { 19 };
        w.emit(ci, sport, ws, None, Some(flags))?;
    }
    Ok(())
}
