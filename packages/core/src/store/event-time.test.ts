// Event time in the store: event_at is the broker's time, clamped to observed_at (and counted in clock_skew)
// when the producer's clock is far ahead or behind; the per-minute rollup counts by event minute.
import { describe, expect, it } from 'vitest';
import { clockSkew, EVENT_TIME_MAX_AHEAD_MS, EVENT_TIME_MAX_BEHIND_MS } from '../event.ts';
import { numberedRow } from '../testing/event-row.ts';
import { embeddedStore } from '../testing/store.ts';
import { queryRows } from './queries.ts';

const observed = Date.UTC(2026, 11, 4, 12, 30, 20);
const MIN = 60_000;

const row = (offset: number, brokerTs: number) =>
  numberedRow(offset, observed, {
    broker_ts: brokerTs,
    stream: 'cards',
    event_type: 'CardAuthorized',
    source: 'card-service',
  });

describe('event time', () => {
  const db = embeddedStore('rollcall-event-time', 'event_time');

  const cases = [
    { name: 'three minutes late (a lagging tap)', brokerTs: observed - 3 * MIN, eventAt: observed - 3 * MIN, skew: 0 },
    { name: 'unknown', brokerTs: 0, eventAt: observed, skew: 0 },
    { name: 'an hour ahead', brokerTs: observed + 60 * MIN, eventAt: observed, skew: 1 },
    {
      name: 'just within the future bound',
      brokerTs: observed + EVENT_TIME_MAX_AHEAD_MS,
      eventAt: observed + EVENT_TIME_MAX_AHEAD_MS,
      skew: 0,
    },
    { name: 'a year behind', brokerTs: observed - 365 * 1440 * MIN, eventAt: observed, skew: -1 },
    {
      name: 'six days behind (a tap catching up)',
      brokerTs: observed - EVENT_TIME_MAX_BEHIND_MS + MIN,
      eventAt: observed - EVENT_TIME_MAX_BEHIND_MS + MIN,
      skew: 0,
    },
  ];

  it('takes the broker time, clamps untrusted clocks to observed_at and counts them', async () => {
    const { store } = db;
    await store.insertEvents(
      cases.map((c, i) => row(i, c.brokerTs)),
      'event-time',
      1,
    );
    const found = await queryRows<{ offset: string; event_at: string; clock_skew: number }>(
      store,
      `SELECT offset, toUnixTimestamp64Milli(event_at) AS event_at, clock_skew FROM ${store.db}.events ORDER BY offset`,
      {},
    );
    expect(found.map((r) => [Number(r.event_at), Number(r.clock_skew)])).toEqual(cases.map((c) => [c.eventAt, c.skew]));
    expect(cases.map((c) => clockSkew(c.brokerTs, observed))).toEqual(cases.map((c) => c.skew));
  });

  it('rolls up by event minute', async () => {
    const { store } = db;
    const minutes = await queryRows<{ minute: string; n: string }>(
      store,
      `SELECT toUnixTimestamp(minute) * 1000 AS minute, sum(count) AS n FROM ${store.db}.events_per_minute GROUP BY minute ORDER BY minute`,
      {},
    );
    const expected = new Map<number, number>();
    for (const c of cases)
      expected.set(Math.floor(c.eventAt / MIN) * MIN, (expected.get(Math.floor(c.eventAt / MIN) * MIN) ?? 0) + 1);
    expect(minutes.map((m) => [Number(m.minute), Number(m.n)])).toEqual(
      [...expected.entries()].sort((a, b) => a[0] - b[0]),
    );
  });
});
