import { describe, expect, it } from 'vitest';
import { formatSort, nextSort, parseSort, sortRows } from './sort-rows.ts';

describe('sortRows', () => {
  const rows = [{ n: 2 }, { n: null }, { n: 10 }, { n: 1 }];

  it('sorts numbers ascending and descending, blanks last either way', () => {
    expect(sortRows(rows, (r) => r.n, false).map((r) => r.n)).toEqual([1, 2, 10, null]);
    expect(sortRows(rows, (r) => r.n, true).map((r) => r.n)).toEqual([10, 2, 1, null]);
  });

  it('compares text naturally and keeps equal rows in their order', () => {
    const names = [
      { s: 'q10', i: 0 },
      { s: 'q9', i: 1 },
      { s: 'q9', i: 2 },
    ];
    expect(sortRows(names, (r) => r.s, false).map((r) => r.i)).toEqual([1, 2, 0]);
  });
});

describe('the sort in the URL', () => {
  it('reads and writes `key` and `-key`', () => {
    expect(parseSort('-count')).toEqual({ key: 'count', desc: true });
    expect(parseSort('count')).toEqual({ key: 'count', desc: false });
    expect(parseSort('')).toBeNull();
    expect(formatSort({ key: 'count', desc: true })).toBe('-count');
    expect(formatSort(null)).toBe('');
  });

  it('cycles ascending, descending, then the default order', () => {
    const asc = nextSort(null, 'count');
    expect(asc).toEqual({ key: 'count', desc: false });
    const desc = nextSort(asc, 'count');
    expect(desc).toEqual({ key: 'count', desc: true });
    expect(nextSort(desc, 'count')).toBeNull();
    expect(nextSort(desc, 'bytes')).toEqual({ key: 'bytes', desc: false });
  });
});
