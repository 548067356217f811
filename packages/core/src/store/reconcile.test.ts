import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { tempDir } from '../testing/brokers.ts';
import { eventRow } from '../testing/event-row.ts';
import { reconcileRollup } from './reconcile.ts';
import { openStore, type Store } from './store.ts';

const cfg = parseConfig('', 'test', {
  ROLLCALL_DATA_DIR: tempDir('rollcall-reconcile'),
  ROLLCALL_CLICKHOUSE_DATABASE: 'reconcile_test',
}).clickhouse;
const now = Date.UTC(2026, 10, 23, 10, 30, 0);
const row = (offset: number, observedAt: number, stream = 's') =>
  eventRow(observedAt, {
    broker_ts: 0,
    cluster: 'c',
    stream,
    offset,
    event_type: 'E',
    source: 'src',
    size: 10,
    header_count: 0,
  });

let store: Store;
beforeAll(async () => {
  store = await openStore(cfg);
});
afterAll(async () => {
  await store.close();
});

async function rollup(): Promise<[string, number, number][]> {
  const rs = await store.client.query({
    query:
      'SELECT stream, toUnixTimestamp(minute) AS m, sum(count) AS n FROM reconcile_test.events_per_minute GROUP BY stream, minute ORDER BY stream, minute',
    format: 'JSONEachRow',
  });
  return (await rs.json<{ stream: string; m: number; n: string | number }>()).map((r) => [
    r.stream,
    Number(r.m),
    Number(r.n),
  ]);
}

describe('reconcileRollup', () => {
  it('adds back what the rollup missed and leaves consistent and unsettled minutes alone', async () => {
    const minute = (k: number) => now - k * 60_000;
    await store.insertEvents(
      [
        row(0, minute(10)),
        row(1, minute(10) + 5),
        row(2, minute(9)),
        row(0, minute(9), 'other'),
        row(3, minute(0) + 1000),
      ],
      't1',
      1,
    );
    // what a crash between the raw part and the view's part looks like: the rollup lost minute(10) of stream s
    await store.client.command({
      query: `DELETE FROM reconcile_test.events_per_minute WHERE stream = 's' AND minute = toDateTime(${minute(10) / 1000})`,
      clickhouse_settings: {},
    });
    expect(await rollup()).toEqual([
      ['other', minute(9) / 1000, 1],
      ['s', minute(9) / 1000, 1],
      ['s', minute(0) / 1000, 1],
    ]);

    const repaired = await reconcileRollup(store, { from: minute(60), settledBefore: minute(1) });
    expect(repaired).toBe(2);
    expect(await rollup()).toEqual([
      ['other', minute(9) / 1000, 1],
      ['s', minute(10) / 1000, 2],
      ['s', minute(9) / 1000, 1],
      ['s', minute(0) / 1000, 1],
    ]);
    expect(await reconcileRollup(store, { from: minute(60), settledBefore: minute(1) })).toBe(0);

    // a later crash loses another minute: repaired as well
    await store.insertEvents([row(4, minute(5)), row(5, minute(5) + 1)], 't2', 2);
    await store.client.command({
      query: `DELETE FROM reconcile_test.events_per_minute WHERE stream = 's' AND minute = toDateTime(${minute(5) / 1000})`,
    });
    expect(await reconcileRollup(store, { from: minute(60), settledBefore: minute(1) })).toBe(2);
    expect((await rollup()).find((r) => r[0] === 's' && r[1] === minute(5) / 1000)).toEqual(['s', minute(5) / 1000, 2]);
  });

  it('writes a shortfall once when two collectors repair it at the same time', async () => {
    const minute = (k: number) => now - k * 60_000;
    await store.insertEvents(
      [row(0, minute(20), 'twice'), row(1, minute(20) + 1, 'twice'), row(2, minute(21), 'twice')],
      't3',
      3,
    );
    await store.client.command({ query: `DELETE FROM reconcile_test.events_per_minute WHERE stream = 'twice'` });
    // Both find the same three missing rows before either writes (each counts what it found).
    const [a, b] = await Promise.all([
      reconcileRollup(store, { from: minute(60), settledBefore: minute(1) }),
      reconcileRollup(store, { from: minute(60), settledBefore: minute(1) }),
    ]);
    expect(a + b).toBeGreaterThanOrEqual(3);
    expect((await rollup()).filter((r) => r[0] === 'twice')).toEqual([
      ['twice', minute(21) / 1000, 1],
      ['twice', minute(20) / 1000, 2],
    ]);
  });

  it('repairs a counts-level stream from event_counts, as exactly as a rows-level one', async () => {
    const minute = (k: number) => now - k * 60_000;
    await store.insertEvents(
      [row(0, minute(30), 'tally'), row(1, minute(30) + 1, 'tally'), row(2, minute(31), 'tally')],
      't4',
      4,
      'counts',
    );
    await store.client.command({ query: `DELETE FROM reconcile_test.events_per_minute WHERE stream = 'tally'` });
    expect(await reconcileRollup(store, { from: minute(60), settledBefore: minute(1) })).toBe(3);
    expect((await rollup()).filter((r) => r[0] === 'tally')).toEqual([
      ['tally', minute(31) / 1000, 1],
      ['tally', minute(30) / 1000, 2],
    ]);
    expect(await reconcileRollup(store, { from: minute(60), settledBefore: minute(1) })).toBe(0);
  });
});
