// One phase of the firehose benchmark: the RabbitMQ load with the whole host's CPU read over it, and in a traced
// phase a Rollcall tap of its own (its own process, store and tap queue) in the given trace mode, left to settle
// before the load's queues go, then held to what the load published and its consumers received.
import { join } from 'node:path';
import { Connection } from 'rabbitmq-client';
import type { Logger } from '@rollcall/core/log';
import { createManagement } from '@rollcall/collector/rabbitmq/management';
import { deleteTapCounters, deleteTapQueues } from '@rollcall/collector/rabbitmq/tap-queues';
import { startHostCpu } from '../load/host.ts';
import type { LoadOptions } from '../load/options.ts';
import type { RabbitAdmin } from '../load/rabbit-management.ts';
import { rabbitQueuePrefix, rabbitTarget } from '../load/rabbitmq.ts';
import { runLoad } from '../load/run.ts';
import type { LoadTarget } from '../load/target.ts';
import { phaseOf, type OverheadPhase, type TapFigures, type TraceMode } from './phases.ts';
import { settle, type Settled } from './settle.ts';
import { startTapChild, type TapChild, type TapProgress } from './tap-child.ts';

export interface FirehosePhaseOptions {
  label: string;
  /** The firehose is switched by the caller; a trace mode runs a tap consuming it. */
  trace?: TraceMode;
  load: LoadOptions;
  /** Names this phase's load queues and tap queue. */
  id: string;
  /** Holds the tap's config file and store. */
  dir: string;
  settleTimeoutMs: number;
}

export interface FirehosePhaseDeps {
  admin: RabbitAdmin;
  log: Logger;
}

/** The cluster name the bench taps store under and save their tracing-watch counters by. */
const BENCH_CLUSTER = 'rollcall-bench';

/** What a load's producers had accepted by the broker and its consumers were handed (duplicates included). */
interface Handled {
  published: number;
  delivered: number;
}

/** The target, counting what it handled, with `afterLoad` run once its consumers stopped and before its queues
 * are deleted: the delivery counter must read their last deliver_get first (a deleted queue's deliveries since
 * its last reading are never counted). Not run after a failed load. */
function withAfterLoad(target: LoadTarget, afterLoad: (handled: Handled) => Promise<void>): LoadTarget {
  const handled: Handled = { published: 0, delivered: 0 };
  let stopped = false;
  return {
    ...target,
    prepare: (onMessage) =>
      target.prepare((body, at) => {
        handled.delivered++;
        onMessage(body, at);
      }),
    async producer(index) {
      const producer = await target.producer(index);
      return {
        async send(firstSeq, bodies) {
          await producer.send(firstSeq, bodies);
          handled.published += bodies.length;
        },
      };
    },
    async stopConsumers() {
      await target.stopConsumers();
      stopped = true;
    },
    async teardown() {
      try {
        if (stopped) await afterLoad(handled);
      } finally {
        await target.teardown();
      }
    },
  };
}

function startTap(o: FirehosePhaseOptions, trace: TraceMode, vhost: string, tapQueue: string): Promise<TapChild> {
  const dir = join(o.dir, trace);
  return startTapChild(
    'rabbitmq',
    {
      log_level: 'warn',
      clickhouse: { data_dir: join(dir, 'store'), database: 'rollcall_bench_firehose' },
      kafka: { enabled: false },
      rabbitmq: {
        url: o.load.url,
        management_url: o.load.managementUrl,
        vhosts: [vhost],
        tap_queue: tapQueue,
        cluster: BENCH_CLUSTER,
        trace,
      },
      // The lag role is what counts deliveries when publishes only are traced; the tap process runs its counter.
      lag: { enabled: true },
    },
    dir,
  );
}

/** What the tap stored of the load's queues, beside what the load published and its consumers were handed. */
function tapFigures(p: OverheadPhase, trace: TraceMode, stored: TapProgress, settled: Settled): TapFigures {
  const queues = stored.queues ?? { publishes: 0, deliveriesTraced: 0, deliveriesCounted: 0 };
  return {
    trace,
    drainSeconds: settled.drainMs === null ? null : settled.drainMs / 1000,
    publishes: queues.publishes,
    deliveries: trace === 'publish' ? queues.deliveriesCounted : queues.deliveriesTraced,
    delivered: p.records + p.duplicates,
    quiet: settled.quiet,
  };
}

export async function firehosePhase(
  o: FirehosePhaseOptions,
  { admin, log }: FirehosePhaseDeps,
): Promise<OverheadPhase> {
  const tapQueue = `rollcall-bench-tap-${o.id}`;
  const queuePrefix = rabbitQueuePrefix(o.id);
  const connection = new Connection({ url: o.load.url, connectionName: 'rollcall-bench tap queue' });
  let tap: TapChild | undefined;
  try {
    if (o.trace) tap = await startTap(o, o.trace, admin.vhost, tapQueue);
    const tapCpuAtStart = tap ? (await tap.progress()).cpuMicros : 0;
    const cpu = startHostCpu();
    let hostCpuMicros: number | undefined;
    let settled: Settled | undefined;
    let traced = 0;
    const afterLoad = async ({ published, delivered }: Handled) => {
      if (!tap) {
        hostCpuMicros = cpu.busyMicros();
        return;
      }
      // One trace message per publish, and with trace: all one per delivery.
      traced = published + (o.trace === 'all' ? delivered : 0);
      settled = await settle({
        tap,
        tapQueueDepth: async () => (await connection.queueDeclare({ queue: tapQueue, passive: true })).messageCount,
        expectedRows: traced,
        queuePrefix,
        countsDeliveries: o.trace === 'publish',
        timeoutMs: o.settleTimeoutMs,
        // What the tap still had to store is part of what the phase's messages cost.
        onDrained: () => (hostCpuMicros = cpu.busyMicros()),
      });
    };
    const target = withAfterLoad(rabbitTarget(o.load, o.id, { log, admin }), afterLoad);
    const outcome = await runLoad(o.load, { target, log });
    const p = phaseOf(o.label, tap !== undefined, outcome);
    const perSent = (micros: number | undefined) => (micros === undefined || !p.sent ? undefined : micros / p.sent);
    p.hostCpuMicrosPerMessage = perSent(hostCpuMicros);
    if (!tap || !o.trace || !settled) return p;
    const stored = await tap.stop(queuePrefix);
    tap = undefined;
    p.tapRows = stored.rows;
    p.tapBacklog = Math.max(0, traced - settled.rowsAtEnd);
    p.tap = tapFigures(p, o.trace, stored, settled);
    p.tap.cpuMicrosPerMessage = perSent(settled.tapCpuMicros - tapCpuAtStart);
    return p;
  } finally {
    await tap?.stop().catch((err: unknown) => log.warn('could not stop the tap process', { err }));
    // A tap queue left bound to the firehose would take a copy of every later phase's messages.
    if (o.trace) await removeTapQueue(connection, o, admin.vhost, tapQueue, log);
    await connection.close();
  }
}

async function removeTapQueue(
  connection: Connection,
  o: FirehosePhaseOptions,
  vhost: string,
  tapQueue: string,
  log: Logger,
): Promise<void> {
  try {
    const ch = await connection.acquire();
    await deleteTapQueues(ch, tapQueue);
    await ch.close();
    await deleteTapCounters(createManagement(o.load.managementUrl, o.load.url), BENCH_CLUSTER, vhost, tapQueue);
  } catch (err) {
    log.warn('could not delete the bench tap queue', { tapQueue, err });
  }
}
