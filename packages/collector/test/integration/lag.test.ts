// The lag sampler against the real brokers: a Kafka group that stops (STOP), a Kafka consumer slower than its
// producer (WARN), and a RabbitMQ queue whose consumer is cancelled while publishing goes on (STOP), each with
// its lag growing. The Kafka tap runs alongside so lag_seconds can be estimated from stored broker timestamps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Connection } from 'rabbitmq-client';
import { parseConfig } from '@rollcall/core/config';
import { createLogger, silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { kafkaTargets, rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createKafkaTap, type KafkaTap } from '../../src/kafka/tap.ts';
import { lagDetail } from '../../src/lag/queries.ts';
import { createLagSampler, type LagSampler } from '../../src/lag/sampler.ts';
import type { GroupLag } from '../../src/lag/status.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
const dataDir = tempDir('rollcall-lag-it');
const LAG = `lag: { interval: 500ms, window: 6`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let store: Store;
beforeAll(async () => {
  store = await openStore(
    parseConfig(`clickhouse: { data_dir: ${dataDir}, database: lag_it }`, 'lag.test.ts').clickhouse,
  );
});
afterAll(async () => {
  await store?.close();
});

/** Sends `perTick` messages every 100 ms, spread over the partitions, until stopped. */
function keepProducing(send: (n: number) => Promise<void>, perTick: number): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n += perTick) {
      await send(n);
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

const groupIn = (sampler: LagSampler, broker: string, group: string): GroupLag | undefined =>
  sampler.latest().groups.find((g) => g.broker === broker && g.group === group);

describe.each(kafkaTargets())('consumer lag on Kafka $version', ({ version, brokers }) => {
  const prefix = uniqueName(`rc-lag-${version.replace('.', '')}`);
  const topics = { stop: `${prefix}-stop`, slow: `${prefix}-slow` };
  const groups = { stop: `${prefix}-stopper`, slow: `${prefix}-slow`, tap: `${prefix}-tap` };
  const kafka = new Kafka({ clientId: 'rollcall-lag-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const config = parseConfig(
    `kafka: { cluster: lag-${version.replace('.', '-')}, brokers: [${brokers.join(',')}], group_id: ${groups.tap}, include: ['^${prefix}-'], metadata_refresh: 1s }
rabbitmq: { enabled: false }
writer: { flush_interval: 200ms }
${LAG}, kafka: { groups: { include: ['^${prefix}-'] } } }`,
    'lag.test.ts',
  );
  let tap: KafkaTap;
  let sampler: LagSampler;
  const consumers: Consumer[] = [];
  const produce = (topic: string, partitions: number) => (n: number) =>
    producer
      .send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({
          partition: (n + i) % partitions,
          value: JSON.stringify({ type: 'Tick', n: n + i }),
        })),
      })
      .then(() => {});

  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
    await createReadyTopics(admin, [
      { topic: topics.stop, numPartitions: 2 },
      { topic: topics.slow, numPartitions: 1 },
    ]);
    tap = createKafkaTap({ config, store, log });
    await tap.start();
    sampler = createLagSampler({ config, store, log });
    await sampler.start();
  });

  afterAll(async () => {
    await sampler?.stop();
    await Promise.all(consumers.map((c) => c.disconnect()));
    await tap?.stop();
    await producer.disconnect();
    await admin.deleteGroups(Object.values(groups)).catch(() => {});
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
    await admin.disconnect();
  });

  it(
    'shows a group that stopped consuming as STOP, with lag growing and its age in seconds',
    { timeout: 60_000 },
    async () => {
      const traffic = keepProducing(produce(topics.stop, 2), 10);
      const consumer = kafka.consumer({ groupId: groups.stop, maxWaitTimeInMs: 100 });
      consumers.push(consumer);
      let consumed = 0;
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.stop], fromBeginning: true });
      await consumer.run({ eachMessage: async () => void consumed++ });
      try {
        const alive = await waitUntil(
          async () => groupIn(sampler, 'kafka', groups.stop),
          (g) =>
            consumed >= 50 && g?.consumers === 1 && g.status === 'OK' && !g.reason.startsWith('no committed offsets'),
          30_000,
          'the consumer to be seen committing',
        );
        expect(alive?.streams).toEqual([topics.stop]);

        await consumer.disconnect(); // leaves the group: nobody owns its partitions any more
        const stopped = await waitUntil(
          async () => groupIn(sampler, 'kafka', groups.stop),
          (g) => g?.status === 'STOP' && g.lag_seconds > 0,
          20_000,
          'STOP',
        );
        expect(stopped?.consumers).toBe(0);
        expect(stopped?.reason).toMatch(
          /^lag [\d,]+ and rising for \d+ samples on .*-stop\/[01]; committed offset unchanged for \d+ samples and no member owns the partition/,
        );
        const later = await waitUntil(
          async () => groupIn(sampler, 'kafka', groups.stop),
          (g) => (g?.lag ?? 0) > (stopped?.lag ?? 0) && g?.status === 'STOP',
          10_000,
          'lag to keep growing',
        );
        expect(later?.lag_seconds).toBeGreaterThan(0);
      } finally {
        await traffic.stop();
      }

      // what the API will read back
      const detail = await lagDetail(store, 'kafka', groups.stop, Date.now() - 120_000, Date.now());
      expect(detail?.statuses.map((s) => s.status)).toContain('STOP');
      expect(detail?.partitions.map((p) => [p.stream, p.partition, p.owner])).toEqual([
        [topics.stop, 0, ''],
        [topics.stop, 1, ''],
      ]);
      expect(
        detail?.partitions.every(
          (p) => p.lag > 0 && (p.lag_seconds ?? 0) > 0 && (p.log_end ?? 0) - (p.committed ?? 0) === p.lag,
        ),
      ).toBe(true);
      const lags = detail?.series.map((s) => s.lag) ?? [];
      expect(Math.max(...lags.slice(-3))).toBeGreaterThan(Math.min(...lags.slice(0, 3)));
    },
  );

  it('shows a consumer that commits but falls further behind as WARN', { timeout: 60_000 }, async () => {
    const traffic = keepProducing(produce(topics.slow, 1), 10); // 100 msg/s
    const consumer = kafka.consumer({ groupId: groups.slow, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.slow], fromBeginning: true });
    // about 25 msg/s, committing a few times a second
    await consumer.run({ autoCommitInterval: 200, eachMessage: async () => void (await sleep(40)) });
    try {
      const warned = await waitUntil(
        async () => groupIn(sampler, 'kafka', groups.slow),
        (g) => g?.status === 'WARN',
        40_000,
        'WARN',
      );
      expect(warned?.consumers).toBe(1);
      expect(warned?.reason).toMatch(/^lag [\d,]+ and rising for 6 samples/);
      expect(warned?.reason).toMatch(/committed offsets? advanced by [\d,]+/);
      expect(warned?.lag_seconds).toBeGreaterThan(0);
    } finally {
      await traffic.stop();
      await consumer.stop();
    }
  });
});

