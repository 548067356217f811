// The ceiling: a bare kafkajs consumer with the tap's fetch settings that counts records and discards them.
import type { Admin, Kafka } from 'kafkajs';
import { TAP_CONCURRENCY, TAP_FETCH } from '@rollcall/collector/kafka/tap';
import { startMeter, type PhaseResult } from './meter.ts';

// The tap's own fetch and concurrency settings, so only the tap's own work differs.
const TAP_CONSUMER = { ...TAP_FETCH, sessionTimeout: 30_000, heartbeatInterval: 3000 };

export async function runBaseline(kafka: Kafka, admin: Admin, topic: string, messages: number, timeoutMs: number): Promise<PhaseResult> {
  const groupId = `rollcall-bench-baseline-${Date.now().toString(36)}`;
  const consumer = kafka.consumer({ groupId, ...TAP_CONSUMER });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let done: () => void = () => {};
  const allSeen = new Promise<void>((resolve) => (done = resolve));
  const meter = startMeter();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: TAP_CONCURRENCY,
      eachBatch: async ({ batch }) => {
        meter.firstRecord();
        seen += batch.messages.length;
        if (seen >= messages) done();
      },
    });
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const late = await Promise.race([allSeen.then(() => false), timedOut]);
    return meter.finish(seen, !late && seen === messages);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}
