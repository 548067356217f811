import { describe, expect, it } from 'vitest';
import {
  binomialAtLeast,
  binomialAtMost,
  countAtLeast,
  countAtMost,
  formatP,
  lnGamma,
  poissonAtLeast,
  poissonAtMost,
  significant,
} from './significance.ts';

/** Tail sums of the probability mass, term by term in log space: slow, but obviously right. */
const lnChoose = (n: number, k: number) => lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);
const binomialSum = (from: number, to: number, n: number, p: number) => {
  let sum = 0;
  for (let i = from; i <= to; i++) sum += Math.exp(lnChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return sum;
};
const poissonSum = (from: number, to: number, mean: number) => {
  let sum = 0;
  for (let i = from; i <= to; i++) sum += Math.exp(i * Math.log(mean) - mean - lnGamma(i + 1));
  return sum;
};

describe('significance', () => {
  it('computes ln Γ', () => {
    expect(lnGamma(10)).toBeCloseTo(Math.log(362_880), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  });

  it('gives binomial tails, small and large', () => {
    expect(binomialAtMost(2, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialAtLeast(8, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialAtMost(10, 10, 0.3)).toBe(1);
    expect(binomialAtLeast(11, 10, 0.3)).toBe(0);
    // far out in the tail the relative error stays small
    const exact = binomialSum(0, 820, 1000, 0.9);
    expect(exact).toBeLessThan(1e-12);
    expect(binomialAtMost(820, 1000, 0.9) / exact).toBeCloseTo(1, 8);
    expect(binomialAtLeast(940, 1000, 0.9) / binomialSum(940, 1000, 1000, 0.9)).toBeCloseTo(1, 8);
    // a million trials: no loop over them
    expect(binomialAtMost(899_000, 1_000_000, 0.9)).toBeCloseTo(0.000434, 5);
  });

  it('gives Poisson tails', () => {
    expect(poissonAtMost(1, 2)).toBeCloseTo(3 * Math.exp(-2), 12);
    expect(poissonAtLeast(20, 10) / poissonSum(20, 200, 10)).toBeCloseTo(1, 8);
    expect(poissonAtMost(40, 100) / poissonSum(0, 40, 100)).toBeCloseTo(1, 8);
    expect(poissonAtLeast(0, 3)).toBe(1);
  });

  it('widens the tails when the count is overdispersed', () => {
    // r = 1 is the geometric distribution: P(X ≤ k) = 1 − (1 − p)^(k+1), with p = 1 / (1 + mean)
    expect(countAtMost(2, 4, 20)).toBeCloseTo(1 - 0.8 ** 3, 10);
    expect(countAtLeast(3, 4, 20)).toBeCloseTo(0.8 ** 3, 10);
    // variance equal to the mean is Poisson
    expect(countAtMost(40, 100, 100)).toBeCloseTo(poissonAtMost(40, 100), 12);
    // the same shortfall is far less surprising with the spread of jittery traffic
    expect(countAtMost(800, 1000, 1000)).toBeLessThan(1e-9);
    expect(countAtMost(800, 1000, 100 ** 2)).toBeGreaterThan(0.01);
  });

  it('decides at a confidence, and 0 always passes', () => {
    expect(significant(0.0005, 0.999)).toBe(true);
    expect(significant(0.002, 0.999)).toBe(false);
    expect(significant(1, 0)).toBe(true);
    expect(formatP(0.0123)).toBe('p = 0.012');
    expect(formatP(3.2e-8)).toBe('p = 3.2e-8');
  });
});
