// From a series response to what a chart draws and the numbers beside it, honestly: partial buckets flagged, gaps
// kept as gaps, "now" as the last complete minute, and a range average over the time with data only.
import type { SeriesResponse } from '@rollcall/contract/series';
import type { ChartAnnotation, ChartSeries } from '../../components/TimeSeriesChart.tsx';

type Series = SeriesResponse['series'][number];
type Point = Series['points'][number];

const MINUTE = 60_000;

/** One chart series per API series; `pick` reads the value of a point (null stays a gap). */
export function toChartSeries(
  d: SeriesResponse,
  pick: (p: Point, stepSeconds: number) => number | null = (p) => p.msg_per_sec,
): ChartSeries[] {
  return d.series.map((s) => ({
    key: s.key,
    label: s.key,
    points: s.points.map((p) => ({ t: Date.parse(p.t), v: pick(p, d.step_seconds), partial: p.partial })),
  }));
}

/** A series' baseline as a dashed reference line. */
export function baselineOf(s: Series, label: string, color?: string): ChartSeries {
  return {
    key: `${s.key} · baseline`,
    label,
    reference: true,
    ...(color ? { color } : {}),
    points: s.points.map((p) => ({ t: Date.parse(p.t), v: p.baseline_msg_per_sec ?? null, partial: p.partial })),
  };
}

/** Per-bucket totals over every series: null where no series has data (a gap), partial buckets skipped. */
function totals(d: SeriesResponse): { t: number; count: number | null }[] {
  const byT = new Map<number, number | null>();
  for (const s of d.series)
    for (const p of s.points) {
      if (p.partial) continue;
      const t = Date.parse(p.t);
      const prev = byT.get(t) ?? null;
      byT.set(t, p.count === null ? prev : (prev ?? 0) + p.count);
    }
  return [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([t, count]) => ({ t, count }));
}

/** The rate of the last complete minute (all series together); null when part of it has no data. */
export function lastMinute(d: SeriesResponse): { msg_per_sec: number | null; from: number; to: number } {
  const to = Math.floor(Date.parse(d.complete_until) / MINUTE) * MINUTE;
  const from = to - MINUTE;
  const step = d.step_seconds * 1000;
  if (step > MINUTE) return { msg_per_sec: null, from, to };
  const inside = totals(d).filter((b) => b.t >= from && b.t + step <= to);
  if (inside.length < MINUTE / step || inside.some((b) => b.count === null)) return { msg_per_sec: null, from, to };
  return { msg_per_sec: inside.reduce((a, b) => a + (b.count ?? 0), 0) / 60, from, to };
}

/** The mean rate over the complete buckets with data (not over the whole range), and how long they cover. */
export function rangeAverage(d: SeriesResponse): { msg_per_sec: number | null; seconds: number } {
  const range = { from: Date.parse(d.from), to: Date.parse(d.to) };
  const step = d.step_seconds * 1000;
  let count = 0;
  let ms = 0;
  for (const b of totals(d)) {
    if (b.count === null) continue;
    count += b.count;
    // The first bucket may start before the range: only its part inside counts.
    ms += Math.min(b.t + step, range.to) - Math.max(b.t, range.from);
  }
  return { msg_per_sec: ms > 0 ? count / (ms / 1000) : null, seconds: ms / 1000 };
}

/** Alerts' pending and firing spans as chart annotations; an open span runs to `now`. */
export function annotationsOf(
  spans: { rule_id: string; state: 'pending' | 'firing'; from: string; to: string | null }[],
  now: number,
): ChartAnnotation[] {
  return spans.map((s) => ({
    from: Date.parse(s.from),
    to: s.to ? Date.parse(s.to) : now,
    tone: s.state,
    label: `${s.rule_id} ${s.state}`,
  }));
}
