// The ratio rule's binomial decision, replayed on the real engine and store: a large drop fires in its first
// window; a small window whose ratio swings past the band by chance neither fires nor flaps; a small window
// that lost everything still fires.
import { describe, expect, it } from 'vitest';
import { embeddedStore } from '@rollcall/core/testing/store';
import { backtest } from '../../src/evaluation/backtest.ts';
import type { Rule } from '../../src/model/rule.ts';
import { MINUTE, poisson, random, ratioRule, writePairs } from './traffic.ts';

const T0 = Date.parse('2027-02-01T10:00:00Z');

const db = embeddedStore('rollcall-confidence-ratio');

/** Per-minute counts on streams `<name>.a` and `<name>.b` from T0 on. */
const write = (name: string, minutes: [number, number][]) => writePairs(db.store, name, T0, minutes, 59_000);

const ratio = (name: string, extra = ''): Rule => ratioRule(name, `\n    hi: 1.1${extra}`);

describe('ratio decisions with confidence', () => {
  it('fires on an 18% drop at 7 msg/s in its first window', async () => {
    const next = random(3);
    // 20 minutes of 7 msg/s, every request published (±2 at the window edges), then 18% go missing
    const minutes = Array.from({ length: 20 }, (_, i): [number, number] => {
      const a = poisson(420, next);
      return [a, i < 10 ? a + Math.round(4 * next()) - 2 : Math.round(a * 0.82)];
    });
    await write('large', minutes);
    const { fired, steps } = await backtest(db.store, ratio('large'), T0, T0 + 20 * MINUTE);
    expect(fired).toHaveLength(1);
    expect(fired[0]?.from).toBe(T0 + 11 * MINUTE); // the window [10m, 11m) is judged at its end
    expect(fired[0]?.to).toBeUndefined();
    expect(fired[0]?.summary).toMatch(/is below 0\.9 \(p = \d\.\de-\d+\)/);
    expect(Number(steps.find((s) => s.to === 'firing')?.evaluation.details?.p_value)).toBeLessThan(1e-6);
  });

  it('does not fire or flap on a small window that swings past the band by chance', async () => {
    // 12 requests a minute, all published, but edges move a few between windows: 9/12 = 0.75, 14/12 = 1.17
    const bs = [12, 9, 13, 10, 14, 12, 11, 9, 12, 14, 10, 12, 9, 13, 12, 10, 14, 11, 9, 12];
    await write(
      'small',
      bs.map((b): [number, number] => [12, b]),
    );
    const judged = await backtest(db.store, ratio('small'), T0, T0 + 20 * MINUTE);
    expect(judged.fired).toEqual([]);
    const undecided = judged.steps.filter((s) => s.evaluation.skipped?.includes('not significant'));
    expect(undecided.length).toBeGreaterThanOrEqual(8);
    // measured but deciding nothing: the charts draw their value, not a gap
    expect(new Set(undecided.map((s) => s.decision))).toEqual(new Set(['not significant']));
    expect(undecided[0]?.evaluation.summary).toMatch(/but not significant \(p = 0\.\d+, confidence 0\.99999\)/);
    // the band alone fires (and resolves, and fires again) on the same windows
    const bare = await backtest(db.store, ratio('small', '\n    confidence: 0'), T0, T0 + 20 * MINUTE);
    expect(bare.fired.length).toBeGreaterThanOrEqual(3);
  });

  it('fires on a small window that lost everything', async () => {
    await write('stopped', [
      [12, 12],
      [12, 0],
    ]);
    const { fired } = await backtest(db.store, ratio('stopped'), T0, T0 + 2 * MINUTE);
    expect(fired.map((f) => f.from)).toEqual([T0 + 2 * MINUTE]);
  });
});
