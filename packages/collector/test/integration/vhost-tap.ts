// A RabbitMQ tap over a traced vhost of the test's own, storing into a store of its own, and the point at which
// the test may count what was stored.
import type { Config } from '@rollcall/core/config/schema';
import type { Logger } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { addTracedVhost, deleteVhost, waitUntil } from '@rollcall/core/testing/brokers';
import { createRabbitTap, type RabbitTap } from '../../src/rabbitmq/firehose.ts';
import type { Management } from '../../src/rabbitmq/management.ts';

export interface VhostTap {
  store: Store;
  tap: RabbitTap;
  /** Everything the tap holds is stored and acked: its tap queue is empty and nothing is waiting for an insert. */
  settled(): Promise<void>;
  /** Stops the tap, closes the store and deletes the vhost (its queues and exchanges with it). */
  stop(): Promise<void>;
}

export async function startVhostTap({
  vhost,
  config,
  log,
  management,
}: {
  vhost: string;
  config: Config;
  log: Logger;
  management: Management;
}): Promise<VhostTap> {
  await addTracedVhost(vhost);
  const store = await openStore(config.clickhouse);
  const tap = createRabbitTap({ config, store, log, management });
  await tap.start();
  return {
    store,
    tap,
    async settled() {
      await waitUntil(
        () => management.queueDepth(vhost, config.rabbitmq.tap_queue),
        (n) => n === 0,
        30_000,
        'the tap queue to drain',
      );
      await waitUntil(
        async () => tap.backlog(),
        (n) => n === 0,
        10_000,
        'nothing left to store',
      );
    },
    async stop() {
      await tap.stop();
      await store.close();
      await deleteVhost(vhost);
    },
  };
}
