// A faster decoder for the records of a Kafka record batch, in place of kafkajs's own, giving the same records.
// kafkajs spends about 3.3 µs on each record of a 200 B message with five headers, nearly all of a bare consumer's
// time: it reads each varlong through BigInt objects, parses the batch's first offset and timestamp from text for
// every record to add its delta as a BigInt, and builds the headers object with one object spread per header. This
// decoder reads the same bytes with plain numbers and one headers object. What it does not handle exactly the same
// way in plain numbers (offsets or timestamps beyond 2^53, lengths of -2 or less, five-byte varints, a record that
// ends early) goes to kafkajs's own decoder, so the result, or the error, is kafkajs's.
//
// kafkajs loads its record decoder only on the first fetch response of the process, and keeps the function it was
// given; installing puts this one in its place in Node's module cache before that. It applies to every kafkajs
// client of the process (the pilots' consumers too), which is safe because the records are the same.
import { createRequire } from 'node:module';

/** kafkajs's decoder over one record's bytes. */
interface RecordBytes {
  buffer: Buffer;
  offset: number;
}

/** What kafkajs's batch decoder hands each record: the batch's header fields, as text where they are 64-bit. */
interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  timestampType: number;
  magicByte: number;
  isControlBatch?: boolean;
}

type Headers = Record<string, Buffer | null | (Buffer | null)[]>;

/** A record as kafkajs's decoder gives it (same fields, same order). */
interface DecodedRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  isControlRecord: boolean;
  batchContext: BatchContext;
}

type RecordDecoder = (bytes: RecordBytes, batch: BatchContext) => DecodedRecord;

const require = createRequire(import.meta.url);
const RECORD_DECODER = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
const BATCH_DECODER = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const kafkajsRecord = require(RECORD_DECODER) as RecordDecoder;

const LOG_APPEND_TIME = 1;
const MORE = 0x80;
const BITS = 0x7f;

// The batch whose base offset and timestamp were parsed last: a batch's records are decoded one after another.
let base: BatchContext | undefined;
let baseOffset = NaN;
let baseTimestamp = NaN;

/** The batch field as a number when it is exactly one (NaN otherwise, which sends its records to kafkajs). */
const exact = (text: string): number => {
  const n = Number(text);
  return Number.isSafeInteger(n) && String(n) === text ? n : NaN;
};

// The record being read: its bytes, the position reached and its end. Module state, not closures: this runs for
// every record, and a closure per record would be allocated (and, under tsx, named) each time.
const NO_BYTES = Buffer.alloc(0);
let buf: Buffer = NO_BYTES;
let at = 0;
let end = 0;

/** A varint of up to four bytes (28 bits), zigzag-decoded; NaN for a longer one (kafkajs's own reading of those
 * overflows 32-bit shifts, which only it reproduces) or one past the record's end. */
function varint(): number {
  let result = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (at >= end) return NaN;
    const byte = buf[at++] as number;
    result |= (byte & BITS) << shift;
    if (byte < MORE) return (result >>> 1) ^ -(result & 1);
  }
  return NaN;
}

/** A varlong of up to seven bytes (49 bits, exact as a number), zigzag-decoded; NaN for a longer one. */
function varlong(): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 7; i++) {
    if (at >= end) return NaN;
    const byte = buf[at++] as number;
    result += (byte & BITS) * scale;
    scale *= 128;
    if (byte < MORE) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }
  return NaN;
}

/** Length-prefixed bytes: null for a length of -1, undefined for other negative lengths or bytes past the end. */
function bytesOf(): Buffer | null | undefined {
  const length = varint();
  if (length === -1) return null;
  if (!(length >= 0) || at + length > end) return undefined;
  const slice = buf.subarray(at, at + length);
  at += length;
  return slice;
}

