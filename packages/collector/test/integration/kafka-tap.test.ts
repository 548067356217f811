// The Kafka tap against real brokers (every version in ROLLCALL_TEST_KAFKA): exactly N rows for N records.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { AUDIT_LEVELS } from '@rollcall/core/audit';
import { parseConfig } from '@rollcall/core/config';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger, silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import { sleep } from '@rollcall/core/retry';
import { kafkaTargets, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createKafkaTap, type KafkaTap } from '../../src/kafka/tap.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const dataDir = tempDir('rollcall-kafka-it');

function ceHeaders(type: string, i: number) {
  return {
    ce_specversion: '1.0',
    ce_type: type,
    ce_source: 'card-service',
    ce_id: `id-${i}`,
    traceparent: `00-${'a'.repeat(31)}${i % 10}-${'b'.repeat(16)}-01`,
  };
}

async function produce(
  producer: Producer,
  topic: string,
  count: number,
  build: (i: number) => { key?: string; value: string; headers?: Record<string, string> },
) {
  for (let start = 0; start < count; start += 500) {
    const messages = Array.from({ length: Math.min(500, count - start) }, (_, j) => build(start + j));
    await producer.send({ topic, messages });
  }
}

/** Steady traffic: `steps` sends of `perStep` records, 100 ms apart, keyed `${key}-${step}-${i}`. */
async function trafficInSteps(
  producer: Producer,
  topic: string,
  steps: number,
  perStep: number,
  key: string,
  type: string,
) {
  for (let step = 0; step < steps; step++) {
    await produce(producer, topic, perStep, (i) => ({
      key: `${key}-${step}-${i}`,
      value: JSON.stringify({ step, i }),
      headers: ceHeaders(type, i),
    }));
    await sleep(100);
  }
}

