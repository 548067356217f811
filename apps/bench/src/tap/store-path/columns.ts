// Column lists of the store-path benchmark and their payloads in TabSeparated (what store.ts sends), RowBinary and
// Native. Payloads are built before the timed inserts, so these
// generic encoders only need to be correct; store.ts's own eventsTsv is timed on its own.
import { clockSkew, eventTime, type EventRow } from '@rollcall/core/event';

type Kind = 'time' | 'text' | 'texts' | 'i8' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64';

export interface Column {
  name: string;
  kind: Kind;
  value: (r: EventRow, tapBatch: number, run: number) => number | string | string[];
}

const col = (name: string, kind: Kind, value: Column['value']): Column => ({ name, kind, value });
const field = (name: keyof EventRow, kind: Kind): Column =>
  col(name, kind, (r) => r[name] as number | string | string[]);

const OBSERVED_AT = field('observed_at', 'time');
const BROKER_TS = field('broker_ts', 'time');
const EVENT_AT = col('event_at', 'time', (r) => eventTime(r));
const CLOCK_SKEW = col('clock_skew', 'i8', (r) => clockSkew(r.broker_ts, r.observed_at));
const TAP_BATCH = col('tap_batch', 'u64', (_r, tapBatch) => tapBatch);
const TAP_RUN = col('tap_run', 'u64', (_r, _b, run) => run);

/** store.ts's EVENT_COLUMNS, in its order. */
export const ROW_COLUMNS: Column[] = [
  OBSERVED_AT,
  BROKER_TS,
  field('broker', 'text'),
  field('cluster', 'text'),
  field('stream', 'text'),
  field('routing_key', 'text'),
  field('partition', 'i32'),
  field('offset', 'i64'),
  field('kind', 'text'),
  field('queue', 'text'),
  field('routed_queues', 'texts'),
  field('event_type', 'text'),
  field('source', 'text'),
  field('message_id', 'text'),
  field('correlation_id', 'text'),
  field('trace_id', 'text'),
  field('key_hash', 'u64'),
  field('size', 'u32'),
  field('header_count', 'u16'),
  field('schema_fingerprint', 'u64'),
  field('parse_error', 'text'),
  field('connection', 'text'),
  field('user', 'text'),
  field('delivery_hash', 'u64'),
  TAP_BATCH,
  TAP_RUN,
];

/** The same row with event_at and clock_skew computed by the tap (core/event.ts) instead of by DEFAULT. */
export const ROW_COLUMNS_WITH_EVENT_TIME: Column[] = [
  OBSERVED_AT,
  BROKER_TS,
  EVENT_AT,
  CLOCK_SKEW,
  ...ROW_COLUMNS.slice(2),
];

const KEY_FIELDS: Column[] = [
  field('broker', 'text'),
  field('cluster', 'text'),
  field('stream', 'text'),
  field('partition', 'i32'),
  field('offset', 'i64'),
  field('kind', 'text'),
  field('event_type', 'text'),
  field('message_id', 'text'),
  field('correlation_id', 'text'),
  field('key_hash', 'u64'),
  TAP_BATCH,
  TAP_RUN,
];

/** A `keys` row into events: observed_at and broker_ts stay (event_at, the TTL and the partition key need
 * them); every other column takes its default. */
export const KEYS_INTO_EVENTS: Column[] = [OBSERVED_AT, BROKER_TS, ...KEY_FIELDS];
/** A `keys` row into its own narrow table: event time computed by the tap. */
export const KEYS_INTO_OWN_TABLE: Column[] = [OBSERVED_AT, EVENT_AT, ...KEY_FIELDS];

export const TYPES: Record<Kind, string> = {
  time: "DateTime64(3, 'UTC')",
  text: 'String',
  texts: 'Array(String)',
  i8: 'Int8',
  u16: 'UInt16',
  i32: 'Int32',
  u32: 'UInt32',
  i64: 'Int64',
  u64: 'UInt64',
};

