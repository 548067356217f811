// Inspects a message body for metadata without keeping it: JSON parse (when the body claims or looks like JSON),
// key-path schema fingerprint, and a clear note when the body is not UTF-8, not valid JSON or too large to parse.
import { isUtf8 } from 'node:buffer';
import { schemaOf } from './key-paths.ts';

export interface BodyInfo {
  json: unknown; // undefined when not parsed
  paths: string[];
  fingerprint: number; // 0 when the body is not JSON
  problems: string[];
}

// Returned for every body that is not parsed: shared, never mutated.
const NONE: BodyInfo = { json: undefined, paths: [], fingerprint: 0, problems: [] };

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
  if (!body || body.length === 0) return NONE;
  const claims = claimsJson(contentType);
  // A body that starts like JSON is parsed whatever its label: clients often send JSON as text/plain (rabbitmq-client
  // does for string bodies), and its shape is what schema rules watch.
  if (!claims && !looksLikeJson(body)) return NONE;
  if (body.length > maxParseBytes) {
    return { ...NONE, problems: [`body not parsed: ${body.length} bytes exceeds extract.max_parse_bytes (${maxParseBytes})`] };
  }
  if (!isUtf8(body)) return { ...NONE, problems: ['body is not valid UTF-8'] };
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // A body labelled as something else (text/plain) that merely starts with "{" is just text, not an error.
    return claims !== false ? { ...NONE, problems: [`invalid JSON body: ${withoutSource((err as Error).message)}`] } : NONE;
  }
  const { paths, fingerprint } = schemaOf(json);
  return { json, paths, fingerprint, problems: NONE.problems };
}

// V8 quotes the input around the error in some messages (`Unexpected token 's', "{"pin":s3cr3t}" is not valid
// JSON`); for a short body that is all of it, and parse_error is stored, so the quote is cut.
function withoutSource(message: string): string {
  return message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, ' is not valid JSON');
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
