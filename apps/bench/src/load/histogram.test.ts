import { describe, expect, it } from 'vitest';
import { bucketOf, bucketTop, Histogram } from './histogram.ts';

/** Nearest rank on the sorted values: the definition the histogram must approximate from above. */
const exact = (sorted: number[], q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? 0;

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('bucketOf / bucketTop', () => {
  it('is exact below 256 µs and contiguous above, with every value inside its bucket', () => {
    for (let v = 0; v < 256; v++) expect([bucketOf(v), bucketTop(bucketOf(v))]).toEqual([v, v]);
    let previousTop = 255;
    for (let i = 256; i < 256 + 128 * 30; i++) {
      const top = bucketTop(i);
      expect(bucketOf(previousTop + 1)).toBe(i);
      expect(bucketOf(top)).toBe(i);
      expect((top - previousTop) / (previousTop + 1)).toBeLessThanOrEqual(1 / 128);
      previousTop = top;
    }
  });
});

describe('Histogram', () => {
  it('reports each percentile at or above the exact nearest-rank value and within 1/128 of it', () => {
    const random = seeded(7);
    for (const n of [1, 2, 10, 999, 20_000]) {
      const h = new Histogram();
      const values: number[] = [];
      for (let i = 0; i < n; i++) {
        // Log-uniform from 1 µs to 10 s, as latencies spread.
        const v = Math.floor(10 ** (random() * 7));
        values.push(v);
        h.record(v);
      }
      values.sort((a, b) => a - b);
      for (const q of [0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]) {
        const want = exact(values, q);
        const got = h.percentile(q);
        expect(got).toBeGreaterThanOrEqual(want);
        expect(got).toBeLessThanOrEqual(want * (1 + 1 / 128) + 1);
      }
      expect(h.percentile(1)).toBe(values.at(-1));
    }
  });

  it('summarises in milliseconds with exact min, max and mean', () => {
    const h = new Histogram();
    for (const v of [1000, 2000, 3000, 4000, 100_000]) h.record(v);
    const s = h.summary();
    expect(s).toMatchObject({ count: 5, min: 1, max: 100, mean: 22 });
    expect(s.p50).toBeGreaterThanOrEqual(3);
    expect(s.p50).toBeLessThan(3.03);
    expect(s.p99).toBe(100);
  });

  it('counts negative values (clock skew) as zero and is empty after reset', () => {
    const h = new Histogram();
    h.record(-50);
    expect(h.summary()).toMatchObject({ count: 1, min: 0, max: 0 });
    h.reset();
    expect(h.summary()).toMatchObject({ count: 0, p99: 0, max: 0, min: 0 });
  });
});
