// The RabbitMQ objects a tap owns: its durable tap queue and the overflow queue and exchange behind it, and the
// counters its tracing watch saves in RabbitMQ (a global runtime parameter) between runs.
import type { Channel } from 'rabbitmq-client';
import type { Management } from './management.ts';

export const overflowName = (tapQueue: string) => `${tapQueue}.overflow`;

/** The global parameter holding a tap's counters while it is stopped (see tracing-watch.ts). */
export const TAP_COUNTERS_PREFIX = 'rollcall-tap-counters ';
export const tapCountersName = (cluster: string, vhost: string, tapQueue: string) =>
  `${TAP_COUNTERS_PREFIX}${cluster} ${vhost} ${tapQueue}`;

/** Removes a tap's queues and overflow exchange, e.g. when a tap is retired; they are durable by design. */
export async function deleteTapQueues(ch: Channel, tapQueue: string): Promise<void> {
  await ch.queueDelete({ queue: tapQueue }).catch(() => {});
  await ch.queueDelete({ queue: overflowName(tapQueue) }).catch(() => {});
  await ch.exchangeDelete({ exchange: overflowName(tapQueue) }).catch(() => {});
}

/** Forgets the saved counters of taps whose tap queue is gone (retired taps, and tests that delete theirs). */
export async function pruneTapCounters(management: Management): Promise<void> {
  for (const { name, value } of await management.globalParameters(TAP_COUNTERS_PREFIX)) {
    const { vhost, tapQueue } = (value ?? {}) as { vhost?: unknown; tapQueue?: unknown };
    if (typeof vhost !== 'string' || typeof tapQueue !== 'string') continue;
    const exists = await management.queueCounters(vhost, tapQueue).then(
      (q) => q !== undefined,
      () => true, // a vhost this user cannot read is not ours to clean
    );
    if (!exists) await management.deleteGlobalParameter(name);
  }
}

/** Forgets a retired tap's saved counters (a tap started again under the same names then counts from scratch). */
export async function deleteTapCounters(
  management: Management,
  cluster: string,
  vhost: string,
  tapQueue: string,
): Promise<void> {
  await management.deleteGlobalParameter(tapCountersName(cluster, vhost, tapQueue));
}
