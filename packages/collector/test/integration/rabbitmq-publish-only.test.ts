// rabbitmq.trace: publish against the real broker: the tap queue is bound to publishes only, publishes are stored
// one row each, and deliveries are counted exactly per queue from the management API's counters, once, through a
// restart of the counter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import type { Config } from '@rollcall/core/config/schema';
import { createLogger, silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents, queryRows } from '@rollcall/core/store/queries';
import { addTracedVhost, deleteVhost, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createDeliveryCounter, type DeliveryCounter } from '../../src/rabbitmq/delivery-counter.ts';
import { createRabbitTap, vhostUrl, type RabbitTap } from '../../src/rabbitmq/firehose.ts';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { guestAuth, MANAGEMENT_API } from './management-api.ts';
import { rabbitTapConfig } from './tap-config.ts';

const name = uniqueName('rc-pub');
const vhost = name;
const tapQueue = `${name}.tap`;
const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;
const dataDir = tempDir('rollcall-rabbit-publish-only');

const configFor = (trace: 'all' | 'publish'): Config =>
  rabbitTapConfig('rabbitmq-publish-only.test.ts', {
    dataDir,
    database: 'rabbit_publish_only',
    rabbitmq: `tap_queue: ${tapQueue}, vhosts: ['${vhost}'], trace: ${trace}`,
  });

async function traceBindings(): Promise<string[]> {
  const res = await fetch(
    `${MANAGEMENT_API}/api/bindings/${encodeURIComponent(vhost)}/e/amq.rabbitmq.trace/q/${encodeURIComponent(tapQueue)}`,
    { headers: guestAuth },
  );
  return ((await res.json()) as { routing_key: string }[]).map((b) => b.routing_key).sort();
}

/** The management API's queue statistics come every 5 s, and much later from a broker on a loaded host (CI ran the
 * suite beside the dashboard's incident test and saw none in 30 s). */
const STATS_WAIT_MS = 90_000;

