-- Blastwall's edges CSV from AWS VPC flow logs in S3, on Amazon Athena (engine version 3,
-- Trino SQL) or Trino (see docs/scale.md).
--
-- Input: the table vpc_flow_logs as Athena's documentation creates it for VPC flow logs
-- (versions 2 to 5 fields, partitioned by date; a custom format lists its own fields in its
-- own order):
--
--   CREATE EXTERNAL TABLE IF NOT EXISTS `vpc_flow_logs` (
--     version int, account_id string, interface_id string, srcaddr string, dstaddr string,
--     srcport int, dstport int, protocol bigint, packets bigint, bytes bigint, start bigint,
--     `end` bigint, action string, log_status string, vpc_id string, subnet_id string,
--     instance_id string, tcp_flags int, type string, pkt_srcaddr string, pkt_dstaddr string,
--     region string, az_id string, sublocation_type string, sublocation_id string,
--     pkt_src_aws_service string, pkt_dst_aws_service string, flow_direction string,
--     traffic_path int
--   )
--   PARTITIONED BY (`date` date)
--   ROW FORMAT DELIMITED
--   FIELDS TERMINATED BY ' '
--   LOCATION 's3://amzn-s3-demo-bucket/prefix/AWSLogs/{account_id}/vpcflowlogs/{region_code}/'
--   TBLPROPERTIES ("skip.header.line.count"="1");
--
--   ALTER TABLE vpc_flow_logs ADD PARTITION (`date`='2025-11-17')
--     LOCATION 's3://amzn-s3-demo-bucket/prefix/AWSLogs/{account_id}/vpcflowlogs/{region_code}/2025/11/17';
--
-- The table reads `-` in a number column as NULL, as the stage-1 view of the DuckDB and Spark
-- recipes does (it also reads a malformed number as NULL, where they leave the record out).
-- Parameters: two execution parameters, since then until (Unix seconds, both inclusive, the
-- literal NULL for open):
--   aws athena start-query-execution --query-string file://vpc_edges.athena.sql \
--     --execution-parameters "1763366400" "NULL" …
-- Output: client,server,port,protocol,records,bytes,packets,first_seen,last_seen,outcome,source
-- (Athena's result CSV quotes every value; blastwall reads it as it is).
--
-- The same query as vpc_edges.duckdb.sql and vpc_edges.spark.sql; it differs only in dialect:
-- question-mark placeholders for the parameters, bitwise_and for &, and no stage 1 (the
-- table is it).

-- The edges.
WITH params AS (
  SELECT CAST(? AS BIGINT) AS since,
         CAST(? AS BIGINT) AS until
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
    "end",
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
    AND COALESCE("end", 0) >= 0
    AND COALESCE(action, '-') IN ('ACCEPT', 'REJECT', '-')
    -- Only some days (cheaper; the edges then hold those days' records only, as an import
    -- of only those days' files would): AND "date" BETWEEN DATE '2025-11-01' AND DATE '2025-11-30'
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
              THEN bitwise_and(tcp_flags, 18) = 18
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
    COALESCE(start, "end") AS first_seen,
    COALESCE("end", start) AS last_seen
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
