#!/usr/bin/env python3
"""The ingest reference of benches/compare.sh: DuckDB aggregating a raw VPC flow log (version 2
layout, header line) the way `blastwall import` does: group by source, destination, destination
port, protocol and action, with record counts, byte and packet sums and first/last times. The
groups are materialised in a table (as Blastwall stores its edges), then counted.

usage: duckdb_aggregate.py FILE [THREADS]
"""
import sys
import time

import duckdb

COLUMNS = {
    "version": "VARCHAR", "account-id": "VARCHAR", "interface-id": "VARCHAR",
    "srcaddr": "VARCHAR", "dstaddr": "VARCHAR", "srcport": "VARCHAR", "dstport": "VARCHAR",
    "protocol": "VARCHAR", "packets": "VARCHAR", "bytes": "VARCHAR", "start": "VARCHAR",
    "end": "VARCHAR", "action": "VARCHAR", "log-status": "VARCHAR",
}


def main() -> None:
    path = sys.argv[1]
    con = duckdb.connect()
    if len(sys.argv) > 2:
        con.execute(f"SET threads = {int(sys.argv[2])}")
    started = time.monotonic()
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in COLUMNS.items())
    con.execute(f"""
        CREATE TABLE edges AS
        SELECT srcaddr, dstaddr, TRY_CAST(dstport AS INTEGER) AS dstport,
               TRY_CAST(protocol AS INTEGER) AS protocol, action,
               COUNT(*) AS records,
               SUM(TRY_CAST(packets AS BIGINT)) AS packets,
               SUM(TRY_CAST(bytes AS BIGINT)) AS bytes,
               MIN(TRY_CAST(start AS BIGINT)) AS first_seen,
               MAX(TRY_CAST("end" AS BIGINT)) AS last_seen
        FROM read_csv('{path}', delim = ' ', header = true, columns = {{{columns}}})
        WHERE "log-status" = 'OK'
        GROUP BY ALL
    """)
    groups = con.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
    print(f"duckdb {duckdb.__version__}: {groups} groups in {time.monotonic() - started:.2f} s")


if __name__ == "__main__":
    main()
