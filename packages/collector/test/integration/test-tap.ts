// A RabbitMQ tap for an integration test, storing into a store of its own, and the point at which the test may
// count what was stored; or a tap whose log lines and health the test reads.
import type { Config } from '@rollcall/core/config/schema';
import { createLogger, type Logger, type LogLevel } from '@rollcall/core/log';
import { openStore, type Store } from '@rollcall/core/store';
import { createTapHealth, type TapCheck } from '@rollcall/core/tap-health';
import { addTracedVhost, deleteVhost, waitUntil } from '@rollcall/core/testing/brokers';
import { createRabbitTap, type RabbitTap } from '../../src/rabbitmq/firehose.ts';
import type { Management } from '../../src/rabbitmq/management.ts';
import { removeLeftovers } from '../../src/testing/leftovers.ts';

export interface TestTap {
  store: Store;
  tap: RabbitTap;
  /** Everything the tap holds is stored and acked: its tap queue is empty and nothing is waiting for an insert. */
  settled(): Promise<void>;
  /** Stops the tap, closes the store and removes what the tap made on the broker. */
  stop(): Promise<void>;
}

/**
 * With `vhost`, the tap watches a traced vhost of the test's own, made here and deleted by stop() (its queues and
 * exchanges with it); without, it watches the vhosts the config names and stop() deletes its tap queues there.
 */
export async function startTestTap({
  config,
  log,
  management,
  vhost,
}: {
  config: Config;
  log: Logger;
  management: Management;
  vhost?: string;
}): Promise<TestTap> {
  if (vhost !== undefined) await addTracedVhost(vhost);
  const store = await openStore(config.clickhouse);
  const tap = createRabbitTap({ config, store, log, management });
  await tap.start();
  const tapQueue = config.rabbitmq.tap_queue;
  return {
    store,
    tap,
    async settled() {
      await waitUntil(
        () => management.queueDepth(vhost ?? '/', tapQueue),
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
      if (vhost !== undefined) {
        await deleteVhost(vhost);
        return;
      }
      await removeLeftovers({ rabbitUrl: config.rabbitmq.url, tapQueue });
    },
  };
}

export interface ObservedTap {
  tap: RabbitTap;
  /** The tap's log lines at the level asked for and above. */
  lines: string[];
  /** The tap's health check for the vhost. */
  check(): TapCheck | undefined;
}

/** A tap (not started yet) on `vhost` whose log lines and health the test reads. */
export function observedTap({
  config,
  store,
  management,
  vhost,
  level = 'info',
  onChange,
}: {
  config: Config;
  store: Store;
  management: Management;
  vhost: string;
  level?: LogLevel;
  onChange?: (check: TapCheck) => void;
}): ObservedTap {
  const lines: string[] = [];
  const health = createTapHealth({ onChange });
  const tap = createRabbitTap({
    config,
    store,
    log: createLogger(level, {}, (l) => lines.push(l)),
    management,
    health,
  });
  return { tap, lines, check: () => health.checks().find((c) => c.tap === `rabbitmq/${vhost}`) };
}
