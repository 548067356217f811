import { describe, expect, it } from 'vitest';
import { durationMs, globalSearch, parseRefresh, parseTimeRange, rangeParams, spanMs } from './time-range.ts';

const q = (s: string) => new URLSearchParams(s);

describe('the time range in the URL', () => {
  it('defaults to the last hour and keeps relative ranges', () => {
    expect(parseTimeRange(q(''))).toEqual({ kind: 'relative', range: '1h' });
    expect(parseTimeRange(q('range=7d'))).toEqual({ kind: 'relative', range: '7d' });
    expect(parseTimeRange(q('range=nonsense'))).toEqual({ kind: 'relative', range: '1h' });
    expect(rangeParams(parseTimeRange(q('range=15m')))).toEqual({ range: '15m' });
  });

  it('prefers a valid custom from/to and ignores a reversed one', () => {
    const abs = parseTimeRange(q('from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&range=1h'));
    expect(abs).toEqual({ kind: 'absolute', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    expect(spanMs(abs)).toBe(86_400_000);
    expect(parseTimeRange(q('from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z'))).toEqual({
      kind: 'relative',
      range: '1h',
    });
  });

  it('reads the auto-refresh interval', () => {
    expect(parseRefresh(q(''))).toEqual({ label: '30s', ms: 30_000 });
    expect(parseRefresh(q('refresh=off'))).toEqual({ label: 'off', ms: false });
    expect(parseRefresh(q('refresh=5s'))).toEqual({ label: '5s', ms: 5000 });
    expect(durationMs('2w')).toBe(1_209_600_000);
  });

  it('carries only the global keys to other pages', () => {
    expect(globalSearch(q('range=6h&refresh=off&state=firing'))).toBe('?range=6h&refresh=off');
    expect(globalSearch(q('tab=x'))).toBe('');
  });
});
