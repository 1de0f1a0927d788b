//! Cilium Hubble flows as `hubble observe -o jsonpb` lines (gzip).

use std::io::Write;
use std::path::Path;

use crate::catalog::Kind;
use crate::deps::{ICMP, Style, UDP};
use crate::json::quoted;
use crate::model::{CLUSTER, Model, Res};
use crate::net::{Out, T0, is_v4, rfc3339_nanos, v4_of};
use crate::rng::Rng;
use crate::sample::Sampler;
use crate::traffic::{HUBBLE, Loc, Traffic};
use crate::truth::Tally;

enum Ep {
    Pod {
        body: String,
        workloads: Option<String>,
        id: u32,
        node: usize,
        always: bool,
        dns: bool,
    },
    Node {
        node: usize,
        cp: bool,
    },
    Static(String),
}

/// One Hubble event of a connection.
struct Ev {
    reply: bool,
    node: usize,
    egress: bool,
    point: Option<&'static str>,
    etype: u8,
    verdict: &'static str,
    tcp: Option<(&'static str, &'static str)>,
}

const SYN: (&str, &str) = ("{\"SYN\":true}", "TCP Flags: SYN");
const SYNACK: (&str, &str) = ("{\"SYN\":true,\"ACK\":true}", "TCP Flags: SYN, ACK");
const PSH: (&str, &str) = ("{\"PSH\":true,\"ACK\":true}", "TCP Flags: ACK, PSH");
const FIN: (&str, &str) = ("{\"FIN\":true,\"ACK\":true}", "TCP Flags: ACK, FIN");

struct H<'a> {
    t: &'a Traffic,
    eps: Vec<Option<Ep>>,
    nodes: Vec<String>,
    rng: Rng,
    out: Out,
    s: Sampler,
    ns: u64,
}

fn endpoints(m: &Model, t: &Traffic) -> Vec<Option<Ep>> {
    let mut used = vec![false; t.parties.len()];
    for c in t.convs.iter().filter(|c| c.srcs & HUBBLE != 0) {
        used[c.c as usize] = true;
        used[c.s as usize] = true;
    }
    let mut eps = Vec::with_capacity(t.parties.len());
    for (i, p) in t.parties.iter().enumerate() {
        if !used[i] {
            eps.push(None);
            continue;
        }
        let ep = match p.loc {
            Loc::Pod { pod } => {
                let pod = &m.k8s.pods[pod];
                let w = &m.k8s.wls[pod.k];
                let labels: Vec<String> = w.cilium_labels().iter().map(|l| quoted(l)).collect();
                let body = format!(
                    "\"identity\":{},\"namespace\":{},\"labels\":[{}],\"pod_name\":{}",
                    w.identity,
                    quoted(&w.ns),
                    labels.join(","),
                    quoted(&pod.name)
                );
                let workloads = (w.kind != Kind::Bare).then(|| {
                    format!(
                        ",\"workloads\":[{{\"name\":{},\"kind\":\"{}\"}}]",
                        quoted(&w.name),
                        w.kind.name()
                    )
                });
                Ep::Pod {
                    body,
                    workloads,
                    id: pod.ep_id,
                    node: pod.node.unwrap_or(0),
                    always: w.observed_only,
                    dns: w.key == "k/coredns",
                }
            }
            Loc::Node { node, .. } => Ep::Node {
                node,
                cp: m.k8s.nodes.get(node).is_some_and(|n| n.cp),
            },
            _ if crate::net::is_local(p.addr) && is_v4(p.addr) => {
                let [a, b, _, _] = v4_of(p.addr).to_be_bytes();
                Ep::Static(format!(
                    "{{\"identity\":{},\"labels\":[\"cidr:{a}.{b}.0.0/16\",\"reserved:world\"]}}",
                    16_777_216 + u32::from(b)
                ))
            }
            _ => Ep::Static("{\"identity\":2,\"labels\":[\"reserved:world\"]}".into()),
        };
        eps.push(Some(ep));
    }
    eps
}

