// The Kafka tap on traffic written by Apache Kafka's own producers (every codec, transactions), on a corrupt
// batch, on hostile headers, and on a topic deleted and created again: the count is exact every time and nothing
// stops the tap.
import { isDeepStrictEqual } from 'node:util';
import { openSync, readSync, writeSync, closeSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type IHeaders, type KafkaMessage } from 'kafkajs';
import { parseConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger, silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents, queryRows } from '@rollcall/core/store/queries';
import { sleep } from '@rollcall/core/retry';
import { kafkaTargets, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { localSegment, producerPerformance, runJava } from '@rollcall/core/testing/kafka-tools';
import { createKafkaTap, type KafkaTap } from '../../src/kafka/tap.ts';
import { useRecordDecoder } from '../../src/kafka/record-decoder.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const dataDir = tempDir('rollcall-kafka-real');
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
// Record batch v2: the compressed records start after a 61-byte header; the record count is its last field.
const BATCH_HEADER = 61;

/** Overwrites the first bytes of the first batch's compressed records and returns how many records it holds. */
function corruptFirstBatch(segment: string): number {
  const fd = openSync(segment, 'r+');
  try {
    const header = Buffer.alloc(BATCH_HEADER);
    readSync(fd, header, 0, BATCH_HEADER, 0);
    writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, BATCH_HEADER);
    return header.readInt32BE(BATCH_HEADER - 4);
  } finally {
    closeSync(fd);
  }
}

