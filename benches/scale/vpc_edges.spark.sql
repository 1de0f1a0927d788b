-- Blastwall's edges CSV from raw AWS VPC flow logs, on Spark SQL (see docs/scale.md).
--
-- Input: a view vpc_flow_logs_text with Athena's VPC flow log columns as text (version,
-- account_id, …, srcaddr, dstaddr, srcport, …, tcp_flags, pkt_srcaddr, pkt_dstaddr, …), NULL
-- for a column the log format does not have; run_sql.py creates it from the files' header.
-- Parameters: the named parameter markers :since and :until (Unix seconds, both inclusive,
-- NULL for open), bound by spark.sql(text, args={"since": …, "until": …}).
-- Output: client,server,port,protocol,records,bytes,packets,first_seen,last_seen,outcome,source
--
-- The same query as vpc_edges.duckdb.sql; it differs only in dialect: `end` in backticks,
-- RLIKE for regexp_matches, :since for getvariable('since'). Keep the recipes in step.

-- 1. The records as Athena's documented table types them: a number column reads `-` as NULL.
--    A record with a malformed number is left out, as `blastwall import --skip-bad` leaves it
--    out (Athena's table reads it as NULL instead). Repeated header lines are dropped.
CREATE OR REPLACE TEMP VIEW vpc_flow_logs AS
SELECT
  account_id,
  interface_id,
  vpc_id,
  srcaddr,
  dstaddr,
  pkt_srcaddr,
  pkt_dstaddr,
  TRY_CAST(NULLIF(srcport, '-') AS BIGINT) AS srcport,
  TRY_CAST(NULLIF(dstport, '-') AS BIGINT) AS dstport,
  TRY_CAST(NULLIF(protocol, '-') AS BIGINT) AS protocol,
  TRY_CAST(NULLIF(packets, '-') AS BIGINT) AS packets,
  TRY_CAST(NULLIF(bytes, '-') AS BIGINT) AS bytes,
  TRY_CAST(NULLIF(start, '-') AS BIGINT) AS start,
  TRY_CAST(NULLIF(`end`, '-') AS BIGINT) AS `end`,
  TRY_CAST(NULLIF(tcp_flags, '-') AS BIGINT) AS tcp_flags,
  action,
  log_status
FROM vpc_flow_logs_text
WHERE protocol IS DISTINCT FROM 'protocol'
  AND COALESCE(srcport, '-') RLIKE '^(-|[0-9]{1,18})$'
  AND COALESCE(dstport, '-') RLIKE '^(-|[0-9]{1,18})$'
  AND COALESCE(protocol, '-') RLIKE '^(-|[0-9]{1,18})$'
  AND COALESCE(packets, '-') RLIKE '^(-|[0-9]{1,18})$'
  AND COALESCE(bytes, '-') RLIKE '^(-|[0-9]{1,18})$'
  AND COALESCE(start, '-') RLIKE '^(-|[0-9]{1,18})$'
  AND COALESCE(`end`, '-') RLIKE '^(-|[0-9]{1,18})$'
  AND COALESCE(tcp_flags, '-') RLIKE '^(-|[0-9]{1,18})$';

-- 2. The edges.
WITH params AS (
  SELECT CAST(:since AS BIGINT) AS since,
         CAST(:until AS BIGINT) AS until
),
-- One row per flow record that Blastwall reads: NODATA and SKIPDATA records, and records
-- whose source, destination or protocol is unset (`-`), are skipped; a packet-level address
-- (pkt-srcaddr, pkt-dstaddr) is taken when logged and set, else the interface-level one.
-- Values Blastwall refuses (a port above 65535, an unknown action) leave the record out.
-- Addresses are compared as text (lower case: IPv6 may be logged either way); the import
-- reads them, refuses one it cannot read, and sums rows that name the same edge.
records AS (
  SELECT
    LOWER(CASE WHEN pkt_srcaddr IS NOT NULL AND pkt_srcaddr <> '-' THEN pkt_srcaddr ELSE srcaddr END) AS src,
    LOWER(CASE WHEN pkt_dstaddr IS NOT NULL AND pkt_dstaddr <> '-' THEN pkt_dstaddr ELSE dstaddr END) AS dst,
    COALESCE(srcport, 0) AS srcport,
    COALESCE(dstport, 0) AS dstport,
    protocol,
    tcp_flags,
    COALESCE(packets, 0) AS packets,
    COALESCE(bytes, 0) AS bytes,
    start,
    `end`,
    COALESCE(action, '-') <> 'REJECT' AS accepted
  FROM vpc_flow_logs
  WHERE log_status IS DISTINCT FROM 'NODATA'
    AND log_status IS DISTINCT FROM 'SKIPDATA'
    AND protocol BETWEEN 0 AND 255
    AND COALESCE(srcport, 0) BETWEEN 0 AND 65535
    AND COALESCE(dstport, 0) BETWEEN 0 AND 65535
    AND COALESCE(tcp_flags, 0) BETWEEN 0 AND 65535
    AND COALESCE(packets, 0) >= 0
    AND COALESCE(bytes, 0) >= 0
    AND COALESCE(start, 0) >= 0
    AND COALESCE(`end`, 0) >= 0
    AND COALESCE(action, '-') IN ('ACCEPT', 'REJECT', '-')
),
-- Replies fold onto the request: the server is the end with the lower port; only where both
-- ports are equal do TCP flags, when logged, decide (SYN-ACK, 0x12, comes from the server).
-- Protocols without ports (all but TCP 6, UDP 17, DCCP 33, SCTP 132) keep their direction
-- and have service port 0.
directed AS (
  SELECT
    *,
    protocol IN (6, 17, 33, 132)
      AND CASE
            WHEN protocol = 6 AND srcport = dstport AND tcp_flags IS NOT NULL
              THEN (tcp_flags & 18) = 18
            ELSE srcport < dstport
          END AS reply
  FROM records
  WHERE src IS NOT NULL AND src <> '-' AND dst IS NOT NULL AND dst <> '-'
),
folded AS (
  SELECT
    CASE WHEN reply THEN dst ELSE src END AS client,
    CASE WHEN reply THEN src ELSE dst END AS server,
    CASE WHEN protocol NOT IN (6, 17, 33, 132) THEN 0 WHEN reply THEN srcport ELSE dstport END AS port,
    protocol,
    accepted,
    packets,
    bytes,
    COALESCE(start, `end`) AS first_seen,
    COALESCE(`end`, start) AS last_seen
  FROM directed
),
-- One row per edge and outcome: the edges CSV carries accepted and rejected records of an
-- edge as two rows, which the import sums into one edge.
per_outcome AS (
  SELECT
    client, server, port, protocol, accepted,
    COUNT(*) AS records,
    SUM(bytes) AS bytes,
    SUM(packets) AS packets,
    MIN(first_seen) AS first_seen,
    MAX(last_seen) AS last_seen
  FROM folded
  GROUP BY client, server, port, protocol, accepted
),
-- The time window as `blastwall --since/--until` applies it to a direct import of the same
-- records: an edge is kept, with all its records, when its span [first seen, last seen]
-- overlaps [since, until]; an edge without any time is always kept.
spans AS (
  SELECT
    *,
    MIN(first_seen) OVER (PARTITION BY client, server, port, protocol) AS edge_first,
    MAX(last_seen) OVER (PARTITION BY client, server, port, protocol) AS edge_last
  FROM per_outcome
)
SELECT
  client, server, port, protocol, records, bytes, packets, first_seen, last_seen,
  CASE WHEN accepted THEN 'accepted' ELSE 'rejected' END AS outcome,
  'aws-vpc' AS source
FROM spans CROSS JOIN params
WHERE (edge_first IS NULL AND edge_last IS NULL)
   OR ((since IS NULL OR COALESCE(edge_last, edge_first) >= since)
       AND (until IS NULL OR COALESCE(edge_first, edge_last) <= until))
ORDER BY client, server, port, protocol, outcome;
