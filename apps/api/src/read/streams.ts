// Streams as the dashboard lists them: traffic over a range from the rollups, compared with the
// same range a week (or, lacking that, a day) earlier; and one stream's detail.
import type { Broker } from '@rollcall/core/event';
import type { Store } from '@rollcall/core/store';
import { eventTimeRange, queryRows } from '@rollcall/core/store/queries';
import type { TimeRange } from '@rollcall/contract/params';
import type { EventRow, StreamDetail, StreamSort, StreamSummary } from '@rollcall/contract/streams';
import { pageOf, type ListPage } from './page.ts';
import { rolledUpEventTimes, rollupCells, rollupSince, splitRange, wholeMinutes } from './rollup.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** One pass over the rollups for the range and its two baselines (a week back catches weekly seasonality; a young
 * install falls back to yesterday): on a large store one scan is what keeps the overview fast. Whole hours are
 * read from the hourly rollup. */
export async function listStreams(store: Store, range: TimeRange): Promise<StreamSummary[]> {
  const lastMinute = Math.floor(range.to / MINUTE) * MINUTE - MINUTE;
  const counted = wholeMinutes(range);
  const since = await rollupSince(store);
  const cells = rollupCells(
    store.db,
    {
      now: splitRange(counted, since),
      week: splitRange(shift(counted, 7 * DAY), since),
      day: splitRange(shift(counted, DAY), since),
    },
    [`kind = 'publish'`],
  );
  const now = cells.within('now');
  type Num = string | number;
  const rows = await queryRows<{
    broker: Broker;
    cluster: string;
    stream: string;
    total: Num;
    total_bytes: Num;
    seen: string;
    first: Num;
    event_types: string[];
    sources: string[];
    last_minute: Num;
    week_total: Num;
    day_total: Num;
    week_seen: Num;
    day_seen: Num;
    week_first: Num;
    day_first: Num;
  }>(
    store,
    `SELECT broker, any(cluster) AS cluster, stream, sumIf(count, ${now}) AS total, sumIf(bytes, ${now}) AS total_bytes, maxIf(last_seen, ${now}) AS seen,
            toUnixTimestamp(minIf(t, ${now})) AS first, toUnixTimestamp(minIf(t, ${cells.within('week')})) AS week_first, toUnixTimestamp(minIf(t, ${cells.within('day')})) AS day_first,
            arraySort(arrayFilter(x -> x != '', groupUniqArrayIf(event_type, ${now}))) AS event_types,
            arraySort(arrayFilter(x -> x != '', groupUniqArrayIf(source, ${now}))) AS sources,
            sumIf(count, src = 'm' AND t = toDateTime({last:UInt32}, 'UTC')) AS last_minute,
            sumIf(count, ${cells.within('week')}) AS week_total, countIf(${cells.within('week')}) AS week_seen,
            sumIf(count, ${cells.within('day')}) AS day_total, countIf(${cells.within('day')}) AS day_seen
     FROM (${cells.sql})
     GROUP BY broker, stream HAVING total > 0 ORDER BY broker, stream`,
    { ...cells.params, last: lastMinute / 1000 },
  );
  // An average is over the time with data: a stream first seen 4 minutes ago averages over 4 minutes, not the
  // hour asked for (else a 1 h average sits far below the current rate). The baseline is over its own such span.
  const seconds = (shiftedBy: number, first: Num) =>
    Math.max(60, (range.to - Math.max(range.from, Number(first) * 1000 + shiftedBy)) / 1000);
  return rows.map((r) => {
    const avgSeconds = seconds(0, r.first);
    const before =
      Number(r.week_seen) > 0
        ? { total: Number(r.week_total), seconds: seconds(7 * DAY, r.week_first) }
        : Number(r.day_seen) > 0
          ? { total: Number(r.day_total), seconds: seconds(DAY, r.day_first) }
          : undefined;
    const msgPerSec = Number(r.total) / avgSeconds;
    const baseline = before === undefined ? null : before.total / before.seconds;
    return {
      broker: r.broker,
      cluster: r.cluster,
      stream: r.stream,
      count: Number(r.total),
      bytes: Number(r.total_bytes),
      msg_per_sec: msgPerSec,
      avg_seconds: avgSeconds,
      current_msg_per_sec: Number(r.last_minute) / 60,
      last_seen: utc(r.seen),
      event_types: r.event_types,
      sources: r.sources,
      baseline_msg_per_sec: baseline,
      change: baseline ? msgPerSec / baseline - 1 : null,
    };
  });
}

export interface StreamListQuery extends ListPage<StreamSort> {
  q?: string | undefined;
  broker?: Broker | undefined;
}

const BY: Record<StreamSort, (s: StreamSummary) => string | number | null> = {
  broker: (s) => s.broker,
  stream: (s) => s.stream,
  count: (s) => s.count,
  bytes: (s) => s.bytes,
  avg: (s) => s.msg_per_sec,
  now: (s) => s.current_msg_per_sec,
  baseline: (s) => s.baseline_msg_per_sec,
  change: (s) => s.change,
  last: (s) => Date.parse(s.last_seen),
};

/** The list filtered, ordered and cut to one page on the server: a thousand topics reach the dashboard a page at a time. */
export async function streamsPage(
  store: Store,
  range: TimeRange,
  query: StreamListQuery,
): Promise<{ total: number; now_msg_per_sec: number; streams: StreamSummary[] }> {
  const needle = query.q?.trim().toLowerCase() ?? '';
  const all = await listStreams(store, range);
  const matching = all.filter(
    (s) =>
      (!query.broker || s.broker === query.broker) &&
      (!needle || `${s.broker} ${s.stream} ${s.event_types.join(' ')}`.toLowerCase().includes(needle)),
  );
  const { total, rows } = pageOf(matching, query.sort && { value: BY[query.sort.key], desc: query.sort.desc }, query);
  const now = matching.reduce((sum, s) => sum + s.current_msg_per_sec, 0);
  return { total, now_msg_per_sec: now, streams: rows };
}

