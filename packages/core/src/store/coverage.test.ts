// Tap coverage: one read of heartbeats summarised for any stretch inside it says what a read of that stretch says
// (a backtest page's windows share one read), against the real engine.
import { describe, expect, it } from 'vitest';
import { embeddedStore } from '../testing/store.ts';
import { coverageBetween, heartbeatsBetween, insertHeartbeats, summariseCoverage, type Heartbeat } from './coverage.ts';

const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);
const SEC = 1000;

// kafka beats every 5 s but misses 20 s and is down once; rabbitmq/orders starts late; another tap is not asked for.
const beats: Heartbeat[] = [
  ...[0, 5, 10, 30, 35, 40].map((s) => ({
    tap: 'kafka',
    at: T0 + s * SEC,
    up: s !== 35,
    watermark: T0 + s * SEC - 2 * SEC,
    reason: s === 35 ? 'consumer crashed' : '',
  })),
  ...[20, 25, 30].map((s) => ({ tap: 'rabbitmq/orders', at: T0 + s * SEC, up: true, watermark: T0, reason: '' })),
  { tap: 'nats', at: T0 + 10 * SEC, up: false, watermark: 0, reason: 'not asked for' },
];

describe('tap coverage', () => {
  const db = embeddedStore('rollcall-coverage-read', 'coverage_read');

  it('summarises any stretch of one wide read as a read of that stretch would', async () => {
    await insertHeartbeats(db.store, beats);
    const prefixes = ['kafka', 'rabbitmq'];
    const wide = await heartbeatsBetween(db.store, prefixes, T0 - 60 * SEC, T0 + 60 * SEC);
    expect(wide.map((b) => b.tap)).toEqual([...Array(6).fill('kafka'), ...Array(3).fill('rabbitmq/orders')]);
    const stretches = [
      [-5, 50, -5],
      [0, 40, 36], // the down beat is before downFrom
      [8, 33, 8],
      [12, 28, 12], // no kafka beat inside
      [30, 30, 30],
    ];
    for (const [from = 0, to = 0, downFrom = 0] of stretches) {
      const range = [T0 + from * SEC, T0 + to * SEC, T0 + downFrom * SEC] as const;
      expect(summariseCoverage(wide, ...range)).toEqual(await coverageBetween(db.store, prefixes, ...range));
    }
    expect(summariseCoverage(wide, T0, T0 + 40 * SEC)).toEqual([
      {
        tap: 'kafka',
        first: T0,
        last: T0 + 40 * SEC,
        maxGap: 20 * SEC,
        down: 1,
        downReason: 'consumer crashed',
        watermark: T0 + 38 * SEC,
      },
      {
        tap: 'rabbitmq/orders',
        first: T0 + 20 * SEC,
        last: T0 + 30 * SEC,
        maxGap: 5 * SEC,
        down: 0,
        downReason: '',
        watermark: T0,
      },
    ]);
  });
});
