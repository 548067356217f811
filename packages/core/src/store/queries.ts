// Typed read queries. Input only ever reaches SQL as query parameters, never by concatenation.
import { EVENT_TIME_MAX_AHEAD_MS, type Broker, type EventKind } from '../event.ts';
import { HOURLY_SINCE } from './migrations.ts';
import type { Store } from './store.ts';

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

const whereFor = (f: CountFilter, since: string) =>
  [
    'broker = {broker:String}',
    'stream = {stream:String}',
    f.eventType !== undefined ? 'event_type = {event_type:String}' : '',
    f.kind ? 'kind = {kind:String}' : '',
    f.since !== undefined ? since : '',
  ]
    .filter(Boolean)
    .join(' AND ');

const paramsFor = (f: CountFilter) => ({
  broker: f.broker,
  stream: f.stream,
  event_type: f.eventType ?? '',
  kind: f.kind ?? '',
  since: f.since ?? 0,
});

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

/** The exact count comes from raw rows (rollup minutes cannot honour an arbitrary --since boundary), and for a
 * stream audited at `counts` from event_counts, where --since starts at the event minute that holds it. */
export async function countEvents(store: Store, f: CountFilter): Promise<CountDetail> {
  const raw = whereFor(f, 'observed_at >= fromUnixTimestamp64Milli({since:Int64})');
  const counted = whereFor(f, 'minute >= toStartOfMinute(fromUnixTimestamp64Milli({since:Int64}))');
  const groups = await queryRows<{ event_type: string; kind: string; count: string; first: string; last: string }>(
    store,
    `SELECT event_type, kind, sum(n) AS count, min(first) AS first, max(last) AS last FROM (
       SELECT event_type, kind, count() AS n, min(observed_at) AS first, max(observed_at) AS last
       FROM ${store.db}.events WHERE ${raw} GROUP BY event_type, kind
       UNION ALL
       SELECT event_type, kind, sum(count), toDateTime64(min(minute), 3, 'UTC'), max(last_seen)
       FROM ${store.db}.event_counts WHERE ${counted} GROUP BY event_type, kind
     ) GROUP BY event_type, kind ORDER BY event_type, kind`,
    paramsFor(f),
  );
  const by = groups.map((g) => ({ event_type: g.event_type, kind: g.kind, count: Number(g.count) }));
  const firsts = groups.map((g) => g.first).sort();
  const lasts = groups.map((g) => g.last).sort();
  return {
    count: by.reduce((a, g) => a + g.count, 0),
    by_event_type: by,
    first_seen: firsts[0] ?? null,
    last_seen: lasts.at(-1) ?? null,
  };
}

/** ms since epoch from which the hourly rollup holds every hour (0: from the start); Infinity before migration 6. */
export async function hourlyRollupSince(store: Store): Promise<number> {
  const [found] = await queryRows<{ since: string | number; n: string | number }>(
    store,
    `SELECT toUnixTimestamp64Milli(min(at)) AS since, count() AS n FROM ${store.db}.tap_markers WHERE name = {name:String}`,
    { name: HOURLY_SINCE },
  );
  return found && Number(found.n) > 0 ? Number(found.since) : Infinity;
}
