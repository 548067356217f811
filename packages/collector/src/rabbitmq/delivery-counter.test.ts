import { describe, expect, it } from 'vitest';
import { deliveriesBetween, lowerThanBefore } from './delivery-counter.ts';

const at = 1_000_000;
const reading = (value: number, bootedAt = 0) => ({ value, bootedAt });

describe('deliveriesBetween', () => {
  it('counts the growth, a first look as the baseline, and a reset from zero', () => {
    expect(deliveriesBetween(reading(30), reading(3030), true)).toEqual({ count: 3000, reset: false });
    expect(deliveriesBetween(undefined, reading(500), false)).toEqual({ count: 0, reset: false });
    expect(deliveriesBetween(undefined, reading(500), true)).toEqual({ count: 500, reset: false });
    expect(deliveriesBetween(reading(3030), reading(40), true)).toEqual({ count: 40, reset: true });
    expect(deliveriesBetween(reading(3030), reading(3100, 60_000), true)).toEqual({ count: 3100, reset: true });
  });
});

describe('lowerThanBefore', () => {
  it('waits out a dip on the same boot, and believes it once it lasts 30 s', () => {
    const before = reading(3030);
    expect(lowerThanBefore(before, reading(2900), undefined, at)).toEqual({ wait: true, since: at });
    expect(lowerThanBefore(before, reading(2900), at, at + 25_000)).toEqual({ wait: true, since: at });
    expect(lowerThanBefore(before, reading(40), at, at + 30_000)).toEqual({ wait: false, since: at });
  });

  it('does not wait for what is not lower, nor for a counter of a later boot', () => {
    expect(lowerThanBefore(reading(3030), reading(3330), at - 5_000, at)).toEqual({ wait: false, since: undefined });
    expect(lowerThanBefore(undefined, reading(10), undefined, at)).toEqual({ wait: false, since: undefined });
    expect(lowerThanBefore(reading(3030), reading(10, 120_000), undefined, at)).toEqual({
      wait: false,
      since: undefined,
    });
  });
});