const shift = (r: TimeRange, by: number): TimeRange => ({ from: r.from - by, to: r.to - by });

/** The detail without the echoed range and the rules watching the stream, which the route adds. */
export type StoredStreamDetail = Omit<StreamDetail, 'from' | 'to' | 'rules' | 'alert_spans' | 'audit' | 'deliveries'>;

/** undefined when the stream has never been seen at all. */
export async function streamDetail(
  store: Store,
  broker: Broker,
  stream: string,
  range: TimeRange,
): Promise<StoredStreamDetail | undefined> {
  const known = await queryRows<{ cluster: string }>(
    store,
    `SELECT cluster FROM ${store.db}.events_per_minute WHERE broker = {broker:String} AND stream = {stream:String} LIMIT 1`,
    { broker, stream },
  );
  if (known.length === 0) return undefined;
  const cells = rollupCells(store.db, { r: splitRange(wholeMinutes(range), await rollupSince(store)) }, [
    'broker = {broker:String}',
    'stream = {stream:String}',
  ]);
  const rolled = rolledUpEventTimes(range);
  const p = { ...cells.params, ...range, broker, stream, rolled_from: rolled.from, rolled_to: rolled.to };
  const [types, sources, schemas] = await Promise.all([
    queryRows<{ event_type: string; kind: string; count: string | number; bytes: string | number }>(
      store,
      `SELECT event_type, kind, sum(count) AS count, sum(bytes) AS bytes FROM (${cells.sql}) GROUP BY event_type, kind ORDER BY count DESC, event_type, kind`,
      p,
    ),
    queryRows<{ source: string; count: string | number }>(
      store,
      `SELECT source, sum(count) AS count FROM (${cells.sql}) WHERE kind = 'publish' GROUP BY source ORDER BY count DESC, source`,
      p,
    ),
    // Per-fingerprint counts need raw rows; the scan is one stream's slice of the range (the table's sort order),
    // by event time in the same whole minutes as the rollup, so the fingerprints add up to the publishes above.
    queryRows<{
      event_type: string;
      fingerprint: string;
      paths: string[];
      first_seen: string;
      last_seen: string;
      count: string | number;
    }>(
      store,
      `SELECT e.event_type AS event_type, toString(e.schema_fingerprint) AS fingerprint, any(s.paths) AS paths,
              min(e.observed_at) AS first_seen, max(e.observed_at) AS last_seen, count() AS count
       FROM ${store.db}.events AS e
       LEFT JOIN (SELECT fingerprint, any(paths) AS paths FROM ${store.db}.schemas WHERE broker = {broker:String} AND stream = {stream:String} GROUP BY fingerprint) AS s
         ON s.fingerprint = e.schema_fingerprint
       WHERE e.broker = {broker:String} AND e.stream = {stream:String} AND e.kind = 'publish' AND e.schema_fingerprint != 0
         AND ${eventTimeRange('rolled_from', 'rolled_to')}
       GROUP BY e.event_type, e.schema_fingerprint ORDER BY first_seen`,
      p,
    ),
  ]);
  const eventTypes = types.map((t) => ({
    event_type: t.event_type,
    kind: t.kind,
    count: Number(t.count),
    bytes: Number(t.bytes),
  }));
  const published = eventTypes.filter((t) => t.kind === 'publish');
  return {
    broker,
    cluster: known[0]?.cluster ?? '',
    stream,
    count: published.reduce((a, t) => a + t.count, 0),
    bytes: published.reduce((a, t) => a + t.bytes, 0),
    event_types: eventTypes,
    sources: sources.map((s) => ({ source: s.source, count: Number(s.count) })),
    schemas: schemas.map((s) => ({
      ...s,
      first_seen: utc(s.first_seen),
      last_seen: utc(s.last_seen),
      count: Number(s.count),
    })),
  };
}

const utc = (chTime: string): string => new Date(`${chTime.replace(' ', 'T')}Z`).toISOString();

/** The newest metadata rows of a stream; never a body (there is none to read). */
export async function recentEvents(
  store: Store,
  broker: Broker,
  stream: string,
  limit: number,
  kind?: string,
): Promise<EventRow[]> {
  const rows = await queryRows<
    EventRow & {
      partition: number | string;
      offset: number | string;
      size: number | string;
      header_count: number | string;
    }
  >(
    store,
    `SELECT observed_at, broker_ts, kind, routing_key, partition, offset, queue, event_type, source, message_id, correlation_id, trace_id,
            size, header_count, toString(schema_fingerprint) AS schema_fingerprint, parse_error
     FROM ${store.db}.events WHERE broker = {broker:String} AND stream = {stream:String} ${kind ? 'AND kind = {kind:String}' : ''}
     ORDER BY observed_at DESC LIMIT {limit:UInt32}`,
    { broker, stream, limit, kind: kind ?? '' },
  );
  return rows.map((r) => ({
    ...r,
    observed_at: utc(r.observed_at),
    broker_ts: utc(r.broker_ts),
    partition: Number(r.partition),
    offset: Number(r.offset),
    size: Number(r.size),
    header_count: Number(r.header_count),
  }));
}
