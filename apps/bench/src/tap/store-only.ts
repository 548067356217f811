// kafkajs into the embedded store with none of the tap's own work: every record becomes a row of fixed shape
// (only offset, timestamp and message id vary) inserted the way the tap inserts: one insert per partition's
// fetch, a partition's next fetch after its previous insert, partitions side by side. What the tap would reach
// on this host if reading metadata from records cost nothing, so the gap to the baseline can be split into
// "the store" and "the tap's own code".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import type { EventRow } from '@rollcall/core/event';
import { openStore, type Store } from '@rollcall/core/store';
import { countEvents } from '@rollcall/core/store/queries';
import { collectorConfig } from './collector.ts';
import { timedConsumer } from './baseline.ts';
import type { PhaseResult } from './meter.ts';
import { eventTypeOf } from './messages.ts';

function rowOf(topic: string, partition: number, m: KafkaMessage, observedAt: number): EventRow {
  const offset = Number(m.offset);
  return {
    observed_at: observedAt,
    broker_ts: Number(m.timestamp),
    broker: 'kafka',
    cluster: 'default',
    stream: topic,
    routing_key: '',
    partition,
    offset,
    kind: 'publish',
    queue: '',
    routed_queues: [],
    event_type: eventTypeOf(offset),
    source: 'card-service',
    message_id: `evt-${offset}`,
    correlation_id: '',
    trace_id: '',
    key_hash: offset * 2654435761,
    size: m.value?.length ?? 0,
    header_count: 5,
    schema_fingerprint: 3318041332224455,
    parse_error: '',
    connection: '',
    user: '',
    delivery_hash: 0,
  };
}

/** Inserts each partition's fetch once the partition's previous one is stored, partitions side by side. */
function consume(
  kafka: Kafka,
  store: Store,
  groupId: string,
  topic: string,
  messages: number,
  timeoutMs: number,
): Promise<PhaseResult> {
  const previous = new Map<number, Promise<void>>();
  return timedConsumer(kafka, { groupId, topic, messages, timeoutMs }, async (batch, progress) => {
    const observedAt = Date.now();
    const rows = batch.messages.map((m) => rowOf(topic, batch.partition, m, observedAt));
    const before = previous.get(batch.partition) ?? Promise.resolve();
    const insert = before.then(() =>
      store.insertEvents(
        rows,
        `store-only/${batch.partition}/${batch.firstOffset()}`,
        Number(batch.firstOffset() ?? 0),
      ),
    );
    previous.set(batch.partition, insert);
    insert.then(
      () => progress.add(rows.length),
      (err: unknown) => progress.fail(err),
    );
    await before;
  });
}

export interface StoreOnlyResult extends PhaseResult {
  /** countEvents on the topic after the run; must equal the message count. */
  storedCount: number;
}

export async function runStoreOnly(
  kafka: Kafka,
  admin: Admin,
  opts: { brokers: string[]; topic: string; messages: number; timeoutMs: number },
): Promise<StoreOnlyResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rollcall-bench-store-only-'));
  const groupId = `rollcall-bench-store-only-${Date.now().toString(36)}`;
  const store = await openStore(
    collectorConfig({ brokers: opts.brokers, topic: opts.topic, dataDir, groupId }).clickhouse,
  );
  try {
    const result = await consume(kafka, store, groupId, opts.topic, opts.messages, opts.timeoutMs);
    const storedCount = (await countEvents(store, { broker: 'kafka', stream: opts.topic })).count;
    return { ...result, complete: result.complete && storedCount === opts.messages, storedCount };
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await admin.deleteGroups([groupId]).catch(() => {});
  }
}
