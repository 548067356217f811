// A JSON body's schema: its sorted key paths and their fingerprint. A topic carries few distinct shapes, so the
// schema is cached by the text's shape (json-shape.ts): a body whose shape was seen before is never parsed here.
import { hash53 } from '@rollcall/core/hash';
import { MAX_KEYS, RECORD_DEPTH, scanShape } from './json-shape.ts';

export interface Schema {
  /** Shared between every body of the same shape: never mutate. */
  paths: string[];
  fingerprint: number; // 0 when the body has no keys
}

const MAX_SHAPES = 4096;
const NO_KEYS: Schema = { paths: [], fingerprint: 0 };

/** Sorted, de-duplicated key paths; array elements collapse to [] so list length never changes the schema. */
export function keyPaths(value: unknown): string[] {
  const out = new Set<string>();
  walkPaths(value, '', 0, out);
  return [...out].sort();
}

function walkPaths(v: unknown, prefix: string, depth: number, out: Set<string>): void {
  if (out.size >= MAX_KEYS || depth > RECORD_DEPTH || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    const path = prefix + '/[]';
    for (const item of v) walkPaths(item, path, depth + 1, out);
    return;
  }
  const record = v as Record<string, unknown>;
  for (const k in record) {
    const path =
      prefix + '/' + (k.includes('~') || k.includes('/') ? k.replaceAll('~', '~0').replaceAll('/', '~1') : k);
    out.add(path);
    walkPaths(record[k], path, depth + 1, out);
  }
}

export interface TextSchema extends Schema {
  /** The top-level keys when the value is an object, so a JSON pointer that cannot resolve skips the parse. */
  rootKeys: ReadonlySet<string> | undefined;
}

interface Cached {
  shape: Buffer;
  schema: TextSchema;
}

// Keyed by a hash of the shape; a hit is confirmed byte for byte, so a collision costs a recomputation, never a
// wrong schema.
const shapes = new Map<number, Cached>();

/** The schema of a JSON text (valid UTF-8), or undefined when it is not valid JSON. */
export function schemaOfText(text: Uint8Array): TextSchema | undefined {
  const scan = scanShape(text);
  if (!scan.ok) return scan.reason === 'invalid' ? undefined : uncached(text);
  const key = hash53(scan.shape);
  const hit = shapes.get(key);
  if (hit && hit.shape.equals(scan.shape)) return hit.schema;
  const shape = Buffer.from(scan.shape); // the scan's view is reused by the next scan
  const schema = schemaOfValue(parseJsonText(text));
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(key, { shape, schema });
  return schema;
}

// Too large or deep to cache: the scan stopped early, so the rest of the text is checked by JSON.parse.
function uncached(text: Uint8Array): TextSchema | undefined {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch {
    return undefined;
  }
  return schemaOfValue(json);
}

/** JSON.parse of UTF-8 bytes; throws as JSON.parse does. */
export const parseJsonText = (text: Uint8Array): unknown =>
  JSON.parse(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8'));

function schemaOfValue(json: unknown): TextSchema {
  const rootKeys =
    json !== null && typeof json === 'object' && !Array.isArray(json) ? new Set(Object.keys(json)) : undefined;
  return { ...schemaFrom(keyPaths(json)), rootKeys };
}

const schemaFrom = (paths: string[]): Schema =>
  paths.length ? { paths, fingerprint: hash53(paths.join('\n')) } : NO_KEYS;
