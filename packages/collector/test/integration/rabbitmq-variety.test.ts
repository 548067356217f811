// RabbitMQ beyond classic queues: publishes to the default exchange, unroutable publishes, deliveries from a
// quorum queue and from a stream. Each is counted exactly once, as the firehose shows it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { createLogger, silentLogger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { countEvents, queryRows } from '@rollcall/core/store/queries';
import { sleep } from '@rollcall/core/retry';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { rabbitTapConfig } from './tap-config.ts';
import { startTestTap, type TestTap } from './test-tap.ts';

const name = uniqueName('rc-variety');
const quorum = `${name}.quorum`;
const stream = `${name}.stream`;
const nowhere = `${name}.nowhere`;
const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
const N = 200;

describe('RabbitMQ tap on quorum queues, streams, the default exchange and unroutable publishes', () => {
  const rabbit = new Connection(rabbitUrl());
  const config = rabbitTapConfig('rabbitmq-variety.test.ts', {
    dataDir: tempDir('rollcall-rabbit-variety'),
    database: 'rabbit_variety',
    rabbitmq: `tap_queue: ${name}.tap, prefetch: 200`,
  });
  let vt: TestTap;
  let store: Store;
  const rows = (where: string, params: Record<string, unknown>) =>
    queryRows<{ n: string }>(
      store,
      `SELECT count() AS n FROM ${store.db}.events WHERE broker = 'rabbitmq' AND ${where}`,
      params,
    ).then((r) => Number(r[0]?.n ?? 0));

  beforeAll(async () => {
    const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
    vt = await startTestTap({ config, log, management });
    store = vt.store;
    const ch = await rabbit.acquire();
    await ch.queueDeclare({ queue: quorum, durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.queueDeclare({ queue: stream, durable: true, arguments: { 'x-queue-type': 'stream' } });
    await ch.exchangeDeclare({ exchange: nowhere, type: 'direct', autoDelete: false });
    await ch.close();
  });

  afterAll(async () => {
    await vt?.stop();
    const ch = await rabbit.acquire();
    await ch.queueDelete({ queue: quorum });
    await ch.queueDelete({ queue: stream });
    await ch.exchangeDelete({ exchange: nowhere });
    await ch.close();
    await rabbit.close();
  });

  it(
    'counts each publish once, with the queues it reached, and each delivery from a quorum queue or a stream once',
    { timeout: 120_000 },
    async () => {
      const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
      for (let i = 0; i < N; i++) {
        // through the default exchange, straight to each queue by name
        await publisher.send({ exchange: '', routingKey: quorum, messageId: `q-${i}` }, { i });
        await publisher.send({ exchange: '', routingKey: stream, messageId: `s-${i}` }, { i });
        // an exchange with no binding: the publish happened, it reached no queue
        await publisher.send({ exchange: nowhere, routingKey: 'any', messageId: `n-${i}` }, { i });
      }
      await publisher.close();
      let consumed = 0;
      const fromQuorum = rabbit.createConsumer(
        { queue: quorum, queueOptions: { passive: true }, qos: { prefetchCount: 50 } },
        () => {
          consumed++;
        },
      );
      // A stream is read from an offset, with a prefetch and manual acks.
      const fromStream = rabbit.createConsumer(
        {
          queue: stream,
          queueOptions: { passive: true },
          qos: { prefetchCount: 50 },
          arguments: { 'x-stream-offset': 'first' },
        },
        () => {
          consumed++;
        },
      );
      await waitUntil(
        async () => consumed,
        (n) => n === 2 * N,
        30_000,
        'both queues consumed',
      );
      await fromQuorum.close();
      await fromStream.close();

      const counts = async () => [
        await rows(`stream = 'amq.default' AND kind = 'publish' AND routing_key IN ({q:String}, {s:String})`, {
          q: quorum,
          s: stream,
        }),
        await rows(`stream = 'amq.default' AND kind = 'publish' AND has(routed_queues, {q:String})`, { q: quorum }),
        await rows(`stream = {x:String} AND kind = 'publish' AND empty(routed_queues)`, { x: nowhere }),
        await rows(`kind = 'deliver' AND queue = {q:String}`, { q: quorum }),
        await rows(`kind = 'deliver' AND queue = {s:String}`, { s: stream }),
      ];
      await waitUntil(
        counts,
        (c) => c.join() === [2 * N, N, N, N, N].join(),
        60_000,
        'every publish and delivery stored',
      );
      await sleep(1000); // nothing more may arrive: no duplicates
      expect(await counts()).toEqual([2 * N, N, N, N, N]);
      expect((await countEvents(store, { broker: 'rabbitmq', stream: nowhere, kind: 'publish' })).count).toBe(N);
    },
  );
});
