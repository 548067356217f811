// The hourly rollup: fed through the per-minute one (replays and repairs included), and read for whole hours by
// the streams list and long-range series with the same sums the raw rows give, whatever the range's edges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { hourlyRollupSince, queryRows } from '@rollcall/core/store/queries';
import { reconcileRollup } from '@rollcall/core/store/reconcile';
import { tempDir } from '@rollcall/core/testing/brokers';
import { listStreams, streamDetail } from '../../src/read/streams.ts';
import { series } from '../../src/read/series.ts';
import { splitRange } from '../../src/read/rollup.ts';
import { row } from './fixture.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
// Three days of traffic ending now, one event every 7 minutes and 13 seconds, so hours and minutes are uneven.
const END = Math.floor(Date.now() / MINUTE) * MINUTE;
const TIMES = Array.from({ length: 600 }, (_, i) => END - 3 * 24 * HOUR + i * 433_000).filter((t) => t < END);

let store: Store;
beforeAll(async () => {
  const cfg = parseConfig('', 'rollup.test.ts', {
    ROLLCALL_DATA_DIR: tempDir('rollcall-rollup'),
    ROLLCALL_CLICKHOUSE_DATABASE: 'rollup_test',
  }).clickhouse;
  store = await openStore(cfg);
  const rows = TIMES.map((t, i) =>
    row(i, { observed_at: t, stream: i % 2 ? 'orders' : 'payments', size: 100 + (i % 7) }),
  );
  await store.insertEvents(rows, 'rollup-test/1', 1);
  await store.insertEvents(rows, 'rollup-test/1', 1); // a replay: dropped, in both rollups
});
afterAll(async () => {
  await store?.close();
});

const raw = async (from: number, to: number) => {
  const rows = await queryRows<{ stream: string; n: string; b: string }>(
    store,
    `SELECT stream, count() AS n, sum(size) AS b FROM rollup_test.events WHERE observed_at >= fromUnixTimestamp64Milli({from:Int64}) AND observed_at < fromUnixTimestamp64Milli({to:Int64}) GROUP BY stream ORDER BY stream`,
    { from, to },
  );
  return rows.map((r) => ({ stream: r.stream, count: Number(r.n), bytes: Number(r.b) }));
};

