// The ceiling: a bare kafkajs consumer with the tap's fetch settings that counts records and discards them.
// kafkajs decodes its records with its own record decoder, as a user's consumer does; the tap's module puts
// Rollcall's in its place process-wide, so the baseline switches back for its run. With `decoder: 'rollcall'` it is
// the same bare consumer with the tap's decoder: what is left between it and the tap is the tap's own work.
import type { Admin, Batch, Kafka } from 'kafkajs';
import { installRecordDecoder, useRecordDecoder } from '@rollcall/collector/kafka/record-decoder';
import { TAP_CONCURRENCY, TAP_FETCH } from '@rollcall/collector/kafka/tap';
import { startMeter, type PhaseResult } from './meter.ts';

// The tap's own fetch and concurrency settings, so only the tap's own work differs.
const TAP_CONSUMER = { ...TAP_FETCH, sessionTimeout: 30_000, heartbeatInterval: 3000 };

export interface Progress {
  /** `n` more records are done (seen, or stored); the phase ends once all are. */
  add(n: number): void;
  fail(err: unknown): void;
}

/** Times a kafkajs consumer with the tap's settings over the topic from its beginning, until `messages` records
 * are done or the timeout passes. */
export async function timedConsumer(
  kafka: Kafka,
  opts: { groupId: string; topic: string; messages: number; timeoutMs: number },
  handle: (batch: Batch, progress: Progress) => Promise<void>,
): Promise<PhaseResult> {
  const consumer = kafka.consumer({ groupId: opts.groupId, ...TAP_CONSUMER });
  await consumer.connect();
  await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
  let done = 0;
  let finished: () => void = () => {};
  let failed: (err: unknown) => void = () => {};
  const allDone = new Promise<void>((resolve, reject) => ((finished = resolve), (failed = reject)));
  const progress: Progress = {
    add(n) {
      done += n;
      if (done >= opts.messages) finished();
    },
    fail: (err) => failed(err),
  };
  const meter = startMeter();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: TAP_CONCURRENCY,
      eachBatch: async ({ batch }) => {
        meter.firstRecord();
        await handle(batch, progress);
      },
    });
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), opts.timeoutMs)));
    const late = await Promise.race([allDone.then(() => false), timedOut]);
    return meter.finish(done, !late && done === opts.messages);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

export async function runBaseline(
  kafka: Kafka,
  admin: Admin,
  opts: { topic: string; messages: number; timeoutMs: number; decoder: 'kafkajs' | 'rollcall' },
): Promise<PhaseResult> {
  const { topic, messages, timeoutMs } = opts;
  if (opts.decoder === 'rollcall' && !installRecordDecoder())
    throw new Error("the tap's record decoder could not be installed: kafkajs had decoded records already");
  const groupId = `rollcall-bench-baseline-${Date.now().toString(36)}`;
  useRecordDecoder(opts.decoder);
  try {
    return await timedConsumer(kafka, { groupId, topic, messages, timeoutMs }, async (batch, progress) =>
      progress.add(batch.messages.length),
    );
  } finally {
    useRecordDecoder('rollcall');
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}
