// The RabbitMQ objects a tap owns: its durable tap queue and the overflow queue and exchange behind it, and the
// counters its tracing watch saves in RabbitMQ (a global runtime parameter) between runs.
import type { Channel } from 'rabbitmq-client';
import type { Management } from './management.ts';

export const overflowName = (tapQueue: string) => `${tapQueue}.overflow`;

/** The global parameter holding a tap's counters while it is stopped (see tracing-watch.ts). */
export const tapCountersName = (cluster: string, vhost: string, tapQueue: string) => `rollcall-tap-counters ${cluster} ${vhost} ${tapQueue}`;

/** Removes a tap's queues and overflow exchange, e.g. when a tap is retired; they are durable by design. */
export async function deleteTapQueues(ch: Channel, tapQueue: string): Promise<void> {
  await ch.queueDelete({ queue: tapQueue }).catch(() => {});
  await ch.queueDelete({ queue: overflowName(tapQueue) }).catch(() => {});
  await ch.exchangeDelete({ exchange: overflowName(tapQueue) }).catch(() => {});
}

/** Forgets a retired tap's saved counters (a tap started again under the same names then counts from scratch). */
export async function deleteTapCounters(management: Management, cluster: string, vhost: string, tapQueue: string): Promise<void> {
  await management.deleteGlobalParameter(tapCountersName(cluster, vhost, tapQueue));
}
