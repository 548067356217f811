// One validating pass over a JSON text that records its shape (keys and nesting, never values) as bytes, so a
// body's schema can be found in a cache without JSON.parse building the whole value: parsing and then walking
// the result was most of the tap's per-message work and most of its garbage.
//
// The shape is written into one reused scratch buffer:
//   object  '{' then per key: 0x01, key length (2 bytes), the key's raw bytes, the value's shape; then '}'
//   array   '[' then each distinct run of element shapes followed by ','; then ']'
//   scalar  nothing
// Keys are length-prefixed, so the encoding is unambiguous: two texts with equal shapes have equal key paths
// (JSON.parse of equal raw keys gives equal keys, duplicates included). Values nested deeper than
// RECORD_DEPTH are validated but not recorded, exactly as the key-path walk ignores them.

/** Nesting recorded in the shape; matches the key-path walk's depth limit. */
export const RECORD_DEPTH = 32;
/** Past this many keys or key bytes the caller computes the schema directly instead of caching a shape. */
export const MAX_KEYS = 2000;
export const MAX_KEY_BYTES = 16_384;
// Deeper than this the scanner gives up (to JSON.parse) rather than recurse further.
const MAX_NESTING = 512;
const MAX_SHAPE_BYTES = 65_536;

export type ShapeScan =
  | { ok: true; shape: Uint8Array } // a view of the scratch buffer: valid until the next scan
  | { ok: false; reason: 'invalid' | 'too-large' };

const INVALID: ShapeScan = { ok: false, reason: 'invalid' };
const TOO_LARGE: ShapeScan = { ok: false, reason: 'too-large' };

const scratch = new Uint8Array(MAX_SHAPE_BYTES);
// Scanner state lives at module level so a scan allocates nothing but its result view.
let src: Uint8Array = scratch;
let end = 0;
let pos = 0;
let len = 0;
let keys = 0;
let keyBytes = 0;
let failure: ShapeScan | undefined;

const fail = (why: ShapeScan): false => {
  failure = why;
  return false;
};

/** Validates `text` as one JSON value (RFC 8259; the bytes must already be valid UTF-8) and returns its shape. */
export function scanShape(text: Uint8Array): ShapeScan {
  src = text;
  end = text.length;
  pos = 0;
  len = 0;
  keys = 0;
  keyBytes = 0;
  failure = undefined;
  const ok = value(0);
  skipSpace();
  src = scratch; // do not keep the body alive
  if (!ok) return failure ?? INVALID;
  if (pos !== end) return INVALID;
  return { ok: true, shape: scratch.subarray(0, len) };
}

function skipSpace(): void {
  while (pos < end) {
    const c = src[pos];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    pos++;
  }
}

function put(byte: number): boolean {
  if (len >= MAX_SHAPE_BYTES) return fail(TOO_LARGE);
  scratch[len++] = byte;
  return true;
}

function putKey(from: number, to: number): boolean {
  const n = to - from;
  keyBytes += n;
  if (++keys > MAX_KEYS || keyBytes > MAX_KEY_BYTES || len + 3 + n > MAX_SHAPE_BYTES) return fail(TOO_LARGE);
  scratch[len++] = 0x01;
  scratch[len++] = n >> 8;
  scratch[len++] = n & 0xff;
  for (let i = from; i < to; i++) scratch[len++] = src[i] as number; // keys are short: no subarray view per key
  return true;
}

function value(depth: number): boolean {
  skipSpace();
  const c = src[pos];
  if (c === 0x7b) return object(depth);
  if (c === 0x5b) return array(depth);
  if (c === 0x22) return string();
  if (c === 0x74) return literal(TRUE);
  if (c === 0x66) return literal(FALSE);
  if (c === 0x6e) return literal(NULL);
  if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return number();
  return fail(INVALID);
}

function object(depth: number): boolean {
  if (depth > MAX_NESTING) return fail(TOO_LARGE);
  const record = depth <= RECORD_DEPTH;
  pos++;
  if (record && !put(0x7b)) return false;
  skipSpace();
  if (src[pos] === 0x7d) {
    pos++;
    return !record || put(0x7d);
  }
  for (;;) {
    skipSpace();
    if (src[pos] !== 0x22) return fail(INVALID);
    const keyStart = pos + 1;
    if (!string()) return false;
    if (record && !putKey(keyStart, pos - 1)) return false;
    skipSpace();
    if (src[pos] !== 0x3a) return fail(INVALID);
    pos++;
    if (!value(depth + 1)) return false;
    skipSpace();
    const c = src[pos++];
    if (c === 0x2c) continue;
    if (c === 0x7d) return !record || put(0x7d);
    return fail(INVALID);
  }
}

function array(depth: number): boolean {
  if (depth > MAX_NESTING) return fail(TOO_LARGE);
  const record = depth <= RECORD_DEPTH;
  pos++;
  if (record && !put(0x5b)) return false;
  skipSpace();
  if (src[pos] === 0x5d) {
    pos++;
    return !record || put(0x5d);
  }
  let runStart = -1;
  let runLength = -1;
  for (;;) {
    const start = len;
    if (!value(depth + 1)) return false;
    if (record) {
      // An element shaped like the one before it adds no key paths: drop it, so list length never shows.
      const n = len - start;
      if (n === runLength && sameBytes(runStart, start, n)) len = start;
      else {
        runStart = start;
        runLength = n;
        if (!put(0x2c)) return false;
      }
    }
    skipSpace();
    const c = src[pos++];
    if (c === 0x2c) continue;
    if (c === 0x5d) return !record || put(0x5d);
    return fail(INVALID);
  }
}

function sameBytes(a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (scratch[a + i] !== scratch[b + i]) return false;
  return true;
}

function string(): boolean {
  pos++; // the opening quote
  while (pos < end) {
    const c = src[pos++] as number;
    if (c === 0x22) return true;
    if (c < 0x20) return fail(INVALID);
    if (c !== 0x5c) continue;
    const e = src[pos++];
    if (e === 0x75) {
      for (let i = 0; i < 4; i++) if (!isHex(src[pos++])) return fail(INVALID);
    } else if (
      e !== 0x22 &&
      e !== 0x5c &&
      e !== 0x2f &&
      e !== 0x62 &&
      e !== 0x66 &&
      e !== 0x6e &&
      e !== 0x72 &&
      e !== 0x74
    ) {
      return fail(INVALID);
    }
  }
  return fail(INVALID);
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isHex = (c: number | undefined): boolean =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));

function number(): boolean {
  if (src[pos] === 0x2d) pos++;
  if (src[pos] === 0x30) pos++;
  else if (isDigit(src[pos])) while (isDigit(src[pos])) pos++;
  else return fail(INVALID);
  if (src[pos] === 0x2e) {
    pos++;
    if (!isDigit(src[pos])) return fail(INVALID);
    while (isDigit(src[pos])) pos++;
  }
  if (src[pos] === 0x65 || src[pos] === 0x45) {
    pos++;
    if (src[pos] === 0x2b || src[pos] === 0x2d) pos++;
    if (!isDigit(src[pos])) return fail(INVALID);
    while (isDigit(src[pos])) pos++;
  }
  return true;
}

const TRUE = Uint8Array.from([0x74, 0x72, 0x75, 0x65]);
const FALSE = Uint8Array.from([0x66, 0x61, 0x6c, 0x73, 0x65]);
const NULL = Uint8Array.from([0x6e, 0x75, 0x6c, 0x6c]);

function literal(word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) if (src[pos + i] !== word[i]) return fail(INVALID);
  pos += word.length;
  return true;
}