describe('hourly rollup', () => {
  it('holds every event once, replay and all, from the start of a store that began empty', async () => {
    expect(await hourlyRollupSince(store)).toBe(0);
    const [hourly] = await queryRows<{ n: string }>(
      store,
      'SELECT sum(count) AS n FROM rollup_test.events_per_hour',
      {},
    );
    expect(Number(hourly?.n)).toBe(TIMES.length);
  });

  it('splits a range into whole hours and per-minute edges, keeping the newest minute per-minute', () => {
    const from = END - 26 * HOUR + 17 * MINUTE;
    const split = splitRange({ from, to: END + 5_000 }, 0);
    expect(split.hours?.[0]).toBe(Math.ceil(from / HOUR) * HOUR);
    expect(split.minutes.at(-1)?.[1]).toBe(END + 5_000);
    expect(split.minutes.at(-1)?.[0]).toBeLessThanOrEqual(END - MINUTE);
    // Before the hourly rollup began, everything is per-minute.
    expect(splitRange({ from, to: END }, Infinity)).toEqual({ minutes: [[from, END]], hours: null });
  });

  it('lists streams over a day with the counts and bytes of the raw rows, also for a range off the hour', async () => {
    for (const [from, to] of [
      [END - 24 * HOUR, END],
      [END - 24 * HOUR - 23 * MINUTE, END - 41 * MINUTE],
      [END - 50 * HOUR + 7 * MINUTE, END - 3 * HOUR],
    ] as const) {
      const listed = await listStreams(store, { from, to });
      expect({ from, streams: listed.map((s) => ({ stream: s.stream, count: s.count, bytes: s.bytes })) }).toEqual({
        from,
        streams: await raw(from, to),
      });
    }
  });

  it('describes one stream over a day with the counts and bytes of the raw rows, per event type and source', async () => {
    for (const [from, to] of [
      [END - 24 * HOUR, END],
      [END - 50 * HOUR + 7 * MINUTE, END - 3 * HOUR - 19 * MINUTE],
    ] as const) {
      const expected = (await raw(from, to)).find((r) => r.stream === 'orders');
      const detail = await streamDetail(store, 'kafka', 'orders', { from, to });
      expect({ from, count: detail?.count, bytes: detail?.bytes }).toEqual({
        from,
        count: expected?.count,
        bytes: expected?.bytes,
      });
      expect(detail?.event_types.reduce((n, t) => n + t.count, 0)).toBe(expected?.count);
      expect(detail?.sources.reduce((n, t) => n + t.count, 0)).toBe(expected?.count);
    }
  });

  it('draws a week with hourly steps whose points add up to the raw rows in each bucket', async () => {
    const range = { from: END - 7 * 24 * HOUR + 11 * MINUTE, to: END };
    const result = await series(store, range, { by: 'stream' });
    expect(result.step_seconds).toBe(3600);
    for (const s of result.series) {
      for (const p of s.points) {
        const start = Math.max(Date.parse(p.t), range.from);
        // Before the stream's first message the point is a gap, not a zero.
        const first = TIMES.find((_, i) => (i % 2 ? 'orders' : 'payments') === s.key) ?? 0;
        const expected =
          Date.parse(p.t) + 3600_000 <= Math.floor(first / MINUTE) * MINUTE
            ? null
            : ((await raw(start, Date.parse(p.t) + 3600_000)).find((r) => r.stream === s.key)?.count ?? 0);
        if (p.count !== expected)
          expect({ stream: s.key, t: p.t, count: p.count }).toEqual({ stream: s.key, t: p.t, count: expected });
      }
    }
    expect(result.series.flatMap((s) => s.points).reduce((a, p) => a + (p.count ?? 0), 0)).toBe(
      (await raw(range.from, range.to)).reduce((a, r) => a + r.count, 0),
    );
  });

  it('reads hours from before the hourly rollup began from the per-minute rollup', async () => {
    // As after an upgrade: the hourly table only holds what came after the marker.
    const since = END - 10 * HOUR;
    await store.client.command({
      query: `ALTER TABLE rollup_test.events_per_hour DELETE WHERE hour < toDateTime(${since / 1000}) SETTINGS mutations_sync = 1`,
    });
    await store.client.command({
      query: `ALTER TABLE rollup_test.tap_markers DELETE WHERE name = 'rollup-hourly-since' SETTINGS mutations_sync = 1`,
    });
    await store.client.command({
      query: `INSERT INTO rollup_test.tap_markers (name, at) VALUES ('rollup-hourly-since', fromUnixTimestamp64Milli(${since}))`,
    });
    const fresh = { ...store }; // the marker is cached per store object
    const from = END - 30 * HOUR + 5 * MINUTE;
    const listed = await listStreams(fresh, { from, to: END });
    expect(listed.map((s) => ({ stream: s.stream, count: s.count, bytes: s.bytes }))).toEqual(await raw(from, END));
  });

  it('gets a rollup repair through to the hourly rollup too', async () => {
    const lost = END - 5 * HOUR + 3 * MINUTE;
    await store.insertEvents(
      [row(9001, { observed_at: lost, stream: 'late' }), row(9002, { observed_at: lost + 1000, stream: 'late' })],
      'rollup-test/2',
      2,
    );
    // A crash between the raw part and the views' parts:
    await store.client.command({
      query: `ALTER TABLE rollup_test.events_per_minute DELETE WHERE stream = 'late' SETTINGS mutations_sync = 1`,
    });
    await store.client.command({
      query: `ALTER TABLE rollup_test.events_per_hour DELETE WHERE stream = 'late' SETTINGS mutations_sync = 1`,
    });
    expect(await reconcileRollup(store, { from: END - 6 * HOUR, settledBefore: END - 60 * MINUTE })).toBe(2);
    const [hourly] = await queryRows<{ n: string }>(
      store,
      `SELECT sum(count) AS n FROM rollup_test.events_per_hour WHERE stream = 'late'`,
      {},
    );
    expect(Number(hourly?.n)).toBe(2);
  });
});
