// Baseline rules over a week of seasonal, jittered traffic (after four weeks of the same history), replayed on the
// real engine and store: nothing fires at the default confidence, although the drop/rise bounds alone would
// fire many times; and a large drop fires in its first window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@rollcall/core/config';
import { openStore, type Store } from '@rollcall/core/store';
import { tempDir } from '@rollcall/core/testing/brokers';
import { backtest } from '../../src/evaluation/backtest.ts';
import { parseRuleFile } from '../../src/model/files.ts';
import type { Rule } from '../../src/model/rule.ts';
import { HOUR, MINUTE, WEEK, writeTraffic } from './traffic.ts';

// A fixed Monday; the judged week starts here, its history four weeks before.
const JUDGED = Date.parse('2027-01-04T00:00:00Z');
const DROP_AT = JUDGED + 2 * 24 * HOUR + 14 * HOUR; // Wednesday 14:00 of the judged week, in a stream of its own
// 0.5 msg/s is the hard case: its night windows hold ~45 events, where ±30% jitter and Poisson noise cross a
// 30% drop bound dozens of times a week (faster streams, 7 msg/s and up, never cross it).
const STREAMS = [
  { stream: 'slow', perSecond: 0.5 },
  { stream: 'dropping', perSecond: 7, fault: (t: number) => (t >= DROP_AT ? 0.5 : 1) },
];

let store: Store;
beforeAll(async () => {
  store = await openStore(
    parseConfig('', 'test', { ROLLCALL_DATA_DIR: tempDir('rollcall-confidence-week') }).clickhouse,
  );
  await writeTraffic(store, STREAMS, JUDGED - 4 * WEEK, JUDGED + WEEK, 11);
}, 120_000);
afterAll(async () => {
  await store.close();
});

const baseline = (stream: string, extra = ''): Rule => {
  const [rule] = parseRuleFile(
    `rules:
  - id: ${stream}-usual
    type: baseline
    match: { broker: kafka, stream: ${stream} }
    season: week
    seasons: 4
    min_history: 3
    window: 5m
    every: 5m
    delay: 0s
    drop: 30
    rise: 50${extra}
`,
    'week.yaml',
  );
  if (!rule) throw new Error('no rule');
  return rule;
};

describe('baseline decisions with confidence', () => {
  it(
    'a week of seasonal traffic with ±30% jitter raises nothing; the bounds alone would',
    { timeout: 600_000 },
    async () => {
      const judged = await backtest(store, baseline('slow'), JUDGED, JUDGED + WEEK);
      console.info(
        `slow: ${judged.steps.length} windows, ${judged.steps.filter((s) => s.evaluation.skipped).length} past a bound but not significant, ${judged.fired.length} alerts`,
      );
      expect(judged.fired).toEqual([]);
      expect(judged.steps.filter((s) => !s.evaluation.skipped).length).toBeGreaterThan(1900);
      // The same week with the test off: the slow stream's night windows cross the drop bound again and again.
      const bare = await backtest(store, baseline('slow', '\n    confidence: 0'), JUDGED, JUDGED + WEEK);
      const crossed = bare.steps.filter((s) => s.evaluation.breached);
      const smallest = Math.min(...crossed.map((s) => Number(s.evaluation.details?.p_value ?? 1)));
      console.info(
        `slow, confidence 0: ${crossed.length} windows past a bound (smallest p ${smallest.toExponential(1)}), ${bare.fired.length} alerts`,
      );
      expect(bare.fired.length).toBeGreaterThan(10);
    },
  );

  it('a 50% drop fires in its first window, and says how unlikely it is', { timeout: 120_000 }, async () => {
    const { fired, steps } = await backtest(store, baseline('dropping'), DROP_AT - HOUR, DROP_AT + HOUR);
    expect(fired).toHaveLength(1);
    // the first window wholly inside the drop ends 5 minutes after it began (delay 0s)
    expect(fired[0]?.from).toBe(DROP_AT + 5 * MINUTE);
    expect(fired[0]?.summary).toMatch(/-\d+(\.\d)?% against the usual \d+ \(p = \d\.\de-\d+\)/);
    const first = steps.find((s) => s.to === 'firing');
    expect(Number(first?.evaluation.details?.p_value)).toBeLessThan(1e-5);
  });
});
