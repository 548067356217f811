import { describe, expect, it } from 'vitest';
import { Timeline } from './timeline.ts';

describe('Timeline', () => {
  it('buckets acceptances and receipts per second since the start, with each second’s own latency', () => {
    const t = new Timeline(10_000);
    t.accepted(10_100, 5);
    t.accepted(11_900, 3);
    for (let i = 1; i <= 100; i++) t.received(10_500, i); // 1..100 µs in second 0 (exact below 256 µs)
    t.received(12_000, 70); // second 2; second 1 has no receipts
    expect(t.last(12_500)).toEqual({ produced: 3, consumed: 0 });
    expect(t.points()).toEqual([
      { second: 0, produced: 5, consumed: 100, p50: 0.05, p99: 0.099, max: 0.1 },
      { second: 1, produced: 3, consumed: 0, p50: 0, p99: 0, max: 0 },
      { second: 2, produced: 0, consumed: 1, p50: 0.07, p99: 0.07, max: 0.07 },
    ]);
  });
});