describe('consumer lag on RabbitMQ', () => {
  const name = uniqueName('rc-lag');
  const queue = `${name}.work`;
  const exchange = `${name}.orders`;
  const rabbit = new Connection(rabbitUrl());
  const config = parseConfig(
    `kafka: { enabled: false }
rabbitmq: { url: '${rabbitUrl()}', tap_queue: ${name}.tap }
${LAG}, rabbitmq: { queues: { include: ['^${name}\\.'] } } }`,
    'lag.test.ts',
  );
  let sampler: LagSampler;

  beforeAll(async () => {
    const ch = await rabbit.acquire();
    await ch.exchangeDeclare({ exchange, type: 'direct' });
    await ch.queueDeclare({ queue, durable: false });
    await ch.queueBind({ queue, exchange, routingKey: 'order' });
    await ch.close();
    sampler = createLagSampler({ config, store, log });
    await sampler.start();
  });

  afterAll(async () => {
    await sampler?.stop();
    const ch = await rabbit.acquire();
    await ch.queueDelete({ queue }).catch(() => {});
    await ch.exchangeDelete({ exchange }).catch(() => {});
    await ch.close();
    await rabbit.close();
  });

  it('shows a queue whose consumer was cancelled as STOP while its depth rises', { timeout: 60_000 }, async () => {
    const publisher = rabbit.createPublisher({ confirm: true });
    const traffic = keepProducing(async (n) => {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => publisher.send({ exchange, routingKey: 'order' }, { n: n + i })),
      );
    }, 10);
    const consumer = rabbit.createConsumer({ queue, qos: { prefetchCount: 20 } }, async () => {});
    try {
      // the management API refreshes queue stats every 5 s
      const busy = await waitUntil(
        async () => groupIn(sampler, 'rabbitmq', queue),
        (g) => g?.consumers === 1 && g.status === 'OK',
        30_000,
        'the consumer to be seen',
      );
      expect(busy?.streams).toEqual([exchange]);

      await consumer.close();
      const stopped = await waitUntil(
        async () => groupIn(sampler, 'rabbitmq', queue),
        (g) => g?.status === 'STOP',
        30_000,
        'STOP',
      );
      expect(stopped?.consumers).toBe(0);
      // Which of the two STOP reasons it gives depends on the management API's stats refresh: if a sample already
      // showed deliveries stopped while it still counted the consumer, the idle run is not all consumer-less, and
      // the reason is the rising depth with nothing delivered (CI saw it once); otherwise no consumers.
      expect(stopped?.reason).toMatch(
        /^depth [\d,]+( and rising for \d+ samples)?; (no consumers for \d+ samples|nothing delivered or acked for \d+ samples \(0 consumers\))$/,
      );
      const deeper = await waitUntil(
        async () => groupIn(sampler, 'rabbitmq', queue),
        (g) => (g?.lag ?? 0) > (stopped?.lag ?? 0),
        15_000,
        'depth to keep rising',
      );
      expect(deeper?.status).toBe('STOP');
    } finally {
      await traffic.stop();
      await consumer.close();
      await publisher.close();
    }

    const detail = await lagDetail(store, 'rabbitmq', queue, Date.now() - 120_000, Date.now());
    expect(detail?.partitions).toEqual([expect.objectContaining({ stream: queue, partition: -1, consumers: 0 })]);
    expect(detail?.statuses.map((s) => s.status)).toEqual(expect.arrayContaining(['OK', 'STOP']));
  });
});
