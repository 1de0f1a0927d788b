-- Blastwall's edges CSV from Google Cloud VPC flow logs routed to BigQuery, in GoogleSQL
-- (see docs/scale.md).
--
-- Input: the table a Cloud Logging sink with a BigQuery dataset as its destination writes the
-- log compute.googleapis.com/vpc_flows to: PROJECT.DATASET.compute_googleapis_com_vpc_flows
-- (partitioned tables; a sink with date-sharded tables writes …_vpc_flows_YYYYMMDD, read as
-- …_vpc_flows_*). Entries of networkmanagement.googleapis.com/vpc_flows carry the same
-- payload in networkmanagement_googleapis_com_vpc_flows.
-- Columns read: jsonPayload.connection.src_ip, .src_port, .dest_ip, .dest_port, .protocol;
-- jsonPayload.reporter, .connection_direction, .disposition, .bytes_sent, .packets_sent,
-- .start_time, .end_time; timestamp. A sink creates a column only for the fields it has seen:
-- where the table has no connection_direction or disposition, write NULL in its place. The
-- int64 counters and the times arrive as strings (JSON's encoding of int64 and of times);
-- where the table types start_time and end_time as TIMESTAMP, read them with UNIX_SECONDS.
-- Parameters: @since and @until (INT64, Unix seconds, both inclusive, NULL for open):
--   bq query --use_legacy_sql=false --format=csv --max_rows=100000000 \
--     --parameter=since:INT64:1763366400 --parameter=until:INT64:NULL < gcp_edges.bigquery.sql
-- Output: client,server,port,protocol,records,bytes,packets,first_seen,last_seen,outcome,source
--
-- The same steps as vpc_edges.duckdb.sql (records, directed, folded, per_outcome, spans) with
-- Blastwall's reading of Google Cloud flow logs in place of AWS's: replace PROJECT.DATASET.

WITH params AS (
  SELECT CAST(@since AS INT64) AS since,
         CAST(@until AS INT64) AS until
),
-- One row per flow record that Blastwall reads: an entry whose jsonPayload has a connection
-- beside another base field of a flow record. A record whose addresses, protocol, ports,
-- counters or times cannot be read is left out, as `blastwall import --skip-bad` leaves it
-- out. An absent port or counter is 0; a dropped flow (disposition DROPPED) is a rejection.
-- Times are whole seconds (fractions dropped); an entry without start_time and end_time is
-- placed at its timestamp.
entries AS (
  SELECT
    LOWER(jsonPayload.connection.src_ip) AS src,
    LOWER(jsonPayload.connection.dest_ip) AS dst,
    jsonPayload.connection.src_port AS src_port_value,
    jsonPayload.connection.dest_port AS dest_port_value,
    SAFE_CAST(jsonPayload.connection.protocol AS INT64) AS protocol,
    CASE
      WHEN jsonPayload.reporter IN ('SRC', 'SRC_GATEWAY') THEN TRUE
      WHEN jsonPayload.reporter IN ('DEST', 'DEST_GATEWAY') THEN FALSE
    END AS reporter_is_source,
    CASE jsonPayload.connection_direction
      WHEN 'EGRESS' THEN TRUE
      WHEN 'INGRESS' THEN FALSE
    END AS reporter_initiated,
    jsonPayload.packets_sent AS packets_value,
    jsonPayload.bytes_sent AS bytes_value,
    jsonPayload.start_time AS start_value,
    jsonPayload.end_time AS end_value,
    UNIX_SECONDS(SAFE.PARSE_TIMESTAMP('%Y-%m-%dT%H:%M:%S', SUBSTR(jsonPayload.start_time, 1, 19))) AS start_seconds,
    UNIX_SECONDS(SAFE.PARSE_TIMESTAMP('%Y-%m-%dT%H:%M:%S', SUBSTR(jsonPayload.end_time, 1, 19))) AS end_seconds,
    UNIX_SECONDS(timestamp) AS logged,
    jsonPayload.disposition IS DISTINCT FROM 'DROPPED' AS accepted
  FROM `PROJECT.DATASET.compute_googleapis_com_vpc_flows`
  WHERE jsonPayload.connection IS NOT NULL
    AND (jsonPayload.reporter IS NOT NULL
         OR jsonPayload.start_time IS NOT NULL
         OR jsonPayload.end_time IS NOT NULL
         OR jsonPayload.bytes_sent IS NOT NULL
         OR jsonPayload.packets_sent IS NOT NULL)
),
records AS (
  SELECT
    src,
    dst,
    COALESCE(SAFE_CAST(src_port_value AS INT64), 0) AS srcport,
    COALESCE(SAFE_CAST(dest_port_value AS INT64), 0) AS dstport,
    protocol,
    -- On equal ports, the reporter's connection_direction says who initiated.
    reporter_is_source <> reporter_initiated AS source_is_server,
    COALESCE(SAFE_CAST(packets_value AS INT64), 0) AS packets,
    COALESCE(SAFE_CAST(bytes_value AS INT64), 0) AS bytes,
    CASE WHEN start_value IS NULL AND end_value IS NULL THEN logged ELSE start_seconds END AS start,
    CASE WHEN start_value IS NULL AND end_value IS NULL THEN logged ELSE end_seconds END AS `end`,
    accepted
  FROM entries
  WHERE src IS NOT NULL
    AND dst IS NOT NULL
    AND protocol BETWEEN 0 AND 255
    AND (src_port_value IS NULL OR SAFE_CAST(src_port_value AS INT64) BETWEEN 0 AND 65535)
    AND (dest_port_value IS NULL OR SAFE_CAST(dest_port_value AS INT64) BETWEEN 0 AND 65535)
    AND (packets_value IS NULL OR SAFE_CAST(packets_value AS INT64) >= 0)
    AND (bytes_value IS NULL OR SAFE_CAST(bytes_value AS INT64) >= 0)
    AND (start_value IS NULL OR start_seconds IS NOT NULL)
    AND (end_value IS NULL OR end_seconds IS NOT NULL)
),
-- Replies fold onto the request: the server is the end with the lower port; only where both
-- ports are equal do the reporter and its connection_direction, when logged, decide.
-- Protocols without ports (all but TCP 6, UDP 17, DCCP 33, SCTP 132) keep their direction
-- and have service port 0.
directed AS (
  SELECT
    *,
    protocol IN (6, 17, 33, 132)
      AND CASE
            WHEN srcport = dstport AND source_is_server IS NOT NULL
              THEN source_is_server
            ELSE srcport < dstport
          END AS reply
  FROM records
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
  'gcp-vpc' AS source
FROM spans CROSS JOIN params
WHERE (edge_first IS NULL AND edge_last IS NULL)
   OR ((since IS NULL OR COALESCE(edge_last, edge_first) >= since)
       AND (until IS NULL OR COALESCE(edge_first, edge_last) <= until))
ORDER BY client, server, port, protocol, outcome;