impl H<'_> {
    fn ep(&self, p: u32, obs: usize, wl_on: bool) -> String {
        match &self.eps[p as usize] {
            Some(Ep::Pod {
                body,
                workloads,
                id,
                node,
                always,
                ..
            }) => {
                let mut s = String::with_capacity(body.len() + 80);
                s.push('{');
                if *node == obs {
                    s.push_str(&format!("\"ID\":{id},"));
                }
                s.push_str(body);
                if let (Some(w), true) = (workloads, wl_on || *always) {
                    s.push_str(w);
                }
                s.push('}');
                s
            }
            Some(Ep::Node { node, .. }) if *node == obs => {
                "{\"identity\":1,\"labels\":[\"reserved:host\"]}".into()
            }
            Some(Ep::Node { cp: true, .. }) => {
                "{\"identity\":7,\"labels\":[\"reserved:kube-apiserver\",\"reserved:remote-node\"]}"
                    .into()
            }
            Some(Ep::Node { .. }) => {
                "{\"identity\":6,\"labels\":[\"reserved:remote-node\"]}".into()
            }
            Some(Ep::Static(s)) => s.clone(),
            None => "{}".into(),
        }
    }

    fn pod_node(&self, p: u32) -> Option<usize> {
        match &self.eps[p as usize] {
            Some(Ep::Pod { node, .. }) => Some(*node),
            _ => None,
        }
    }

    fn events(&mut self, ci: u32) -> Vec<Ev> {
        let conv = self.t.convs[ci as usize];
        let (cn, sn) = (self.pod_node(conv.c), self.pod_node(conv.s));
        let mut v = Vec::new();
        let tcp = conv.proto != UDP && conv.proto != ICMP;
        let f = |x: (&'static str, &'static str)| if tcp { Some(x) } else { None };
        let ev = |reply, node, egress, point, tcpf| Ev {
            reply,
            node,
            egress,
            point,
            etype: 4,
            verdict: "FORWARDED",
            tcp: tcpf,
        };
        if conv.style == Style::Reject {
            let (node, egress) = match (sn, cn) {
                (Some(n), _) => (n, false),
                (None, Some(n)) => (n, true),
                _ => return v,
            };
            for _ in 0..self.rng.range(1, 3) {
                v.push(Ev {
                    reply: false,
                    node,
                    egress,
                    point: None,
                    etype: 1,
                    verdict: "DROPPED",
                    tcp: f(SYN),
                });
            }
            return v;
        }
        if conv.style == Style::Audit {
            if let Some(n) = sn.or(cn) {
                v.push(Ev {
                    reply: false,
                    node: n,
                    egress: sn.is_none(),
                    point: None,
                    etype: 5,
                    verdict: "AUDIT",
                    tcp: f(SYN),
                });
            }
        } else if let (Some(n), true) = (cn, tcp && self.rng.chance(1, 2)) {
            v.push(Ev {
                reply: false,
                node: n,
                egress: true,
                point: None,
                etype: 5,
                verdict: "FORWARDED",
                tcp: f(SYN),
            });
        }
        if let Some(n) = cn {
            v.push(ev(false, n, true, Some("FROM_ENDPOINT"), f(SYN)));
            if sn.is_none() {
                v.push(ev(false, n, true, Some("TO_STACK"), f(SYN)));
            }
        }
        if let Some(n) = sn {
            v.push(ev(false, n, false, Some("TO_ENDPOINT"), f(SYN)));
        }
        if conv.style == Style::OneWay {
            return v;
        }
        if let Some(n) = sn {
            v.push(ev(true, n, false, Some("FROM_ENDPOINT"), f(SYNACK)));
        }
        if let Some(n) = cn {
            v.push(ev(true, n, true, Some("TO_ENDPOINT"), f(SYNACK)));
        }
        if tcp {
            for k in 0..self.rng.range(0, 3) {
                let reply = k % 2 == 1;
                let (node, egress) = match (cn, sn) {
                    (Some(c), _) => (c, true),
                    (None, Some(s)) => (s, false),
                    _ => break,
                };
                v.push(ev(
                    reply,
                    node,
                    egress,
                    Some(if reply { "TO_ENDPOINT" } else { "TO_STACK" }),
                    f(PSH),
                ));
            }
            if let (Some(n), true) = (cn.or(sn), self.rng.chance(1, 2)) {
                v.push(ev(false, n, cn.is_some(), Some("TO_STACK"), f(FIN)));
            }
        }
        v
    }

    fn connection(&mut self, ci: u32) -> Res<()> {
        let t = self.t;
        let conv = t.convs[ci as usize];
        let (c, s) = (&t.parties[conv.c as usize], &t.parties[conv.s as usize]);
        let sport = self.rng.range(32768, 60999) as u16;
        let wl_on = self.rng.chance(1, 2);
        let dns = matches!(self.eps[conv.s as usize], Some(Ep::Pod { dns: true, .. }));
        for e in self.events(ci) {
            self.ns += self.rng.range(20_000, 2_000_000);
            let (src, dst, sp, dp) = if e.reply {
                (conv.s, conv.c, conv.port, sport)
            } else {
                (conv.c, conv.s, sport, conv.port)
            };
            let (sip, dip) = if e.reply {
                (&s.ip, &c.ip)
            } else {
                (&c.ip, &s.ip)
            };
            let time = rfc3339_nanos(
                (self.ns / 1_000_000_000) as i64,
                (self.ns % 1_000_000_000) as u32,
            );
            let l4 = match (conv.proto, e.tcp) {
                (ICMP, _) if e.reply => "{\"ICMPv4\":{}}".to_string(),
                (ICMP, _) => "{\"ICMPv4\":{\"type\":8}}".to_string(),
                (UDP, _) => {
                    format!("{{\"UDP\":{{\"source_port\":{sp},\"destination_port\":{dp}}}}}")
                }
                (_, tcp) => format!(
                    "{{\"TCP\":{{\"source_port\":{sp},\"destination_port\":{dp},\"flags\":{}}}}}",
                    tcp.map_or("{}", |t| t.0)
                ),
            };
            let node = format!("{CLUSTER}/{}", self.nodes[e.node]);
            let mut l = String::with_capacity(1200);
            l.push_str(&format!(
                "{{\"flow\":{{\"time\":\"{time}\",\"verdict\":\"{}\"",
                e.verdict
            ));
            if e.etype == 1 {
                l.push_str(",\"drop_reason\":133");
            }
            let ipv = if is_v4(c.addr) { "IPv4" } else { "IPv6" };
            l.push_str(&format!(",\"IP\":{{\"source\":\"{sip}\",\"destination\":\"{dip}\",\"ipVersion\":\"{ipv}\"}},\"l4\":{l4}"));
            l.push_str(&format!(
                ",\"source\":{},\"destination\":{}",
                self.ep(src, e.node, wl_on),
                self.ep(dst, e.node, wl_on)
            ));
            l.push_str(&format!(",\"Type\":\"L3_L4\",\"node_name\":\"{node}\""));
            l.push_str(match e.etype {
                1 => ",\"event_type\":{\"type\":1,\"sub_type\":133}",
                5 => ",\"event_type\":{\"type\":5}",
                _ => ",\"event_type\":{\"type\":4}",
            });
            l.push_str(if e.egress {
                ",\"traffic_direction\":\"EGRESS\""
            } else {
                ",\"traffic_direction\":\"INGRESS\""
            });
            if let Some(p) = e.point {
                l.push_str(&format!(",\"trace_observation_point\":\"{p}\""));
            }
            if e.etype == 1 {
                l.push_str(",\"drop_reason_desc\":\"POLICY_DENIED\"");
            }
            l.push_str(if e.reply {
                ",\"is_reply\":true"
            } else {
                ",\"is_reply\":false"
            });
            if dns && !e.reply {
                l.push_str(",\"destination_service\":{\"name\":\"kube-dns\",\"namespace\":\"kube-system\"}");
            }
            if let Some((_, summary)) = e.tcp {
                l.push_str(&format!(",\"Summary\":\"{summary}\""));
            }
            l.push_str(&format!(
                "}},\"node_name\":\"{node}\",\"time\":\"{time}\"}}\n"
            ));
            self.out.write_all(l.as_bytes())?;
            self.s.tally.records += 1;
        }
        self.s.mark(ci);
        Ok(())
    }
}

