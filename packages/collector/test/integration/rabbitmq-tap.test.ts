// The RabbitMQ firehose tap against the real broker: exactly one row per publish and per delivery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger, silentLogger } from '@rollcall/core/log';
import type { Store } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createRabbitTap } from '../../src/rabbitmq/firehose.ts';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { deleteTapQueues } from '../../src/rabbitmq/tap-queues.ts';
import { deleteVhostByApi, putVhost } from './management-api.ts';
import { drainQueue } from './drain-queue.ts';
import { rabbitTapConfig } from './tap-config.ts';
import { startTestTap, type TestTap } from './test-tap.ts';

const name = uniqueName('rc-it');
const exchanges = { cards: `${name}.cards`, orders: `${name}.orders` };
const queues = { fraud: `${name}.fraud`, audit: `${name}.audit`, orders: `${name}.orders` };
const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;

function configFor(extra = '', tapQueue = `${name}.tap`): Config {
  return rabbitTapConfig('rabbitmq-tap.test.ts', {
    dataDir: tempDir('rollcall-rabbit-it'),
    database: 'rabbit_it',
    rabbitmq: `tap_queue: ${tapQueue}, prefetch: 500 ${extra}`,
  });
}

describe('RabbitMQ tap', () => {
  const rabbit = new Connection(rabbitUrl());
  const config = configFor();
  const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
  let vt: TestTap;
  let store: Store;
  const count = (stream: string, kind: 'publish' | 'deliver', eventType?: string) =>
    countEvents(store, { broker: 'rabbitmq', stream, kind, ...(eventType !== undefined ? { eventType } : {}) }).then(
      (d) => d.count,
    );

  beforeAll(async () => {
    vt = await startTestTap({ config, log, management });
    store = vt.store;
    const ch = await rabbit.acquire();
    await ch.exchangeDeclare({ exchange: exchanges.cards, type: 'topic', autoDelete: true });
    await ch.exchangeDeclare({ exchange: exchanges.orders, type: 'direct', autoDelete: true });
    await ch.queueDeclare({ queue: queues.fraud, exclusive: true });
    await ch.queueDeclare({ queue: queues.audit, exclusive: true });
    await ch.queueDeclare({ queue: queues.orders, exclusive: true });
    await ch.queueBind({ queue: queues.fraud, exchange: exchanges.cards, routingKey: 'card.#' });
    await ch.queueBind({ queue: queues.audit, exchange: exchanges.cards, routingKey: 'card.visa.*' });
    await ch.queueBind({ queue: queues.orders, exchange: exchanges.orders, routingKey: 'order' });
    await ch.close();
  });

  afterAll(async () => {
    await vt?.stop();
    await rabbit.close();
  });

  it('stores every publish and delivery exactly once, with AMQP metadata', { timeout: 120_000 }, async () => {
    const networks = ['visa', 'mc', 'amex'];
    const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 3000; i++) {
      const network = networks[i % 3] ?? 'visa';
      sends.push(
        publisher.send(
          {
            exchange: exchanges.cards,
            routingKey: `card.${network}.${i}`,
            type: i % 4 === 0 ? 'CardDeclined' : 'CardAuthorized',
            appId: 'card-service',
            messageId: `c-${i}`,
            correlationId: `auth-${i}`,
            contentType: 'application/json',
            headers: { traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`, network },
          },
          { amount: i, network },
        ),
      );
    }
    for (let i = 0; i < 1000; i++) {
      // CloudEvents AMQP binding in application properties; every 100th body is not valid JSON
      sends.push(
        publisher.send(
          {
            exchange: exchanges.orders,
            routingKey: 'order',
            contentType: 'application/json',
            headers: {
              'cloudEvents:type': 'OrderPlaced',
              'cloudEvents:source': 'shop',
              'cloudEvents:id': `o-${i}`,
              meta: { tenant: 'eu', attempt: 1 },
            },
          },
          i % 100 === 0 ? Buffer.from('{oops') : Buffer.from(JSON.stringify({ order: i })),
        ),
      );
    }
    await Promise.all(sends);
    await publisher.close();

    // the fraud service consumes its queue: 3000 deliveries
    await drainQueue(
      rabbit,
      { queue: queues.fraud, queueOptions: { exclusive: true }, qos: { prefetchCount: 200 } },
      3000,
      'fraud consumer to drain its queue',
    );

    await waitUntil(
      async () => [
        await count(exchanges.cards, 'publish'),
        await count(exchanges.cards, 'deliver'),
        await count(exchanges.orders, 'publish'),
      ],
      (c) => c[0] === 3000 && c[1] === 3000 && c[2] === 1000,
      60_000,
      'all publishes and deliveries stored',
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count(exchanges.cards, 'publish')).toBe(3000);
    expect(await count(exchanges.cards, 'publish', 'CardDeclined')).toBe(750);
    expect(await count(exchanges.cards, 'deliver')).toBe(3000);
    expect(await count(exchanges.orders, 'publish', 'OrderPlaced')).toBe(1000);
    expect(await count(exchanges.orders, 'deliver')).toBe(0);

    const rs = await store.client.query({
      query: `SELECT routing_key, routed_queues, source, message_id, correlation_id, trace_id, user, parse_error FROM ${store.db}.events WHERE stream = {s:String} AND kind = 'publish' AND message_id = 'c-0'`,
      query_params: { s: exchanges.cards },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      {
        routing_key: 'card.visa.0',
        routed_queues: [queues.fraud, queues.audit].sort(),
        source: 'card-service',
        message_id: 'c-0',
        correlation_id: 'auth-0',
        trace_id: 'c'.repeat(32),
        user: 'guest',
        parse_error: '',
      },
    ]);
    const errors = await store.client.query({
      query: `SELECT parse_error, count() AS n FROM ${store.db}.events WHERE stream = {s:String} GROUP BY parse_error ORDER BY parse_error`,
      query_params: { s: exchanges.orders },
      format: 'JSONEachRow',
    });
    const byError = (await errors.json<{ parse_error: string; n: string | number }>()).map((r) => [
      r.parse_error.replace(/:.*$/, ''),
      Number(r.n),
    ]);
    expect(byError).toEqual([
      ['', 990],
      ['invalid JSON body', 10],
    ]);
  });

  it(
    'counts trace messages that overflow the bounded tap queue, and still stores them',
    { timeout: 60_000 },
    async () => {
      const small = configFor(', max_length: 1000, cluster: burst', `${name}.small`);
      const exchange = `${name}.burst`;
      const first = createRabbitTap({ config: small, store, log, management });
      await first.start(); // declares the durable queues, then goes away as a stopped collector would
      await first.stop();
      const ch = await rabbit.acquire();
      await ch.exchangeDeclare({ exchange, type: 'fanout', autoDelete: true });
      const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
      await Promise.all(
        Array.from({ length: 1500 }, (_, i) =>
          publisher.send({ exchange, routingKey: 'burst', type: 'Burst', messageId: `b-${i}` }, { i }),
        ),
      );
      await publisher.close();

      // the suite's own tap sees this burst too; this tap's rows are told apart by their cluster name
      const burstCount = async () => {
        const rs = await store.client.query({
          query: `SELECT count() AS n FROM ${store.db}.events WHERE cluster = 'burst' AND stream = {s:String} AND kind = 'publish'`,
          query_params: { s: exchange },
          format: 'JSONEachRow',
        });
        return Number((await rs.json<{ n: string | number }>())[0]?.n ?? 0);
      };
      const second = createRabbitTap({ config: small, store, log, management });
      await second.start();
      try {
        await waitUntil(burstCount, (n) => n >= 1500, 30_000, 'the burst to be stored');
        await new Promise((r) => setTimeout(r, 500));
        expect(await burstCount()).toBe(1500);
        expect(second.overflowed()).toBeGreaterThanOrEqual(500);
        // Reading the overflow queue is the tap's own plumbing: its deliveries are traced (the overflowed trace
        // messages belong to the overflow exchange) but are nobody's traffic, for this tap or the suite's.
        const plumbing = await store.client.query({
          query: `SELECT count() AS n FROM ${store.db}.events WHERE queue = {q:String} OR stream = {q:String}`,
          query_params: { q: `${name}.small.overflow` },
          format: 'JSONEachRow',
        });
        expect(Number((await plumbing.json<{ n: string | number }>())[0]?.n)).toBe(0);
      } finally {
        await second.stop();
        await deleteTapQueues(ch, `${name}.small`);
        await ch.close();
      }
    },
  );

  it('says how to turn tracing on for a vhost where it is off', async () => {
    const vhost = `${name}-untraced`;
    const api = config.rabbitmq.management_url;
    await putVhost(vhost, { tracing: false, api });
    const lines: string[] = [];
    const other = configFor(`, vhosts: ['${vhost}']`);
    const untracedTap = createRabbitTap({
      config: other,
      store,
      log: createLogger('info', {}, (l) => lines.push(l)),
      management,
    });
    try {
      await untracedTap.start();
      expect(untracedTap.untraced()).toEqual([vhost]);
      expect(lines.join('\n')).toContain(`rabbitmqctl trace_on -p ${vhost}`);
    } finally {
      await untracedTap.stop();
      await deleteVhostByApi(vhost, api);
    }
  });
});

describe('RabbitMQ tap draining a backlog', () => {
  it(
    'stores a backlog of many prefetch windows without waiting for the flush interval',
    { timeout: 60_000 },
    async () => {
      // 10 s between timed flushes: every insert here but the backlog's tail (what is left once the queue is empty,
      // fewer than half a window) is one the prefetch window asked for, so the 2,000 are stored within about one
      // interval. The tap reads two queues (its own and the overflow), and a threshold summed over both was never
      // reached by the one busy queue, so each of the 40 batches waited for the interval (400 s).
      const vhost = `${name}-backlog`;
      const base = configFor(`, vhosts: ['${vhost}']`, `${name}.backlog-tap`);
      const config: Config = {
        ...base,
        rabbitmq: { ...base.rabbitmq, prefetch: 100 },
        writer: { ...base.writer, flush_interval: 10_000 },
      };
      const vt = await startTestTap({
        config,
        log,
        management: createManagement(config.rabbitmq.management_url, config.rabbitmq.url),
        vhost,
      });
      const publisher = new Connection(`${rabbitUrl()}/${encodeURIComponent(vhost)}`);
      try {
        const ch = await publisher.acquire();
        await ch.queueDeclare({ queue: 'backlog' });
        for (let i = 0; i < 2000; i++) await ch.basicPublish({ routingKey: 'backlog', messageId: `b-${i}` }, 'x');
        await ch.close();
        const stored = () =>
          countEvents(vt.store, { broker: 'rabbitmq', stream: 'amq.default', kind: 'publish' }).then((d) => d.count);
        await waitUntil(stored, (n) => n >= 2000, 25_000, 'the 2,000 publishes stored');
        expect(await stored()).toBe(2000);
      } finally {
        await publisher.close();
        await vt.stop();
      }
    },
  );
});
