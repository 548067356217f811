// What a tap insert sends, per audit level (core/src/audit.ts): the column list, the embedded store's
// TabSeparated payload and the server's JSONCompactEachRow values. `rows` and `keys` go to events (keys names
// fewer columns; the rest take their defaults), `counts` to event_counts.
import type { AuditLevel } from '../audit.ts';
import { eventTime, type EventRow } from '../event.ts';
import { arrowBatch, type ArrowBatch } from './arrow-batch.ts';

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

/** The fields a message's count needs of it (an EventRow has them all). */
export const COUNTED_FIELDS = [
  'partition',
  'queue',
  'broker',
  'cluster',
  'stream',
  'kind',
  'event_type',
  'source',
  'offset',
  'size',
  'observed_at',
  'broker_ts',
  'key_hash',
] as const satisfies readonly (keyof EventRow)[];

export type Counted = Pick<EventRow, (typeof COUNTED_FIELDS)[number]>;

export interface CountTally {
  /** Counts one message. `message` may be reused for the next one: what a group keeps is copied. */
  add(message: Counted): void;
  counts(): CountRow[];
  /** Messages counted. */
  messages(): number;
  /** Count rows so far (one per group). */
  groups(): number;
  /** The earliest event time counted (undefined before the first message). */
  since(): number | undefined;
}

const sameGroup = (g: CountRow, m: Counted, minute: number): boolean =>
  g.minute === minute &&
  g.partition === m.partition &&
  g.event_type === m.event_type &&
  g.source === m.source &&
  g.stream === m.stream &&
  g.kind === m.kind &&
  g.queue === m.queue &&
  g.broker === m.broker &&
  g.cluster === m.cluster;

const groupKey = (m: Counted, minute: number): string =>
  `${m.partition}\0${m.queue}\0${minute}\0${m.broker}\0${m.cluster}\0${m.stream}\0${m.kind}\0${m.event_type}\0${m.source}`;

/** Groups checked field by field before a key is built: a fetch of one partition and minute with a few event types
 * (their messages interleaved) finds its group among them without building a string per message. */
const RECENT = 8;

/** Exact counts, one per partition × queue × event minute × stream × kind × event type × source, folded in one
 * message at a time. A message is nearly always in one of the few groups just used, which are checked field by
 * field before a key is built. */
export function createCountTally(): CountTally {
  const groups = new Map<string, CountRow>();
  const recent: CountRow[] = [];
  let last: CountRow | undefined;
  let messages = 0;
  let since: number | undefined;
  const groupOf = (m: Counted, minute: number): CountRow | undefined => {
    if (last && sameGroup(last, m, minute)) return last;
    for (const g of recent) if (sameGroup(g, m, minute)) return g;
    const found = groups.get(groupKey(m, minute));
    if (found) remember(found);
    return found;
  };
  const remember = (g: CountRow) => {
    if (recent.length >= RECENT) recent.shift();
    recent.push(g);
  };
  return {
    add(m) {
      const at = eventTime(m);
      const minute = at - (at % 60_000);
      messages++;
      since = since === undefined ? at : Math.min(since, at);
      const group = groupOf(m, minute);
      if (!group) {
        last = {
          minute,
          broker: m.broker,
          cluster: m.cluster,
          stream: m.stream,
          kind: m.kind,
          queue: m.queue,
          event_type: m.event_type,
          source: m.source,
          partition: m.partition,
          offset: m.offset,
          count: 1,
          bytes: m.size,
          last_seen: m.observed_at,
          last_broker_ts: m.broker_ts,
          last_size: m.size,
          last_key_hash: m.key_hash,
        };
        groups.set(groupKey(m, minute), last);
        remember(last);
        return;
      }
      last = group;
      group.count++;
      group.bytes += m.size;
      group.last_seen = Math.max(group.last_seen, m.observed_at);
      if (m.offset > group.offset) {
        group.offset = m.offset;
        group.last_broker_ts = m.broker_ts;
        group.last_size = m.size;
        group.last_key_hash = m.key_hash;
      }
    },
    counts: () => [...groups.values()],
    messages: () => messages,
    groups: () => groups.size,
    since: () => since,
  };
}

/** Exact counts of these rows (see createCountTally). */
export function countRows(rows: EventRow[]): CountRow[] {
  const tally = createCountTally();
  for (const r of rows) tally.add(r);
  return tally.counts();
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
  /** The embedded store's cheaper payload for events (undefined when the batch must go as text). */
  arrow?: () => ArrowBatch | undefined;
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
      arrow: () => arrowBatch(rows, KEY_COLUMNS, tapBatch, run),
    };
  }
  return {
    table: 'events',
    columns: EVENT_COLUMNS,
    rows: rows.length,
    tsv: () => eventsTsv(rows, tapBatch, run),
    values: () => rows.map((r) => eventValues(r, EVENT_COLUMNS, tapBatch, run)),
    arrow: () => arrowBatch(rows, EVENT_COLUMNS, tapBatch, run),
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
