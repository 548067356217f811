// Trace messages RabbitMQ drops from a full tap queue while Rollcall is stopped are reported with their number at
// the next start (the overflow queue keeps max_length more; beyond both, RabbitMQ drops them silently).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import { rabbitUrl, tempDir, uniqueName, waitUntil } from '@rollcall/core/testing/brokers';
import { vhostUrl } from '../../src/rabbitmq/firehose.ts';
import { createManagement } from '../../src/rabbitmq/management.ts';
import { deleteTapCounters } from '../../src/rabbitmq/tap-queues.ts';
import { deleteVhostByApi, MANAGEMENT_API, putVhost } from './management-api.ts';
import { rabbitTapConfig } from './tap-config.ts';
import { observedTap } from './test-tap.ts';

const name = uniqueName('rc-overflow');
const vhost = `${name}-vh`;
const management = createManagement(MANAGEMENT_API, rabbitUrl());
const config = rabbitTapConfig('rabbitmq-loss-overflow.test.ts', {
  dataDir: tempDir('rollcall-overflow-it'),
  database: 'overflow_it',
  rabbitmq: `vhosts: ['${vhost}'], tap_queue: ${name}.tap, cluster: overflow, max_length: 1000, prefetch: 500`,
});

describe('RabbitMQ tap queue overflow while Rollcall is stopped', () => {
  let store: Store;

  beforeAll(async () => {
    await putVhost(vhost, { tracing: true });
    store = await openStore(config.clickhouse);
  });

  afterAll(async () => {
    await store?.close();
    await deleteTapCounters(management, 'overflow', vhost, `${name}.tap`).catch(() => {});
    await deleteVhostByApi(vhost);
    await management.setTracing('/', true);
  });

  it('reports the 3,000 trace messages RabbitMQ dropped, at start-up', { timeout: 240_000 }, async () => {
    // A first run declares the queues and saves the counters once they are quiet, then stops.
    const { tap: first, lines: firstLines } = observedTap({ config, store, management, vhost, level: 'debug' });
    await first.start();
    await waitUntil(
      async () => firstLines.join('\n'),
      (t) => t.includes('loss is measured exactly from here'),
      30_000,
      'a quiet reading of the counters',
    );
    await first.stop();

    const exchange = `${name}.burst`;
    const rabbit = new Connection(vhostUrl(rabbitUrl(), vhost));
    const publisher = rabbit.createPublisher({
      confirm: true,
      maxAttempts: 1,
      exchanges: [{ exchange, type: 'fanout', autoDelete: true }],
    });
    for (let i = 0; i < 5000; i += 500)
      await Promise.all(
        Array.from({ length: 500 }, (_, j) =>
          publisher.send({ exchange, routingKey: 'b', type: 'Burst' }, { i: i + j }),
        ),
      );
    // Open until the broker counted the publishes: RabbitMQ folds a channel's publishes into the vhost's counters
    // from the channel's periodic statistics, and a channel closed between two of them can take its last publishes
    // with it (CI saw the loss reported as 0 for 120 s). Real publishers live long; see docs/how-it-counts.md.
    await waitUntil(
      async () => (await management.vhostCounters(vhost)).publish,
      (n) => n >= 5000,
      90_000,
      'the broker to count the 5,000 publishes',
    );
    await publisher.close();
    await rabbit.close();

    const { tap: second, lines, check } = observedTap({ config, store, management, vhost, level: 'debug' });
    await second.start();
    try {
      // The loss is reported once the counters are quiet after the queues drained; the management database can
      // lag far behind on a loaded host, so a timeout says what the tap saw.
      const lost = await waitUntil(
        async () => check()?.lost ?? 0,
        (n) => n > 0,
        120_000,
        'the dropped trace messages to be reported',
      ).catch(async (err: Error) => {
        const counters = await management.queueCounters(vhost, `${name}.tap`).catch((e: Error) => e.message);
        throw new Error(
          `${err.message}\ntap check: ${JSON.stringify(check())}\ntap queue counters: ${JSON.stringify(counters)}\ntap log:\n${lines.join('\n')}`,
        );
      });
      const stored = await waitUntil(
        () => countEvents(store, { broker: 'rabbitmq', stream: exchange, kind: 'publish' }).then((d) => d.count),
        (n) => n >= 2000,
        30_000,
        'what the queues kept to be stored',
      );
      expect(stored).toBe(2000);
      expect(lost).toBe(3000);
      expect(lines.join('\n')).toContain(
        '3000 trace messages (publishes and deliveries) were never stored: while Rollcall was not running',
      );
      expect(check()?.up).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