/** Decodes the record, or returns undefined for what kafkajs's decoder must decode (see the top of the file). */
function decodeFast(bytes: RecordBytes, batch: BatchContext): DecodedRecord | undefined {
  if (batch !== base) {
    base = batch;
    baseOffset = exact(batch.firstOffset);
    baseTimestamp = exact(batch.firstTimestamp);
  }
  if (!bytes.buffer) return undefined; // a record length of -1: kafkajs's decoder throws
  buf = bytes.buffer;
  end = buf.length;
  at = bytes.offset;
  if (at >= end) return undefined;
  const attributes = ((buf[at++] as number) << 24) >> 24;
  const delta = varlong();
  let timestamp: string;
  if (batch.timestampType === LOG_APPEND_TIME && batch.maxTimestamp) {
    if (Number.isNaN(delta)) return undefined;
    timestamp = batch.maxTimestamp;
  } else {
    const ms = baseTimestamp + delta;
    if (!Number.isSafeInteger(ms)) return undefined;
    timestamp = String(ms);
  }
  const offset = baseOffset + varint();
  if (!Number.isSafeInteger(offset)) return undefined;
  const key = bytesOf();
  if (key === undefined) return undefined;
  const value = bytesOf();
  if (value === undefined) return undefined;

  let count = varint();
  if (count === -1) count = 0;
  // Each header takes two bytes at least: a larger count is a damaged record.
  if (!(count >= 0) || count * 2 > end - at) return undefined;
  const headers: Headers = {};
  for (let i = 0; i < count; i++) {
    const nameLength = varint();
    if (!(nameLength >= 0) || at + nameLength > end) return undefined;
    const name = headerName(nameLength);
    at += nameLength;
    const headerValue = bytesOf();
    if (headerValue === undefined) return undefined;
    addHeader(headers, name, headerValue);
  }
  bytes.offset = at;
  return {
    magicByte: batch.magicByte,
    attributes,
    timestamp,
    offset: String(offset),
    key,
    value,
    headers,
    isControlRecord: batch.isControlBatch ?? false,
    batchContext: batch,
  };
}

/** kafkajs's fold of a repeated header into an array, property lookup through the prototype included (a header
 * named `toString` starts from Object.prototype.toString there, so it does here). */
function addHeader(headers: Headers, name: string, value: Buffer | null): void {
  const previous = (headers as Record<string, unknown>)[name] as Headers[string] | undefined;
  const next = previous === undefined ? value : Array.isArray(previous) ? previous.concat([value]) : [previous, value];
  // kafkajs builds each step as an object literal, which defines `__proto__` as a property; assigning it would
  // replace the object's prototype instead.
  if (name === '__proto__')
    Object.defineProperty(headers, name, { value: next, writable: true, enumerable: true, configurable: true });
  else headers[name] = next;
}

// Header names repeat from record to record: the last few are kept with their bytes, so a name is compared
// instead of decoded again.
const NAMES = 32;
const MAX_NAME_BYTES = 64;
const nameBytes: Buffer[] = [];
const nameTexts: string[] = [];
let nextName = 0;

/** The header name of `length` bytes at the position reached. */
function headerName(length: number): string {
  if (length > MAX_NAME_BYTES) return buf.toString('utf8', at, at + length);
  search: for (let i = 0; i < nameBytes.length; i++) {
    const known = nameBytes[i] as Buffer;
    if (known.length !== length) continue;
    for (let j = 0; j < length; j++) if (known[j] !== buf[at + j]) continue search;
    return nameTexts[i] as string;
  }
  const text = buf.toString('utf8', at, at + length);
  nameBytes[nextName] = Buffer.from(buf.subarray(at, at + length)); // a copy: the fetch's buffer is let go
  nameTexts[nextName] = text;
  nextName = (nextName + 1) % NAMES;
  return text;
}

/** Rollcall's decoder, giving way to kafkajs's for what it does not decode itself. */
const decodeRecord: RecordDecoder = (bytes, batch) => {
  // decodeFast moves bytes.offset only once it has decoded the record, so kafkajs's starts where it would have.
  const record = decodeFast(bytes, batch);
  buf = NO_BYTES; // a view of the whole fetch response, which must not outlive the fetch's records
  return record ?? kafkajsRecord(bytes, batch);
};

// Which decoder kafkajs's batch decoder calls, once installed: the benchmark's bare consumer switches to kafkajs's.
let active: RecordDecoder = decodeRecord;
const switchable: RecordDecoder = (bytes, batch) => active(bytes, batch);

/** Whose decoder kafkajs uses for records from now on, where installRecordDecoder succeeded. */
export function useRecordDecoder(which: 'rollcall' | 'kafkajs'): void {
  active = which === 'rollcall' ? decodeRecord : kafkajsRecord;
}

let installed: boolean | undefined;

/** Puts Rollcall's record decoder in place of kafkajs's (process-wide, once); false when kafkajs had already
 * loaded its batch decoder, which then keeps kafkajs's own. */
export function installRecordDecoder(): boolean {
  if (installed !== undefined) return installed;
  const cached = require.cache[RECORD_DECODER];
  installed = require.cache[BATCH_DECODER] === undefined && cached !== undefined;
  if (installed && cached) cached.exports = switchable;
  return installed;
}
