// Event rows as Arrow columns for the embedded store: chDB reads columns registered through its Arrow C Data
// Interface input (`arrowstream('<name>')`) with INSERT … SELECT, so no text is parsed. The store-path benchmark
// measured 1.65 µs of CPU per row this way against 7.56 for the TabSeparated text (apps/bench/results/store-path.md),
// the same stored rows and as exactly deduplicated by the token. Numbers travel as Float64 (exact up to 2^53, which
// every integer of a row is) and strings as UTF-8; the SELECT casts each column to the table's type.
import type { EventRow } from '../event.ts';

/** One column in the layout chDB's native ArrowRegisterColumns takes: 'g' Float64, 'u' UTF-8 strings. */
export interface ArrowColumn {
  name: string;
  format: 'g' | 'u';
  length: number;
  nullCount: 0;
  buffers: (Buffer | null)[];
}

export interface ArrowBatch {
  columns: ArrowColumn[];
  /** The SELECT list over `arrowstream(...)` that gives the table's types, in the insert's column order. */
  select: string;
}

type Kind = 'time' | 'text' | 'texts' | 'int';

/** How each column an insert can name travels; tap_batch and tap_run are the batch's, not the row's. */
const KINDS: Record<string, Kind> = {
  observed_at: 'time',
  broker_ts: 'time',
  broker: 'text',
  cluster: 'text',
  stream: 'text',
  routing_key: 'text',
  partition: 'int',
  offset: 'int',
  kind: 'text',
  queue: 'text',
  routed_queues: 'texts',
  event_type: 'text',
  source: 'text',
  message_id: 'text',
  correlation_id: 'text',
  trace_id: 'text',
  key_hash: 'int',
  size: 'int',
  header_count: 'int',
  schema_fingerprint: 'int',
  parse_error: 'text',
  connection: 'text',
  user: 'text',
  delivery_hash: 'int',
  tap_batch: 'int',
  tap_run: 'int',
};

// The casts name the table's integer types so an out-of-range value is an error, never a silent wrap.
const INT_TYPES: Record<string, string> = {
  partition: 'Int32',
  offset: 'Int64',
  key_hash: 'UInt64',
  size: 'UInt32',
  header_count: 'UInt16',
  schema_fingerprint: 'UInt64',
  delivery_hash: 'UInt64',
  tap_batch: 'UInt64',
  tap_run: 'UInt64',
};

const cast = (name: string): string => {
  switch (KINDS[name]) {
    case 'time':
      return `fromUnixTimestamp64Milli(toInt64(${name}), 'UTC')`;
    case 'texts':
      return `if(empty(${name}), [], splitByChar('\\0', ${name}))`;
    case 'int':
      return `to${INT_TYPES[name] ?? 'Int64'}(${name})`;
    default:
      return name;
  }
};

// The text path sends times in 2001..2286 as bare numbers and anything else as text; Arrow takes the common range
// only (and 0, "unknown"), and a batch with anything else goes as text, exactly as before.
const plainTime = (ms: number) => ms === 0 || (Number.isInteger(ms) && ms >= 1e12 && ms < 1e13);

function float64(name: string, values: Float64Array): ArrowColumn {
  return { name, format: 'g', length: values.length, nullCount: 0, buffers: [null, Buffer.from(values.buffer)] };
}

/** Strings into one buffer with their offsets, the buffer grown as needed (three bytes per UTF-16 unit at most).
 * Most of a batch's text repeats the row before (stream, event type, source) or is short ASCII (ids): those are
 * copied in JS, which costs less than a native UTF-8 write per value (bench:tap's stage costs). */
function utf8(name: string, rows: number, text: (i: number) => string): ArrowColumn {
  const offsets = new Int32Array(rows + 1);
  let data = Buffer.allocUnsafe(Math.max(1024, rows * 8));
  let used = 0;
  // the last value written, and where its bytes are
  let previous = '';
  let previousAt = 0;
  let previousEnd = 0;
  for (let i = 0; i < rows; i++) {
    offsets[i] = used;
    const s = text(i);
    if (s.length === 0) continue;
    if (used + s.length * 3 > data.length) {
      const grown = Buffer.allocUnsafe(Math.max(data.length * 2, used + s.length * 3));
      data.copy(grown, 0, 0, used);
      data = grown;
    }
    const start = used;
    if (s === previous) used = copyBytes(data, previousAt, start, previousEnd - previousAt);
    else used = s.length <= SHORT_TEXT ? writeShort(data, s, start) : start + data.write(s, start, 'utf8');
    previous = s;
    previousAt = start;
    previousEnd = used;
  }
  offsets[rows] = used;
  return {
    name,
    format: 'u',
    length: rows,
    nullCount: 0,
    buffers: [null, Buffer.from(offsets.buffer), data.subarray(0, used)],
  };
}

const SHORT_TEXT = 64;

function copyBytes(data: Buffer, from: number, to: number, length: number): number {
  for (let k = 0; k < length; k++) data[to + k] = data[from + k] as number;
  return to + length;
}

/** ASCII byte by byte; anything else by the native encoder. */
function writeShort(data: Buffer, s: string, at: number): number {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80) return at + data.write(s, at, 'utf8');
    data[at + k] = c;
  }
  return at + s.length;
}

/** These rows as Arrow columns `names`, or undefined when a value would not travel exactly (a timestamp outside
 * 2001..2286, an integer beyond 2^53, a queue name with a NUL byte): the caller sends those batches as text. */
export function arrowBatch(
  rows: EventRow[],
  names: readonly string[],
  tapBatch: number,
  run: number,
): ArrowBatch | undefined {
  const columns: ArrowColumn[] = [];
  for (const name of names) {
    const kind = KINDS[name];
    if (kind === 'text') {
      const field = name as keyof EventRow;
      columns.push(utf8(name, rows.length, (i) => (rows[i] as EventRow)[field] as string));
    } else if (kind === 'texts') {
      // Joined with NULs: a name with a NUL, or one empty name alone (it would read as no queue), goes as text.
      for (const { routed_queues: queues } of rows)
        if (queues.some((q) => q.includes('\0')) || (queues.length === 1 && queues[0] === '')) return undefined;
      columns.push(utf8(name, rows.length, (i) => (rows[i] as EventRow).routed_queues.join('\0')));
    } else if (name === 'tap_batch' || name === 'tap_run') {
      if (!Number.isSafeInteger(tapBatch) || !Number.isSafeInteger(run)) return undefined;
      columns.push(float64(name, new Float64Array(rows.length).fill(name === 'tap_batch' ? tapBatch : run)));
    } else if (kind === 'time' || kind === 'int') {
      const field = name as keyof EventRow;
      const values = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const v = (rows[i] as EventRow)[field] as number;
        if (kind === 'time' ? !plainTime(v) : !Number.isSafeInteger(v)) return undefined;
        values[i] = v;
      }
      columns.push(float64(name, values));
    } else throw new Error(`no Arrow encoding for column ${name}`);
  }
  return { columns, select: names.map(cast).join(', ') };
}
