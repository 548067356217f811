import { describe, expect, it } from 'vitest';
import { niceScale, niceStep, stepDecimals } from './nice-scale.ts';

describe('niceScale', () => {
  it('puts the ticks of a ratio chart on round steps around its values', () => {
    // the incident's ratio chart: observed 0.806–1.0, band 0.95–1.05, padded by a tenth
    expect(niceScale(0.7877, 1.0704)).toEqual({ domain: [0.7, 1.1], ticks: [0.7, 0.8, 0.9, 1, 1.1] });
  });

  it('handles counts, a flat line and a range that starts at zero', () => {
    expect(niceScale(0, 186)).toEqual({ domain: [0, 200], ticks: [0, 50, 100, 150, 200] });
    const flat = niceScale(5, 5).domain;
    expect(flat[0] < 5 && 5 < flat[1]).toBe(true);
    expect(niceScale(0, 0.3).ticks).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('adds no step for the float noise of a bound already on one, and keeps counts on whole numbers', () => {
    expect(niceScale(0.3, 0.7).domain).toEqual([0.3, 0.7]);
    expect(niceScale(0.95, 1.05).domain).toEqual([0.95, 1.05]);
    expect(niceScale(0, 2, 4, 1).ticks).toEqual([0, 1, 2]);
  });

  it('steps by 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(1000, 4)).toBe(250);
    expect(niceStep(0.28, 4)).toBe(0.1);
    expect(niceStep(7, 4)).toBe(2);
  });
});

describe('stepDecimals', () => {
  it('gives every tick the decimals of its step', () => {
    expect(stepDecimals(niceScale(0.7, 1.1).ticks)).toBe(1);
    expect(stepDecimals([0.75, 1, 1.25])).toBe(2);
    expect(stepDecimals([0, 5, 10])).toBe(0);
    expect(stepDecimals([0.7, 0.7999999999999999])).toBe(1);
    expect(stepDecimals([1])).toBe(0);
  });
});
