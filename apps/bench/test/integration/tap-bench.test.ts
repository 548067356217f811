// The tap benchmark's phases on a small topic against the real brokers: each must see or store exactly
// every record, or its rate means nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkaTargets, tempDir } from '@rollcall/core/testing/brokers';
import { openStore } from '@rollcall/core/store';
import { runBaseline } from '../../src/tap/baseline.ts';
import { collectorConfig, runCollector } from '../../src/tap/collector.ts';
import { prefill } from '../../src/tap/prefill.ts';
import { runStoreOnly } from '../../src/tap/store-only.ts';

const messages = 3000;

describe.each(kafkaTargets())('tap benchmark phases against Kafka $version', ({ brokers }) => {
  const kafka = new Kafka({ clientId: 'rollcall-bench-test', brokers, logLevel: logLevel.NOTHING });
  let admin: Admin;
  let topic: string;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    ({ topic } = await prefill(kafka, admin, { messages, size: 200, partitions: 3, refill: false }));
  });
  afterAll(async () => {
    await admin.disconnect();
  });

  it.each(['kafkajs', 'rollcall'] as const)(
    'bare kafkajs with %s’s record decoder sees every record once',
    { timeout: 60_000 },
    async (decoder) => {
      const result = await runBaseline(kafka, admin, { topic, messages, timeoutMs: 30_000, decoder });
      expect({ complete: result.complete, records: result.records }).toEqual({ complete: true, records: messages });
    },
  );

  it('store only stores every record once', { timeout: 60_000 }, async () => {
    const result = await runStoreOnly(kafka, admin, { brokers, topic, messages, timeoutMs: 30_000 });
    expect({ complete: result.complete, records: result.records, stored: result.storedCount }).toEqual({
      complete: true,
      records: messages,
      stored: messages,
    });
  });

  it('the tap stores every record once', { timeout: 60_000 }, async () => {
    const config = collectorConfig({
      brokers,
      topic,
      dataDir: tempDir('rollcall-bench-tap'),
      groupId: `rollcall-bench-test-${Date.now().toString(36)}`,
    });
    const store = await openStore(config.clickhouse);
    try {
      const result = await runCollector(store, config, { topic, messages, timeoutMs: 30_000 });
      expect({ complete: result.complete, stored: result.storedCount }).toEqual({ complete: true, stored: messages });
      expect(result.inserts.insertBusyShare).toBeLessThanOrEqual(1);
    } finally {
      await store.close();
    }
  });
});
