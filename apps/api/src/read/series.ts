// Counts and bytes over time. The server picks the step so a chart gets at most ~240 points: sub-minute steps
// read raw events (short ranges only), steps of an hour and more whole hours from the hourly rollup, everything
// else the per-minute rollup. Points are null where nothing can be said (before the first message, while no tap
// watched), and the bucket still filling is marked partial.
import type { Store } from '@rollcall/core/store';
import { eventTimeRange, queryRows } from '@rollcall/core/store/queries';
import { iso, type TimeRange } from '@rollcall/contract/params';
import { ROUTING_KEY_MAX_RANGE_MS, type SeriesResponse } from '@rollcall/contract/series';
import { HttpProblem } from '../problem.ts';
import { baselineFor, recentOf, trailingMeans, WEEK, type Baseline } from './series-baseline.ts';
import { rollupCells, rollupSince, splitRange } from './rollup.ts';
import { completeUntil, firstData, watching, type Watching } from './watched.ts';

const STEPS_S = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
const MAX_POINTS = 240;

export function stepFor(range: TimeRange): number {
  const seconds = (range.to - range.from) / 1000;
  return STEPS_S.find((s) => seconds / s <= MAX_POINTS) ?? 86400;
}

export type SeriesBy = 'broker' | 'stream' | 'event_type' | 'source' | 'routing_key';

export interface SeriesFilter {
  broker?: string | undefined;
  stream?: string | undefined;
  event_type?: string | undefined;
  source?: string | undefined;
  kind?: 'publish' | 'deliver' | undefined;
  by: SeriesBy;
  baseline?: boolean | undefined;
}

export type Series = SeriesResponse['series'][number];
type Result = Omit<SeriesResponse, 'from' | 'to'>;
type Cell = { count: number; bytes: number };
type Counts = Map<string, Map<number, Cell>>;

const FILTERS = ['broker', 'stream', 'event_type', 'source', 'kind'] as const;
/** Distinct keys kept in one chart; the rest are summed into "other". */
const MAX_SERIES = 12;

function whereOf(f: SeriesFilter): string[] {
  const where = FILTERS.filter((k) => f[k] !== undefined).map((k) => `${k} = {${k}:String}`);
  if (f.kind === undefined) where.push(`kind = 'publish'`);
  return where;
}

/** Counts per key and step-aligned bucket of the rows inside `range` (the first bucket may be partial). */
async function counts(store: Store, range: TimeRange, step: number, f: SeriesFilter): Promise<Counts> {
  const where = whereOf(f);
  let source: { sql: string; params: Record<string, number> };
  let count = 'sum(count)';
  let bytes = 'sum(bytes)';
  if (step < 60 || f.by === 'routing_key') {
    // By event time, like the rollup the longer steps read; the rollups have no routing key.
    source = {
      sql: `SELECT event_at AS t, * FROM ${store.db}.events WHERE ${[...where, eventTimeRange('start', 'end')].join(' AND ')}`,
      params: { start: range.from, end: range.to },
    };
    count = 'count()';
    bytes = 'sum(size)';
  } else {
    // Hour-sized steps (a day and more) read whole hours from the hourly rollup: every such step is a whole number
    // of hours aligned the same way, so an hour never straddles two buckets.
    const split =
      step >= 3600
        ? splitRange(range, await rollupSince(store))
        : { minutes: [[range.from, range.to]] as [number, number][], hours: null };
    source = rollupCells(store.db, { r: split }, where);
  }
  const rows = await queryRows<{
    key: string;
    bucket: string | number;
    count: string | number;
    bytes: string | number;
  }>(
    store,
    `SELECT ${f.by} AS key, toUnixTimestamp(toStartOfInterval(t, toIntervalSecond({step:UInt32}))) * 1000 AS bucket, ${count} AS count, ${bytes} AS bytes
     FROM (${source.sql}) GROUP BY key, bucket ORDER BY bucket`,
    { ...f, ...source.params, step },
  );
  const byKey: Counts = new Map();
  for (const r of rows) {
    const points = byKey.get(r.key) ?? new Map<number, Cell>();
    points.set(Number(r.bucket), { count: Number(r.count), bytes: Number(r.bytes) });
    byKey.set(r.key, points);
  }
  return byKey;
}

/** The biggest keys by count inside [from, to), the rest summed into "other". */
function rank(byKey: Counts, from: number): Counts {
  const totals = [...byKey.entries()].map(
    ([k, pts]) => [k, [...pts].reduce((a, [t, v]) => a + (t >= from ? v.count : 0), 0)] as const,
  );
  const ranked = totals.sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept: Counts = new Map();
  for (const [i, key] of ranked.entries()) {
    const target = i < MAX_SERIES ? key || '(none)' : 'other';
    const into = kept.get(target) ?? new Map<number, Cell>();
    for (const [t, v] of byKey.get(key) ?? []) {
      const sum = into.get(t) ?? { count: 0, bytes: 0 };
      into.set(t, { count: sum.count + v.count, bytes: sum.bytes + v.bytes });
    }
    kept.set(target, into);
  }
  return kept;
}

/** The brokers whose taps a series' counts depend on. */
const brokersOf = (f: SeriesFilter, key: string): string[] => (f.by === 'broker' ? [key] : f.broker ? [f.broker] : []);

