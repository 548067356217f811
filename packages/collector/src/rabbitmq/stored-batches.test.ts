// Against the embedded ClickHouse engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { eventRow } from '@rollcall/core/testing/event-row';
import { tapBatchesContaining } from './stored-batches.ts';

describe('tapBatchesContaining', () => {
  let store: Store;
  const now = Date.now();

  beforeAll(async () => {
    store = await openStore(parseConfig(`clickhouse: { data_dir: ${tempDir('rollcall-stored-batches')}, database: stored_batches_test }`, 'stored-batches.test.ts').clickhouse);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('finds the stored RabbitMQ batches holding redelivered hashes, with where they sit in their run', async () => {
    const rabbit = (hash: number, at: number) => eventRow(at, { broker: 'rabbitmq', stream: 'x', delivery_hash: hash });
    await store.insertEvents([rabbit(101, now - 120_000), rabbit(102, now - 119_000)], 'rb-1', 11);
    await store.insertEvents([rabbit(103, now - 1000), rabbit(101, now)], 'rb-2', 12);
    const found = await tapBatchesContaining(store, 'local', [101, 999], now - 3_600_000);
    expect(found.sort((a, b) => a.batch - b.batch)).toEqual([
      { run: store.run, batch: 11, hashes: [101, 102], at: now - 119_000, runLast: now },
      { run: store.run, batch: 12, hashes: [103, 101], at: now, runLast: now },
    ]);
    expect(await tapBatchesContaining(store, 'local', [999], now - 3_600_000)).toEqual([]);
  });
});
