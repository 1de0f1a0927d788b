#!/usr/bin/env python3
"""Runs a Blastwall edges recipe (vpc_edges.duckdb.sql or vpc_edges.spark.sql) over raw VPC
flow log files and writes the edges CSV.

    run_sql.py duckdb|spark RECIPE.sql OUT.csv FILE_OR_GLOB... [--since T] [--until T]
                                                              [--fields "version account-id …"]

The files are read as the header line of the first one names their fields (repeated header
lines, where files were concatenated, are dropped by the recipe); files without a header
(CloudWatch exports) need --fields, else the default version-2 layout is assumed. Every file
must have the same layout. .gz files are read as they are.

Spark runs in local mode unless SPARK_MASTER names a master.

The runner registers the view vpc_flow_logs_text (Athena's VPC flow log columns as text, NULL
for the fields the files do not have; a line with the wrong number of fields is left out), then
runs the recipe's statements, binding since and until, and writes the last statement's rows.

T is Unix seconds, a date (UTC; for --until the end of that day) or an RFC 3339 time, as
blastwall's --since/--until take them (durations such as 30d count back from the newest flow
in a workspace, which a recipe has not got: give a time).
"""

import argparse
import datetime
import glob
import gzip
import os
import re
import shutil
import sys
import tempfile

# The columns of Athena's documented VPC flow log table (versions 2 to 5), in order.
ATHENA_COLUMNS = [
    "version", "account_id", "interface_id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets", "bytes", "start", "end", "action", "log_status", "vpc_id",
    "subnet_id", "instance_id", "tcp_flags", "type", "pkt_srcaddr", "pkt_dstaddr", "region",
    "az_id", "sublocation_type", "sublocation_id", "pkt_src_aws_service",
    "pkt_dst_aws_service", "flow_direction", "traffic_path",
]

# The default (version 2) format, for files without a header line.
DEFAULT_FIELDS = ATHENA_COLUMNS[:14]


def parse_bound(flag, text, end_of_day):
    """A window bound in Unix seconds, read as blastwall reads --since/--until."""
    text = text.strip()
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        day = datetime.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
        start = int(day.timestamp())
        return start + 86_399 if end_of_day else start
    try:
        moment = datetime.datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        sys.exit(f"{flag} {text!r}: expected Unix seconds, a date (2025-11-17) or an RFC 3339 "
                 "time (2025-11-17T08:00:00Z)\n  hint: a recipe has no newest flow to count a "
                 "duration back from")
    return int(moment.timestamp() // 1)


def expand(patterns):
    files = []
    for pattern in patterns:
        matched = sorted(glob.glob(pattern))
        if not matched:
            sys.exit(f"{pattern}: no such file")
        files.extend(matched)
    return files


def first_line(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.strip():
                return line.strip()
    return ""


def layout(files, fields):
    """(field names as Athena spells them, whether the files start with a header line)."""
    if fields:
        names = [f.strip("${}") for f in re.split(r"[\s,]+", fields) if f.strip("${}")]
        return [n.replace("-", "_") for n in names], False
    head = first_line(files[0])
    if re.fullmatch(r"[a-z][a-z0-9 -]*", head) and re.search(r"\b(pkt-)?srcaddr\b", head):
        return [n.replace("-", "_") for n in head.split()], True
    return DEFAULT_FIELDS, False


def projection(names, quote):
    """The SELECT list that turns the file's columns into Athena's, by name."""
    columns = []
    for column in ATHENA_COLUMNS:
        if column in names:
            columns.append(f"{quote}{column}{quote}")
        else:
            columns.append(f"CAST(NULL AS STRING) AS {quote}{column}{quote}")
    return ", ".join(columns)


def statements(path):
    """The recipe's statements: split after a line that ends with `;`, comments dropped."""
    text = "\n".join(line for line in open(path, encoding="utf-8").read().splitlines()
                     if not line.lstrip().startswith("--"))
    return [s.strip() for s in re.split(r";[ \t]*\n", text + "\n") if s.strip().rstrip(";")]


def sql_literal(value):
    return "NULL" if value is None else str(int(value))


def run_duckdb(recipe, out, files, names, header, since, until):
    import duckdb

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    paths = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW vpc_flow_logs_file AS
            SELECT * FROM read_csv({paths}, delim = ' ', header = {str(header).lower()},
                columns = {columns}, quote = '', escape = '', auto_detect = false,
                ignore_errors = true, null_padding = false)""")
    con.execute(
        "CREATE OR REPLACE TEMP VIEW vpc_flow_logs_text AS SELECT "
        + projection(names, '"').replace("AS STRING", "AS VARCHAR")
        + " FROM vpc_flow_logs_file")
    con.execute(f"SET VARIABLE since = {sql_literal(since)}")
    con.execute(f"SET VARIABLE until = {sql_literal(until)}")
    *setup, query = statements(recipe)
    for statement in setup:
        con.execute(statement)
    target = out.replace("'", "''")
    con.execute(f"COPY ({query.rstrip(';')}) TO '{target}' (HEADER, DELIMITER ',')")


def run_spark(recipe, out, files, names, header, since, until):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("blastwall-edges")
    if os.environ.get("SPARK_MASTER"):
        builder = builder.master(os.environ["SPARK_MASTER"])
    spark = (builder
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", os.environ.get("SPARK_PARTITIONS", "8"))
             # Parse every column, so that a line with the wrong number of fields is dropped
             # whichever columns the query reads.
             .config("spark.sql.csv.parser.columnPruning.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    schema = ", ".join(f"`{n}` STRING" for n in names)
    frame = (spark.read.schema(schema)
             .option("sep", " ").option("header", header).option("mode", "DROPMALFORMED")
             .option("quote", "").option("nullValue", "")
             .csv(files))
    frame.createOrReplaceTempView("vpc_flow_logs_file")
    spark.sql("CREATE OR REPLACE TEMP VIEW vpc_flow_logs_text AS SELECT "
              + projection(names, "`") + " FROM vpc_flow_logs_file")
    args = {"since": since, "until": until}
    *setup, query = statements(recipe)
    for statement in setup:
        spark.sql(statement)
    edges = spark.sql(query.rstrip(";"), args=args)
    scratch = tempfile.mkdtemp(prefix="edges-", dir=os.path.dirname(os.path.abspath(out)))
    try:
        (edges.coalesce(1).write.mode("overwrite")
         .option("header", True).option("nullValue", "").csv(scratch + "/csv"))
        parts = glob.glob(scratch + "/csv/part-*.csv")
        if len(parts) != 1:
            sys.exit(f"spark wrote {len(parts)} part files, expected 1")
        shutil.move(parts[0], out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    spark.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engine", choices=["duckdb", "spark"])
    parser.add_argument("recipe")
    parser.add_argument("out")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--since")
    parser.add_argument("--until")
    parser.add_argument("--fields")
    args = parser.parse_args()
    since = parse_bound("--since", args.since, False) if args.since else None
    until = parse_bound("--until", args.until, True) if args.until else None
    if since is not None and until is not None and since > until:
        sys.exit("--since is after --until, so no flow could be in the window\n  hint: swap them")
    files = expand(args.files)
    names, header = layout(files, args.fields)
    run = run_duckdb if args.engine == "duckdb" else run_spark
    run(args.recipe, args.out, files, names, header, since, until)


if __name__ == "__main__":
    main()