export async function series(store: Store, range: TimeRange, f: SeriesFilter): Promise<Result> {
  const step = stepFor(range);
  const stepMs = step * 1000;
  if (f.by === 'routing_key' && (f.stream === undefined || range.to - range.from > ROUTING_KEY_MAX_RANGE_MS))
    throw new HttpProblem(
      400,
      'Invalid request parameters',
      'by=routing_key reads raw rows: it needs a stream and a range of at most 24h',
      [{ field: 'query.by', message: 'routing_key needs a stream and a range of at most 24h' }],
    );
  const from = Math.floor(range.from / stepMs) * stepMs;
  const where = whereOf(f);
  const brokers = f.broker ? [f.broker] : [];
  const baseline: Baseline | null = f.baseline ? await baselineFor(store, range, step, where, f) : null;
  // A trailing baseline needs the time before the range too.
  const readFrom = baseline?.kind === 'previous' ? from - baseline.window_seconds * 1000 : from;
  const readRange = { from: readFrom, to: range.to };
  const [until, firsts, byKey, watch, week] = await Promise.all([
    completeUntil(store, range.to, brokers),
    firstData(store, where, { ...f }, f.by, range.to, step < 60 ? readRange : null),
    counts(store, readFrom === from ? range : readRange, step, f),
    watching(store, readRange, step, brokers),
    baseline?.kind === 'week'
      ? Promise.all([counts(store, shift(range, WEEK), step, f), watching(store, shift(range, WEEK), step, brokers)])
      : undefined,
  ]);
  const kept = rank(byKey, from);
  const weekKept = week ? rank(week[0], from - WEEK) : undefined;
  const times: number[] = [];
  for (let t = readFrom; t < range.to; t += stepMs) times.push(t);
  const sliced = shareOfStream(
    f.by,
    [...kept.entries()].map(([key, cells]) => {
      // A slice's own first message; "other" and routing keys (not in the rollup) go by the earliest of all.
      const first = firsts.byKey.get(key === '(none)' ? '' : key) ?? firsts.all;
      const value = valueAt(cells, watch, first, brokersOf(f, key), stepMs);
      const all = times.map((t) => ({ t, ...value(t), partial: t + stepMs > until }));
      const shown = all.filter((p) => p.t >= from);
      const expected = baseline
        ? baseline.kind === 'week'
          ? shown.map((p) =>
              weekKept && week
                ? valueAt(weekKept.get(key) ?? new Map(), week[1], first, brokersOf(f, key), stepMs)(p.t - WEEK)
                    .msg_per_sec
                : null,
            )
          : trailingMeans(
              all,
              shown.map((p) => p.t),
              baseline.window_seconds * 1000,
              stepMs,
            )
        : undefined;
      return { key, shown, expected };
    }),
  );
  return {
    step_seconds: step,
    complete_until: iso(until),
    first_data: firsts.all === null ? null : iso(firsts.all),
    baseline: baseline && {
      kind: baseline.kind,
      window_seconds: baseline.window_seconds,
      label: sliced.scaled ? `${baseline.label}, as a share of the stream's traffic now` : baseline.label,
    },
    series: sliced.list.map(({ key, shown, expected }) => {
      const points = shown.map((p, i) => ({
        t: iso(p.t),
        count: p.count,
        bytes: p.bytes,
        msg_per_sec: p.msg_per_sec,
        partial: p.partial,
        ...(expected ? { baseline_msg_per_sec: expected[i] ?? null } : {}),
      }));
      return { key, points, recent: expected ? recentOf(shown, expected, step) : null };
    }),
  };
}

type Shown<P> = { key: string; shown: P[]; expected: (number | null)[] | undefined };

/** Slices of one stream (event type, source, routing key) are expected at their usual share of the stream's
 * traffic now: each slice's baseline scaled by the stream's observed total over the slices' baseline total. A
 * stream whose whole rate moves (a ramp, a season the baseline does not know) then leaves every slice at its
 * expectation, and a slice that lost part of its traffic stands out by how much (visa at 45% of the cards, 40% of
 * it dropped: 27% below). A drop of the whole stream shows on the stream's own chart. */
export function shareOfStream<P extends { partial: boolean; msg_per_sec: number | null }>(
  by: SeriesBy,
  list: Shown<P>[],
): { list: Shown<P>[]; scaled: boolean } {
  if (by === 'broker' || by === 'stream' || list.length < 2 || list.some((s) => !s.expected))
    return { list, scaled: false };
  // Per bucket, over the slices with both an observed rate and an expectation (a slice before its first message
  // has neither); none in a bucket still filling.
  const scale = (list[0]?.shown ?? []).map((p, i) => {
    if (p.partial) return null;
    let observed = 0;
    let expected = 0;
    for (const s of list) {
      const o = s.shown[i]?.msg_per_sec;
      const e = s.expected?.[i];
      if (o === null || o === undefined || e === null || e === undefined) continue;
      observed += o;
      expected += e;
    }
    return expected > 0 ? observed / expected : null;
  });
  return {
    list: list.map((s) => ({
      ...s,
      expected: s.expected?.map((e, i) =>
        e === null || scale[i] === null || scale[i] === undefined ? null : e * scale[i],
      ),
    })),
    scaled: true,
  };
}

type Value = { count: number | null; bytes: number | null; msg_per_sec: number | null };

/** A bucket's value: null before the first message or while the taps were not watching, else the sum (0 if none). */
function valueAt(cells: Map<number, Cell>, watch: Watching, first: number | null, brokers: string[], stepMs: number) {
  return (t: number): Value => {
    if (first === null || t + stepMs <= first || !watch.watched(t, brokers))
      return { count: null, bytes: null, msg_per_sec: null };
    const v = cells.get(t) ?? { count: 0, bytes: 0 };
    return { count: v.count, bytes: v.bytes, msg_per_sec: v.count / (stepMs / 1000) };
  };
}

const shift = (r: TimeRange, by: number): TimeRange => ({ from: r.from - by, to: r.to - by });
