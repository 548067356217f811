import { describe, expect, it } from 'vitest';
import type { Store } from '@rollcall/core/store';
import { parseRuleFile } from '../model/files.ts';
import { backtest, BacktestRangeError } from './backtest.ts';

const [rule] = parseRuleFile(
  `rules:\n  - id: floor\n    type: volume\n    match: { broker: kafka, stream: orders }\n    window: 1m\n    every: 1m\n    min: 1\n`,
  'test.yaml',
);

/** A store whose every query answers no rows, and aborts `controller` at its `abortAt`th query. */
function countingStore(controller: AbortController, abortAt: number): { store: Store; queries: () => number } {
  let n = 0;
  const query = () => {
    n += 1;
    if (n === abortAt) controller.abort(new Error('cancelled'));
    return Promise.resolve({ json: () => Promise.resolve([]) });
  };
  return { store: { client: { query }, db: 'x' } as unknown as Store, queries: () => n };
}

describe('backtest', () => {
  it('stops between windows once its signal aborts, rejecting with the reason', async () => {
    if (!rule) throw new Error('no rule');
    const controller = new AbortController();
    const { store, queries } = countingStore(controller, 3);
    const day = 86_400_000;
    await expect(backtest(store, rule, 0, day, { signal: controller.signal })).rejects.toThrow('cancelled');
    // a day of one-minute windows is 1,440 evaluations; it stopped after the window in hand
    expect(queries()).toBeLessThan(10);
  });

  it('replays at most `limit` windows and says where the next page resumes, carrying the open firing', async () => {
    if (!rule) throw new Error('no rule');
    const { store } = countingStore(new AbortController(), -1);
    const hour = 3_600_000;
    // no rows: below the floor of 1 in every window, so it fires at the first one and never resolves
    const first = await backtest(store, rule, 0, hour, { limit: 25 });
    expect(first.steps.map((s) => s.window.end)).toEqual(Array.from({ length: 25 }, (_, i) => i * 60_000));
    expect(first.windows).toEqual({ total: 61, done: 25 });
    const firedAt = first.steps[0]?.at; // the first window's end and the rule's delay
    expect(first.fired).toEqual([expect.objectContaining({ from: firedAt })]);
    expect(first.next).toEqual({
      end: 25 * 60_000,
      status: expect.objectContaining({ state: 'firing' }),
      open: first.fired[0],
    });
    const last = await backtest(store, rule, 0, hour, { limit: 50, resume: first.next });
    expect(last.steps.map((s) => s.window.end)).toEqual(Array.from({ length: 36 }, (_, i) => (25 + i) * 60_000));
    expect(last.steps.every((s) => s.state === 'firing' && s.to === undefined)).toBe(true);
    expect(last.windows).toEqual({ total: 61, done: 61 });
    expect(last.fired).toEqual([expect.objectContaining({ from: firedAt })]);
    expect(last.fired[0]?.to).toBeUndefined();
    expect(last.next).toBeUndefined();
  });

  it('ends a page early once it has used its time budget, resuming where it stopped', async () => {
    if (!rule) throw new Error('no rule');
    const slow = {
      client: {
        query: () => new Promise((r) => setTimeout(() => r({ json: () => Promise.resolve([]) }), 20)),
      },
      db: 'x',
    } as unknown as Store;
    const hour = 3_600_000;
    // a budget of nothing still replays one window, so every page moves the replay on
    const one = await backtest(slow, rule, 0, hour, { budgetMs: 0 });
    expect(one.steps.map((s) => s.window.end)).toEqual([0]);
    expect(one.windows).toEqual({ total: 61, done: 1 });
    expect(one.next?.end).toBe(60_000);
    // 61 windows of at least 20 ms each do not fit in 100 ms: the page ends after the one that crossed it
    const page = await backtest(slow, rule, 0, hour, { budgetMs: 100 });
    const n = page.steps.length;
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThan(61);
    expect(page.windows).toEqual({ total: 61, done: n });
    expect(page.next?.end).toBe(n * 60_000);
    const rest = await backtest(slow, rule, 0, hour, { resume: page.next });
    expect(rest.steps[0]?.window.end).toBe(n * 60_000);
    expect(rest.windows.done).toBe(61);
  });

  it('refuses a resume point that is not one of the range windows', async () => {
    if (!rule) throw new Error('no rule');
    const { store, queries } = countingStore(new AbortController(), -1);
    for (const end of [30_000, -60_000, 2 * 3_600_000])
      await expect(
        backtest(store, rule, 0, 3_600_000, { resume: { end, status: { state: 'inactive' } } }),
      ).rejects.toThrow(BacktestRangeError);
    expect(queries()).toBe(0);
  });
});
