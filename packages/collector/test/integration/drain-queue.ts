// A consumer standing in for a service: it reads a queue until it has had as many messages as the test sent there.
import type { Connection, ConsumerProps } from 'rabbitmq-client';
import { waitUntil } from '@rollcall/core/testing/brokers';

/** Consumes `n` messages from the queue `props` names, then closes the consumer. */
export async function drainQueue(rabbit: Connection, props: ConsumerProps, n: number, what: string): Promise<void> {
  let consumed = 0;
  const consumer = rabbit.createConsumer(props, async () => {
    consumed++;
  });
  try {
    await waitUntil(
      async () => consumed,
      (c) => c === n,
      30_000,
      what,
    );
  } finally {
    await consumer.close();
  }
}
