// What a series is expected to be: the same bucket a week earlier when the store holds that week (weekly
// seasonality), else the mean over the time with data in the hour (or more) before each bucket, so a drop stands
// out from the first hour of an install.
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { formatDuration } from '@rollcall/contract/duration';
import type { TimeRange } from '@rollcall/contract/params';
import type { SeriesBaseline } from '@rollcall/contract/series';

export const WEEK = 7 * 86_400_000;
const HOUR_S = 3600;
/** The newest stretch compared with its baseline is at least this long, so a few seconds' noise is not a drop. */
const RECENT_MS = 30_000;

export type Baseline = SeriesBaseline;

/** 'week' when the filter has rows a week before the range, else a trailing mean over max(1 h, 12 steps). */
export async function baselineFor(
  store: Store,
  range: TimeRange,
  step: number,
  where: string[],
  params: object,
): Promise<Baseline> {
  const [row] = await queryRows<{ n: string | number }>(
    store,
    `SELECT count() AS n FROM ${store.db}.events_per_minute WHERE ${[...where, `minute >= toDateTime({wk_from:UInt32}, 'UTC')`, `minute < toDateTime({wk_to:UInt32}, 'UTC')`].join(' AND ')}`,
    { ...params, wk_from: Math.floor((range.from - WEEK) / 1000), wk_to: Math.ceil((range.to - WEEK) / 1000) },
  );
  if (row && Number(row.n) > 0) return { kind: 'week', window_seconds: 0, label: 'a week earlier' };
  const window = Math.max(HOUR_S, 12 * step);
  return {
    kind: 'previous',
    window_seconds: window,
    label: `mean of the previous ${window === HOUR_S ? 'hour' : formatDuration(window * 1000)} (time with data)`,
  };
}

type Point = { t: number; partial: boolean; msg_per_sec: number | null };

/** For each of `at`, the mean rate of the complete, watched points in [t − window, t); null with under a minute of
 * them. `all` is step-aligned and sorted. */
export function trailingMeans(all: Point[], at: number[], windowMs: number, stepMs: number): (number | null)[] {
  const sum = [0];
  const n = [0];
  for (const p of all) {
    const ok = !p.partial && p.msg_per_sec !== null;
    sum.push((sum.at(-1) ?? 0) + (ok ? (p.msg_per_sec ?? 0) : 0));
    n.push((n.at(-1) ?? 0) + (ok ? 1 : 0));
  }
  const start = all[0]?.t ?? 0;
  const index = (t: number) => Math.min(all.length, Math.max(0, Math.round((t - start) / stepMs)));
  return at.map((t) => {
    const [a, b] = [index(t - windowMs), index(t)];
    const count = (n[b] ?? 0) - (n[a] ?? 0);
    return count * stepMs < 60_000 ? null : ((sum[b] ?? 0) - (sum[a] ?? 0)) / count;
  });
}

/** The newest complete buckets spanning at least 30 s, against the mean of their baseline. */
export function recentOf(points: Point[], expected: (number | null)[], step: number) {
  const k = Math.max(1, Math.ceil(RECENT_MS / (step * 1000)));
  let lastComplete = points.length - 1;
  while (lastComplete >= 0 && points[lastComplete]?.partial) lastComplete--;
  if (lastComplete < 0) return null;
  const idx = Array.from({ length: k }, (_, i) => lastComplete - i).filter((i) => i >= 0);
  const seen = idx.map((i) => points[i]?.msg_per_sec ?? null);
  const base = idx.map((i) => expected[i] ?? null);
  const mean = (xs: (number | null)[]) =>
    xs.length === k && xs.every((x) => x !== null) ? xs.reduce<number>((a, x) => a + (x ?? 0), 0) / k : null;
  const msgPerSec = mean(seen);
  const baseline = mean(base);
  const first = points[idx.at(-1) ?? lastComplete];
  const last = points[lastComplete];
  return {
    from: new Date(first?.t ?? 0).toISOString(),
    to: new Date((last?.t ?? 0) + step * 1000).toISOString(),
    msg_per_sec: msgPerSec,
    baseline_msg_per_sec: baseline,
    change: msgPerSec !== null && baseline ? msgPerSec / baseline - 1 : null,
  };
}
