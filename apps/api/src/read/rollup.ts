// Which rollup answers which part of a time range. Whole hours come from the hourly rollup (from the hour it
// began holding everything); the partial hours at either end, and anything older, from the per-minute one. A
// week is then 168 cells per stream and event type instead of 10,080, with the same sums.
import type { Store } from '@rollcall/core/store';
import { hourlyRollupSince } from '@rollcall/core/store/queries';
import type { TimeRange } from '@rollcall/contract/params';

const MINUTE = 60_000;
const HOUR = 3_600_000;

export interface RollupSplit {
  /** [from, to) read from the per-minute rollup: rows whose minute is in it count. */
  minutes: [number, number][];
  /** [from, to) read from the hourly rollup, hour-aligned; null when no whole hour is covered. */
  hours: [number, number] | null;
}

/** The minute that holds `range.to` (and the one before it) always stays per-minute, so the newest minute can
 * be read on its own. */
export function splitRange(range: TimeRange, hourlySince: number): RollupSplit {
  const lastMinute = Math.floor(range.to / MINUTE) * MINUTE - MINUTE;
  const hFrom = Math.max(Math.ceil(range.from / HOUR) * HOUR, Math.ceil(hourlySince / HOUR) * HOUR);
  const hTo = Math.floor(lastMinute / HOUR) * HOUR;
  if (!(hFrom < hTo)) return { minutes: [[range.from, range.to]], hours: null };
  const minutes = (
    [
      [range.from, hFrom],
      [hTo, range.to],
    ] as [number, number][]
  ).filter(([a, b]) => a < b);
  return { minutes, hours: [hFrom, hTo] };
}

/** The range as the rollups count it: the minute the range starts in counts whole. */
export const wholeMinutes = (range: TimeRange): TimeRange => ({
  from: Math.floor(range.from / MINUTE) * MINUTE,
  to: range.to,
});

/** The event times of the rows those whole minutes hold: raw rows counted on this range match the rollups' sums. */
export const rolledUpEventTimes = (range: TimeRange): TimeRange => ({
  from: Math.floor(range.from / MINUTE) * MINUTE,
  to: Math.ceil(range.to / MINUTE) * MINUTE,
});

// The marker only ever moves once (when migration 6 runs), so a minute-old answer is fine.
const sinceCache = new WeakMap<Store, { at: number; since: number }>();
export async function rollupSince(store: Store): Promise<number> {
  const cached = sinceCache.get(store);
  if (cached && Date.now() - cached.at < MINUTE) return cached.since;
  const since = await hourlyRollupSince(store);
  sinceCache.set(store, { at: Date.now(), since });
  return since;
}

export interface RollupCells {
  /** A subquery of rows (src 'm' or 'h', t, broker, cluster, stream, kind, event_type, source, count, bytes, last_seen). */
  sql: string;
  params: Record<string, number>;
  /** The condition that picks one named range's rows out of the subquery. */
  within(name: string): string;
}

const DIMENSIONS = 'broker, cluster, stream, kind, event_type, source, count, bytes, last_seen';
// Rollup times are whole seconds (DateTime), so bounds go in as seconds rounded up: t * 1000 >= ms exactly when
// t >= ceil(ms / 1000), and the same for <. Comparing against a DateTime64 instead converts every row, which cost
// the streams list about three times its scan.
const between = (column: string, p: string) =>
  `(${column} >= toDateTime({${p}_from:UInt32}, 'UTC') AND ${column} < toDateTime({${p}_to:UInt32}, 'UTC'))`;
const seconds = (ms: number) => Math.ceil(ms / 1000);

/** Rows of both rollups covering the named ranges (which may overlap), each table filtered by `where` too. */
export function rollupCells(db: string, splits: Record<string, RollupSplit>, where: string[]): RollupCells {
  const params: Record<string, number> = {};
  const minuteParts: string[] = [];
  const hourParts: string[] = [];
  for (const [name, split] of Object.entries(splits)) {
    split.minutes.forEach(([from, to], i) => {
      params[`${name}_m${i}_from`] = seconds(from);
      params[`${name}_m${i}_to`] = seconds(to);
      minuteParts.push(`${name}_m${i}`);
    });
    if (split.hours) {
      params[`${name}_h_from`] = seconds(split.hours[0]);
      params[`${name}_h_to`] = seconds(split.hours[1]);
      hourParts.push(`${name}_h`);
    }
  }
  const filter = (column: string, parts: string[]) =>
    [...where, `(${parts.map((p) => between(column, p)).join(' OR ')})`].join(' AND ');
  const selects = [
    `SELECT 'm' AS src, minute AS t, ${DIMENSIONS} FROM ${db}.events_per_minute WHERE ${filter('minute', minuteParts)}`,
  ];
  if (hourParts.length)
    selects.push(
      `SELECT 'h' AS src, hour AS t, ${DIMENSIONS} FROM ${db}.events_per_hour WHERE ${filter('hour', hourParts)}`,
    );
  return {
    sql: selects.join(' UNION ALL '),
    params,
    within: (name) => {
      const mine = [
        ...minuteParts.filter((p) => p.startsWith(`${name}_m`)).map((p) => `(src = 'm' AND ${between('t', p)})`),
        ...hourParts.filter((p) => p === `${name}_h`).map((p) => `(src = 'h' AND ${between('t', p)})`),
      ];
      return `(${mine.join(' OR ') || '0'})`;
    },
  };
}
