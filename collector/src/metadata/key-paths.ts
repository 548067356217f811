// A JSON body's schema: its sorted key paths and their fingerprint. Computing them (walk, sort, join, hash) costs
// more than parsing a small body, and a topic carries few distinct shapes, so the result is cached by a cheap
// signature of the parsed value's structure.
import { hash53 } from '@rollcall/core/hash';

export interface Schema {
  /** Shared between every body of the same shape: never mutate. */
  paths: string[];
  fingerprint: number; // 0 when the body has no keys
}

const MAX_DEPTH = 32;
const MAX_PATHS = 2000;
const MAX_SHAPES = 4096;
// Cached signatures stay small: a body whose keys add up to more is fingerprinted without the cache.
const MAX_SHAPE_CHARS = 16_384;
const NO_KEYS: Schema = { paths: [], fingerprint: 0 };

/** Sorted, de-duplicated key paths; array elements collapse to [] so list length never changes the schema. */
export function keyPaths(value: unknown): string[] {
  const out = new Set<string>();
  walkPaths(value, '', 0, out);
  return [...out].sort();
}

// Module-level and with for..in: this runs for every JSON message, so no closures or entry arrays per call.
function walkPaths(v: unknown, prefix: string, depth: number, out: Set<string>): void {
  if (out.size >= MAX_PATHS || depth > MAX_DEPTH || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    const path = prefix + '/[]';
    for (const item of v) walkPaths(item, path, depth + 1, out);
    return;
  }
  const record = v as Record<string, unknown>;
  for (const k in record) {
    const path = prefix + '/' + (k.includes('~') || k.includes('/') ? k.replaceAll('~', '~0').replaceAll('/', '~1') : k);
    out.add(path);
    walkPaths(record[k], path, depth + 1, out);
  }
}

const shapes = new Map<string, Schema>();
let shapeKeys = 0;
let shapeChars = 0;

/** The key paths and fingerprint of a parsed JSON value. */
export function schemaOf(json: unknown): Schema {
  shapeKeys = 0;
  shapeChars = 0;
  const shape = shapeOf(json, 0);
  if (shape === undefined) return schemaFrom(keyPaths(json)); // too large or odd to key a cache with
  let schema = shapes.get(shape);
  if (!schema) {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    schema = schemaFrom(keyPaths(json));
    shapes.set(shape, schema);
  }
  return schema;
}

const schemaFrom = (paths: string[]): Schema => (paths.length ? { paths, fingerprint: hash53(paths.join('\n')) } : NO_KEYS);

// The signature determines the path set exactly (equal signatures, equal paths), so a cache hit is never a guess:
// each key is written as one length character (U+0100 + length, above every structural character) followed by
// the key, then its value's shape ('{…}', '[…]', or nothing for a scalar). Array elements list each distinct run
// of shapes once, so a longer list of the same elements has the same signature. It follows walkPaths's depth
// limit; undefined past MAX_PATHS keys or MAX_SHAPE_CHARS characters of keys (those go uncached).
function shapeOf(v: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH || v === null || typeof v !== 'object') return '';
  if (Array.isArray(v)) {
    let s = '[';
    let last: string | undefined;
    for (const item of v) {
      const inner = shapeOf(item, depth + 1);
      if (inner === undefined) return undefined;
      if (inner !== last) s += inner + ',';
      last = inner;
    }
    return s + ']';
  }
  let s = '{';
  const record = v as Record<string, unknown>;
  for (const k in record) {
    shapeChars += k.length;
    if (++shapeKeys > MAX_PATHS || shapeChars > MAX_SHAPE_CHARS) return undefined;
    const inner = shapeOf(record[k], depth + 1);
    if (inner === undefined) return undefined;
    s += String.fromCharCode(0x100 + k.length) + k + inner;
  }
  return s + '}';
}
