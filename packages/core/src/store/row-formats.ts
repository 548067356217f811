// What a tap insert sends, per audit level (core/src/audit.ts): the column list, the embedded store's
// TabSeparated payload and the server's JSONCompactEachRow values. `rows` and `keys` go to events (keys names
// fewer columns; the rest take their defaults), `counts` to event_counts.
import type { AuditLevel } from '../audit.ts';
import { eventTime, type EventRow } from '../event.ts';

export const chTime = (ms: number): string => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

// TabSeparated text built straight from the rows: chDB parses it in about two thirds of the CPU that
// JSONCompactEachRow takes, and building it skips an array and a JSON.stringify per row.
const TSV_SPECIAL = /[\\\t\n\r\0]/;
const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };
const tsvText = (s: string): string =>
  TSV_SPECIAL.test(s) ? s.replace(/[\\\t\n\r\0]/g, (c) => TSV_ESCAPES[c] ?? c) : s;
const tsvArray = (items: string[]): string =>
  items.length === 0 ? '[]' : `[${items.map((s) => `'${tsvText(s).replaceAll("'", "\\'")}'`).join(',')}]`;
const EPOCH = chTime(0);

/** DateTime64(3) as unix seconds with milliseconds (no Date, no ISO string). ClickHouse reads a bare number as a
 * unix time only when it has ten integer digits, so anything outside 2001..2286 goes as text. */
function tsvTime(ms: number): string {
  if (ms === 0) return EPOCH;
  if (!Number.isInteger(ms) || ms < 1e12 || ms >= 1e13) return chTime(ms);
  const frac = ms % 1000;
  return `${(ms - frac) / 1000}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

// Each line is encoded straight into one growing buffer: concatenating the lines first and encoding the result
// costs a rope flatten plus a second pass, about half of this stage's time at 10,000 rows.
function tsv<T>(items: T[], line: (item: T) => string, bytesPerItem: number): Buffer {
  let out = Buffer.allocUnsafe(Math.max(4096, items.length * bytesPerItem));
  let used = 0;
  for (const item of items) {
    const text = line(item);
    // Three bytes per UTF-16 unit is the most UTF-8 can take, so a line that fits this bound is written whole.
    if (used + text.length * 3 > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, used + text.length * 3));
      out.copy(grown, 0, 0, used);
      out = grown;
    }
    used += out.write(text, used, 'utf8');
  }
  return out.subarray(0, used);
}

export const EVENT_COLUMNS = [
  'observed_at',
  'broker_ts',
  'broker',
  'cluster',
  'stream',
  'routing_key',
  'partition',
  'offset',
  'kind',
  'queue',
  'routed_queues',
  'event_type',
  'source',
  'message_id',
  'correlation_id',
  'trace_id',
  'key_hash',
  'size',
  'header_count',
  'schema_fingerprint',
  'parse_error',
  'connection',
  'user',
  'delivery_hash',
  'tap_batch',
  'tap_run',
] as const;

/** One row in EVENT_COLUMNS order as a TabSeparated line. */
function eventLine(r: EventRow, tail: string): string {
  return `${tsvTime(r.observed_at)}\t${tsvTime(r.broker_ts)}\t${tsvText(r.broker)}\t${tsvText(r.cluster)}\t${tsvText(r.stream)}\t${tsvText(r.routing_key)}\t${r.partition}\t${r.offset}\t${tsvText(r.kind)}\t${tsvText(r.queue)}\t${tsvArray(r.routed_queues)}\t${tsvText(r.event_type)}\t${tsvText(r.source)}\t${tsvText(r.message_id)}\t${tsvText(r.correlation_id)}\t${tsvText(r.trace_id)}\t${r.key_hash}\t${r.size}\t${r.header_count}\t${r.schema_fingerprint}\t${tsvText(r.parse_error)}\t${tsvText(r.connection)}\t${tsvText(r.user)}\t${r.delivery_hash}\t${tail}\n`;
}

/** The embedded store's insert payload for these rows (exported so the tap benchmark can time this stage alone). */
export const eventsTsv = (rows: EventRow[], tapBatch: number, run: number): Buffer => {
  const tail = `${tapBatch}\t${run}`;
  return tsv(rows, (r) => eventLine(r, tail), 256);
};

type EventColumn = (typeof EVENT_COLUMNS)[number];

/** A `keys` row: where and when, what and whose, the ids completeness and duplicate rules join on, and what the
 * RabbitMQ tap needs to recognise a redelivered batch. No trace id, headers, schema, parse error or connection. */
const NOT_KEYS: ReadonlySet<EventColumn> = new Set([
  'routed_queues',
  'trace_id',
  'header_count',
  'schema_fingerprint',
  'parse_error',
  'connection',
  'user',
]);
export const KEY_COLUMNS: readonly EventColumn[] = EVENT_COLUMNS.filter((c) => !NOT_KEYS.has(c));

function keyLine(r: EventRow, tail: string): string {
  return `${tsvTime(r.observed_at)}\t${tsvTime(r.broker_ts)}\t${tsvText(r.broker)}\t${tsvText(r.cluster)}\t${tsvText(r.stream)}\t${tsvText(r.routing_key)}\t${r.partition}\t${r.offset}\t${tsvText(r.kind)}\t${tsvText(r.queue)}\t${tsvText(r.event_type)}\t${tsvText(r.source)}\t${tsvText(r.message_id)}\t${tsvText(r.correlation_id)}\t${r.key_hash}\t${r.size}\t${r.delivery_hash}\t${tail}\n`;
}

/** One event_counts row: the messages of one partition (or queue) in one event minute × kind × type × source. */
export interface CountRow {
  minute: number;
  broker: string;
  cluster: string;
  stream: string;
  kind: string;
  queue: string;
  event_type: string;
  source: string;
  partition: number;
  /** The highest Kafka offset counted (-1 elsewhere), and the identity of the record there. */
  offset: number;
  count: number;
  bytes: number;
  last_seen: number;
  last_broker_ts: number;
  last_size: number;
  last_key_hash: number;
}

export const COUNT_COLUMNS = [
  'minute',
  'broker',
  'cluster',
  'stream',
  'kind',
  'queue',
  'event_type',
  'source',
  'partition',
  'offset',
  'count',
  'bytes',
  'last_seen',
  'last_broker_ts',
  'last_size',
  'last_key_hash',
  'tap_batch',
  'tap_run',
] as const;

/** Exact counts of these rows, one per partition × queue × event minute × stream × kind × event type × source. */
export function countRows(rows: EventRow[]): CountRow[] {
  const groups = new Map<string, CountRow>();
  for (const r of rows) {
    const at = eventTime(r);
    const minute = at - (at % 60_000);
    const key = `${r.partition}\0${r.queue}\0${minute}\0${r.broker}\0${r.cluster}\0${r.stream}\0${r.kind}\0${r.event_type}\0${r.source}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        minute,
        broker: r.broker,
        cluster: r.cluster,
        stream: r.stream,
        kind: r.kind,
        queue: r.queue,
        event_type: r.event_type,
        source: r.source,
        partition: r.partition,
        offset: r.offset,
        count: 1,
        bytes: r.size,
        last_seen: r.observed_at,
        last_broker_ts: r.broker_ts,
        last_size: r.size,
        last_key_hash: r.key_hash,
      });
      continue;
    }
    group.count++;
    group.bytes += r.size;
    group.last_seen = Math.max(group.last_seen, r.observed_at);
    if (r.offset > group.offset) {
      group.offset = r.offset;
      group.last_broker_ts = r.broker_ts;
      group.last_size = r.size;
      group.last_key_hash = r.key_hash;
    }
  }
  return [...groups.values()];
}

