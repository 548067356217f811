// Against the embedded ClickHouse engine: the rows the taps store answer "how old is the next unread message".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import type { EventRow } from '@rollcall/core/event';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { eventRow } from '@rollcall/core/testing/event-row';
import { createMessageAges } from './message-age.ts';

// Recent: rows past the events TTL would be dropped.
const T0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const NOW = T0 + 3_600_000;

const event = (over: Partial<EventRow>) =>
  eventRow(T0, { broker_ts: 0, offset: -1, event_type: '', source: '', size: 10, header_count: 0, ...over });

describe('createMessageAges', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openStore(
      parseConfig(`clickhouse: { data_dir: ${tempDir('rollcall-lag-age')}, database: lag_age }`, 'message-age.test.ts')
        .clickhouse,
    );
    // orders/0: offsets 100..109 produced a second apart; 103 and 104 were never stored (the tap started late, say)
    const kafka = Array.from({ length: 10 }, (_, i) => 100 + i)
      .filter((o) => o !== 103 && o !== 104)
      .map((offset) =>
        event({ offset, broker_ts: T0 + (offset - 100) * 1000, observed_at: T0 + (offset - 100) * 1000 + 50 }),
      );
    // the same topic name on another cluster must not be mixed in
    kafka.push(event({ cluster: 'other', offset: 103, broker_ts: T0 - 3_600_000 }));
    // RabbitMQ: 6 publishes routed to fraud (one also to audit), one routed to audit only, 10 s apart
    const rabbit = Array.from({ length: 7 }, (_, i) =>
      event({
        broker: 'rabbitmq',
        stream: 'cards',
        partition: -1,
        observed_at: T0 + i * 10_000,
        routed_queues: i === 6 ? ['audit'] : i === 2 ? ['fraud', 'audit'] : ['fraud'],
      }),
    );
    await store.insertEvents([...kafka, ...rabbit], 'message-age-test', 1);
  });

  afterAll(async () => {
    await store?.close();
  });

  it('answers with the broker time of the record at the committed offset, or of the nearest stored one above it', async () => {
    const ages = createMessageAges(store);
    const wanted = [
      { topic: 'orders', partition: 0, committed: 101, logEnd: 110 },
      { topic: 'orders', partition: 0, committed: 103, logEnd: 110 },
      { topic: 'orders', partition: 0, committed: 110, logEnd: 115 }, // nothing stored yet at or after it
      { topic: 'orders', partition: 1, committed: 0, logEnd: 5 },
    ];
    const found = await ages.kafka('local', wanted, NOW);
    expect(Object.fromEntries(found)).toEqual({ 'orders/0/101': T0 + 1000, 'orders/0/103': T0 + 5000 });
  });

  it('never answers with a record at or beyond the log end', async () => {
    const found = await createMessageAges(store).kafka(
      'local',
      [{ topic: 'orders', partition: 0, committed: 103, logEnd: 105 }],
      NOW,
    );
    expect(found.size).toBe(0);
  });

  it('remembers an answer for as long as it is asked for', async () => {
    const ages = createMessageAges(store);
    const wanted = [{ topic: 'orders', partition: 0, committed: 105, logEnd: 110 }];
    expect(await ages.kafka('local', wanted, NOW)).toEqual(new Map([['orders/0/105', T0 + 5000]]));
    await store.client.command({
      query: `ALTER TABLE ${store.db}.events DELETE WHERE broker = 'kafka' AND offset = 105 SETTINGS mutations_sync = 1`,
    });
    expect(await ages.kafka('local', wanted, NOW)).toEqual(new Map([['orders/0/105', T0 + 5000]]));
    // not asked for in a round: forgotten, so a later question goes to the store again and finds 106
    await ages.kafka('local', [], NOW);
    expect(await ages.kafka('local', wanted, NOW)).toEqual(new Map([['orders/0/105', T0 + 6000]]));
  });

  it('finds a record stored after an earlier round missed it, and keeps answering from the narrowed scan', async () => {
    const ages = createMessageAges(store);
    const wanted = [
      { topic: 'late', partition: 0, committed: 7, logEnd: 20 },
      { topic: 'orders', partition: 0, committed: 108, logEnd: 110 },
    ];
    expect(Object.fromEntries(await ages.kafka('local', wanted, NOW))).toEqual({ 'orders/0/108': T0 + 8000 });
    await store.insertEvents(
      [event({ stream: 'late', offset: 9, broker_ts: NOW + 500, observed_at: NOW + 1000 })],
      'message-age-late',
      2,
    );
    expect(Object.fromEntries(await ages.kafka('local', wanted, NOW + 2000))).toEqual({
      'late/0/7': NOW + 500,
      'orders/0/108': T0 + 8000,
    });
    const moved = [{ topic: 'late', partition: 0, committed: 9, logEnd: 20 }];
    expect(Object.fromEntries(await ages.kafka('local', moved, NOW + 3000))).toEqual({ 'late/0/9': NOW + 500 });
  });

  it('finds the head of a queue as the depth-th newest publish routed to it, or the oldest stored when fewer are', async () => {
    const ages = createMessageAges(store);
    const now = T0 + 120_000;
    const heads = await ages.rabbitmq(
      'local',
      [
        { key: 'fraud', queue: 'fraud', exchanges: ['cards'], depth: 2 },
        { key: 'audit', queue: 'audit', exchanges: ['cards'], depth: 1 },
        { key: 'deep', queue: 'fraud', exchanges: ['cards'], depth: 50 },
        { key: 'elsewhere', queue: 'fraud', exchanges: ['payments'], depth: 2 },
        { key: 'empty', queue: 'fraud', exchanges: ['cards'], depth: 0 },
        { key: 'eu/fraud', queue: 'fraud', exchanges: ['cards'], depth: 1 },
      ],
      now,
    );
    expect(Object.fromEntries(heads)).toEqual({
      fraud: T0 + 40_000,
      audit: T0 + 60_000,
      deep: T0,
      'eu/fraud': T0 + 50_000,
    });
    // next round: the scan starts near last round's heads and still finds them
    const again = await ages.rabbitmq(
      'local',
      [{ key: 'fraud', queue: 'fraud', exchanges: ['cards'], depth: 3 }],
      now + 10_000,
    );
    expect(Object.fromEntries(again)).toEqual({ fraud: T0 + 30_000 });
  });
});
