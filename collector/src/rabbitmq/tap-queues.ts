// The RabbitMQ objects a tap owns: its durable tap queue and the overflow queue and exchange behind it.
import type { Channel } from 'rabbitmq-client';

export const overflowName = (tapQueue: string) => `${tapQueue}.overflow`;

/** Removes a tap's queues and overflow exchange, e.g. when a tap is retired; they are durable by design. */
export async function deleteTapQueues(ch: Channel, tapQueue: string): Promise<void> {
  await ch.queueDelete({ queue: tapQueue }).catch(() => {});
  await ch.queueDelete({ queue: overflowName(tapQueue) }).catch(() => {});
  await ch.exchangeDelete({ exchange: overflowName(tapQueue) }).catch(() => {});
}
