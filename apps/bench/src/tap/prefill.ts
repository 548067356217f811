// Fills the benchmark topic once. A topic that already holds exactly the wanted records (by admin offsets) is
// reused so reruns skip straight to the measurements; anything else under that name is dropped and rebuilt.
import type { Admin, Kafka } from 'kafkajs';
import { messageOf } from './messages.ts';
import { createReadyTopics } from '@rollcall/core/kafka-topics';

export interface PrefillResult {
  topic: string;
  reused: boolean;
  /** From this run, or when the topic was reused, carried over from the run that filled it (if recorded). */
  produce?: { at: string; ms: number; msgPerSec: number; batch: number; inFlight: number };
}

// kafkajs writes one record batch per partition per send, and the broker refuses batches over 1 MiB
// (max.message.bytes): keep a send, headers and key included, well under that even on a single partition.
const SEND_BYTES = 768 * 1024;
const RECORD_OVERHEAD = 120;
const IN_FLIGHT = 8;

export const topicName = (messages: number, size: number, partitions: number) =>
  `rollcall-bench-tap-${messages}-${size}-${partitions}`;

async function recordsIn(admin: Admin, topic: string): Promise<{ partitions: number; records: number } | undefined> {
  if (!(await admin.listTopics()).includes(topic)) return undefined;
  const offsets = await admin.fetchTopicOffsets(topic);
  return { partitions: offsets.length, records: offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0) };
}

async function recreate(admin: Admin, topic: string, partitions: number) {
  if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
  // Deletion finishes asynchronously on the broker; creating too early fails with "already exists".
  for (let attempt = 0; ; attempt++) {
    try {
      await createReadyTopics(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 2000)));
    }
  }
}

export async function prefill(
  kafka: Kafka,
  admin: Admin,
  opts: { messages: number; size: number; partitions: number; refill: boolean },
): Promise<PrefillResult> {
  const topic = topicName(opts.messages, opts.size, opts.partitions);
  const found = await recordsIn(admin, topic);
  if (!opts.refill && found && found.partitions === opts.partitions && found.records === opts.messages)
    return { topic, reused: true };
  await recreate(admin, topic, opts.partitions);

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const batch = Math.max(1, Math.min(10_000, Math.floor(SEND_BYTES / (opts.size + RECORD_OVERHEAD))));
    const at = new Date().toISOString();
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < opts.messages) {
        const from = next;
        next = Math.min(opts.messages, next + batch);
        const messages = [];
        for (let i = from; i < next; i++) messages.push(messageOf(i, opts.size));
        await producer.send({ topic, acks: -1, messages });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const ms = performance.now() - started;
    const check = await recordsIn(admin, topic);
    if (check?.records !== opts.messages)
      throw new Error(`prefill: ${topic} holds ${check?.records ?? 0} records, expected ${opts.messages}`);
    return {
      topic,
      reused: false,
      produce: { at, ms, msgPerSec: (opts.messages / ms) * 1000, batch, inFlight: IN_FLIGHT },
    };
  } finally {
    await producer.disconnect();
  }
}
