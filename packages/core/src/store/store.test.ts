import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import type { EventRow } from '../event.ts';
import { eventRow } from '../testing/event-row.ts';
import { arrowBatch } from './arrow-batch.ts';
import { MIGRATIONS } from './migrations.ts';
import { EVENT_COLUMNS } from './row-formats.ts';
import { countEvents } from './queries.ts';
import { openStore, type Store } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'rollcall-store-'));
const cfg = parseConfig('', 'test', { ROLLCALL_DATA_DIR: dir, ROLLCALL_CLICKHOUSE_DATABASE: 'store_test' }).clickhouse;
const now = Date.now();

const row = (offset: number, over: Partial<EventRow> = {}) =>
  eventRow(now, { offset, message_id: `m${offset}`, key_hash: 2 ** 53 - 1, ...over });

let store: Store;
beforeAll(async () => {
  store = await openStore(cfg);
});
afterAll(async () => {
  await store.close();
});

async function rollupCount(stream: string): Promise<number> {
  const rs = await store.client.query({
    query: `SELECT sum(count) AS n FROM store_test.events_per_minute WHERE stream = {s:String}`,
    query_params: { s: stream },
    format: 'JSONEachRow',
  });
  const [first] = await rs.json<{ n: string }>();
  return Number(first?.n ?? 0);
}

