-- Rollcall's schema on a replicated ClickHouse cluster: ONE shard, any number of replicas.
--
-- GENERATED from packages/core/src/store/migrations.ts by `npm run cluster-sql`; do not edit by hand
-- (`npm test` fails when this file and the migrations disagree).
--
-- Run it once, before Rollcall first starts against the cluster, on any one node:
--   clickhouse-client --host ch-1 --user admin --password … --multiquery < deploy/clickhouse/cluster.sql
-- Every node needs Keeper (or ZooKeeper) and the macros {cluster}, {shard} and {replica} (config.d/macros.xml).
-- The database is `rollcall` (clickhouse.database); replace it throughout if you changed that.
--
-- Why pre-create at all: Rollcall's own migrations create plain MergeTree tables on the one node it is connected
-- to. Here every table is the Replicated* twin of the migrated table, with the same columns, PARTITION BY,
-- ORDER BY, TTL and projection, created ON CLUSTER so each replica has it.
--
-- How Rollcall's start-up treats this schema:
--   * CREATE DATABASE / CREATE TABLE ... IF NOT EXISTS: tables created here are kept as they are.
--   * Applied migrations are read from rollcall.schema_migrations (created by packages/core/src/store/store.ts,
--     not by a migration). It is pre-created here, replicated, with one row per migration, so no migration runs
--     again and no replica ends up with a non-replicated copy. Re-running this file is harmless: the INSERT is
--     the same block, which a replicated table deduplicates.
--   * On every start Rollcall runs `ALTER TABLE rollcall.events MODIFY TTL ... + INTERVAL <clickhouse.ttl_days>`.
--     On a Replicated table that ALTER goes through Keeper to every replica, so the 30 days below is only the
--     starting value.
--
-- Exactly-once inserts: every tap batch is inserted with a deterministic insert_deduplication_token (and
-- deduplicate_blocks_in_dependent_materialized_views = 1). Replicated tables honour the token natively, through
-- the block ids they keep in Keeper; the migrations' non_replicated_deduplication_window does not apply to them,
-- so the replicated window is set explicitly below.
-- The rollups are materialized views on every replica: a view fires on the replica that receives the insert,
-- and its block then replicates like any other, so the rollup is neither missed nor counted twice.
--
-- Read your own writes: after a crash a collector reads back what was stored (the Kafka high-water projection;
-- the RabbitMQ tap batches) to skip replays whose batch boundaries differ from the original, which the token
-- cannot catch. Replication is asynchronous, so point every Rollcall process at the same replica at a time
-- (a Service or load balancer with one active backend and the others as failover), and give the Rollcall user
-- `insert_quorum = 'auto'` in its settings profile so a batch is on a majority of replicas before Rollcall
-- commits the Kafka offset or acks the RabbitMQ message (with three replicas, one may be down; with two, none).
--
-- What does NOT work with the current migrations, and so is not offered here:
--   * More than one shard, or Distributed tables under the names Rollcall uses. Rollcall reads and writes
--     rollcall.events, rollcall.events_per_minute, ... by those names, and its unconditional start-up
--     `ALTER TABLE rollcall.events MODIFY TTL` fails on a Distributed table ("Alter of type 'MODIFY_TTL' is not
--     supported by storage Distributed"), so Rollcall would not start. Sharding needs changes in Rollcall itself:
--     a cluster option so migrations emit ON CLUSTER and the TTL ALTER targets the local table, inserts through a
--     Distributed table with distributed_foreground_insert = 1 and a sharding key that keeps a Kafka partition on
--     one shard, and reads through Distributed tables. One shard holds a lot: rows are ~100 bytes compressed and
--     expire after clickhouse.ttl_days.
--   * Upgrades. A release that adds a migration would create its new tables with plain engines on one replica.
--     Before upgrading, run the new CREATE statements of the release's cluster.sql ON CLUSTER and insert the new
--     versions into schema_migrations. A migration that only runs ALTER TABLE ... ADD COLUMN on an existing table
--     needs nothing: replicated ALTERs reach every replica.
--
-- The Rollcall user needs SELECT, INSERT, ALTER and CREATE on rollcall.* (it runs the IF NOT EXISTS statements and
-- the TTL ALTER at every start).

CREATE DATABASE IF NOT EXISTS rollcall ON CLUSTER '{cluster}';

-- Which migrations have run (read by packages/core/src/store/store.ts at start-up).
CREATE TABLE IF NOT EXISTS rollcall.schema_migrations ON CLUSTER '{cluster}'
(
    `version` UInt32,
    `name` String,
    `applied_at` DateTime DEFAULT now()
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY version;

-- Migration 1: events (with Kafka high-water projection), per-minute rollup, schemas, tap markers
CREATE TABLE IF NOT EXISTS rollcall.events ON CLUSTER '{cluster}'
(
    `observed_at` DateTime64(3, 'UTC'),
    `broker_ts` DateTime64(3, 'UTC'),
    `event_at` DateTime64(3, 'UTC') DEFAULT if((broker_ts = toDateTime64(0, 3, 'UTC')) OR (broker_ts > (observed_at + toIntervalMillisecond(60000))) OR (broker_ts < (observed_at - toIntervalMillisecond(604800000))), observed_at, broker_ts),
    `clock_skew` Int8 DEFAULT multiIf(broker_ts = toDateTime64(0, 3, 'UTC'), 0, broker_ts > (observed_at + toIntervalMillisecond(60000)), 1, broker_ts < (observed_at - toIntervalMillisecond(604800000)), -1, 0),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `stream` LowCardinality(String),
    `routing_key` String,
    `partition` Int32,
    `offset` Int64,
    `kind` LowCardinality(String),
    `queue` LowCardinality(String),
    `routed_queues` Array(LowCardinality(String)),
    `event_type` LowCardinality(String),
    `source` LowCardinality(String),
    `message_id` String,
    `correlation_id` String,
    `trace_id` String,
    `key_hash` UInt64,
    `size` UInt32,
    `header_count` UInt16,
    `schema_fingerprint` UInt64,
    `parse_error` String,
    `connection` LowCardinality(String),
    `user` LowCardinality(String),
    `delivery_hash` UInt64,
    `tap_batch` UInt64,
    `tap_run` UInt64 DEFAULT 0,
    INDEX event_at_minmax event_at TYPE minmax GRANULARITY 1,
    PROJECTION kafka_high_water
    (
        SELECT
            broker,
            cluster,
            stream,
            partition,
            max(offset)
        GROUP BY
            broker,
            cluster,
            stream,
            partition
    )
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(observed_at)
ORDER BY (broker, cluster, stream, kind, observed_at)
TTL toDateTime(observed_at) + toIntervalDay(30)
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 3600;

CREATE TABLE IF NOT EXISTS rollcall.events_per_minute ON CLUSTER '{cluster}'
(
    `minute` DateTime('UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `stream` LowCardinality(String),
    `kind` LowCardinality(String),
    `event_type` LowCardinality(String),
    `source` LowCardinality(String),
    `count` SimpleAggregateFunction(sum, UInt64),
    `bytes` SimpleAggregateFunction(sum, UInt64),
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(minute)
ORDER BY (broker, cluster, stream, minute, kind, event_type, source)
TTL minute + toIntervalDay(400)
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 3600;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollcall.events_per_minute_mv ON CLUSTER '{cluster}' TO rollcall.events_per_minute
(
    `minute` DateTime('UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `stream` LowCardinality(String),
    `kind` LowCardinality(String),
    `event_type` LowCardinality(String),
    `source` LowCardinality(String),
    `count` UInt64,
    `bytes` UInt64,
    `last_seen` DateTime64(3, 'UTC')
)
AS SELECT
    toStartOfMinute(event_at) AS minute,
    broker,
    cluster,
    stream,
    kind,
    event_type,
    source,
    toUInt64(count()) AS count,
    toUInt64(sum(size)) AS bytes,
    max(observed_at) AS last_seen
FROM rollcall.events
GROUP BY
    minute,
    broker,
    cluster,
    stream,
    kind,
    event_type,
    source;

CREATE TABLE IF NOT EXISTS rollcall.schemas ON CLUSTER '{cluster}'
(
    `fingerprint` UInt64,
    `broker` LowCardinality(String),
    `stream` LowCardinality(String),
    `event_type` LowCardinality(String),
    `paths` SimpleAggregateFunction(any, Array(String)),
    `first_seen` SimpleAggregateFunction(min, DateTime64(3, 'UTC'))
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY (broker, stream, event_type, fingerprint);

CREATE TABLE IF NOT EXISTS rollcall.tap_markers ON CLUSTER '{cluster}'
(
    `name` String,
    `at` DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY name
TTL toDateTime(at) + toIntervalDay(1) WHERE startsWith(name, 'kafka-drain/');

-- Migration 3: alerting: transitions (also the notification outbox), rule evaluations, notifications sent, silences, acknowledgements
CREATE TABLE IF NOT EXISTS rollcall.alert_transitions ON CLUSTER '{cluster}'
(
    `id` String,
    `at` DateTime64(3, 'UTC'),
    `fingerprint` String,
    `rule_id` LowCardinality(String),
    `rule_type` LowCardinality(String),
    `description` String,
    `severity` LowCardinality(String),
    `labels` Map(String, String),
    `stream` String,
    `from_state` LowCardinality(String),
    `to_state` LowCardinality(String),
    `active_at` DateTime64(3, 'UTC'),
    `firing_at` Nullable(DateTime64(3, 'UTC')),
    `value` Float64,
    `threshold` Float64,
    `expected` String,
    `summary` String,
    `details` String,
    `routes` Array(String)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY (fingerprint, at, id);

CREATE TABLE IF NOT EXISTS rollcall.rule_evaluations ON CLUSTER '{cluster}'
(
    `at` DateTime64(3, 'UTC'),
    `rule_id` LowCardinality(String),
    `window_start` DateTime64(3, 'UTC'),
    `window_end` DateTime64(3, 'UTC'),
    `value` Float64,
    `threshold` Float64,
    `breached` UInt8,
    `skipped` String,
    `error` String,
    `duration_ms` Float32
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(at)
ORDER BY (rule_id, at)
TTL toDateTime(at) + toIntervalDay(30);

CREATE TABLE IF NOT EXISTS rollcall.notifications ON CLUSTER '{cluster}'
(
    `id` String,
    `transition_id` String,
    `route` LowCardinality(String),
    `repeat` UInt32,
    `at` DateTime64(3, 'UTC'),
    `outcome` LowCardinality(String),
    `attempts` UInt32,
    `error` String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY id;

CREATE TABLE IF NOT EXISTS rollcall.silences ON CLUSTER '{cluster}'
(
    `id` String,
    `matchers` String,
    `starts_at` DateTime64(3, 'UTC'),
    `ends_at` DateTime64(3, 'UTC'),
    `created_by` String,
    `comment` String,
    `updated_at` DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', updated_at)
ORDER BY id;

CREATE TABLE IF NOT EXISTS rollcall.alert_acks ON CLUSTER '{cluster}'
(
    `fingerprint` String,
    `firing_at` DateTime64(3, 'UTC'),
    `at` DateTime64(3, 'UTC'),
    `by` String,
    `comment` String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', at)
ORDER BY (fingerprint, firing_at);

-- Migration 4: consumer lag: lag_samples per Kafka partition or RabbitMQ queue, lag_status per group or queue, per sampling round
CREATE TABLE IF NOT EXISTS rollcall.lag_samples ON CLUSTER '{cluster}'
(
    `at` DateTime64(3, 'UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `group_name` String,
    `stream` String,
    `partition` Int32,
    `committed` Int64,
    `log_start` Int64,
    `log_end` Int64,
    `lag` Int64,
    `lag_seconds` Nullable(Float64),
    `owner` String,
    `unacked` Int64,
    `consumers` UInt32,
    `publish_rate` Float64,
    `deliver_rate` Float64,
    `ack_rate` Float64
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(at)
ORDER BY (broker, cluster, group_name, at, stream, partition)
TTL toDateTime(at) + toIntervalDay(30);

CREATE TABLE IF NOT EXISTS rollcall.lag_status ON CLUSTER '{cluster}'
(
    `at` DateTime64(3, 'UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `group_name` String,
    `status` LowCardinality(String),
    `reason` String,
    `lag` Int64,
    `lag_seconds` Float64,
    `consumers` UInt32,
    `streams` Array(String),
    `state` LowCardinality(String)
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(at)
ORDER BY (broker, cluster, group_name, at)
TTL toDateTime(at) + toIntervalDay(30);

-- Migration 5: benchmarks: bench_runs (parameters, environment, results, timeline) and bench_baselines per scenario
CREATE TABLE IF NOT EXISTS rollcall.bench_runs ON CLUSTER '{cluster}'
(
    `id` String,
    `started_at` DateTime64(3, 'UTC'),
    `scenario` String,
    `label` String,
    `broker` LowCardinality(String),
    `status` LowCardinality(String),
    `sent` UInt64,
    `received` UInt64,
    `lost` UInt64,
    `duplicates` UInt64,
    `produce_msg_per_sec` Float64,
    `e2e_msg_per_sec` Float64,
    `p50_ms` Float64,
    `p99_ms` Float64,
    `max_ms` Float64,
    `params` String,
    `environment` String,
    `result` String,
    `timeline` String
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY id;

CREATE TABLE IF NOT EXISTS rollcall.bench_baselines ON CLUSTER '{cluster}'
(
    `scenario` String,
    `run_id` String,
    `marked_at` DateTime64(3, 'UTC')
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
ORDER BY (scenario, marked_at);

-- Migration 6: events_per_hour: an hourly rollup fed by the per-minute one, for ranges of a day or more
CREATE TABLE IF NOT EXISTS rollcall.events_per_hour ON CLUSTER '{cluster}'
(
    `hour` DateTime('UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `stream` LowCardinality(String),
    `kind` LowCardinality(String),
    `event_type` LowCardinality(String),
    `source` LowCardinality(String),
    `count` SimpleAggregateFunction(sum, UInt64),
    `bytes` SimpleAggregateFunction(sum, UInt64),
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(hour)
ORDER BY (broker, cluster, stream, hour, kind, event_type, source)
TTL hour + toIntervalDay(400)
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 3600;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollcall.events_per_hour_mv ON CLUSTER '{cluster}' TO rollcall.events_per_hour
(
    `hour` DateTime('UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `stream` LowCardinality(String),
    `kind` LowCardinality(String),
    `event_type` LowCardinality(String),
    `source` LowCardinality(String),
    `count` UInt64,
    `bytes` UInt64,
    `last_seen` SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
AS SELECT
    toStartOfHour(minute) AS hour,
    broker,
    cluster,
    stream,
    kind,
    event_type,
    source,
    sum(count) AS count,
    sum(bytes) AS bytes,
    max(last_seen) AS last_seen
FROM rollcall.events_per_minute
GROUP BY
    hour,
    broker,
    cluster,
    stream,
    kind,
    event_type,
    source;

-- Migration 9: tap_coverage: when each tap was watching and how far it had stored everything (its watermark)
CREATE TABLE IF NOT EXISTS rollcall.tap_coverage ON CLUSTER '{cluster}'
(
    `tap` LowCardinality(String),
    `at` DateTime64(3, 'UTC'),
    `up` UInt8,
    `watermark` DateTime64(3, 'UTC'),
    `reason` String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toDate(at)
ORDER BY (tap, at)
TTL toDateTime(at) + toIntervalDay(30);

-- Migration 10: event_counts: exact counts per minute for streams audited at the counts level, into the same rollups
CREATE TABLE IF NOT EXISTS rollcall.event_counts ON CLUSTER '{cluster}'
(
    `minute` DateTime('UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `stream` LowCardinality(String),
    `kind` LowCardinality(String),
    `queue` LowCardinality(String),
    `event_type` LowCardinality(String),
    `source` LowCardinality(String),
    `partition` Int32,
    `offset` Int64,
    `count` UInt64,
    `bytes` UInt64,
    `last_seen` DateTime64(3, 'UTC'),
    `last_broker_ts` DateTime64(3, 'UTC'),
    `last_size` UInt32,
    `last_key_hash` UInt64,
    `tap_batch` UInt64,
    `tap_run` UInt64,
    PROJECTION kafka_high_water
    (
        SELECT
            broker,
            cluster,
            stream,
            partition,
            max(offset)
        GROUP BY
            broker,
            cluster,
            stream,
            partition
    )
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')
PARTITION BY toYYYYMM(minute)
ORDER BY (broker, cluster, stream, kind, minute)
TTL minute + toIntervalDay(400)
SETTINGS replicated_deduplication_window = 10000, replicated_deduplication_window_seconds = 3600;

CREATE MATERIALIZED VIEW IF NOT EXISTS rollcall.event_counts_per_minute_mv ON CLUSTER '{cluster}' TO rollcall.events_per_minute
(
    `minute` DateTime('UTC'),
    `broker` LowCardinality(String),
    `cluster` LowCardinality(String),
    `stream` LowCardinality(String),
    `kind` LowCardinality(String),
    `event_type` LowCardinality(String),
    `source` LowCardinality(String),
    `count` UInt64,
    `bytes` UInt64,
    `last_seen` DateTime64(3, 'UTC')
)
AS SELECT
    minute,
    broker,
    cluster,
    stream,
    kind,
    event_type,
    source,
    sum(count) AS count,
    sum(bytes) AS bytes,
    max(last_seen) AS last_seen
FROM rollcall.event_counts
GROUP BY
    minute,
    broker,
    cluster,
    stream,
    kind,
    event_type,
    source;

-- Rows the migrations write.
INSERT INTO rollcall.tap_markers (name, at) SELECT 'rollup-hourly-since', if((SELECT count() FROM rollcall.events_per_minute) = 0, toDateTime64(0, 3, 'UTC'), toDateTime64(toStartOfHour(now()) + INTERVAL 1 HOUR, 3, 'UTC'));

-- Mark migrations 1-10 applied. One INSERT on one node: the table replicates it.
INSERT INTO rollcall.schema_migrations (version, name) VALUES
  (1, 'events (with Kafka high-water projection), per-minute rollup, schemas, tap markers'),
  (2, 'events.tap_run: which process run stored a row, to tell its unacked last batches after a crash'),
  (3, 'alerting: transitions (also the notification outbox), rule evaluations, notifications sent, silences, acknowledgements'),
  (4, 'consumer lag: lag_samples per Kafka partition or RabbitMQ queue, lag_status per group or queue, per sampling round'),
  (5, 'benchmarks: bench_runs (parameters, environment, results, timeline) and bench_baselines per scenario'),
  (6, 'events_per_hour: an hourly rollup fed by the per-minute one, for ranges of a day or more'),
  (7, 'tap_markers: Kafka drain markers expire after a day'),
  (8, 'event time: events.event_at and clock_skew from broker_ts, the per-minute rollup by event minute'),
  (9, 'tap_coverage: when each tap was watching and how far it had stored everything (its watermark)'),
  (10, 'event_counts: exact counts per minute for streams audited at the counts level, into the same rollups');
