#!/usr/bin/env python3
"""Observed blast radius of every workload: networkx against `blastwall blast --all`.

Reads the observed workload graph Blastwall exports (`blastwall blast --edge-list`: one
`CLIENT<TAB>SERVER` line per accepted edge between two workloads), times networkx's breadth-first
search (`nx.descendants`) from a uniform sample of workloads, extrapolates the mean to every
workload, and times `blastwall blast --all --mode observed --json` on the same workspace as a whole
process (opening the workspace, resolving the flows, condensing the graph, ranking). The counts of
the sampled workloads must agree with Blastwall's.

    cargo build --release --bin blastwall --bin gen-estate
    benches/networkx_blast.py --generate /tmp/nx --workloads 46000 --edges 600000
    benches/networkx_blast.py --workspace /tmp/nx/ws.blastwall

`--generate` writes the bench estate (benches/support: applications, hubs, dependencies) as a
CMDB CSV and an edges CSV (`BLASTWALL_BENCH_WRITE=DIR cargo bench --bench analysis`) and imports
them; `--source gen-estate` uses the demo-estate generator's flow logs instead (`--records`).

Needs networkx 3 (`pip install networkx`).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time

import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    """Runs a command, returns (seconds, stdout)."""
    started = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, out


def generate(args):
    """A workspace `DIR/ws.blastwall` imported from files generated into `DIR/est`."""
    os.makedirs(args.generate, exist_ok=True)
    est = os.path.join(args.generate, "est")
    ws = os.path.join(args.generate, "ws.blastwall")
    if args.source == "bench":
        env = dict(os.environ, BLASTWALL_BENCH_WRITE=est,
                   BLASTWALL_BENCH_WORKLOADS=str(args.workloads),
                   BLASTWALL_BENCH_EDGES=str(args.edges))
        subprocess.run(["cargo", "bench", "--bench", "analysis"], check=True, cwd=ROOT, env=env)
    else:
        gen = os.path.join(os.path.dirname(args.blastwall), "gen-estate")
        subprocess.run([gen, "--out", est, "--workloads", str(args.workloads),
                        "--records", str(args.records)], check=True)
    subprocess.run([args.blastwall, "-w", ws, "import", est], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"workspace: {ws}")
    return ws


def load_graph(blastwall, ws):
    _, text = run([blastwall, "-w", ws, "blast", "--edge-list"])
    graph = nx.DiGraph()
    for line in text.splitlines():
        client, _, server = line.partition("\t")
        graph.add_node(client)
        if server:
            graph.add_edge(client, server)
    return graph


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", help="an existing workspace")
    parser.add_argument("--generate", metavar="DIR", help="generate and import a workspace in DIR")
    parser.add_argument("--workloads", type=int, default=46000)
    parser.add_argument("--source", choices=["bench", "gen-estate"], default="bench")
    parser.add_argument("--edges", type=int, default=600000, help="service edges (bench)")
    parser.add_argument("--records", type=int, default=6000000, help="flow records (gen-estate)")
    parser.add_argument("--blastwall", default=os.path.join(ROOT, "target/release/blastwall"))
    parser.add_argument("--sample", type=int, default=20, help="workloads searched by networkx")
    parser.add_argument("--runs", type=int, default=3, help="runs of blastwall (median)")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    ws = args.workspace or (generate(args) if args.generate else None)
    if not ws:
        parser.error("give --workspace WS or --generate DIR")

    graph = load_graph(args.blastwall, ws)
    nodes = sorted(graph.nodes)
    n = len(nodes)
    print(f"graph: {n:,} workloads, {graph.number_of_edges():,} edges (blastwall blast --edge-list)")

    sample = random.Random(args.seed).sample(nodes, min(args.sample, n))
    seconds, reached = [], {}
    for node in sample:
        started = time.perf_counter()
        reached[node] = len(nx.descendants(graph, node))
        seconds.append(time.perf_counter() - started)
    per_bfs = statistics.mean(seconds)
    every = per_bfs * n
    print(f"networkx {nx.__version__} nx.descendants, {len(sample)} sampled workloads: "
          f"mean {per_bfs:.3f} s, median {statistics.median(seconds):.3f} s per search")
    print(f"networkx, every workload (mean x {n:,}): {every:,.0f} s ({every / 3600:.2f} h)")

    cmd = [args.blastwall, "-w", ws, "blast", "--all", "--mode", "observed", "--json"]
    runs = [run(cmd) for _ in range(args.runs)]
    whole = statistics.median(t for t, _ in runs)
    rows = {r["workload"]: r["reachable"] for r in json.loads(runs[0][1])["workloads"]}
    wrong = [(w, reached[w], rows.get(w)) for w in sample if rows.get(w) != reached[w]]
    if wrong:
        print(f"MISMATCH (workload, networkx, blastwall): {wrong}")
        return 1
    one = statistics.median(
        run([args.blastwall, "-w", ws, "blast", sample[0], "--mode", "observed", "--json"])[0]
        for _ in range(args.runs))
    print(f"blastwall blast --all --mode observed, whole process (median of {args.runs}): "
          f"{whole:.2f} s; counts agree on the sample")
    print(f"  opening, resolving and one search (blast ONE --mode observed): {one:.2f} s")
    print(f"ratio, networkx every workload / blastwall whole process: {every / whole:,.0f}x")
    if whole > one:
        print(f"ratio without opening the workspace: {every / (whole - one):,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
