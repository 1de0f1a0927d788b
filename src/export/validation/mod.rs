//! `validation/`: the synthetic probe plan. `probes.yaml` lists, for every ordered pair of zones
//! holding workloads, TCP probes that must connect (observed flows the plan allows) and probes
//! that must be refused (real clients, servers and listening ports the plan denies);
//! `probes.sh` runs them with plain `nc -z -w 2`. Testing both directions after enforcing a
//! phase, rather than trusting that no alert means correct.

pub mod probes;
pub mod script;

use std::fmt::Write as _;

use crate::export::deliverables::{Context, markdown_digests};
use crate::export::yaml::{Node, entry, number, text, to_yaml};
use probes::{Expect, Probe};

/// `validation/probes.yaml`: `{estate_digest, plan_digest, probes: [...]}`.
pub fn probes_yaml(ctx: &Context) -> String {
    let list = probes::probes(ctx).iter().map(probe_node).collect();
    to_yaml(&[
        entry("estate_digest", text(&ctx.digests.estate)),
        entry("plan_digest", text(&ctx.digests.plan)),
        entry("probes", Node::List(list)),
    ])
}

fn probe_node(probe: &Probe) -> Node {
    Node::Map(vec![
        entry("name", text(&probe.name)),
        entry("from", text(&probe.from)),
        entry("to", text(&probe.to)),
        entry("address", text(&probe.address.to_string())),
        entry("port", number(probe.port)),
        entry("protocol", text(probe.protocol)),
        entry("expect", text(probe.expect.as_str())),
        entry("reason", text(&probe.reason)),
    ])
}

/// `validation/probes.sh`.
pub fn probes_sh(ctx: &Context) -> String {
    script::script(ctx, &probes::probes(ctx))
}

const GUIDE: &str = "\
## When and how

Run the probes **after enforcing a phase** (and again after every change to the policies), from
the workloads they start at:

```sh
sh probes.sh              # the probes whose `from` is this host (by host name)
sh probes.sh --as NAME    # the probes of workload NAME (a pod: its workload NAMESPACE/OWNER)
sh probes.sh --all        # every probe, from here, whatever its `from`
```

Each probe is one `nc -z -w 2 ADDRESS PORT`: a connection within two seconds is `connect`,
anything else (refused, reset, timed out) is `refuse`. The script prints `PASS` or `FAIL` per
probe with its name, expectation and result, and exits 1 when any probe fails (2 when no probe
starts at this host). A pod's host name is its pod name, which matches its workload
`NAMESPACE/OWNER` when it starts with `OWNER-`.

**Do not trust that no alerts means correct.** A policy that denies nothing raises no alert
either. Test both directions: the `connect` probes show the plan's flows still work, the `refuse`
probes show the wall is really there. A `FAIL` on a `connect` probe is breakage (or a service
that is down); a `FAIL` on a `refuse` probe is a hole.

## What the probes are

- `connect`: an observed TCP flow between two workloads that the plan allows, to the server's
  real address and port; flows allowed by a rule come first, then intra-zone ones. Up to two per
  zone pair, on different ports.
- `refuse`: a real client workload of the first zone, a real server workload of the second and a
  TCP port the server is seen listening on (it accepted connections there), where the plan
  allows no such connection. Up to two per zone pair, on different servers.
- Every ordered pair of zones holding workloads, the pseudo-zones (`unassigned`…) included, and
  each zone with itself. Candidates are sorted by name and the first ones taken, so the same
  data and plan give the same probes.

## What the probes leave out

- **UDP and ICMP**: `nc -zu` cannot tell a delivered datagram from a dropped one, so only TCP
  is probed. DNS, NTP and syslog over UDP need their own checks (`dig`, `chronyc`).
- Addresses no workload owns (internet, unmanaged): probes start and end at workloads.
- A probe from a host that cannot run `sh` and `nc` (an appliance, a managed database) has to
  be run from elsewhere with `--as`, which tests another path.
";

/// `validation/README.md`.
pub fn readme(ctx: &Context) -> String {
    let all = probes::probes(ctx);
    let count = |e: Expect| all.iter().filter(|p| p.expect == e).count();
    let mut out = String::from("# Synthetic probes\n\n");
    out.push_str(&markdown_digests(ctx));
    let _ = writeln!(
        out,
        "\n`probes.yaml` lists {} probes ({} must connect, {} must be refused); `probes.sh` runs \
         them.\n",
        all.len(),
        count(Expect::Connect),
        count(Expect::Refuse)
    );
    out.push_str(GUIDE);
    out
}

#[cfg(test)]
mod tests;
