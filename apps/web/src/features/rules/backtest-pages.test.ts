import { describe, expect, it } from 'vitest';
import type { Backtest } from '@rollcall/contract/rules';
import { backtestSoFar } from './backtest-pages.ts';

const window = (end: string): Backtest['windows'][number] => ({
  start: end,
  end,
  value: 0,
  threshold: 1,
  breached: true,
  decision: 'breached',
  reason: '',
  state: 'firing',
});

const page = (over: Partial<Backtest>): Backtest => ({
  from: 'F',
  to: 'T',
  windows: [],
  firings: [],
  next: 'more',
  progress: { done: 0, total: 3 },
  ...over,
});

describe('backtestSoFar', () => {
  it('joins the pages: windows in order, a firing carried across pages once, as it ended', () => {
    const soFar = backtestSoFar([
      page({
        windows: [window('1'), window('2')],
        firings: [{ from: '1', to: null, value: 0, summary: 'first' }],
        progress: { done: 2, total: 3 },
      }),
      page({
        windows: [window('3')],
        firings: [
          { from: '1', to: '3', value: 0, summary: 'first' },
          { from: '3', to: null, value: 0, summary: 'second' },
        ],
        next: null,
        progress: { done: 3, total: 3 },
      }),
    ]);
    expect(soFar).toEqual({
      from: 'F',
      to: 'T',
      windows: [window('1'), window('2'), window('3')],
      firings: [
        { from: '1', to: '3', value: 0, summary: 'first' },
        { from: '3', to: null, value: 0, summary: 'second' },
      ],
      done: 3,
      total: 3,
      complete: true,
    });
  });

  it('says how far a replay still going has got, and is nothing before its first page', () => {
    expect(backtestSoFar([page({ progress: { done: 1, total: 3 } })])).toMatchObject({ done: 1, complete: false });
    expect(backtestSoFar([])).toBeUndefined();
  });
});
