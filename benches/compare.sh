#!/usr/bin/env bash
# Whole-process comparisons of issue 9, side by side on this machine: prints a table of medians
# and ratios. Inputs are generated into a temporary directory (never committed).
#
#   benches/compare.sh                 # 10M-record VPC log, 50k workloads, 2M edges, 3 runs each
#   RECORDS=1000000 RUNS=5 benches/compare.sh
#   KEEP=/tmp/scale benches/compare.sh # generate once into /tmp/scale and keep it
#
# Needs: python3 with duckdb and networkx (installed with pip when missing). The blast radius
# comparison builds its estate with `cargo bench --bench analysis` (benches/networkx_blast.py).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RECORDS=${RECORDS:-10000000}
WORKLOADS=${WORKLOADS:-50000}
EDGES=${EDGES:-2000000}
RUNS=${RUNS:-3}
WORK=${KEEP:-$(mktemp -d)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

python3 -c "import duckdb" 2>/dev/null || pip install --quiet duckdb
python3 -c "import networkx" 2>/dev/null || pip install --quiet networkx

echo "== building (release)" >&2
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin blastwall --bin gen-estate
BW="$ROOT/target/release/blastwall"
GEN="$ROOT/target/release/gen-estate"

if [ ! -s "$WORK/estate/raw/vpc.log" ]; then
  echo "== generating $WORKLOADS workloads, $EDGES edges, $RECORDS VPC records into $WORK" >&2
  "$GEN" --out "$WORK/estate" --workloads "$WORKLOADS" --edges "$EDGES" --raw-vpc "$RECORDS" --no-flows >&2
fi
RAW="$WORK/estate/raw/vpc.log"

# measure NAME COMMAND...: RUNS runs; appends "NAME seconds peak_kib" lines to $WORK/times.
measure() {
  local name=$1; shift
  for _ in $(seq "$RUNS"); do
    rm -f "$WORK/ws.bw" "$WORK/ws.bw-wal" "$WORK/ws.bw-shm"
    /usr/bin/time -f "%e %M" -o "$WORK/one" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
    echo "$name $(cat "$WORK/one")" >> "$WORK/times"
  done
}

: > "$WORK/times"
echo "== ingest: blastwall import vs DuckDB ($RUNS runs each, alternating)" >&2
for _ in $(seq "$RUNS"); do
  RUNS=1 measure blastwall-import "$BW" --workspace "$WORK/ws.bw" import "$RAW"
  RUNS=1 measure duckdb-aggregate python3 "$ROOT/benches/duckdb_aggregate.py" "$RAW"
done

echo "== blast radius: blastwall blast --all --mode observed vs networkx" >&2
# The observed graph of the bench estate (benches/support) at the issue's size: 46k workloads,
# about 460k edges between them.
python3 "$ROOT/benches/networkx_blast.py" --generate "$WORK/nx" --workloads "${NX_WORKLOADS:-46000}" \
  --edges "${NX_EDGES:-470000}" --runs "$RUNS" > "$WORK/networkx" 2>&1 || { cat "$WORK/networkx" >&2; exit 1; }

python3 - "$WORK/times" "$WORK/networkx" <<'PY'
import statistics, sys, os
runs = {}
for line in open(sys.argv[1]):
    name, seconds, kib = line.split()
    runs.setdefault(name, []).append((float(seconds), int(kib)))
def med(name, i):
    return statistics.median(r[i] for r in runs[name])
print(f"{'measure':<24}{'runs':>5}{'median s':>10}{'peak MiB':>10}")
for name in runs:
    print(f"{name:<24}{len(runs[name]):>5}{med(name, 0):>10.2f}{med(name, 1) / 1024:>10.0f}")
if "blastwall-import" in runs and "duckdb-aggregate" in runs:
    speed = med("duckdb-aggregate", 0) / med("blastwall-import", 0)
    memory = med("blastwall-import", 1) / med("duckdb-aggregate", 1)
    print(f"ingest: blastwall is {speed:.2f}x as fast as DuckDB (target 1.5x, goal 3x) "
          f"with {memory:.2f} of its peak memory (target at most 0.5)")
if os.path.exists(sys.argv[2]):
    print(open(sys.argv[2]).read().strip())
PY