describe('store', () => {
  it('records each migration once, however often it runs', async () => {
    await store.close();
    store = await openStore(cfg); // second start runs migrate() again
    const rs = await store.client.query({
      query: 'SELECT version, count() AS n FROM store_test.schema_migrations GROUP BY version ORDER BY version',
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ version: number; n: string | number }>();
    expect(rows.map((r) => [Number(r.version), Number(r.n)])).toEqual(MIGRATIONS.map((m) => [m.version, 1]));
  });

  it('drops a replayed batch by its deduplication token, in the raw table and in the rollup', async () => {
    const batch = [row(0), row(1), row(2)];
    await store.insertEvents(batch, 'batch-a', 1);
    await store.insertEvents(batch, 'batch-a', 1);
    expect((await countEvents(store, { broker: 'kafka', stream: 'orders' })).count).toBe(3);
    expect(await rollupCount('orders')).toBe(3);
    await store.insertEvents([row(3)], 'batch-b', 2);
    expect((await countEvents(store, { broker: 'kafka', stream: 'orders' })).count).toBe(4);
    expect(await rollupCount('orders')).toBe(4);
  });

  // The embedded store sends a batch as Arrow columns unless a value would not travel exactly that way (a time
  // before 2001 here), and then as TabSeparated text: both must store every field as given.
  for (const [path, brokerTs] of [
    ['as text', 946_684_800_007],
    ['as Arrow columns', now - 7],
  ] as const)
    it(`stores every field exactly as given ${path}: escapes, arrays, large ids and times`, async () => {
      const stream = `exact ${path}`;
      const odd = "tab\there, new\nline, back\\slash, quote ' and nul \0, ü€😀";
      const stored = row(1, {
        stream,
        routing_key: odd,
        routed_queues: ["q'1", 'q\t2', ''],
        event_type: odd,
        parse_error: odd,
        key_hash: 2 ** 53 - 1,
        broker_ts: brokerTs,
        observed_at: now,
      });
      const batch = [stored, row(2, { stream, broker_ts: 0, observed_at: now + 1 })];
      expect(arrowBatch(batch, EVENT_COLUMNS, 6, 1) === undefined).toBe(path === 'as text');
      await store.insertEvents(batch, `exact-${path}`, 6);
      const rs = await store.client.query({
        query: `SELECT routing_key, routed_queues, event_type, parse_error, toString(key_hash) AS key_hash, toUnixTimestamp64Milli(broker_ts) AS broker_ts, toUnixTimestamp64Milli(observed_at) AS observed_at
              FROM store_test.events WHERE stream = {stream:String} ORDER BY offset`,
        query_params: { stream },
        format: 'JSONEachRow',
      });
      const got = await rs.json<{
        routing_key: string;
        routed_queues: string[];
        event_type: string;
        parse_error: string;
        key_hash: string;
        broker_ts: string;
        observed_at: string;
      }>();
      expect(got.map((r) => ({ ...r, broker_ts: Number(r.broker_ts), observed_at: Number(r.observed_at) }))).toEqual([
        {
          routing_key: odd,
          routed_queues: ["q'1", 'q\t2', ''],
          event_type: odd,
          parse_error: odd,
          key_hash: String(2 ** 53 - 1),
          broker_ts: brokerTs,
          observed_at: now,
        },
        {
          routing_key: '',
          routed_queues: [],
          event_type: 'OrderPlaced',
          parse_error: '',
          key_hash: String(2 ** 53 - 1),
          broker_ts: 0,
          observed_at: now + 1,
        },
      ]);
    });

  it('counts by event type and kind, honouring since', async () => {
    await store.insertEvents(
      [
        row(0, { stream: 'mix', event_type: 'A' }),
        row(1, { stream: 'mix', event_type: 'B' }),
        row(2, { stream: 'mix', event_type: 'B', kind: 'deliver' }),
        row(3, { stream: 'mix', event_type: 'A', observed_at: now - 3_600_000 }),
      ],
      'mix-1',
      5,
    );
    const all = await countEvents(store, { broker: 'kafka', stream: 'mix' });
    expect(all.count).toBe(4);
    expect(all.by_event_type).toEqual([
      { event_type: 'A', kind: 'publish', count: 2 },
      { event_type: 'B', kind: 'deliver', count: 1 },
      { event_type: 'B', kind: 'publish', count: 1 },
    ]);
    expect((await countEvents(store, { broker: 'kafka', stream: 'mix', eventType: 'B', kind: 'publish' })).count).toBe(
      1,
    );
    expect((await countEvents(store, { broker: 'kafka', stream: 'mix', since: now - 60_000 })).count).toBe(3);
    expect((await countEvents(store, { broker: 'rabbitmq', stream: 'mix' })).count).toBe(0);
  });

  it('keeps a narrow row at the keys level: ids and counts, no trace, headers, schema or parse error', async () => {
    const full = row(7, {
      stream: 'narrow',
      correlation_id: 'c7',
      trace_id: 't7',
      schema_fingerprint: 42,
      parse_error: 'x',
    });
    await store.insertEvents([full, row(8, { stream: 'narrow' })], 'narrow-1', 9, 'keys');
    await store.insertEvents([full, row(8, { stream: 'narrow' })], 'narrow-1', 9, 'keys');
    const rs = await store.client.query({
      query: `SELECT offset, message_id, correlation_id, trace_id, schema_fingerprint, parse_error, header_count, toUInt64(key_hash) AS key_hash
              FROM store_test.events WHERE stream = 'narrow' ORDER BY offset`,
      format: 'JSONEachRow',
    });
    expect((await rs.json<Record<string, unknown>>()).map((r) => Object.values(r).map(String))).toEqual([
      ['7', 'm7', 'c7', '', '0', '', '0', String(2 ** 53 - 1)],
      ['8', 'm8', '', '', '0', '', '0', String(2 ** 53 - 1)],
    ]);
    expect(await rollupCount('narrow')).toBe(2);
  });

  it('stores exact counts and no rows at the counts level, into the same rollups, and drops a replay', async () => {
    const minute = now - (now % 60_000);
    const batch = [
      row(10, { stream: 'tally', broker_ts: minute + 1_000, size: 10 }),
      row(11, { stream: 'tally', broker_ts: minute + 2_000, size: 20, event_type: 'OrderPaid' }),
      row(12, { stream: 'tally', broker_ts: minute + 3_000, size: 30 }),
      row(5, { stream: 'tally', partition: 1, broker_ts: minute - 60_000 + 500, size: 40 }),
    ];
    await store.insertEvents(batch, 'tally-1', 11, 'counts');
    await store.insertEvents(batch, 'tally-1', 11, 'counts');
    expect(await rollupCount('tally')).toBe(4);
    const counted = await countEvents(store, { broker: 'kafka', stream: 'tally' });
    expect([counted.count, counted.by_event_type]).toEqual([
      4,
      [
        { event_type: 'OrderPaid', kind: 'publish', count: 1 },
        { event_type: 'OrderPlaced', kind: 'publish', count: 3 },
      ],
    ]);
    expect((await countEvents(store, { broker: 'kafka', stream: 'tally', since: minute })).count).toBe(3);
    const rows = await store.client.query({
      query: `SELECT count() AS n FROM store_test.events WHERE stream = 'tally'`,
      format: 'JSONEachRow',
    });
    expect((await rows.json<{ n: string }>()).map((r) => Number(r.n))).toEqual([0]); // no row per message

    const rs = await store.client.query({
      query: `SELECT partition, toUnixTimestamp(minute) * 1000 AS minute, event_type, sum(count) AS n, sum(bytes) AS bytes, max(offset) AS offset
              FROM store_test.event_counts WHERE stream = 'tally' GROUP BY partition, minute, event_type ORDER BY partition, minute, event_type`,
      format: 'JSONEachRow',
    });
    expect((await rs.json<Record<string, string | number>>()).map((r) => Object.values(r).map(String))).toEqual([
      ['0', String(minute), 'OrderPaid', '1', '20', '11'],
      ['0', String(minute), 'OrderPlaced', '2', '40', '12'],
      ['1', String(minute - 60_000), 'OrderPlaced', '1', '40', '5'],
    ]);
  });
});