const tsvEscape = (s: string) =>
  s.replace(/[\\\t\n\r\0']/g, (c) => ({ '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' })[c] ?? `\\${c}`);
const tsvTime = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;

function tsvValue(kind: Kind, v: number | string | string[]): string {
  if (kind === 'time') return tsvTime(v as number);
  if (kind === 'text') return tsvEscape(v as string);
  if (kind === 'texts') return `[${(v as string[]).map((s) => `'${tsvEscape(s)}'`).join(',')}]`;
  return String(v);
}

export function tsv(columns: Column[], rows: EventRow[], tapBatch: number, run: number): Buffer {
  const lines = rows.map((r) => columns.map((c) => tsvValue(c.kind, c.value(r, tapBatch, run))).join('\t'));
  return Buffer.from(lines.join('\n') + '\n');
}

/** A growable little-endian byte writer for the binary formats. */
class Bytes {
  private buf = Buffer.allocUnsafe(1 << 20);
  length = 0;
  private room(n: number) {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
  varUInt(n: number) {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.length++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.length++] = n;
  }
  string(s: string) {
    const n = Buffer.byteLength(s);
    this.varUInt(n);
    this.room(n);
    this.length += this.buf.write(s, this.length, 'utf8');
  }
  int(kind: Kind, v: number) {
    this.room(8);
    const b = this.buf;
    if (kind === 'i8') b.writeInt8(v, this.length);
    else if (kind === 'u16') b.writeUInt16LE(v, this.length);
    else if (kind === 'i32') b.writeInt32LE(v, this.length);
    else if (kind === 'u32') b.writeUInt32LE(v, this.length);
    else {
      // i64 / u64 / time (Int64 milliseconds): two's complement in two 32-bit halves, exact below 2^53.
      const lo = ((v % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
      b.writeUInt32LE(lo, this.length);
      b.writeUInt32LE((Math.floor(v / 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000, this.length + 4);
    }
    const end = this.length + (kind === 'i8' ? 1 : kind === 'u16' ? 2 : kind === 'i32' || kind === 'u32' ? 4 : 8);
    // chDB 3.4 hands raw inserts to the engine as inline query data, which ends at the first blank line: two 0x0A
    // bytes in a row cut the payload ("Cannot read all data" / "Unknown packet 11"). Binary payloads are only
    // measurable with no 0x0A byte in any integer, so their rows differ slightly from the baseline's.
    for (let i = this.length; i < end; i++) if (b[i] === 0x0a) b[i] = 0x0b;
    this.length = end;
  }
  value(kind: Kind, v: number | string | string[]) {
    if (kind === 'text') this.string(v as string);
    else if (kind === 'texts') {
      this.varUInt((v as string[]).length);
      for (const s of v as string[]) this.string(s);
    } else this.int(kind, v as number);
  }
  done(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

export function rowBinary(columns: Column[], rows: EventRow[], tapBatch: number, run: number): Buffer {
  const out = new Bytes();
  for (const r of rows) for (const c of columns) out.value(c.kind, c.value(r, tapBatch, run));
  return out.done();
}

/** Native: one block, column after column; LowCardinality columns go as String and the engine converts them. */
export function native(columns: Column[], rows: EventRow[], tapBatch: number, run: number): Buffer {
  const out = new Bytes();
  out.varUInt(columns.length);
  out.varUInt(rows.length);
  for (const c of columns) {
    out.string(c.name);
    out.string(TYPES[c.kind]);
    const values = rows.map((r) => c.value(r, tapBatch, run));
    if (c.kind === 'texts') {
      let offset = 0;
      for (const v of values) out.int('u64', (offset += (v as string[]).length));
      for (const v of values) for (const s of v as string[]) out.string(s);
    } else if (c.kind === 'text') for (const v of values) out.string(v as string);
    else for (const v of values) out.int(c.kind, v as number);
  }
  return out.done();
}
