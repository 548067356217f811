// The global time range and auto-refresh, kept in the URL (?range=1h&refresh=30s or ?from=..&to=..) so a
// link reproduces the view.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

export const RANGES = ['15m', '1h', '6h', '24h', '7d', '30d'] as const;
export const REFRESHES = ['off', '5s', '10s', '30s', '1m', '5m'] as const;
export const DEFAULT_RANGE = '1h';
export const DEFAULT_REFRESH = '30s';

export type TimeRange = { kind: 'relative'; range: string } | { kind: 'absolute'; from: string; to: string };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 604_800_000 };

export function durationMs(text: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (!m) return undefined;
  const unit = UNIT_MS[m[2] ?? ''];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

export function parseTimeRange(search: URLSearchParams): TimeRange {
  const from = search.get('from');
  const to = search.get('to');
  if (
    from &&
    to &&
    !Number.isNaN(Date.parse(from)) &&
    !Number.isNaN(Date.parse(to)) &&
    Date.parse(from) < Date.parse(to)
  )
    return { kind: 'absolute', from, to };
  const range = search.get('range');
  return { kind: 'relative', range: range && durationMs(range) !== undefined ? range : DEFAULT_RANGE };
}

export function parseRefresh(search: URLSearchParams): { label: string; ms: number | false } {
  const label = search.get('refresh') ?? DEFAULT_REFRESH;
  if (label === 'off') return { label, ms: false };
  const ms = durationMs(label);
  return ms === undefined ? { label: DEFAULT_REFRESH, ms: 30_000 } : { label, ms };
}

/** The API's parameters for a range: `range=` or `from`+`to`. */
export function rangeParams(range: TimeRange): { range?: string; from?: string; to?: string } {
  return range.kind === 'relative' ? { range: range.range } : { from: range.from, to: range.to };
}

/** The span in ms, to pick axis labels and window sizes. */
export function spanMs(range: TimeRange): number {
  return range.kind === 'relative'
    ? (durationMs(range.range) ?? 3600_000)
    : Date.parse(range.to) - Date.parse(range.from);
}

export function describeRange(range: TimeRange): string {
  return range.kind === 'relative'
    ? `Last ${range.range}`
    : `${range.from.slice(0, 16).replace('T', ' ')} → ${range.to.slice(0, 16).replace('T', ' ')}`;
}

/** The query-string keys that travel with every link so the view stays the same across pages. */
export const GLOBAL_KEYS = ['range', 'from', 'to', 'refresh'] as const;

export function globalSearch(search: URLSearchParams): string {
  const kept = new URLSearchParams();
  for (const key of GLOBAL_KEYS) {
    const v = search.get(key);
    if (v) kept.set(key, v);
  }
  const s = kept.toString();
  return s ? `?${s}` : '';
}

export function useTimeRange() {
  const [search, setSearch] = useSearchParams();
  const range = useMemo(() => parseTimeRange(search), [search]);
  const refresh = useMemo(() => parseRefresh(search), [search]);
  const setRange = useCallback(
    (next: TimeRange) =>
      setSearch((prev) => {
        const s = new URLSearchParams(prev);
        s.delete('range');
        s.delete('from');
        s.delete('to');
        if (next.kind === 'relative') s.set('range', next.range);
        else {
          s.set('from', next.from);
          s.set('to', next.to);
        }
        return s;
      }),
    [setSearch],
  );
  const setRefresh = useCallback(
    (label: string) =>
      setSearch((prev) => {
        const s = new URLSearchParams(prev);
        s.set('refresh', label);
        return s;
      }),
    [setSearch],
  );
  return { range, refresh, setRange, setRefresh, params: rangeParams(range) };
}