pub fn write(dir: &Path, m: &Model, t: &Traffic, seed: u64, budget: u64, level: u32) -> Res<Tally> {
    let dir = dir.join("flows/hubble");
    std::fs::create_dir_all(&dir)?;
    let mut h = H {
        t,
        eps: endpoints(m, t),
        nodes: m.k8s.nodes.iter().map(|n| n.name.clone()).collect(),
        rng: Rng::derive(seed, "hubble"),
        out: Out::create(&dir.join("flows.json.gz"), Some(level))?,
        s: Sampler::new(t, HUBBLE, "hubble"),
        ns: T0 as u64 * 1_000_000_000,
    };
    // About 4.5 events per connection: spread the connections over the 6 hours.
    let step = 6 * 3600 * 1_000_000_000u64 * 9 / (budget * 2).max(1);
    let mut extras = crate::hubble_extra::schedule(m);
    while h.s.tally.records < budget && !h.s.is_empty() {
        let Some(ci) = h.s.next(&mut h.rng) else {
            break;
        };
        h.ns += h.rng.range(0, 2 * step);
        h.connection(ci)?;
        while extras.due(h.s.tally.records, budget) {
            let line = extras.line(&mut h.rng, h.ns);
            h.out.write_all(line.as_bytes())?;
        }
    }
    while extras.due(u64::MAX, budget) {
        let line = extras.line(&mut h.rng, h.ns);
        h.out.write_all(line.as_bytes())?;
    }
    let H { out, s, .. } = h;
    out.finish()?;
    Ok(s.finish())
}