function countLine(c: CountRow, tail: string): string {
  return `${c.minute / 1000}\t${tsvText(c.broker)}\t${tsvText(c.cluster)}\t${tsvText(c.stream)}\t${tsvText(c.kind)}\t${tsvText(c.queue)}\t${tsvText(c.event_type)}\t${tsvText(c.source)}\t${c.partition}\t${c.offset}\t${c.count}\t${c.bytes}\t${tsvTime(c.last_seen)}\t${tsvTime(c.last_broker_ts)}\t${c.last_size}\t${c.last_key_hash}\t${tail}\n`;
}

/** One audit level's insert: its table, columns, and payload in either format. */
export interface InsertPayload {
  table: 'events' | 'event_counts';
  columns: readonly string[];
  rows: number;
  tsv: () => Buffer;
  values: () => unknown[][];
}

/** An insert of exact counts into event_counts. */
export function countsPayload(counts: CountRow[], tapBatch: number, run: number): InsertPayload {
  const tail = `${tapBatch}\t${run}`;
  return {
    table: 'event_counts',
    columns: COUNT_COLUMNS,
    rows: counts.length,
    tsv: () => tsv(counts, (c) => countLine(c, tail), 160),
    values: () =>
      counts.map((c) => [
        chTime(c.minute).slice(0, 19),
        c.broker,
        c.cluster,
        c.stream,
        c.kind,
        c.queue,
        c.event_type,
        c.source,
        c.partition,
        c.offset,
        c.count,
        c.bytes,
        chTime(c.last_seen),
        chTime(c.last_broker_ts),
        c.last_size,
        c.last_key_hash,
        tapBatch,
        run,
      ]),
  };
}

export function insertPayload(level: AuditLevel, rows: EventRow[], tapBatch: number, run: number): InsertPayload {
  const tail = `${tapBatch}\t${run}`;
  if (level === 'counts') return countsPayload(countRows(rows), tapBatch, run);
  if (level === 'keys') {
    return {
      table: 'events',
      columns: KEY_COLUMNS,
      rows: rows.length,
      tsv: () => tsv(rows, (r) => keyLine(r, tail), 160),
      values: () => rows.map((r) => eventValues(r, KEY_COLUMNS, tapBatch, run)),
    };
  }
  return {
    table: 'events',
    columns: EVENT_COLUMNS,
    rows: rows.length,
    tsv: () => eventsTsv(rows, tapBatch, run),
    values: () => rows.map((r) => eventValues(r, EVENT_COLUMNS, tapBatch, run)),
  };
}

const TIME_COLUMNS: ReadonlySet<EventColumn> = new Set(['observed_at', 'broker_ts']);

/** One row for the server's JSONCompactEachRow, in the order of `columns` (a ClickHouse server parses JSON). */
function eventValues(r: EventRow, columns: readonly EventColumn[], tapBatch: number, run: number): unknown[] {
  return columns.map((c) => {
    if (c === 'tap_batch') return tapBatch;
    if (c === 'tap_run') return run;
    const value = r[c];
    return TIME_COLUMNS.has(c) ? chTime(value as number) : value;
  });
}
