import { describe, expect, it } from 'vitest';
import { rateOf, sumRates } from './rates.ts';

describe('flow rates', () => {
  it('sums what is known, and stays unknown only while every part is', () => {
    expect(sumRates([{ msg_per_sec: null }, { msg_per_sec: null }])).toBeNull();
    expect(sumRates([{ msg_per_sec: null }, { msg_per_sec: 2.5 }])).toBe(2.5);
    expect(sumRates([{ msg_per_sec: 0 }, { msg_per_sec: null }])).toBe(0);
    expect(sumRates([])).toBeNull();
    expect(rateOf({ msg_per_sec: null })).toBe(0);
  });
});
