import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { installRecordDecoder, useRecordDecoder } from './record-decoder.ts';

// kafkajs's own batch encoder and decoder: every batch below is decoded by both record decoders through kafkajs's
// batch decoder, exactly as a fetch response is.
const require = createRequire(import.meta.url);
const installed = installRecordDecoder(); // before kafkajs's batch decoder is loaded below
const protocol = (path: string) => require(`kafkajs/src/protocol/${path}`) as unknown;
const { RecordBatch } = protocol('recordBatch/v0/index.js') as {
  RecordBatch(opts: Record<string, unknown>): Promise<{ buffer: Buffer }>;
};
const Encoder = protocol('encoder.js') as new () => { writeBuffer(b: Buffer): unknown };
const Decoder = protocol('decoder.js') as new (b: Buffer) => unknown;
const decodeBatch = protocol('recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ records: unknown[] }>;

// Record bytes written by hand, so that anything a producer could send (or a damaged log hold) can be written.
const varlong = (n: bigint): number[] => {
  let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
  const out: number[] = [];
  do {
    const byte = Number(z & 0x7fn);
    z >>= 7n;
    out.push(z ? byte | 0x80 : byte);
  } while (z);
  return out;
};
const varint = (n: number) => varlong(BigInt(n));
const bytes = (b: Buffer | null) => (b === null ? varint(-1) : [...varint(b.length), ...b]);
type Header = [name: Buffer | string | null, value: Buffer | string | null];
const buf = (v: Buffer | string | null) => (v === null || Buffer.isBuffer(v) ? v : Buffer.from(v));

interface RawRecord {
  timestampDelta?: bigint;
  offsetDelta?: number;
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: Header[] | 'absent';
  /** Bytes after the record's own, or a length that cuts it short (negative). */
  lengthAdjust?: number;
}

function recordBytes(r: RawRecord): Buffer {
  const headers = r.headers === 'absent' ? varint(-1) : [...varint((r.headers ?? []).length)];
  for (const [name, value] of r.headers === 'absent' ? [] : (r.headers ?? []))
    headers.push(...bytes(buf(name)), ...bytes(buf(value)));
  const body = [
    0,
    ...varlong(r.timestampDelta ?? 0n),
    ...varint(r.offsetDelta ?? 0),
    ...bytes(buf(r.key === undefined ? 'k' : r.key)),
    ...bytes(buf(r.value === undefined ? 'v' : r.value)),
    ...headers,
  ];
  return Buffer.from([...varint(body.length + (r.lengthAdjust ?? 0)), ...body]);
}

const LOG_APPEND_TIME = 0x08;
const CONTROL = 0x20;
const ATTRIBUTES_AT = 21;

async function batchOf(
  records: RawRecord[],
  opts: { firstOffset?: bigint; firstTimestamp?: number; attributes?: number; compression?: number } = {},
): Promise<Buffer> {
  const encoders = records.map((r, i) => {
    const e = new Encoder();
    e.writeBuffer(recordBytes({ offsetDelta: i, ...r }));
    return e;
  });
  const kafkajsLong = require('kafkajs/src/utils/long.js') as { fromValue(v: bigint): unknown };
  const { buffer } = await RecordBatch({
    records: encoders,
    firstOffset: kafkajsLong.fromValue(opts.firstOffset ?? 1_000n),
    firstTimestamp: opts.firstTimestamp ?? 1_796_000_000_000,
    maxTimestamp: (opts.firstTimestamp ?? 1_796_000_000_000) + 5_000,
    lastOffsetDelta: records.length - 1,
    compression: opts.compression ?? 0,
  });
  if (opts.attributes) buffer.writeInt16BE(buffer.readInt16BE(ATTRIBUTES_AT) | opts.attributes, ATTRIBUTES_AT);
  return buffer;
}

type Outcome = { records: unknown[] } | { error: string };
async function decodeWith(which: 'kafkajs' | 'rollcall', batch: Buffer): Promise<Outcome> {
  useRecordDecoder(which);
  try {
    return { records: (await decodeBatch(new Decoder(batch))).records };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  } finally {
    useRecordDecoder('rollcall');
  }
}

/** Both decoders' outcomes for the batch, which must be the same: the records, prototypes included, or the error. */
async function bothOf(batch: Buffer): Promise<Outcome> {
  const theirs = await decodeWith('kafkajs', batch);
  const ours = await decodeWith('rollcall', batch);
  expect(isDeepStrictEqual(ours, theirs), `ours ${inspect(ours)}\nkafkajs's ${inspect(theirs)}`).toBe(true);
  return ours;
}
const inspect = (o: unknown) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
const recordsOf = (o: Outcome) => ('records' in o ? (o.records as Array<Record<string, unknown>>) : []);

describe('the record decoder', () => {
  it('takes kafkajs record decoder’s place before its first fetch', () => {
    expect(installed).toBe(true);
  });

  it('decodes CloudEvents records as kafkajs does', async () => {
    const records = Array.from({ length: 300 }, (_, i) => ({
      timestampDelta: BigInt(i * 3),
      key: `card-${i % 7}`,
      value: JSON.stringify({ id: `evt-${i}`, amount: i }),
      headers: [
        ['ce_specversion', '1.0'],
        ['ce_type', i % 3 ? 'CardAuthorized' : 'CardDeclined'],
        ['ce_id', `evt-${i}`],
        ['content-type', 'application/json'],
      ] as Header[],
    }));
    const decoded = recordsOf(await bothOf(await batchOf(records)));
    expect(decoded).toHaveLength(300);
    expect(decoded[299]).toMatchObject({ offset: '1299', timestamp: String(1_796_000_000_000 + 897) });
  });

  it('keeps kafkajs’s headers for repeated, empty, hostile and non-UTF-8 names', async () => {
    const headers: Header[] = [
      ['__proto__', 'a'],
      ['toString', 'b'],
      ['constructor', 'c'],
      ['dup', '1'],
      ['dup', '2'],
      ['dup', null],
      ['', 'empty name'],
      ['2', 'integer-like'],
      ['1', 'first'],
      ['événement', 'accents'],
      [Buffer.from([0xff, 0xfe, 0x41]), 'not UTF-8'],
      ['n'.repeat(100), 'a long name'],
      ['x', Buffer.from([0xc3])],
    ];
    const [record] = recordsOf(await bothOf(await batchOf([{ headers }, { headers }])));
    const decoded = record?.headers as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual([Object.prototype, Buffer.from('a')]);
    expect(decoded.dup).toEqual([Buffer.from('1'), Buffer.from('2'), null]);
  });

  it('decodes null, empty and absent parts as kafkajs does', async () => {
    await bothOf(
      await batchOf([
        { key: null, value: null },
        { key: '', value: '' },
        { headers: 'absent' },
        { headers: [['h', null]] },
      ]),
    );
  });

  it('leaves to kafkajs what plain numbers cannot hold exactly', async () => {
    const beyond = 2n ** 53n + 10n;
    const decoded = recordsOf(
      await bothOf(await batchOf([{}, { timestampDelta: -5n }, {}], { firstOffset: beyond, firstTimestamp: -1 })),
    );
    expect(decoded.map((r) => r.offset)).toEqual([String(beyond), String(beyond + 1n), String(beyond + 2n)]);
    await bothOf(await batchOf([{ timestampDelta: 2n ** 60n }, { timestampDelta: -(2n ** 55n) }]));
    await bothOf(await batchOf([{ headers: [[null, 'a null name']] }]));
    await bothOf(await batchOf([{ offsetDelta: 2 ** 30 }]));
  });

  it('decodes log-append-time and control batches as kafkajs does', async () => {
    const appended = recordsOf(
      await bothOf(await batchOf([{}, { timestampDelta: 9n }], { attributes: LOG_APPEND_TIME })),
    );
    expect(appended.map((r) => r.timestamp)).toEqual([String(1_796_000_005_000), String(1_796_000_005_000)]);
    const control = recordsOf(await bothOf(await batchOf([{ key: null }], { attributes: CONTROL })));
    expect(control[0]?.isControlRecord).toBe(true);
  });

  it('decodes a compressed batch as kafkajs does', async () => {
    const gzip = 1;
    const headers: Header[] = [['ce_type', 'OrderPlaced']];
    expect(recordsOf(await bothOf(await batchOf([{ headers }, { headers }], { compression: gzip })))).toHaveLength(2);
  });

  it('gives kafkajs’s records or error for records cut short, padded or damaged', async () => {
    const headers: Header[] = [
      ['ce_type', 'OrderPlaced'],
      ['ce_id', 'o-1'],
    ];
    await bothOf(await batchOf([{ headers, lengthAdjust: -3 }, { headers }]));
    await bothOf(await batchOf([{ headers, lengthAdjust: 2 }]));
    const batch = await batchOf(Array.from({ length: 4 }, () => ({ headers, timestampDelta: 7n })));
    // Every byte of the records flipped to a few values in turn (the batch header is kafkajs's own to read).
    const recordsStart = 61;
    for (let at = recordsStart; at < batch.length; at++)
      for (const byte of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
        const damaged = Buffer.from(batch);
        damaged[at] = byte;
        await bothOf(damaged);
      }
  });
});
