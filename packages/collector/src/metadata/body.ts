// Inspects a message body for metadata without keeping it: a JSON check and key-path schema fingerprint (when the
// body claims or looks like JSON), a clear note when the body is not UTF-8, not valid JSON or too large to parse,
// and field lookups by JSON pointer that parse the body only when the pointer can resolve in it.
import { isUtf8 } from 'node:buffer';
import { parseJsonText, schemaOfText } from './key-paths.ts';

export interface BodyInfo {
  paths: string[];
  fingerprint: number; // 0 when the body is not JSON
  problems: string[];
  /** The body when it is valid JSON: read by bodyField, parsed only when a pointer can resolve in it. */
  text: Uint8Array | undefined;
  rootKeys: ReadonlySet<string> | undefined;
  parsed?: { json: unknown };
  /** Not scanned for its shape (below rows), and an object at its root. */
  unscannedObject?: boolean;
  /** Which configured keys an unscanned body spells (see mayHoldKey), found by the first lookup that needs it, when
   * this many keys were known. */
  keysFound?: number;
  keysLookedFor?: number;
}

// Returned for every body that is not parsed: shared, never mutated.
const NONE: BodyInfo = Object.freeze({ paths: [], fingerprint: 0, problems: [], text: undefined, rootKeys: undefined });

/** The first byte that is not JSON whitespace; undefined for a blank body. */
function firstByte(body: Uint8Array): number | undefined {
  for (const b of body) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

function looksLikeJson(body: Uint8Array): boolean {
  const b = firstByte(body);
  return b === 0x7b || b === 0x5b; // { or [
}

function claimsJson(contentType: string | undefined): boolean | undefined {
  if (!contentType) return undefined;
  return /[/+]json\b/i.test(contentType);
}

/** `shape: false` skips the schema scan (streams audited at keys or counts keep no schema): the body is then parsed
 * only if a field must be read from it and holds the field's first key (see mayHoldKey), and a body that is not
 * valid JSON just yields no fields. */
export function inspectBody(
  body: Uint8Array | null | undefined,
  contentType: string | undefined,
  maxParseBytes: number,
  shape = true,
): BodyInfo {
  if (!body || body.length === 0) return NONE;
  const claims = claimsJson(contentType);
  // A body that starts like JSON is read whatever its label: clients often send JSON as text/plain (rabbitmq-client
  // does for string bodies), and its shape is what schema rules watch.
  if (!claims && !looksLikeJson(body)) return NONE;
  if (body.length > maxParseBytes) {
    return {
      ...NONE,
      problems: [`body not parsed: ${body.length} bytes exceeds extract.max_parse_bytes (${maxParseBytes})`],
    };
  }
  if (!isUtf8(body)) return { ...NONE, problems: ['body is not valid UTF-8'] };
  // Unscanned, an object's keys are looked for in its bytes (see mayHoldKey); anything else is parsed when asked.
  if (!shape) return { ...NONE, text: body, unscannedObject: firstByte(body) === 0x7b };
  const schema = schemaOfText(body);
  if (!schema) {
    // A body labelled as something else (text/plain) that merely starts with "{" is just text, not an error.
    return claims !== false ? { ...NONE, problems: [`invalid JSON body: ${parseError(body)}`] } : NONE;
  }
  return {
    paths: schema.paths,
    fingerprint: schema.fingerprint,
    problems: NONE.problems,
    text: body,
    rootKeys: schema.rootKeys,
  };
}

// The scanner only says "invalid"; JSON.parse says where and why, which is what parse_error should carry.
function parseError(body: Uint8Array): string {
  try {
    parseJsonText(body);
    return 'not valid JSON';
  } catch (err) {
    return withoutSource((err as Error).message);
  }
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

/** The string or number at an RFC 6901 JSON pointer in the body, or undefined. */
export function bodyField(body: BodyInfo, pointer: string): string | undefined {
  if (!body.text || pointer === '') return undefined;
  const keys = pointerKeys(pointer);
  // In an object, a pointer whose first key is not at the top level cannot resolve: no parse needed.
  if (body.rootKeys && !body.rootKeys.has(keys[0] as string)) return undefined;
  // An array's indexes are never quoted: only an object is looked through this way.
  if (body.unscannedObject && !mayHoldKey(body, body.text, keys[0] as string)) return undefined;
  body.parsed ??= { json: parseOrUndefined(body.text) };
  return valueAt(body.parsed.json, keys);
}

/** Without a scan, a key can only be in the body if the body spells it between quotes: JSON writes a key literally
 * unless it escapes a character, so a body with any backslash may hold it in another spelling. The configured
 * pointers' first keys are looked for in one regular-expression pass per body, a fraction of the scan's cost
 * (bench:tap at keys); most bodies hold none of them and are never parsed. */
function mayHoldKey(body: BodyInfo, text: Uint8Array, key: string): boolean {
  const bit = rootKeyBit(key);
  if (bit === 0) return true;
  if (body.keysFound === undefined || body.keysLookedFor !== rootKeys.size) {
    body.keysFound = keysIn(Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1'));
    body.keysLookedFor = rootKeys.size;
  }
  return (body.keysFound & bit) !== 0;
}

// The first keys of the pointers looked up so far (a handful, from config), one bit each, and the pattern that
// finds them, rebuilt when one is added.
const rootKeys = new Map<string, number>();
let rootKeyPattern: RegExp | undefined;
const MAX_ROOT_KEYS = 30;

/** 0 when there are too many keys to track: the body is then parsed. */
function rootKeyBit(key: string): number {
  let bit = rootKeys.get(key);
  if (bit === undefined) {
    bit = rootKeys.size < MAX_ROOT_KEYS ? 1 << rootKeys.size : 0;
    rootKeys.set(key, bit);
    rootKeyPattern = undefined;
  }
  return bit;
}

const literal = (text: string) => text.replace(/[.*+?^$()|[\]{}\\]/g, '\\$&');

const keysPattern = () => {
  const spelled = [...rootKeys.keys()].map((key) => literal(Buffer.from(key).toString('latin1')));
  // The closing quote is looked ahead at, not taken: it may open the next string (`","id"` for keys `,` and `id`).
  return new RegExp(`"(${spelled.join('|')})(?=")|\\\\`, 'g');
};

/** The bits of the keys the body spells between quotes; all bits when it has a backslash. */
function keysIn(bytes: string): number {
  const pattern = (rootKeyPattern ??= keysPattern());
  pattern.lastIndex = 0;
  let found = 0;
  for (let match = pattern.exec(bytes); match; match = pattern.exec(bytes)) {
    if (match[1] === undefined) return -1; // a backslash
    found |= rootKeys.get(Buffer.from(match[1], 'latin1').toString('utf8')) ?? 0;
  }
  return found;
}

// A shaped body was validated by the scan; an unshaped one may still be invalid JSON, which has no fields.
function parseOrUndefined(text: Uint8Array): unknown {
  try {
    return parseJsonText(text);
  } catch {
    return undefined;
  }
}

function valueAt(json: unknown, keys: string[]): string | undefined {
  let node: unknown = json;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'bigint') return String(node);
  return undefined;
}
