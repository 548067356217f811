// Normalises broker headers to name → string. Duplicates keep the first value; values that are not UTF-8
// strings are skipped and reported, never guessed at.
export interface Headers {
  values: Map<string, string>;
  count: number;
  problems: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

// AMQP clients decode long strings leniently, so invalid bytes arrive as U+FFFD replacement characters.
const REPLACED = '\uFFFD';

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes(REPLACED) ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) {
    try {
      return utf8.decode(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function normaliseHeaders(raw: Record<string, unknown> | undefined): Headers {
  const values = new Map<string, string>();
  const problems: string[] = [];
  let count = 0;
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value === undefined || value === null) continue;
    const all = Array.isArray(value) ? value : [value];
    count += all.length;
    const first = all[0];
    const text = asText(first);
    if (text === undefined) {
      // Nested AMQP tables and arrays are legitimate and simply not metadata we read; raw bytes that are not
      // UTF-8 are worth a note because a producer probably meant them as text.
      if (first instanceof Uint8Array || typeof first === 'string') problems.push(`header ${name} is not valid UTF-8`);
      continue;
    }
    values.set(name, text);
  }
  return { values, count, problems };
}
