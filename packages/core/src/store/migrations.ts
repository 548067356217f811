// Versioned, idempotent schema migrations. Each step may run again safely (IF NOT EXISTS), and applied
// versions are recorded so a new step runs once. Every table that receives tap inserts (directly or through a
// materialized view) carries non_replicated_deduplication_window, which is what makes insert_deduplication_token
// drop a replayed batch on a non-replicated MergeTree.
import { EVENT_TIME_MAX_AHEAD_MS, EVENT_TIME_MAX_BEHIND_MS } from '../event.ts';

export interface Migration {
  version: number;
  name: string;
  statements: (db: string, opts: { ttlDays: number }) => string[];
}

const DEDUP = 'non_replicated_deduplication_window = 10000';
/** tap_markers name: from when the hourly rollup holds every hour (written by migration 6). */
export const HOURLY_SINCE = 'rollup-hourly-since';
/** tap_markers names of the Kafka tap's drain markers (kafka/drain-assigner.ts): read only while a group
 * rebalances, so migration 7 lets them expire after a day instead of adding one per rebalance for ever. */
export const DRAIN_MARKER_PREFIX = 'kafka-drain/';

/** A rollup by broker / cluster / stream / kind / event type / source per `bucket` (minute, hour). */
const rollupTable = (db: string, bucket: 'minute' | 'hour') => `CREATE TABLE IF NOT EXISTS ${db}.events_per_${bucket} (
        ${bucket} DateTime('UTC'),
        broker LowCardinality(String),
        cluster LowCardinality(String),
        stream LowCardinality(String),
        kind LowCardinality(String),
        event_type LowCardinality(String),
        source LowCardinality(String),
        count SimpleAggregateFunction(sum, UInt64),
        bytes SimpleAggregateFunction(sum, UInt64),
        last_seen SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
      ) ENGINE = AggregatingMergeTree
      PARTITION BY toYYYYMM(${bucket})
      ORDER BY (broker, cluster, stream, ${bucket}, kind, event_type, source)
      TTL ${bucket} + INTERVAL 400 DAY
      SETTINGS ${DEDUP}`;

