import { describe, expect, it } from 'vitest';
import { runFixture } from './testing/fixture.ts';
import { compareRuns } from './compare.ts';

const baseline = runFixture({ id: 'base', produce: 10_000, p50: 2, p99: 10 });
const byMetric = (c: ReturnType<typeof compareRuns>) => Object.fromEntries(c.metrics.map((m) => [m.metric, m]));

describe('compareRuns', () => {
  it('gives each metric as a ratio to the baseline and flags nothing inside the thresholds', () => {
    const c = compareRuns(runFixture({ produce: 9_100, p50: 3, p99: 11.9 }), baseline);
    const m = byMetric(c);
    expect(m.produce?.ratio).toBeCloseTo(0.91);
    expect(m.p50?.ratio).toBeCloseTo(1.5);
    expect(m.p99?.ratio).toBeCloseTo(1.19);
    expect(c).toMatchObject({ regressed: false, regressions: [] });
  });

  it('flags a throughput drop beyond 10 %, a p99 rise beyond 20 % and new losses', () => {
    const c = compareRuns(runFixture({ produce: 8_900, endToEnd: 8_000, p99: 12.5, lost: 3 }), baseline);
    const m = byMetric(c);
    expect([
      m.produce?.regressed,
      m.endToEnd?.regressed,
      m.p99?.regressed,
      m.lost?.regressed,
      m.p50?.regressed,
      m.duplicates?.regressed,
    ]).toEqual([true, true, true, true, false, false]);
    expect(c.regressed).toBe(true);
    expect(c.regressions).toEqual([
      "produce throughput: 8,900 msg/s is 0.89× the baseline's 10,000 (limit < 0.90×)",
      "end-to-end throughput: 8,000 msg/s is 0.80× the baseline's 10,000 (limit < 0.90×)",
      "latency p99: 12.5 ms is 1.25× the baseline's 10.0 (limit > 1.20×)",
      'lost messages: 3 msg against 0 in the baseline',
    ]);
  });

  it('uses the thresholds it is given', () => {
    const run = runFixture({ produce: 8_900, p99: 12.5 });
    expect(compareRuns(run, baseline, { maxDrop: 0.2, maxP99Rise: 0.3 }).regressed).toBe(false);
    expect(compareRuns(run, baseline, { maxDrop: 0.01, maxP99Rise: 0.01 }).regressions).toHaveLength(3);
  });

  it('has no ratio against a zero baseline', () => {
    const zero = runFixture({ id: 'zero', p50: 0, p99: 0 });
    expect(byMetric(compareRuns(runFixture({ p99: 5 }), zero)).p99).toMatchObject({ ratio: null, regressed: false });
  });
});
