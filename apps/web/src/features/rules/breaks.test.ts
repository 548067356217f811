import { describe, expect, it } from 'vitest';
import { withBreaks } from './breaks.ts';

const gap = (t: number) => ({ t, v: null });

describe('withBreaks', () => {
  it('puts a null one step after the last window before a hole, so the line stops there', () => {
    const rows = [0, 5, 10, 15, 60, 65].map((t) => ({ t, v: 1 as number | null }));
    expect(withBreaks(rows, gap).map((r) => [r.t, r.v])).toEqual([
      [0, 1],
      [5, 1],
      [10, 1],
      [15, 1],
      [20, null],
      [60, 1],
      [65, 1],
    ]);
  });

  it('leaves evenly spaced windows, and a single one, alone', () => {
    const rows = [0, 5, 10].map((t) => ({ t, v: 1 as number | null }));
    expect(withBreaks(rows, gap)).toEqual(rows);
    expect(withBreaks(rows.slice(0, 1), gap)).toEqual(rows.slice(0, 1));
  });
});
