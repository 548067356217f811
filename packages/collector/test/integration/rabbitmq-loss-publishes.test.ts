// What the firehose shows for publishes that never reach a queue: rolled-back AMQP transactions (traced when the
// broker receives the publish, before tx.rollback, with nothing that tells them from committed ones) and
// publishes to an exchange with no binding (counted, with no routed queues).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createRabbitTap, vhostUrl, type RabbitTap } from '../../src/rabbitmq/firehose.ts';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { deleteTapCounters } from '../../src/rabbitmq/tap-queues.ts';
import { deleteVhostByApi, guestAuth, MANAGEMENT_API, putVhost } from './management-api.ts';
import { rabbitTapConfig } from './tap-config.ts';

const name = uniqueName('rc-pubs');
const vhost = `${name}-vh`;
const management = createManagement(MANAGEMENT_API, rabbitUrl());
const config = rabbitTapConfig('rabbitmq-loss-publishes.test.ts', {
  dataDir: tempDir('rollcall-pubs-it'),
  database: 'pubs_it',
  rabbitmq: `vhosts: ['${vhost}'], tap_queue: ${name}.tap, cluster: pubs, prefetch: 500`,
});

describe('RabbitMQ publishes that reach no queue', () => {
  let store: Store;
  let tap: RabbitTap;
  let rabbit: Connection;
  const rows = async (exchange: string) => {
    const rs = await store.client.query({
      query: `SELECT message_id, routed_queues FROM ${store.db}.events WHERE stream = {s:String} AND kind = 'publish' ORDER BY message_id`,
      query_params: { s: exchange },
      format: 'JSONEachRow',
    });
    return rs.json<{ message_id: string; routed_queues: string[] }>();
  };
  const publishIn = async (exchange: string) => {
    const url = `${MANAGEMENT_API}/api/exchanges/${encodeURIComponent(vhost)}/${encodeURIComponent(exchange)}`;
    const res = await fetch(url, { headers: guestAuth });
    return Number(((await res.json()) as { message_stats?: { publish_in?: number } }).message_stats?.publish_in ?? 0);
  };

  beforeAll(async () => {
    await putVhost(vhost, { tracing: true });
    store = await openStore(config.clickhouse);
    tap = createRabbitTap({ config, store, log: silentLogger, management });
    await tap.start();
    rabbit = new Connection(vhostUrl(rabbitUrl(), vhost));
  });

  afterAll(async () => {
    await tap?.stop();
    await rabbit?.close();
    await store?.close();
    await deleteTapCounters(management, 'pubs', vhost, `${name}.tap`).catch(() => {});
    await deleteVhostByApi(vhost);
    await management.setTracing('/', true);
  });

  it(
    'counts rolled-back transactional publishes as published: the firehose traces them and nothing marks them',
    { timeout: 60_000 },
    async () => {
      const exchange = `${name}.tx`;
      const queue = `${name}.txq`;
      const ch = await rabbit.acquire();
      await ch.exchangeDeclare({ exchange, type: 'fanout' });
      await ch.queueDeclare({ queue });
      await ch.queueBind({ queue, exchange });
      await ch.txSelect();
      // 15 transactions of 10; every third (5 in all) is rolled back.
      for (let t = 0; t < 15; t++) {
        for (let i = 0; i < 10; i++)
          await ch.basicPublish(
            {
              exchange,
              routingKey: 'k',
              messageId: `${t % 3 === 2 ? 'rolled-back' : 'committed'}-${String(t).padStart(2, '0')}-${i}`,
            },
            { t, i },
          );
        if (t % 3 === 2) await ch.txRollback();
        else await ch.txCommit();
      }
      await ch.close();

      const stored = await waitUntil(
        () => rows(exchange),
        (r) => r.length >= 150,
        30_000,
        'the traced publishes to be stored',
      );
      // The broker's own counters see only what was committed.
      expect(
        await waitUntil(
          () => publishIn(exchange),
          (n) => n >= 100,
          20_000,
          'publish_in of the exchange',
        ),
      ).toBe(100);
      const queued = async () => (await management.queueCounters(vhost, queue))?.messages ?? 0;
      expect(await waitUntil(queued, (n) => n >= 100, 20_000, 'the committed messages in the queue')).toBe(100);
      // The firehose traced all 150, and a rolled-back publish looks exactly like a committed one (same routed
      // queue, no transaction header): Rollcall counts 150 published for 100 that reached the exchange.
      expect(
        await countEvents(store, { broker: 'rabbitmq', stream: exchange, kind: 'publish' }).then((d) => d.count),
      ).toBe(150);
      expect(stored.filter((r) => r.message_id.startsWith('rolled-back'))).toHaveLength(50);
      expect(new Set(stored.map((r) => JSON.stringify(r.routed_queues)))).toEqual(new Set([JSON.stringify([queue])]));
    },
  );

  it('counts publishes to an exchange with no binding, with no routed queues', { timeout: 60_000 }, async () => {
    const exchange = `${name}.nowhere`;
    const publisher = rabbit.createPublisher({
      confirm: true,
      maxAttempts: 1,
      exchanges: [{ exchange, type: 'direct', autoDelete: true }],
    });
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        publisher.send({ exchange, routingKey: 'nobody', messageId: `u-${i}` }, { i }),
      ),
    );
    await publisher.close();
    const stored = await waitUntil(
      () => rows(exchange),
      (r) => r.length >= 7,
      30_000,
      'the unroutable publishes to be stored',
    );
    expect(stored).toEqual(Array.from({ length: 7 }, (_, i) => ({ message_id: `u-${i}`, routed_queues: [] })));
  });
});
