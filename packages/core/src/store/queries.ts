// Typed read queries. Input only ever reaches SQL as query parameters, never by concatenation.
import { EVENT_TIME_MAX_AHEAD_MS, type Broker, type EventKind } from '../event.ts';
import { DRAIN_MARKER_PREFIX, HOURLY_SINCE } from './migrations.ts';
import type { Store } from './store.ts';

export { DRAIN_MARKER_PREFIX };

export interface CountFilter {
  broker: Broker;
  stream: string;
  eventType?: string;
  kind?: EventKind;
  /** ms since epoch; undefined counts everything retained */
  since?: number;
}

export interface CountDetail {
  count: number;
  by_event_type: { event_type: string; kind: string; count: number }[];
  first_seen: string | null;
  last_seen: string | null;
}

const whereFor = (f: CountFilter) =>
  [
    'broker = {broker:String}',
    'stream = {stream:String}',
    f.eventType !== undefined ? 'event_type = {event_type:String}' : '',
    f.kind ? 'kind = {kind:String}' : '',
    f.since !== undefined ? 'observed_at >= fromUnixTimestamp64Milli({since:Int64})' : '',
  ]
    .filter(Boolean)
    .join(' AND ');

const paramsFor = (f: CountFilter) => ({ broker: f.broker, stream: f.stream, event_type: f.eventType ?? '', kind: f.kind ?? '', since: f.since ?? 0 });

/** Raw rows whose event time is in [start, end): event_at is never more than EVENT_TIME_MAX_AHEAD_MS ahead of
 * observed_at, so the same lower bound on observed_at (the sorting key and partition) skips older parts. */
export function eventTimeRange(start: string, end: string): string {
  const from = `fromUnixTimestamp64Milli({${start}:Int64})`;
  return `event_at >= ${from} AND event_at < fromUnixTimestamp64Milli({${end}:Int64}) AND observed_at >= ${from} - toIntervalMillisecond(${EVENT_TIME_MAX_AHEAD_MS})`;
}

