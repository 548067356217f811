// Kafka compression codecs for the tap, and what happens to a batch that cannot be decompressed.
// kafkajs decodes only gzip by itself; most producers use snappy, lz4 or zstd. These are pure JavaScript
// decoders, so `npm ci` needs no compiler. A batch that still cannot be decompressed (corrupt, or a codec bug)
// must not stop the tap: it is replaced by one placeholder record per record the batch declares, at the batch's
// offsets, each carrying the reason, so the tap stores one row per record with a parse_error and moves on.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import { decompress as zstdDecompress } from 'fzstd';

// lz4js and snappyjs ship no types; these are the parts used.
const require = createRequire(import.meta.url);
const lz4 = require('lz4js') as { compress(src: Uint8Array): Uint8Array; decompress(src: Uint8Array): Uint8Array };
const snappy = require('snappyjs') as {
  compress(src: Uint8Array): Uint8Array;
  uncompress(src: Uint8Array): Uint8Array;
};

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** Key of a placeholder record: random per process, so no producer can forge one. */
export const UNDECODABLE_KEY = randomBytes(16);

export const isUndecodable = (key: Buffer | null): boolean =>
  key !== null && key.length === UNDECODABLE_KEY.length && key.equals(UNDECODABLE_KEY);

// Java producers frame snappy the way snappy-java's SnappyOutputStream does: a 16-byte header, then blocks
// each prefixed with their compressed length.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

function unsnappy(buffer: Buffer): Buffer {
  if (buffer.length < XERIAL_HEADER || !buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC))
    return Buffer.from(snappy.uncompress(buffer));
  const blocks: Buffer[] = [];
  for (let at = XERIAL_HEADER; at < buffer.length;) {
    const size = buffer.readInt32BE(at);
    at += 4;
    if (size < 0 || at + size > buffer.length) throw new Error('truncated snappy block');
    blocks.push(Buffer.from(snappy.uncompress(buffer.subarray(at, at + size))));
    at += size;
  }
  return Buffer.concat(blocks);
}

// Record batch v2 header fields, counted back from the first byte of the compressed records (kafkajs hands the
// codec a view into the fetch response, so the header that precedes it is readable).
const COUNT_AT = -4;
const LAST_OFFSET_DELTA_AT = -38;
const MAGIC_AT = -45;
const HEADER_BYTES = 49;

interface BatchShape {
  count: number;
  lastOffsetDelta: number;
}

/** The record count and last offset delta of the batch whose compressed records `buffer` is, when readable. */
function batchShape(buffer: Buffer): BatchShape | undefined {
  if (buffer.byteOffset < HEADER_BYTES) return undefined;
  const header = Buffer.from(buffer.buffer, buffer.byteOffset - HEADER_BYTES, HEADER_BYTES);
  const at = (offset: number) => HEADER_BYTES + offset;
  if (header.readInt8(at(MAGIC_AT)) !== 2) return undefined;
  const count = header.readInt32BE(at(COUNT_AT));
  const lastOffsetDelta = header.readInt32BE(at(LAST_OFFSET_DELTA_AT));
  if (count <= 0 || lastOffsetDelta < count - 1) return undefined;
  return { count, lastOffsetDelta };
}

function varint(value: number): Buffer {
  let zigzag = (value << 1) ^ (value >> 31);
  const bytes: number[] = [];
  while ((zigzag & ~0x7f) !== 0) {
    bytes.push((zigzag & 0x7f) | 0x80);
    zigzag >>>= 7;
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

const withLength = (bytes: Buffer) => Buffer.concat([varint(bytes.length), bytes]);

/** One placeholder record (v2 record format): no headers, the marker key, the reason as its value. */
function placeholder(offsetDelta: number, reason: Buffer): Buffer {
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(0),
    varint(offsetDelta),
    withLength(UNDECODABLE_KEY),
    withLength(reason),
    varint(0),
  ]);
  return withLength(body);
}

/** Records standing in for an undecodable batch. Compacted batches can have gaps in their offsets, which the
 * header does not list: the placeholders then take consecutive offsets and the last one the batch's last. */
export function placeholderRecords(shape: BatchShape, reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 500), 'utf8');
  const records: Buffer[] = [];
  for (let i = 0; i < shape.count; i++)
    records.push(placeholder(i === shape.count - 1 ? shape.lastOffsetDelta : i, text));
  return Buffer.concat(records);
}

type Decompress = (buffer: Buffer) => Buffer | Promise<Buffer>;

function tolerant(name: string, decompress: Decompress): Codec['decompress'] {
  return async (buffer) => {
    try {
      return await decompress(buffer);
    } catch (err) {
      const shape = batchShape(buffer);
      if (!shape) throw err; // not a v2 batch we can account for: let the tap's crash handling report it
      return placeholderRecords(shape, `undecodable ${name} batch: ${(err as Error).message}`);
    }
  };
}

const notForProducing = (name: string) => () =>
  Promise.reject(
    new Error(`${name} compression is not available for producing in Rollcall; the tap only decompresses it`),
  );

// kafkajs is CommonJS and these two are not visible to Node's named-export detection.
const { CompressionCodecs, CompressionTypes } = kafkajs;

let registered = false;

/** Registers decoders for every Kafka codec with kafkajs (process-wide, once). */
export function registerKafkaCodecs(): void {
  if (registered) return;
  registered = true;
  const gzip = CompressionCodecs[CompressionTypes.GZIP]() as Codec;
  const codecs: Record<1 | 2 | 3 | 4, Codec> = {
    [CompressionTypes.GZIP]: {
      compress: (e) => gzip.compress(e),
      decompress: tolerant('gzip', (b) => gzip.decompress(b)),
    },
    [CompressionTypes.Snappy]: {
      compress: async (e) => Buffer.from(snappy.compress(e.buffer)),
      decompress: tolerant('snappy', unsnappy),
    },
    [CompressionTypes.LZ4]: {
      compress: async (e) => Buffer.from(lz4.compress(e.buffer)),
      decompress: tolerant('lz4', (b) => Buffer.from(lz4.decompress(b))),
    },
    [CompressionTypes.ZSTD]: {
      compress: notForProducing('zstd'),
      decompress: tolerant('zstd', (b) => Buffer.from(zstdDecompress(b))),
    },
  };
  CompressionCodecs[CompressionTypes.GZIP] = () => codecs[CompressionTypes.GZIP];
  CompressionCodecs[CompressionTypes.Snappy] = () => codecs[CompressionTypes.Snappy];
  CompressionCodecs[CompressionTypes.LZ4] = () => codecs[CompressionTypes.LZ4];
  CompressionCodecs[CompressionTypes.ZSTD] = () => codecs[CompressionTypes.ZSTD];
}
