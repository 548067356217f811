import { describe, expect, it } from 'vitest';
import type { Store } from '@rollcall/core/store';
import { parseRuleFile } from '../model/files.ts';
import { backtest } from './backtest.ts';

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
});
