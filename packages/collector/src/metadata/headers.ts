// Normalises broker headers to name → string. Duplicates keep the first value; values that are not UTF-8
// strings are skipped and reported, never guessed at.
export interface Headers {
  values: Map<string, string>;
  count: number;
  problems: string[];
}

// Shared, never mutated.
const NO_PROBLEMS: string[] = [];
const NO_HEADERS: Record<string, unknown> = {};

// AMQP clients decode long strings leniently, so invalid bytes arrive as U+FFFD replacement characters.
const REPLACED = '\uFFFD';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A header value as text; undefined for what is not UTF-8 text (nested tables, invalid bytes). */
export function textOf(value: unknown): string | undefined {
  if (value instanceof Uint8Array) {
    // Kafka headers arrive as Buffers; one fatal decode checks and converts in a single native call.
    try {
      return utf8.decode(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value === 'string') return value.includes(REPLACED) ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** What metadata is picked from: a header's value as text, or undefined (absent, or not UTF-8 text). A normalised
 * Map is one; `headersOf` reads a record's raw headers on demand. */
export interface HeaderValues {
  get(name: string): string | undefined;
}

/** A record's raw headers read on demand, for levels that store no header count or header problems (keys and
 * counts): only the names asked for are decoded, and a name whose values repeat (event types, sources, content
 * types) is compared with the values it had, in JS, instead of decoded again, which costs a fraction of a native
 * UTF-8 decode and allocates nothing. The result is what normaliseHeaders(raw).values.get(name) gives. */
export function headersOf(raw: Record<string, unknown> | undefined): HeaderValues {
  return new RawHeaders(raw);
}

// A class, not an object with an arrow function: one small object per record, no closure.
class RawHeaders implements HeaderValues {
  constructor(private readonly raw: Record<string, unknown> | undefined) {}
  get(name: string): string | undefined {
    return this.raw && headerValue(this.raw, name);
  }
}

export function headerValue(raw: Record<string, unknown>, name: string): string | undefined {
  const value = raw[name];
  if (value === undefined || value === null) return undefined;
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return first instanceof Uint8Array && first.length <= CACHED_BYTES ? repeatedText(name, first) : textOf(first);
}

/** Longer values are rarely repeated names; they are decoded each time. */
const CACHED_BYTES = 64;
const CACHED_PER_NAME = 8;
/** A name that misses this often in a row carries ids, not names: its values are decoded without a cache. */
const MISSES_TO_GIVE_UP = 32;
const MAX_CACHED_NAMES = 64;

interface NameCache {
  bytes: Uint8Array[];
  texts: string[];
  next: number;
  misses: number;
}

const nameCaches = new Map<string, NameCache | null>();

function repeatedText(name: string, value: Uint8Array): string | undefined {
  let cache = nameCaches.get(name);
  if (cache === undefined) {
    cache = nameCaches.size < MAX_CACHED_NAMES ? { bytes: [], texts: [], next: 0, misses: 0 } : null;
    nameCaches.set(name, cache);
  }
  if (cache === null) return textOf(value);
  for (let i = 0; i < cache.bytes.length; i++)
    if (sameBytes(cache.bytes[i] as Uint8Array, value)) {
      cache.misses = 0;
      return cache.texts[i];
    }
  const text = textOf(value);
  if (text === undefined) return undefined;
  if (++cache.misses >= MISSES_TO_GIVE_UP) {
    nameCaches.set(name, null);
    return text;
  }
  cache.bytes[cache.next] = new Uint8Array(value); // a copy: a fetch's header values are views of its response
  cache.texts[cache.next] = text;
  cache.next = (cache.next + 1) % CACHED_PER_NAME;
  return text;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function normaliseHeaders(raw: Record<string, unknown> | undefined): Headers {
  const values = new Map<string, string>();
  let problems: string[] | undefined;
  let count = 0;
  // for..in, not Object.entries: this runs for every message and should not build an array of pairs.
  for (const name in raw ?? NO_HEADERS) {
    const value = raw?.[name];
    if (value === undefined || value === null) continue;
    let first = value;
    if (Array.isArray(value)) {
      count += value.length;
      first = value[0];
    } else count++;
    const text = textOf(first);
    if (text === undefined) {
      // Nested AMQP tables and arrays are legitimate and simply not metadata we read; raw bytes that are not
      // UTF-8 are worth a note because a producer probably meant them as text.
      if (first instanceof Uint8Array || typeof first === 'string')
        (problems ??= []).push(`header ${name} is not valid UTF-8`);
      continue;
    }
    values.set(name, text);
  }
  return { values, count, problems: problems ?? NO_PROBLEMS };
}
