// What a test leaves on the shared brokers, removed when it is done: its tap's queues (durable by design, so one
// left behind fills up with later traffic), the queues and exchanges it declared, its topics and consumer groups.
import { Kafka, logLevel } from 'kafkajs';
import { Connection } from 'rabbitmq-client';
import { deleteTapQueues } from '../rabbitmq/tap-queues.ts';

export interface Leftovers {
  rabbitUrl?: string;
  tapQueue?: string;
  queues?: string[];
  exchanges?: string[];
  kafkaBrokers?: string[];
  topics?: string[];
  groups?: string[];
}

/** Topics and groups that are already gone (or never came) are not an error. */
export async function removeLeftovers({
  rabbitUrl,
  tapQueue,
  queues = [],
  exchanges = [],
  kafkaBrokers,
  topics = [],
  groups = [],
}: Leftovers): Promise<void> {
  if (rabbitUrl !== undefined) {
    const rabbit = new Connection(rabbitUrl);
    try {
      const ch = await rabbit.acquire();
      if (tapQueue !== undefined) await deleteTapQueues(ch, tapQueue);
      for (const queue of queues) await ch.queueDelete({ queue });
      for (const exchange of exchanges) await ch.exchangeDelete({ exchange });
      await ch.close();
    } finally {
      await rabbit.close();
    }
  }
  if (kafkaBrokers !== undefined) {
    const admin = new Kafka({
      clientId: 'rollcall-test-cleanup',
      brokers: kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
    } finally {
      await admin.disconnect();
    }
  }
}