/** Rows of a parameterised query; every read in Rollcall goes through here. */
export async function queryRows<T>(store: Store, query: string, query_params: Record<string, unknown>): Promise<T[]> {
  const rs = await store.client.query({ query, query_params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** The exact count comes from raw rows: rollup minutes cannot honour an arbitrary --since boundary. */
export async function countEvents(store: Store, f: CountFilter): Promise<CountDetail> {
  const where = whereFor(f);
  const groups = await queryRows<{ event_type: string; kind: string; count: string; first: string; last: string }>(
    store,
    `SELECT event_type, kind, count() AS count, min(observed_at) AS first, max(observed_at) AS last
     FROM ${store.db}.events WHERE ${where} GROUP BY event_type, kind ORDER BY event_type, kind`,
    paramsFor(f),
  );
  const by = groups.map((g) => ({ event_type: g.event_type, kind: g.kind, count: Number(g.count) }));
  const firsts = groups.map((g) => g.first).sort();
  const lasts = groups.map((g) => g.last).sort();
  return { count: by.reduce((a, g) => a + g.count, 0), by_event_type: by, first_seen: firsts[0] ?? null, last_seen: lasts.at(-1) ?? null };
}

export interface StreamSummary {
  broker: Broker;
  cluster: string;
  stream: string;
  event_types: string[];
  count: number;
  msg_per_sec: number;
  last_seen: string;
}

/** Streams seen since `since`, from the per-minute rollup so a month-long range stays cheap. */
export async function listStreams(store: Store, since: number, now: number): Promise<StreamSummary[]> {
  const found = await queryRows<{ broker: Broker; cluster: string; stream: string; event_types: string[]; count: string; last_seen: string }>(
    store,
    `SELECT broker, cluster, stream, arraySort(groupUniqArray(event_type)) AS event_types, sum(count) AS count, max(last_seen) AS last_seen
     FROM ${store.db}.events_per_minute
     WHERE minute >= toStartOfMinute(fromUnixTimestamp64Milli({since:Int64})) AND kind = 'publish'
     GROUP BY broker, cluster, stream ORDER BY broker, cluster, stream`,
    { since },
  );
  const seconds = Math.max(1, (now - since) / 1000);
  return found.map((s) => ({ ...s, count: Number(s.count), msg_per_sec: Number(s.count) / seconds }));
}

/** Highest offset stored per partition: the tap resumes after it, so a replay never double-counts. */
export async function kafkaHighWater(store: Store, cluster: string, topic: string): Promise<Map<number, number>> {
  const found = await queryRows<{ partition: number; max_offset: string }>(
    store,
    `SELECT partition, max(offset) AS max_offset FROM ${store.db}.events
     WHERE broker = 'kafka' AND cluster = {cluster:String} AND stream = {topic:String} GROUP BY partition
     SETTINGS preferred_optimize_projection_name = 'kafka_high_water'`,
    { cluster, topic },
  );
  return new Map(found.map((r) => [Number(r.partition), Number(r.max_offset)]));
}

export interface StoredTapBatch {
  run: number;
  batch: number;
  hashes: number[];
  /** ms: latest observed_at in the batch */
  at: number;
  /** ms: latest observed_at of anything the same run stored */
  runLast: number;
}

/** RabbitMQ tap batches since `since` that hold any of these delivery hashes, with all their hashes and how
 * close each came to the end of the run that stored it. */
export async function tapBatchesContaining(store: Store, cluster: string, hashes: number[], since: number): Promise<StoredTapBatch[]> {
  if (hashes.length === 0) return [];
  const scope = `broker = 'rabbitmq' AND cluster = {cluster:String} AND observed_at >= fromUnixTimestamp64Milli({since:Int64})`;
  const found = await queryRows<{ tap_run: string; tap_batch: string; hashes: string[]; at: string; run_last: string }>(
    store,
    `WITH batches AS (
       SELECT tap_run, tap_batch, groupArray(delivery_hash) AS hashes, max(observed_at) AS at FROM ${store.db}.events
       WHERE ${scope} AND tap_batch IN (SELECT DISTINCT tap_batch FROM ${store.db}.events WHERE ${scope} AND delivery_hash IN {hashes:Array(UInt64)})
       GROUP BY tap_run, tap_batch),
     runs AS (
       SELECT tap_run, max(observed_at) AS run_last FROM ${store.db}.events
       WHERE ${scope} AND tap_run IN (SELECT tap_run FROM batches) GROUP BY tap_run)
     SELECT b.tap_run AS tap_run, b.tap_batch AS tap_batch, b.hashes AS hashes,
            toUnixTimestamp64Milli(b.at) AS at, toUnixTimestamp64Milli(r.run_last) AS run_last
     FROM batches AS b INNER JOIN runs AS r ON b.tap_run = r.tap_run`,
    { cluster, since, hashes },
  );
  return found.map((r) => ({ run: Number(r.tap_run), batch: Number(r.tap_batch), hashes: r.hashes.map(Number), at: Number(r.at), runLast: Number(r.run_last) }));
}

export async function hasMarker(store: Store, name: string): Promise<boolean> {
  const found = await queryRows<{ n: string }>(store, `SELECT count() AS n FROM ${store.db}.tap_markers WHERE name = {name:String}`, { name });
  return Number(found[0]?.n ?? 0) > 0;
}

export async function setMarker(store: Store, name: string, at: number): Promise<void> {
  await store.client.insert({ table: `${store.db}.tap_markers`, values: [{ name, at: new Date(at).toISOString().slice(0, 23).replace('T', ' ') }], format: 'JSONEachRow' });
}

/** ms since epoch from which the hourly rollup holds every hour (0: from the start); Infinity before migration 6. */
export async function hourlyRollupSince(store: Store): Promise<number> {
  const [found] = await queryRows<{ since: string | number; n: string | number }>(store, `SELECT toUnixTimestamp64Milli(min(at)) AS since, count() AS n FROM ${store.db}.tap_markers WHERE name = {name:String}`, { name: HOURLY_SINCE });
  return found && Number(found.n) > 0 ? Number(found.since) : Infinity;
}
