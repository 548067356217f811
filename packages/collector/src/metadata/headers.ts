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