const ms = (n: number) => `toIntervalMillisecond(${n})`;
/** event_at: the broker's time unless unknown or not to be trusted (see core/src/event.ts). */
const EVENT_AT = `if(broker_ts = toDateTime64(0, 3, 'UTC') OR broker_ts > observed_at + ${ms(EVENT_TIME_MAX_AHEAD_MS)} OR broker_ts < observed_at - ${ms(EVENT_TIME_MAX_BEHIND_MS)}, observed_at, broker_ts)`;
const CLOCK_SKEW = `multiIf(broker_ts = toDateTime64(0, 3, 'UTC'), 0, broker_ts > observed_at + ${ms(EVENT_TIME_MAX_AHEAD_MS)}, 1, broker_ts < observed_at - ${ms(EVENT_TIME_MAX_BEHIND_MS)}, -1, 0)`;
/** The per-minute rollup's view since migration 8: by event minute; last_seen stays when Rollcall saw it. */
const perMinuteView = (
  db: string,
) => `SELECT toStartOfMinute(event_at) AS minute, broker, cluster, stream, kind, event_type, source,
               toUInt64(count()) AS count, toUInt64(sum(size)) AS bytes, max(observed_at) AS last_seen
        FROM ${db}.events
        GROUP BY minute, broker, cluster, stream, kind, event_type, source`;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events (with Kafka high-water projection), per-minute rollup, schemas, tap markers',
    statements: (db, { ttlDays }) => [
      `CREATE TABLE IF NOT EXISTS ${db}.events (
        observed_at DateTime64(3, 'UTC'),
        broker_ts DateTime64(3, 'UTC'),
        broker LowCardinality(String),
        cluster LowCardinality(String),
        stream LowCardinality(String),
        routing_key String,
        partition Int32,
        offset Int64,
        kind LowCardinality(String),
        queue LowCardinality(String),
        routed_queues Array(LowCardinality(String)),
        event_type LowCardinality(String),
        source LowCardinality(String),
        message_id String,
        correlation_id String,
        trace_id String,
        key_hash UInt64,
        size UInt32,
        header_count UInt16,
        schema_fingerprint UInt64,
        parse_error String,
        connection LowCardinality(String),
        user LowCardinality(String),
        delivery_hash UInt64,
        tap_batch UInt64,
        -- Highest stored offset per Kafka partition. A projection lives inside each data part, so it is written
        -- atomically with the rows (a materialized view is not: a crash can land between the two writes).
        PROJECTION kafka_high_water (SELECT broker, cluster, stream, partition, max(offset) GROUP BY broker, cluster, stream, partition)
      ) ENGINE = MergeTree
      PARTITION BY toDate(observed_at)
      ORDER BY (broker, cluster, stream, kind, observed_at)
      TTL toDateTime(observed_at) + INTERVAL ${ttlDays} DAY
      SETTINGS ${DEDUP}`,
      rollupTable(db, 'minute'),
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.events_per_minute_mv TO ${db}.events_per_minute AS
        SELECT toStartOfMinute(observed_at) AS minute, broker, cluster, stream, kind, event_type, source,
               toUInt64(count()) AS count, toUInt64(sum(size)) AS bytes, max(observed_at) AS last_seen
        FROM ${db}.events
        GROUP BY minute, broker, cluster, stream, kind, event_type, source`,
      `CREATE TABLE IF NOT EXISTS ${db}.schemas (
        fingerprint UInt64,
        broker LowCardinality(String),
        stream LowCardinality(String),
        event_type LowCardinality(String),
        paths SimpleAggregateFunction(any, Array(String)),
        first_seen SimpleAggregateFunction(min, DateTime64(3, 'UTC'))
      ) ENGINE = AggregatingMergeTree
      ORDER BY (broker, stream, event_type, fingerprint)`,
      // Facts a tap must remember across restarts, such as "this consumer group has started before".
      `CREATE TABLE IF NOT EXISTS ${db}.tap_markers (name String, at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree ORDER BY name`,
    ],
  },
  {
    version: 2,
    name: 'events.tap_run: which process run stored a row, to tell its unacked last batches after a crash',
    statements: (db) => [`ALTER TABLE ${db}.events ADD COLUMN IF NOT EXISTS tap_run UInt64 DEFAULT 0 AFTER tap_batch`],
  },
  {
    version: 3,
    name: 'alerting: transitions (also the notification outbox), rule evaluations, notifications sent, silences, acknowledgements',
    statements: (db) => [
      // Append-only: an alert's state is its latest transition. Each firing/resolved row, times its routes, is
      // a notification owed until a row with the same id lands in notifications: enqueueing is this one insert.
      `CREATE TABLE IF NOT EXISTS ${db}.alert_transitions (
        id String,
        at DateTime64(3, 'UTC'),
        fingerprint String,
        rule_id LowCardinality(String),
        rule_type LowCardinality(String),
        description String,
        severity LowCardinality(String),
        labels Map(String, String),
        stream String,
        from_state LowCardinality(String),
        to_state LowCardinality(String),
        active_at DateTime64(3, 'UTC'),
        firing_at Nullable(DateTime64(3, 'UTC')),
        value Float64,
        threshold Float64,
        expected String,
        summary String,
        details String,
        routes Array(String)
      ) ENGINE = ReplacingMergeTree ORDER BY (fingerprint, at, id)`,
      `CREATE TABLE IF NOT EXISTS ${db}.rule_evaluations (
        at DateTime64(3, 'UTC'),
        rule_id LowCardinality(String),
        window_start DateTime64(3, 'UTC'),
        window_end DateTime64(3, 'UTC'),
        value Float64,
        threshold Float64,
        breached UInt8,
        skipped String,
        error String,
        duration_ms Float32
      ) ENGINE = MergeTree PARTITION BY toDate(at) ORDER BY (rule_id, at) TTL toDateTime(at) + INTERVAL 30 DAY`,
      `CREATE TABLE IF NOT EXISTS ${db}.notifications (
        id String,
        transition_id String,
        route LowCardinality(String),
        repeat UInt32,
        at DateTime64(3, 'UTC'),
        outcome LowCardinality(String),
        attempts UInt32,
        error String
      ) ENGINE = ReplacingMergeTree ORDER BY id`,
      `CREATE TABLE IF NOT EXISTS ${db}.silences (
        id String,
        matchers String,
        starts_at DateTime64(3, 'UTC'),
        ends_at DateTime64(3, 'UTC'),
        created_by String,
        comment String,
        updated_at DateTime64(3, 'UTC')
      ) ENGINE = ReplacingMergeTree(updated_at) ORDER BY id`,
      `CREATE TABLE IF NOT EXISTS ${db}.alert_acks (
        fingerprint String,
        firing_at DateTime64(3, 'UTC'),
        at DateTime64(3, 'UTC'),
        by String,
        comment String
      ) ENGINE = ReplacingMergeTree(at) ORDER BY (fingerprint, firing_at)`,
    ],
  },
  {
    version: 4,
    name: 'consumer lag: lag_samples per Kafka partition or RabbitMQ queue, lag_status per group or queue, per sampling round',
    statements: (db) => [
      // group_name is the Kafka consumer group or the RabbitMQ queue (vhost/queue outside the default vhost).
      // Queues have partition = -1 and no offsets; Kafka partitions leave the queue counters at 0.
      `CREATE TABLE IF NOT EXISTS ${db}.lag_samples (
        at DateTime64(3, 'UTC'),
        broker LowCardinality(String),
        cluster LowCardinality(String),
        group_name String,
        stream String,
        partition Int32,
        committed Int64,
        log_start Int64,
        log_end Int64,
        lag Int64,
        lag_seconds Nullable(Float64),
        owner String,
        unacked Int64,
        consumers UInt32,
        publish_rate Float64,
        deliver_rate Float64,
        ack_rate Float64
      ) ENGINE = MergeTree PARTITION BY toDate(at) ORDER BY (broker, cluster, group_name, at, stream, partition) TTL toDateTime(at) + INTERVAL 30 DAY`,
      `CREATE TABLE IF NOT EXISTS ${db}.lag_status (
        at DateTime64(3, 'UTC'),
        broker LowCardinality(String),
        cluster LowCardinality(String),
        group_name String,
        status LowCardinality(String),
        reason String,
        lag Int64,
        lag_seconds Float64,
        consumers UInt32,
        streams Array(String),
        state LowCardinality(String)
      ) ENGINE = MergeTree PARTITION BY toDate(at) ORDER BY (broker, cluster, group_name, at) TTL toDateTime(at) + INTERVAL 30 DAY`,
    ],
  },
  {
    version: 5,
    name: 'benchmarks: bench_runs (parameters, environment, results, timeline) and bench_baselines per scenario',
    statements: (db) => [
      // The headline figures are columns so the runs list needs no JSON; params, environment and result (with the
      // per-second timeline) are the full record as JSON, kept whole so a report can be rendered from the row.
      `CREATE TABLE IF NOT EXISTS ${db}.bench_runs (
        id String,
        started_at DateTime64(3, 'UTC'),
        scenario String,
        label String,
        broker LowCardinality(String),
        status LowCardinality(String),
        sent UInt64,
        received UInt64,
        lost UInt64,
        duplicates UInt64,
        produce_msg_per_sec Float64,
        e2e_msg_per_sec Float64,
        p50_ms Float64,
        p99_ms Float64,
        max_ms Float64,
        params String,
        environment String,
        result String,
        timeline String
      ) ENGINE = ReplacingMergeTree ORDER BY id`,
      // Append-only: a scenario's baseline is its latest marking, and earlier ones stay as history.
      `CREATE TABLE IF NOT EXISTS ${db}.bench_baselines (
        scenario String,
        run_id String,
        marked_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree ORDER BY (scenario, marked_at)`,
    ],
  },
  {
    version: 6,
    name: 'events_per_hour: an hourly rollup fed by the per-minute one, for ranges of a day or more',
    statements: (db) => [
      rollupTable(db, 'hour'),
      // Fed by the per-minute rollup's blocks (a handful of rows per tap insert), so rollup repairs reach it too.
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.events_per_hour_mv TO ${db}.events_per_hour AS
        SELECT toStartOfHour(minute) AS hour, broker, cluster, stream, kind, event_type, source,
               sum(count) AS count, sum(bytes) AS bytes, max(last_seen) AS last_seen
        FROM ${db}.events_per_minute
        GROUP BY hour, broker, cluster, stream, kind, event_type, source`,
      // No backfill (it would race with taps already writing through the view): readers use the hourly rollup
      // from the first whole hour the view has seen, or from the start on a store that had no traffic yet.
      `INSERT INTO ${db}.tap_markers (name, at)
        SELECT '${HOURLY_SINCE}', if((SELECT count() FROM ${db}.events_per_minute) = 0, toDateTime64(0, 3, 'UTC'), toDateTime64(toStartOfHour(now()) + INTERVAL 1 HOUR, 3, 'UTC'))`,
    ],
  },
  {
    version: 7,
    name: 'tap_markers: Kafka drain markers expire after a day',
    statements: (db) => [
      `ALTER TABLE ${db}.tap_markers MODIFY TTL toDateTime(at) + INTERVAL 1 DAY DELETE WHERE startsWith(name, '${DRAIN_MARKER_PREFIX}')`,
    ],
  },
  {
    version: 8,
    name: 'event time: events.event_at and clock_skew from broker_ts, the per-minute rollup by event minute',
    statements: (db) => [
      // Rows stored before this migration keep event_at = observed_at (written out once), so the rollup minutes
      // they were counted in still match them; only rows stored afterwards take the broker's time.
      `ALTER TABLE ${db}.events ADD COLUMN IF NOT EXISTS event_at DateTime64(3, 'UTC') DEFAULT observed_at AFTER broker_ts`,
      `ALTER TABLE ${db}.events MATERIALIZE COLUMN event_at SETTINGS mutations_sync = 2`,
      `ALTER TABLE ${db}.events MODIFY COLUMN event_at DateTime64(3, 'UTC') DEFAULT ${EVENT_AT}`,
      `ALTER TABLE ${db}.events ADD COLUMN IF NOT EXISTS clock_skew Int8 DEFAULT ${CLOCK_SKEW} AFTER event_at`,
      // Rows of a stream are sorted by observed_at, which event_at follows closely: a min/max per granule lets
      // event-time windows skip the rest.
      `ALTER TABLE ${db}.events ADD INDEX IF NOT EXISTS event_at_minmax event_at TYPE minmax GRANULARITY 1`,
      `ALTER TABLE ${db}.events_per_minute_mv MODIFY QUERY ${perMinuteView(db)}`,
    ],
  },
  {
    version: 9,
    name: 'tap_coverage: when each tap was watching and how far it had stored everything (its watermark)',
    statements: (db) => [
      `CREATE TABLE IF NOT EXISTS ${db}.tap_coverage (
        tap LowCardinality(String),
        at DateTime64(3, 'UTC'),
        up UInt8,
        watermark DateTime64(3, 'UTC'),
        reason String
      ) ENGINE = MergeTree PARTITION BY toDate(at) ORDER BY (tap, at) TTL toDateTime(at) + INTERVAL 30 DAY`,
    ],
  },
  {
    version: 10,
    name: 'event_counts: exact counts per minute for streams audited at the counts level, into the same rollups',
    statements: (db) => [
      // A stream audited at `counts` keeps no row per message: its tap stores, per insert, one row per partition
      // (or queue) × event minute × kind × event type × source, under the same deduplication token as a rows
      // insert would have. `offset` is the highest Kafka offset the row counts, so the high-water projection resumes
      // a partition from it exactly as the events table's does (-1 elsewhere); it has the events table's projection
      // name, so one preferred_optimize_projection_name serves a read of both.
      `CREATE TABLE IF NOT EXISTS ${db}.event_counts (
        minute DateTime('UTC'),
        broker LowCardinality(String),
        cluster LowCardinality(String),
        stream LowCardinality(String),
        kind LowCardinality(String),
        queue LowCardinality(String),
        event_type LowCardinality(String),
        source LowCardinality(String),
        partition Int32,
        offset Int64,
        count UInt64,
        bytes UInt64,
        last_seen DateTime64(3, 'UTC'),
        -- The record at offset: what tells a topic deleted and created again (kafka/incarnation.ts).
        last_broker_ts DateTime64(3, 'UTC'),
        last_size UInt32,
        last_key_hash UInt64,
        tap_batch UInt64,
        tap_run UInt64,
        PROJECTION kafka_high_water (SELECT broker, cluster, stream, partition, max(offset) GROUP BY broker, cluster, stream, partition)
      ) ENGINE = MergeTree
      PARTITION BY toYYYYMM(minute)
      ORDER BY (broker, cluster, stream, kind, minute)
      TTL minute + INTERVAL 400 DAY
      SETTINGS ${DEDUP}`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.event_counts_per_minute_mv TO ${db}.events_per_minute AS
        SELECT minute, broker, cluster, stream, kind, event_type, source,
               sum(count) AS count, sum(bytes) AS bytes, max(last_seen) AS last_seen
        FROM ${db}.event_counts
        GROUP BY minute, broker, cluster, stream, kind, event_type, source`,
    ],
  },
];

export interface MigrationRunner {
  command(sql: string): Promise<void>;
  appliedVersions(): Promise<Set<number>>;
  record(version: number, name: string): Promise<void>;
}

export async function migrate(runner: MigrationRunner, db: string, opts: { ttlDays: number }): Promise<number[]> {
  const applied = await runner.appliedVersions();
  const ran: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    for (const sql of m.statements(db, opts)) await runner.command(sql);
    await runner.record(m.version, m.name);
    ran.push(m.version);
  }
  // TTL follows config on every start; materialize_ttl_after_modify=0 keeps this cheap on large tables.
  await runner.command(
    `ALTER TABLE ${db}.events MODIFY TTL toDateTime(observed_at) + INTERVAL ${opts.ttlDays} DAY SETTINGS materialize_ttl_after_modify = 0`,
  );
  return ran;
}
