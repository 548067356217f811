// Counts and bytes over time. The server picks the step so a chart gets at most ~240 points: sub-minute steps
// read raw events (short ranges only), steps of an hour and more whole hours from the hourly rollup, everything
// else the per-minute rollup.
import type { Store } from '@rollcall/core/store';
import { eventTimeRange, queryRows } from '@rollcall/core/store/queries';
import { iso, type TimeRange } from '@rollcall/contract/params';
import type { SeriesResponse } from '@rollcall/contract/series';
import { rollupCells, rollupSince, splitRange } from './rollup.ts';

const STEPS_S = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
const MAX_POINTS = 240;

export function stepFor(range: TimeRange): number {
  const seconds = (range.to - range.from) / 1000;
  return STEPS_S.find((s) => seconds / s <= MAX_POINTS) ?? 86400;
}

export type SeriesBy = 'broker' | 'stream' | 'event_type' | 'source';

export interface SeriesFilter {
  broker?: string | undefined;
  stream?: string | undefined;
  event_type?: string | undefined;
  source?: string | undefined;
  kind?: 'publish' | 'deliver' | undefined;
  by: SeriesBy;
}

export type Series = SeriesResponse['series'][number];

const FILTERS = ['broker', 'stream', 'event_type', 'source', 'kind'] as const;
/** Distinct keys kept in one chart; the rest are summed into "other". */
const MAX_SERIES = 12;

export async function series(store: Store, range: TimeRange, f: SeriesFilter): Promise<{ step_seconds: number; series: Series[] }> {
  const step = stepFor(range);
  const from = Math.floor(range.from / (step * 1000)) * step * 1000;
  const filters = FILTERS.filter((k) => f[k] !== undefined).map((k) => `${k} = {${k}:String}`);
  if (f.kind === undefined) filters.push(`kind = 'publish'`);
  // Buckets are aligned to the step, but only rows inside the asked range count (the first bucket may be partial).
  let source: { sql: string; params: Record<string, number> };
  let count = 'sum(count)';
  let bytes = 'sum(bytes)';
  if (step < 60) {
    // By event time, like the rollup the longer steps read.
    source = { sql: `SELECT event_at AS t, * FROM ${store.db}.events WHERE ${[...filters, eventTimeRange('start', 'to')].join(' AND ')}`, params: { start: range.from, to: range.to } };
    count = 'count()';
    bytes = 'sum(size)';
  } else {
    // Hour-sized steps (a day and more) read whole hours from the hourly rollup: every such step is a whole number
    // of hours aligned the same way, so an hour never straddles two buckets.
    const split = step >= 3600 ? splitRange(range, await rollupSince(store)) : { minutes: [[range.from, range.to]] as [number, number][], hours: null };
    source = rollupCells(store.db, { r: split }, filters);
  }
  const rows = await queryRows<{ key: string; bucket: string | number; count: string | number; bytes: string | number }>(
    store,
    `SELECT ${f.by} AS key, toUnixTimestamp(toStartOfInterval(t, toIntervalSecond({step:UInt32}))) * 1000 AS bucket, ${count} AS count, ${bytes} AS bytes
     FROM (${source.sql}) GROUP BY key, bucket ORDER BY bucket`,
    { ...f, ...source.params, step },
  );
  const byKey = new Map<string, Map<number, { count: number; bytes: number }>>();
  const totals = new Map<string, number>();
  for (const r of rows) {
    const points = byKey.get(r.key) ?? new Map();
    points.set(Number(r.bucket), { count: Number(r.count), bytes: Number(r.bytes) });
    byKey.set(r.key, points);
    totals.set(r.key, (totals.get(r.key) ?? 0) + Number(r.count));
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept = new Map<string, Map<number, { count: number; bytes: number }>>();
  for (const [i, key] of ranked.entries()) {
    const target = i < MAX_SERIES ? key || '(none)' : 'other';
    const into = kept.get(target) ?? new Map<number, { count: number; bytes: number }>();
    for (const [t, v] of byKey.get(key) ?? []) {
      const sum = into.get(t) ?? { count: 0, bytes: 0 };
      into.set(t, { count: sum.count + v.count, bytes: sum.bytes + v.bytes });
    }
    kept.set(target, into);
  }
  // Every step is present, so a silent minute is a visible zero, not a line drawn across a gap.
  const times: number[] = [];
  for (let t = from; t < range.to; t += step * 1000) times.push(t);
  return {
    step_seconds: step,
    series: [...kept.entries()].map(([key, points]) => ({
      key,
      points: times.map((t) => {
        const v = points.get(t) ?? { count: 0, bytes: 0 };
        return { t: iso(t), count: v.count, bytes: v.bytes, msg_per_sec: v.count / step };
      }),
    })),
  };
}
