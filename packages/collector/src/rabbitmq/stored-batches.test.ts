// Against the embedded ClickHouse engine.
import { describe, expect, it } from 'vitest';
import { embeddedStore } from '@rollcall/core/testing/store';
import { eventRow } from '@rollcall/core/testing/event-row';
import { tapBatchesContaining } from './stored-batches.ts';

describe('tapBatchesContaining', () => {
  const db = embeddedStore('rollcall-stored-batches', 'stored_batches_test');
  const now = Date.now();

  it('finds the stored RabbitMQ batches holding redelivered hashes, with where they sit in their run', async () => {
    const rabbit = (hash: number, at: number) => eventRow(at, { broker: 'rabbitmq', stream: 'x', delivery_hash: hash });
    await db.store.insertEvents([rabbit(101, now - 120_000), rabbit(102, now - 119_000)], 'rb-1', 11);
    await db.store.insertEvents([rabbit(103, now - 1000), rabbit(101, now)], 'rb-2', 12);
    const found = await tapBatchesContaining(db.store, 'local', [101, 999], now - 3_600_000);
    expect(found.sort((a, b) => a.batch - b.batch)).toEqual([
      { run: db.store.run, batch: 11, hashes: [101, 102], at: now - 119_000, runLast: now },
      { run: db.store.run, batch: 12, hashes: [103, 101], at: now, runLast: now },
    ]);
    expect(await tapBatchesContaining(db.store, 'local', [999], now - 3_600_000)).toEqual([]);
  });
});
