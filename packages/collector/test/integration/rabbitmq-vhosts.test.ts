// rabbitmq.vhosts against the real broker: each listed vhost is tapped through its own connection and tap queue,
// and traffic in a vhost that is not listed is not counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { createLogger, silentLogger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import { addTracedVhost, deleteVhost, rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { createRabbitTap, vhostUrl, type RabbitTap } from '../../src/rabbitmq/firehose.ts';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { removeLeftovers } from '../../src/testing/leftovers.ts';
import { rabbitTapConfig } from './tap-config.ts';

const name = uniqueName('rc-vh');
const vhosts = [`${name}-a`, `${name}-b`];
const exchange = `${name}.orders`;
const log = process.env.ROLLCALL_TEST_LOG ? createLogger('debug') : silentLogger;

const config = rabbitTapConfig('rabbitmq-vhosts.test.ts', {
  dataDir: tempDir('rollcall-rabbit-vhosts'),
  database: 'rabbit_vhosts',
  rabbitmq: `tap_queue: ${name}.tap, vhosts: ['${vhosts[0]}', '${vhosts[1]}']`,
});

async function publish(vhost: string, count: number): Promise<void> {
  const rabbit = new Connection(vhost === '/' ? rabbitUrl() : vhostUrl(rabbitUrl(), vhost));
  try {
    const ch = await rabbit.acquire();
    await ch.exchangeDeclare({ exchange, type: 'fanout', autoDelete: false });
    await ch.close();
    const publisher = rabbit.createPublisher({ confirm: true, maxAttempts: 1 });
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        publisher.send({ exchange, routingKey: 'order', messageId: `${vhost}-${i}` }, { i }),
      ),
    );
    await publisher.close();
    const cleanup = await rabbit.acquire();
    await cleanup.exchangeDelete({ exchange });
    await cleanup.close();
  } finally {
    await rabbit.close();
  }
}

describe('RabbitMQ tap with rabbitmq.vhosts', () => {
  const management = createManagement(config.rabbitmq.management_url, config.rabbitmq.url);
  let store: Store;
  let tap: RabbitTap | undefined;

  beforeAll(async () => {
    for (const vhost of vhosts) await addTracedVhost(vhost);
    store = await openStore(config.clickhouse);
  });

  afterAll(async () => {
    await tap?.stop();
    await store?.close();
    for (const vhost of vhosts) await deleteVhost(vhost);
    // the tap queue in / is declared only by a tap that ignores vhosts
    await removeLeftovers({ rabbitUrl: rabbitUrl(), tapQueue: `${name}.tap` });
  });

  it('taps every listed vhost through its own tap queue, and no other vhost', { timeout: 60_000 }, async () => {
    tap = createRabbitTap({ config, store, log, management });
    await tap.start();
    for (const vhost of vhosts) expect(await management.queueDepth(vhost, `${name}.tap`)).toBeGreaterThanOrEqual(0);

    // The same exchange name in both listed vhosts and in /: only the listed vhosts' 30 + 20 are ours.
    await publish(vhosts[0] as string, 30);
    await publish(vhosts[1] as string, 20);
    await publish('/', 7);

    const count = () =>
      countEvents(store, { broker: 'rabbitmq', stream: exchange, kind: 'publish' }).then((d) => d.count);
    await waitUntil(count, (n) => n >= 50, 30_000, 'both vhosts to be stored');
    // Both tap queues drained and acked: nothing more can arrive for this exchange.
    for (const vhost of vhosts)
      await waitUntil(
        () => management.queueDepth(vhost, `${name}.tap`),
        (n) => n === 0,
        30_000,
        `${vhost} tap queue drained`,
      );
    await waitUntil(
      async () => tap?.backlog() ?? 0,
      (n) => n === 0,
      10_000,
      'nothing left to store',
    );
    expect(await count()).toBe(50);
    const rs = await store.client.query({
      query: `SELECT splitByChar('-', message_id)[-2] AS vhost, count() AS n FROM ${store.db}.events WHERE stream = {s:String} AND kind = 'publish' GROUP BY vhost ORDER BY vhost`,
      query_params: { s: exchange },
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ vhost: string; n: string | number }>()).map((r) => [r.vhost, Number(r.n)])).toEqual([
      ['a', 30],
      ['b', 20],
    ]);
  });
});
