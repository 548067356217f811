import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.ts';

describe('createPacer', () => {
  it('hands out what the clock owes at the target rate, in batches no larger than the maximum', () => {
    const p = createPacer(1000, 0, 50); // one message per ms
    expect(p.take(0)).toBe(1);
    expect(p.take(0)).toBe(0);
    expect(p.waitMs(0.2)).toBeCloseTo(0.8);
    expect(p.take(10)).toBe(10);
    // A producer that stalled for 200 ms catches up, one batch at a time.
    expect(p.take(210)).toBe(50);
    expect(p.take(210)).toBe(50);
    expect(p.take(210)).toBe(50);
    expect(p.take(210)).toBe(50);
    expect(p.take(210)).toBe(0);
    expect(p.waitMs(210)).toBeCloseTo(1);
  });

  it('always hands out a full batch at rate 0', () => {
    const p = createPacer(0, 0, 500);
    expect([p.take(0), p.take(0), p.waitMs(0)]).toEqual([500, 500, 0]);
  });
});
