// Inspects a message body for metadata without keeping it: JSON parse (when the body claims or looks like JSON),
// key-path schema fingerprint, and a clear note when the body is not UTF-8, not valid JSON or too large to parse.
import { isUtf8 } from 'node:buffer';
import { hash53 } from '@rollcall/core/hash';

export interface BodyInfo {
  json: unknown; // undefined when not parsed
  paths: string[];
  fingerprint: number; // 0 when the body is not JSON
  problems: string[];
}

const MAX_DEPTH = 32;
const MAX_PATHS = 2000;

function looksLikeJson(body: Uint8Array): boolean {
  for (const b of body) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b; // { or [
  }
  return false;
}

function claimsJson(contentType: string | undefined): boolean | undefined {
  if (!contentType) return undefined;
  return /[/+]json\b/i.test(contentType);
}

export function inspectBody(body: Uint8Array | null | undefined, contentType: string | undefined, maxParseBytes: number): BodyInfo {
  const none: BodyInfo = { json: undefined, paths: [], fingerprint: 0, problems: [] };
  if (!body || body.length === 0) return none;
  const claims = claimsJson(contentType);
  if (claims === false || (claims === undefined && !looksLikeJson(body))) return none;
  if (body.length > maxParseBytes) {
    return { ...none, problems: [`body not parsed: ${body.length} bytes exceeds extract.max_parse_bytes (${maxParseBytes})`] };
  }
  if (!isUtf8(body)) return { ...none, problems: ['body is not valid UTF-8'] };
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ...none, problems: [`invalid JSON body: ${withoutSource((err as Error).message)}`] };
  }
  const paths = keyPaths(json);
  return { json, paths, fingerprint: paths.length ? hash53(paths.join('\n')) : 0, problems: [] };
}

// V8 quotes the input around the error in some messages (`Unexpected token 's', "{"pin":s3cr3t}" is not valid
// JSON`); for a short body that is all of it, and parse_error is stored, so the quote is cut.
function withoutSource(message: string): string {
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' is not valid JSON');
}

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

/** RFC 6901 JSON pointer lookup; returns a string for string/number leaves only. */
// Pointers come from config, a handful of them, looked up for every message: split each once.
const splitPointers = new Map<string, string[]>();
function pointerKeys(pointer: string): string[] {
  let keys = splitPointers.get(pointer);
  if (!keys) {
    keys = pointer
      .slice(1)
      .split('/')
      .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'));
    splitPointers.set(pointer, keys);
  }
  return keys;
}

export function pointerString(json: unknown, pointer: string): string | undefined {
  if (pointer === '') return undefined;
  let node: unknown = json;
  for (const key of pointerKeys(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'bigint') return String(node);
  return undefined;
}
