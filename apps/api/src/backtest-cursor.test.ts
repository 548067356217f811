import { describe, expect, it } from 'vitest';
import { backtestCursor } from '@rollcall/contract/backtest-cursor';
import { parseRuleFile } from '@rollcall/rules/files';
import { nextCursor, resumeOf } from './backtest-cursor.ts';

const [rule] = parseRuleFile(
  `rules:\n  - id: floor\n    type: volume\n    match: { broker: kafka, stream: orders }\n    window: 1m\n    every: 1m\n    min: 1\n`,
  'test.yaml',
);

describe('backtest cursor', () => {
  it('carries the lifecycle and the open firing from one page to the next, summary text and all', () => {
    if (!rule) throw new Error('no rule');
    const resume = {
      end: 1_800_000,
      status: { state: 'firing' as const, activeAt: 60_000, firingAt: 120_000, cleanFor: 60_000 },
      open: { from: 120_000, value: 0, summary: 'orders: 0 < 1 in 1m — “none” ✗' },
    };
    const text = nextCursor(rule, resume);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = backtestCursor.parse(text);
    expect(decoded).toMatchObject({ rule: 'floor', every: 60_000 });
    expect(resumeOf(decoded)).toEqual(resume);
  });

  it('keeps a non-finite value as NaN and leaves out what the lifecycle does not hold', () => {
    if (!rule) throw new Error('no rule');
    const carried = resumeOf(
      backtestCursor.parse(
        nextCursor(rule, { end: 0, status: { state: 'firing' }, open: { from: 0, value: Infinity, summary: '' } }),
      ),
    );
    expect(carried.status).toEqual({ state: 'firing' });
    expect(carried.open?.value).toBeNaN();
    expect(resumeOf(backtestCursor.parse(nextCursor(rule, { end: 0, status: { state: 'inactive' } })))).toEqual({
      end: 0,
      status: { state: 'inactive' },
      open: undefined,
    });
  });

  it('refuses text that is not a cursor', () => {
    for (const text of ['not-a-cursor', btoa('{"rule":"floor"}'), btoa('[1'), 'x'.repeat(9000)])
      expect(backtestCursor.safeParse(text).success).toBe(false);
  });
});