describe.each(kafkaTargets())('Kafka tap on real-world traffic, Kafka $version', ({ version, brokers }) => {
  const prefix = uniqueName(`rc-real-${version.replace('.', '')}`);
  const topic = (name: string) => `${prefix}-${name}`;
  const kafka = new Kafka({ clientId: 'rollcall-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let store: Store;
  let tap: KafkaTap;
  let config: Config;
  let corrupted = 0;
  const count = (stream: string) => countEvents(store, { broker: 'kafka', stream }).then((d) => d.count);

  beforeAll(async () => {
    config = parseConfig(
      `clickhouse: { data_dir: ${dataDir}, database: real_${version.replace('.', '_')} }
kafka: { brokers: [${brokers.join(',')}], group_id: ${prefix}-tap, include: ['^${prefix}-'], metadata_refresh: 1s, start: earliest }
rabbitmq: { enabled: false }
writer: { flush_interval: 200ms }`,
      'kafka-real-traffic.test.ts',
    );
    await admin.connect();
    await createReadyTopics(admin, [
      ...CODECS.map((c) => ({ topic: topic(c), numPartitions: 2 })),
      { topic: topic('corrupt'), numPartitions: 1 },
      { topic: topic('tx'), numPartitions: 2 },
      { topic: topic('perf-tx'), numPartitions: 1 },
      { topic: topic('hostile'), numPartitions: 2 },
    ]);
    // A zstd batch whose bytes the broker stored are damaged, before the tap ever reads it.
    await producerPerformance({ version, brokers, topic: topic('corrupt'), records: 400, compression: 'zstd' });
    corrupted = corruptFirstBatch(localSegment(version, brokers[0] ?? '', topic('corrupt')));
    store = await openStore(config.clickhouse);
    tap = createKafkaTap({ config, store, log: process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger });
    await tap.start();
  }, 120_000);

  afterAll(async () => {
    await tap?.stop();
    await store?.close();
    await admin
      .deleteTopics({
        topics: [...CODECS.map((c) => topic(c)), ...['corrupt', 'tx', 'perf-tx', 'again', 'hostile'].map(topic)],
      })
      .catch(() => {});
    await admin.disconnect();
  });

  it('counts batches of every codec written by ProducerPerformance exactly', { timeout: 180_000 }, async () => {
    const sent: Record<string, number> = {};
    for (const codec of CODECS)
      sent[codec] = await producerPerformance({
        version,
        brokers,
        topic: topic(codec),
        records: 3000,
        compression: codec,
      });
    const counts = () => Promise.all(CODECS.map((c) => count(topic(c))));
    await waitUntil(counts, (c) => c.every((n, i) => n === sent[CODECS[i] ?? '']), 90_000, 'every codec counted');
    await sleep(1500); // nothing more may arrive: no duplicates
    expect(await counts()).toEqual(CODECS.map((c) => sent[c]));
    expect(CODECS.map((c) => sent[c])).toEqual(CODECS.map(() => 3000));
  });

  it('records a corrupt batch row by row with the reason and keeps counting', { timeout: 120_000 }, async () => {
    expect(corrupted).toBeGreaterThan(0);
    await waitUntil(
      () => count(topic('corrupt')),
      (n) => n === 400,
      60_000,
      'the corrupt topic counted',
    );
    const [bad] = await queryRows<{ n: string; reason: string }>(
      store,
      `SELECT count() AS n, any(parse_error) AS reason FROM ${store.db}.events WHERE stream = {s:String} AND startsWith(parse_error, 'undecodable ')`,
      { s: topic('corrupt') },
    );
    expect(Number(bad?.n)).toBe(corrupted);
    expect(bad?.reason).toMatch(/^undecodable zstd batch: /);
    // The undecodable rows sit at the batch's own offsets: one row per offset, none twice.
    const [offsets] = await queryRows<{ n: string; distinct_offsets: string; max_offset: string }>(
      store,
      `SELECT count() AS n, uniqExact(offset) AS distinct_offsets, max(offset) AS max_offset FROM ${store.db}.events WHERE stream = {s:String}`,
      { s: topic('corrupt') },
    );
    expect([Number(offsets?.n), Number(offsets?.distinct_offsets), Number(offsets?.max_offset)]).toEqual([
      400, 400, 399,
    ]);
  });

  it(
    'counts records with hostile, repeated and non-UTF-8 headers exactly, decoded as kafkajs decodes them',
    { timeout: 120_000 },
    async () => {
      const hostile = topic('hostile');
      const records = 600;
      const headersOf = (i: number): IHeaders => {
        // An own `__proto__` key, as a producer's JSON-built headers would have it.
        const headers = JSON.parse('{"__proto__":"p"}') as IHeaders;
        Object.assign(headers, {
          toString: 'hostile',
          constructor: ['a', 'b'],
          '': 'an empty name',
          'x-bin': Buffer.from([0xff, 0xfe, 0x00]),
          ce_type: i % 2 ? 'OrderPlaced' : 'OrderShipped',
          ce_source: 'orders',
          ce_id: `o-${i}`,
        });
        return headers;
      };
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic: hostile,
          messages: Array.from({ length: records }, (_, i) => ({
            key: i % 3 ? `order-${i % 50}` : null,
            value: i % 5 ? JSON.stringify({ id: `o-${i}` }) : null,
            headers: headersOf(i),
            partition: i % 2,
          })),
        });
      } finally {
        await producer.disconnect();
      }
      await waitUntil(
        () => count(hostile),
        (n) => n === records,
        60_000,
        'hostile headers counted',
      );
      const types = await queryRows<{ event_type: string; n: string; flagged: string }>(
        store,
        `SELECT event_type, count() AS n, countIf(position(parse_error, 'x-bin') > 0) AS flagged FROM ${store.db}.events WHERE stream = {s:String} GROUP BY event_type ORDER BY event_type`,
        { s: hostile },
      );
      expect(types.map((t) => [t.event_type, Number(t.n), Number(t.flagged)])).toEqual([
        ['OrderPlaced', 300, 300],
        ['OrderShipped', 300, 300],
      ]);
      // What a consumer of this process is handed is kafkajs's own records, with kafkajs's decoder or the tap's.
      const read = async (decoder: 'kafkajs' | 'rollcall') => {
        useRecordDecoder(decoder);
        const consumer = kafka.consumer({ groupId: `${prefix}-read-${decoder}` });
        const seen: { partition: number; message: KafkaMessage }[] = [];
        try {
          await consumer.connect();
          await consumer.subscribe({ topics: [hostile], fromBeginning: true });
          await consumer.run({
            eachBatch: async ({ batch }) =>
              void seen.push(...batch.messages.map((message) => ({ partition: batch.partition, message }))),
          });
          await waitUntil(
            async () => seen.length,
            (n) => n >= records,
            30_000,
            `${decoder} read the topic`,
          );
        } finally {
          await consumer.disconnect();
          useRecordDecoder('rollcall');
        }
        return seen.sort((a, b) => a.partition - b.partition || Number(a.message.offset) - Number(b.message.offset));
      };
      const theirs = await read('kafkajs');
      const ours = await read('rollcall');
      expect(ours).toHaveLength(records);
      expect(isDeepStrictEqual(ours, theirs)).toBe(true);
      expect(Object.getOwnPropertyDescriptor(ours[0]?.message.headers, '__proto__')?.value).toEqual([
        Object.prototype,
        Buffer.from('p'),
      ]);
    },
  );

  it(
    'counts committed transactions only: aborted records and control records are never rows',
    { timeout: 180_000 },
    async () => {
      const perfSent = await producerPerformance({
        version,
        brokers,
        topic: topic('perf-tx'),
        records: 1000,
        compression: 'snappy',
        transactionalId: `${prefix}-perf`,
      });
      const out = await runJava(
        version,
        join(import.meta.dirname, '../fixtures/TxProducer.java'),
        mkdtempSync(join(tmpdir(), 'rc-tx-')),
        [brokers.join(','), topic('tx'), `${prefix}-tx`, '6', '4', '50'],
      );
      expect(out).toMatch(/^300 records committed/m);
      await waitUntil(
        async () => [await count(topic('perf-tx')), await count(topic('tx'))],
        (c) => c[0] === perfSent && c[1] === 300,
        90_000,
        'committed records counted',
      );
      await sleep(1500);
      expect([await count(topic('perf-tx')), await count(topic('tx'))]).toEqual([perfSent, 300]);
    },
  );

  it(
    'counts a deleted and re-created topic from its first record, and never re-creates a deleted topic',
    { timeout: 180_000 },
    async () => {
      const again = topic('again');
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const send = async (n: number, round: string) => {
        for (let start = 0; start < n; start += 500)
          await producer.send({
            topic: again,
            messages: Array.from({ length: Math.min(500, n - start) }, (_, i) => ({
              value: JSON.stringify({ round, i: start + i }),
            })),
          });
      };
      try {
        await createReadyTopics(admin, [{ topic: again, numPartitions: 1 }]);
        await send(2000, 'first');
        await waitUntil(
          () => count(again),
          (n) => n === 2000,
          60_000,
          'first incarnation counted',
        );
        await admin.deleteTopics({ topics: [again] });
        // Several metadata refreshes of the tap later the topic must still be gone.
        await waitUntil(
          () => admin.listTopics(),
          (t) => !t.includes(again),
          30_000,
          'topic deleted',
        );
        await sleep(4000);
        expect(await admin.listTopics()).not.toContain(again);
        await waitUntil(
          () => admin.createTopics({ topics: [{ topic: again, numPartitions: 1 }] }).catch(() => false),
          (created) => created === true,
          30_000,
          'topic created again',
        );
        await createReadyTopics(admin, [{ topic: again, numPartitions: 1 }]);
        await send(1500, 'second');
        await waitUntil(
          () => count(again),
          (n) => n === 3500,
          60_000,
          'second incarnation counted from offset 0',
        );
        await sleep(1500);
        expect(await count(again)).toBe(3500);
      } finally {
        await producer.disconnect();
      }
    },
  );
});