describe('RabbitMQ publish-only tracing', () => {
  const config = configFor('publish');
  const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
  let store: Store;
  let tap: RabbitTap | undefined;
  let rabbit: Connection | undefined;
  const counters: DeliveryCounter[] = [];
  const newCounter = () => {
    const counter = createDeliveryCounter({ config, store, log, management });
    counters.push(counter);
    return counter;
  };

  beforeAll(async () => {
    await addTracedVhost(vhost);
    store = await openStore(config.clickhouse);
  });

  afterAll(async () => {
    for (const c of counters) await c.stop();
    await rabbit?.close();
    await tap?.stop();
    await store?.close();
    await deleteVhost(vhost);
  });

  it(
    'binds the tap queue to publishes only, also when it was bound to everything before',
    { timeout: 60_000 },
    async () => {
      // A tap that traced everything declared the durable queue with `#`; the publish-only tap replaces it.
      const before = createRabbitTap({ config: configFor('all'), store, log, management });
      await before.start();
      await before.stop();
      expect(await traceBindings()).toEqual(['#']);
      tap = createRabbitTap({ config, store, log, management });
      await tap.start();
      expect(await traceBindings()).toEqual(['publish.#']);
    },
  );

  it(
    'stores publishes and counts deliveries per queue exactly, once, through a restart',
    { timeout: 400_000 },
    async () => {
      const amqp = new Connection(vhostUrl(config.rabbitmq.url, vhost));
      rabbit = amqp;
      const ch = await amqp.acquire();
      const cards = `${name}.cards`;
      const fraud = `${name}.fraud`;
      const audit = `${name}.audit`;
      await ch.exchangeDeclare({ exchange: cards, type: 'topic' });
      await ch.queueDeclare({ queue: fraud, durable: true });
      await ch.queueDeclare({ queue: audit, durable: true });
      await ch.queueBind({ queue: fraud, exchange: cards, routingKey: 'card.#' });
      await ch.queueBind({ queue: audit, exchange: cards, routingKey: 'card.visa' });
      await ch.close();

      const publish = async (n: number, routingKey?: string) => {
        const publisher = amqp.createPublisher({ confirm: true, maxAttempts: 1 });
        await Promise.all(
          Array.from({ length: n }, (_, i) =>
            publisher.send(
              {
                exchange: cards,
                routingKey: routingKey ?? (i % 3 === 0 ? 'card.visa' : 'card.mc'),
                type: 'CardAuthorized',
              },
              { i },
            ),
          ),
        );
        await publisher.close();
      };
      // The consumer stays open until the broker reported its deliveries (see `release`): RabbitMQ folds a
      // channel's deliveries into its queue's counters from the channel's periodic statistics, and those of a
      // channel closed between two of them can be lost for good (CI saw a queue read 0 for 90 s after a consumer
      // of 30 messages closed). Real consumers live long; the counter is as exact as the broker's counters.
      const open: { close(): Promise<void> }[] = [];
      const consume = async (queue: string, n: number) => {
        let got = 0;
        const consumer = amqp.createConsumer(
          { queue, queueOptions: { durable: true }, qos: { prefetchCount: 100 } },
          async () => {
            got++;
          },
        );
        open.push(consumer);
        await waitUntil(
          async () => got,
          (g) => g >= n,
          30_000,
          `${n} deliveries from ${queue}`,
        );
      };
      const release = async () => {
        for (const consumer of open.splice(0)) await consumer.close();
      };
      const delivered = async (queue: string) => {
        const [row] = await queryRows<{ n: string }>(
          store,
          `SELECT sum(count) AS n FROM ${store.db}.event_counts WHERE kind = 'deliver' AND queue = {q:String}`,
          { q: queue },
        );
        return Number(row?.n ?? 0);
      };
      // A timeout says what the management database reported for the queue, and what the counter made of it.
      const counted = (counter: DeliveryCounter, queue: string, n: number) =>
        waitUntil(
          async () => {
            await counter.count();
            return delivered(queue);
          },
          (d) => d >= n,
          STATS_WAIT_MS,
          `${n} deliveries of ${queue} counted`,
        ).catch(async (err: Error) => {
          const reported = await management.queueDeliveries(vhost).then(
            (qs) => qs.find((q) => q.name === queue),
            (e: Error) => e.message,
          );
          const booted = await management.nodesBootedAt().catch((e: Error) => e.message);
          const rows = await queryRows(
            store,
            `SELECT queue, offset, count, toUnixTimestamp64Milli(last_broker_ts) AS booted, last_seen FROM ${store.db}.event_counts
             WHERE kind = 'deliver' AND queue = {q:String} ORDER BY last_seen`,
            { q: queue },
          );
          throw new Error(
            `${err.message}\nmanagement reports ${JSON.stringify(reported)}, nodes booted ${JSON.stringify(booted)}\nstored readings ${JSON.stringify(rows)}`,
          );
        });

      // Delivered before the counter first looked: its baseline, not counted.
      await publish(30, 'card.mc');
      await consume(fraud, 30);
      await waitUntil(
        async () => (await management.queueDeliveries(vhost)).find((q) => q.name === fraud)?.deliverGet,
        (n) => n === 30,
        STATS_WAIT_MS,
        'the broker to report the early deliveries',
      );
      await release();
      const first = newCounter();
      await first.start();
      // A queue declared while the counter watches is new: all its deliveries count.
      const late = `${name}.late`;
      const setup = await amqp.acquire();
      await setup.queueDeclare({ queue: late, durable: true });
      await setup.queueBind({ queue: late, exchange: cards, routingKey: 'card.#' });
      await setup.close();
      await first.count();

      await publish(3000);
      await consume(fraud, 3000);
      await consume(audit, 1000);
      await consume(late, 3000);
      await counted(first, fraud, 3000);
      await counted(first, audit, 1000);
      await counted(first, late, 3000);
      await release();
      await waitUntil(
        () => management.queueDepth(vhost, tapQueue),
        (n) => n === 0,
        30_000,
        'the tap queue to drain',
      );
      await waitUntil(
        async () => tap?.backlog(),
        (n) => n === 0,
        10_000,
        'nothing left to store',
      );

      const count = (kind: 'publish' | 'deliver') =>
        countEvents(store, { broker: 'rabbitmq', stream: cards, kind }).then((d) => d.count);
      expect(await count('publish')).toBe(3030);
      // 7000 deliveries, none of them a row: the tap queue never received a delivery trace
      expect(await count('deliver')).toBe(7000);
      const [rows] = await queryRows<{ n: string }>(
        store,
        `SELECT count() AS n FROM ${store.db}.events WHERE kind = 'deliver' AND stream = {s:String}`,
        { s: cards },
      );
      expect(Number(rows?.n)).toBe(0);

      // Rounds with nothing new add nothing; a new counter (a restart) resumes from the stored readings.
      await first.count();
      await first.stop();
      const second = newCounter();
      await second.count();
      expect(await delivered(fraud)).toBe(3000);
      await publish(300);
      await consume(fraud, 300);
      await counted(second, fraud, 3300);
      await release();
      await second.count();
      expect(await delivered(fraud)).toBe(3300);
      expect(await delivered(audit)).toBe(1000); // its 100 new messages are still in the queue
    },
  );
});