describe.each(kafkaTargets())('Kafka tap against Kafka $version', ({ version, brokers }) => {
  const prefix = uniqueName(`rc-it-${version.replace('.', '')}`);
  const topics = {
    cards: `${prefix}-cards`,
    scores: `${prefix}-scores`,
    late: `${prefix}-late`,
    shared: `${prefix}-shared`,
  };
  const kafka = new Kafka({ clientId: 'rollcall-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let store: Store;
  let tap: KafkaTap;
  let config: Config;
  const newTap = () =>
    createKafkaTap({ config, store, log: process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger });
  const count = (stream: string, eventType?: string) =>
    countEvents(store, { broker: 'kafka', stream, ...(eventType !== undefined ? { eventType } : {}) }).then(
      (d) => d.count,
    );

  /** Every record counted, then a pause for a duplicate to land as well, and still exactly `total`. */
  const expectCountedExactly = async (topic: string, total: number, settleMs: number) => {
    await waitUntil(
      () => count(topic),
      (n) => n >= total,
      60_000,
      `every record of ${topic} stored`,
    );
    await sleep(settleMs);
    expect(await count(topic)).toBe(total);
  };

  /** Rows in events, whatever the level: counts-level topics must keep none. */
  const storedRows = async (stream: string) => {
    const rs = await store.client.query({
      query: `SELECT count() AS n FROM ${store.db}.events WHERE stream = {stream:String}`,
      query_params: { stream },
      format: 'JSONEachRow',
    });
    return Number((await rs.json<{ n: string }>())[0]?.n ?? -1);
  };

  beforeAll(async () => {
    config = parseConfig(
      `clickhouse: { data_dir: ${dataDir}, database: kafka_${version.replace('.', '_')} }
kafka: { brokers: [${brokers.join(',')}], group_id: ${prefix}-tap, include: ['^${prefix}-'], metadata_refresh: 1s }
rabbitmq: { enabled: false }
writer: { flush_interval: 200ms }`,
      'kafka-tap.test.ts',
    );
    await admin.connect();
    await producer.connect();
    await createReadyTopics(admin, [
      { topic: topics.cards, numPartitions: 3 },
      { topic: topics.scores, numPartitions: 1 },
    ]);
    // Produced before the group's first start: "latest" means these are not the tap's to count.
    await produce(producer, topics.cards, 50, (i) => ({
      value: JSON.stringify({ before: i }),
      headers: ceHeaders('Old', i),
    }));
    store = await openStore(config.clickhouse);
    tap = newTap();
    await tap.start();
  });

  afterAll(async () => {
    await tap?.stop();
    await store?.close();
    await producer.disconnect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
    await admin.disconnect();
  });

  it('stores exactly one row per record, per topic and per event type', { timeout: 120_000 }, async () => {
    // binary-mode CloudEvents with two event types, keyed across three partitions
    await produce(producer, topics.cards, 3000, (i) => ({
      key: `card-${i % 97}`,
      value: JSON.stringify({ amount: i, network: i % 5 }),
      headers: ceHeaders(i % 3 === 0 ? 'CardDeclined' : 'CardAuthorized', i),
    }));
    // structured-mode CloudEvents, plus some records with no metadata at all and one with invalid JSON
    await produce(producer, topics.scores, 1500, (i) =>
      i % 10 === 0
        ? { value: i % 20 === 0 ? '{not json' : 'plain text' }
        : {
            value: JSON.stringify({
              specversion: '1.0',
              type: 'FraudScored',
              source: 'fraud-service',
              id: `s-${i}`,
              data: { score: i % 100 },
            }),
            headers: { 'content-type': 'application/cloudevents+json' },
          },
    );
    // a topic created after the tap started is found by the metadata watch and read from its beginning
    await createReadyTopics(admin, [{ topic: topics.late, numPartitions: 2 }]);
    await produce(producer, topics.late, 700, (i) => ({ value: JSON.stringify({ type: 'Late', n: i }) }));

    await waitUntil(
      async () => [await count(topics.cards), await count(topics.scores), await count(topics.late)],
      (c) => c[0] === 3000 && c[1] === 1350 + 150 && c[2] === 700,
      90_000,
      'all records stored',
    );
    await new Promise((r) => setTimeout(r, 1500)); // nothing more may arrive: no duplicates
    expect(await count(topics.cards)).toBe(3000);
    expect(await count(topics.cards, 'CardDeclined')).toBe(1000);
    expect(await count(topics.cards, 'CardAuthorized')).toBe(2000);
    expect(await count(topics.cards, 'Old')).toBe(0);
    expect(await count(topics.scores, 'FraudScored')).toBe(1350);
    expect(await count(topics.scores, '')).toBe(150);
    expect(await count(topics.late, 'Late')).toBe(700);
  });

  it('keeps metadata and never the body', async () => {
    const rs = await store.client.query({
      query: `SELECT event_type, source, message_id, trace_id, parse_error, key_hash, schema_fingerprint FROM ${store.db}.events WHERE stream = {s:String} AND offset IN (0, 10, 20) AND partition = 0 ORDER BY offset`,
      query_params: { s: topics.scores },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<Record<string, string | number>>();
    expect(rows.map((r) => [r.event_type, r.source, r.message_id])).toEqual(
      [
        ['', '', ''],
        ['', '', ''],
        ['', '', ''],
      ].map((x, i) => (i === 0 ? x : x)),
    );
    expect(String(rows[0]?.parse_error)).toMatch(/invalid JSON/);
    const [structured] = await (
      await store.client.query({
        query: `SELECT event_type, source, message_id, schema_fingerprint FROM ${store.db}.events WHERE stream = {s:String} AND offset = 1`,
        query_params: { s: topics.scores },
        format: 'JSONEachRow',
      })
    ).json<Record<string, string | number>>();
    expect(structured).toMatchObject({ event_type: 'FraudScored', source: 'fraud-service', message_id: 's-1' });
    expect(Number(structured?.schema_fingerprint)).toBeGreaterThan(0);
  });

  it(
    'stays exact while a second collector joins the group and the first one leaves',
    { timeout: 120_000 },
    async () => {
      await createReadyTopics(admin, [{ topic: topics.shared, numPartitions: 4 }]);
      const traffic = trafficInSteps(producer, topics.shared, 40, 100, 'k', 'Shared');
      await new Promise((r) => setTimeout(r, 1200));
      const second = newTap(); // scale out: same group, partitions are split between the two
      await second.start();
      await new Promise((r) => setTimeout(r, 1500));
      await tap.stop(); // the first collector leaves; its partitions move to the second
      tap = newTap(); // and comes back, taking some of them again
      await tap.start();
      await traffic;
      try {
        await expectCountedExactly(topics.shared, 4000, 1500);
      } finally {
        await second.stop();
      }
    },
  );

  // The three levels side by side (each its own topic and group): most of a case is waiting on rebalances.
  it.concurrent.each(AUDIT_LEVELS)(
    'stays exact when partitions move while their old owner is still inserting, audited at %s',
    { timeout: 120_000 },
    async (level) => {
      // Its own group and a topic outside the main tap's include, so only these two collectors store it.
      const topic = `mv-${level}-${prefix}`;
      const moving: Config = {
        ...config,
        kafka: { ...config.kafka, group_id: `${topic}-tap`, include: [`^${topic}$`] },
        audit: { default: level, streams: [] },
      };
      // Its own admin client and producer: the cases run side by side, and a shared client's requests interleave.
      const ownAdmin = kafka.admin();
      await ownAdmin.connect();
      await createReadyTopics(ownAdmin, [{ topic, numPartitions: 4 }]);
      // Every insert of the first collector takes 1.5 s longer, so each rebalance finds some of its rows in flight.
      const slowStore: Store = {
        ...store,
        insertEvents: (...args) => sleep(1500).then(() => store.insertEvents(...args)),
        insertCounts: (...args) => sleep(1500).then(() => store.insertCounts(...args)),
      };
      const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
      const slow = createKafkaTap({ config: moving, store: slowStore, log });
      // (a shared producer also keeps asking for the metadata of the topics earlier cases deleted)
      const own = kafka.producer({ allowAutoTopicCreation: false });
      await own.connect();
      const fast = createKafkaTap({ config: moving, store, log });
      await slow.start();
      const traffic = trafficInSteps(own, topic, 50, 100, 'm', 'Moving');
      try {
        await sleep(2000);
        await fast.start(); // partitions move away from the slow collector mid-insert
        await sleep(2500);
        await slow.stop(); // and the rest move when it leaves
        await traffic;
        await expectCountedExactly(topic, 5000, 1500);
        expect(await storedRows(topic)).toBe(level === 'counts' ? 0 : 5000);
      } finally {
        await slow.stop().catch(() => {});
        await fast.stop();
        await own.disconnect();
        await ownAdmin.deleteTopics({ topics: [topic] }).catch(() => {});
        await ownAdmin.disconnect();
      }
    },
  );

  it('inserts partitions side by side, each partition in offset order', { timeout: 120_000 }, async () => {
    const topic = `ord-${prefix}`;
    // From the earliest offset, and each fetch of a partition its own insert (a submission is never split).
    const ordered: Config = {
      ...config,
      kafka: { ...config.kafka, group_id: `${topic}-tap`, include: [`^${topic}$`], start: 'earliest' },
      writer: { ...config.writer, batch_size: 40 },
    };
    await createReadyTopics(admin, [{ topic, numPartitions: 3 }]);
    // Its own producer: the shared one still lists the topic the previous test deleted, and fails its metadata.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    // Already there when the tap starts, so its first fetch holds all three partitions.
    await producer.send({
      topic,
      messages: [0, 1, 2].flatMap((partition) =>
        Array.from({ length: 50 }, (_, i) => ({
          partition,
          value: JSON.stringify({ i }),
          headers: ceHeaders('Ordered', i),
        })),
      ),
    });
    // Each insert is logged with its time span and the offsets it holds per partition. The first insert (one
    // partition's first fetch) is held for 1.5 s: that partition's next fetch, and the other partitions' first
    // inserts, come while it runs.
    type Span = { partition: number; first: number; last: number; start: number; end: number };
    const spans: Span[] = [];
    let held: number | undefined;
    const logged: Store = {
      ...store,
      insertEvents: async (rows, token, tapBatch) => {
        const start = performance.now();
        if (held === undefined) {
          held = rows[0]?.partition;
          await sleep(1500);
        }
        await store.insertEvents(rows, token, tapBatch);
        const end = performance.now();
        for (const partition of new Set(rows.map((r) => r.partition))) {
          const offsets = rows.filter((r) => r.partition === partition).map((r) => r.offset);
          spans.push({ partition, first: Math.min(...offsets), last: Math.max(...offsets), start, end });
        }
      },
    };
    const ordering = createKafkaTap({ config: ordered, store: logged, log: silentLogger });
    await ordering.start();
    try {
      await trafficInSteps(producer, topic, 20, 150, 'o', 'Ordered');
      await expectCountedExactly(topic, 3150, 1000);
      const byStart = (partition: number) =>
        spans.filter((s) => s.partition === partition).sort((a, b) => a.start - b.start);
      for (const partition of [0, 1, 2]) {
        const mine = byStart(partition);
        expect(mine.length).toBeGreaterThan(1);
        for (const [prev, next] of mine.slice(1).map((s, i) => [mine[i] as Span, s] as const)) {
          expect(next.start).toBeGreaterThanOrEqual(prev.end); // one insert per partition at a time
          expect(next.first).toBe(prev.last + 1); // in offset order, with no gap
        }
      }
      // The other partitions' first inserts (from the same fetch) did not wait for the held one.
      const heldSpan = byStart(held as number)[0] as Span;
      expect(heldSpan.end - heldSpan.start).toBeGreaterThanOrEqual(1500);
      for (const partition of [0, 1, 2].filter((p) => p !== held))
        expect(byStart(partition)[0]?.start).toBeLessThan(heldSpan.end);
    } finally {
      await ordering.stop();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    }
  });

  it(
    'folds the fetches of a counts partition that come while its insert runs into one insert',
    { timeout: 120_000 },
    async () => {
      const topic = `gather-${prefix}`;
      const counted: Config = {
        ...config,
        kafka: { ...config.kafka, group_id: `${topic}-tap`, include: [`^${topic}$`], start: 'earliest' },
        audit: { default: 'counts', streams: [] },
      };
      await createReadyTopics(admin, [{ topic, numPartitions: 1 }]);
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      // The first insert is held until all the traffic is sent: the fetches meanwhile wait their turn.
      let sent = () => {};
      const allSent = new Promise<void>((resolve) => (sent = resolve));
      const ranges: { first: number; last: number }[] = [];
      const held: Store = {
        ...store,
        insertCounts: async (counts, token, tapBatch) => {
          if (ranges.length === 0) await allSent;
          const [first, last] = (/:0:(\d+)-(\d+)/.exec(token) ?? []).slice(1).map(Number);
          ranges.push({ first: first ?? -1, last: last ?? -1 });
          await store.insertCounts(counts, token, tapBatch);
        },
      };
      const gathering = createKafkaTap({ config: counted, store: held, log: silentLogger });
      await producer.send({ topic, messages: [{ value: '{}', headers: ceHeaders('Gathered', 0) }] });
      await gathering.start();
      try {
        await trafficInSteps(producer, topic, 20, 100, 'g', 'Gathered');
        sent();
        await expectCountedExactly(topic, 2001, 1000);
        // One insert per fetch would be 21 or so (and at least TALLIES_AHEAD + 1 = 9 before the partition waits);
        // the held insert, what was gathered behind it, and the rest.
        expect(ranges.length).toBeLessThanOrEqual(5);
        expect(ranges[0]?.first).toBe(0);
        for (const [prev, next] of ranges.slice(1).map((r, i) => [ranges[i] as (typeof ranges)[0], r] as const))
          expect(next.first).toBe(prev.last + 1); // in offset order, with no gap
        expect(ranges.at(-1)?.last).toBe(2000);
      } finally {
        await gathering.stop();
        await producer.disconnect();
        await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      }
    },
  );
});
