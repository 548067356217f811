// What a chart may claim about a stretch of time: which buckets some tap was watching (from the taps' heartbeats in
// tap_coverage), how far every tap has stored everything (its watermark), and when the first message arrived.
// Outside those, a count of zero would be a guess, so the series draw a gap.
import type { Store } from '@rollcall/core/store';
import { HEARTBEAT_GAP_MS, tapsSeenSince } from '@rollcall/core/store/coverage';
import { queryRows } from '@rollcall/core/store/queries';
import type { TimeRange } from '@rollcall/contract/params';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Whether the taps of these brokers watched the bucket starting at `t`; brokers with no tap always pass. */
export type WatchedAt = (t: number, brokers: string[]) => boolean;

export interface Watching {
  watched: WatchedAt;
  /** Brokers that have a tap (reported within a day before the range). */
  tapped: string[];
}

const brokerOf = (tap: string) => tap.split('/')[0] ?? tap;

/** Heartbeats come every 5 s, so a cell at least 20 s wide holds some whenever a tap was up. */
export async function watching(store: Store, range: TimeRange, step: number, brokers: string[]): Promise<Watching> {
  const prefixes = brokers.length ? brokers : [''];
  const tapped = [...new Set((await tapsSeenSince(store, prefixes, range.from - DAY)).map(brokerOf))];
  if (tapped.length === 0) return { watched: () => true, tapped };
  const cell = step * Math.ceil(HEARTBEAT_GAP_MS / 1000 / step);
  const rows = await queryRows<{ tap: string; cell: string | number }>(
    store,
    `SELECT tap, toUnixTimestamp(toStartOfInterval(at, toIntervalSecond({cell:UInt32}))) * 1000 AS cell
     FROM ${store.db}.tap_coverage
     WHERE at >= fromUnixTimestamp64Milli({from:Int64}) AND at < fromUnixTimestamp64Milli({to:Int64}) AND up = 1
       AND arrayExists(p -> startsWith(tap, p), {prefixes:Array(String)})
     GROUP BY tap, cell`,
    { cell, from: range.from - cell * 1000, to: range.to + cell * 1000, prefixes },
  );
  const up = new Set(rows.map((r) => `${brokerOf(r.tap)}@${Number(r.cell)}`));
  const cellMs = cell * 1000;
  return {
    tapped,
    watched: (t, wanted) => {
      const last = t + step * 1000 - 1;
      const cells = [Math.floor(t / cellMs) * cellMs, Math.floor(last / cellMs) * cellMs];
      return (wanted.length ? wanted : tapped)
        .filter((b) => tapped.includes(b))
        .every((b) => cells.some((c) => up.has(`${b}@${c}`)));
    },
  };
}

/** The oldest watermark among the taps that beat in the last minute before `to`: every tap has stored everything
 * before it. `to` itself when no tap reports (a store fed by something else). */
export async function completeUntil(store: Store, to: number, brokers: string[]): Promise<number> {
  const rows = await queryRows<{ mark: string | number }>(
    store,
    `SELECT argMax(toUnixTimestamp64Milli(watermark), at) AS mark FROM ${store.db}.tap_coverage
     WHERE at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64}) AND up = 1
       AND arrayExists(p -> startsWith(tap, p), {prefixes:Array(String)})
     GROUP BY tap`,
    { from: to - MINUTE, to, prefixes: brokers.length ? brokers : [''] },
  );
  return rows.length ? Math.min(to, ...rows.map((r) => Number(r.mark))) : to;
}

/** When the first message matching `where` was stored, per value of `by` and of all (`all`): event
 * time to the minute, or to the millisecond for a first message inside `fine` (the raw rows of short ranges). */
export async function firstData(
  store: Store,
  where: string[],
  params: Record<string, unknown>,
  by: string,
  to: number,
  fine: TimeRange | null,
): Promise<{ all: number | null; byKey: Map<string, number> }> {
  const grouped = by === 'routing_key' ? `''` : by;
  const rows = await queryRows<{ key: string; first_minute: string | number }>(
    store,
    `SELECT ${grouped} AS key, toUnixTimestamp(min(minute)) * 1000 AS first_minute FROM ${store.db}.events_per_minute
     WHERE ${[...where, `minute < toDateTime({first_to:UInt32}, 'UTC')`].join(' AND ')} GROUP BY key`,
    { ...params, first_to: Math.ceil(to / 1000) },
  );
  const first = new Map(rows.map((r) => [r.key, Number(r.first_minute)]));
  if (fine) {
    const inside = [...first.values()].filter((m) => m + MINUTE > fine.from && m < fine.to);
    if (inside.length) {
      const exact = await queryRows<{ key: string; first_at: string | number }>(
        store,
        `SELECT ${grouped} AS key, toUnixTimestamp64Milli(min(event_at)) AS first_at FROM ${store.db}.events
         WHERE ${[...where, `event_at >= fromUnixTimestamp64Milli({first_from:Int64})`, `event_at < fromUnixTimestamp64Milli({first_until:Int64})`].join(' AND ')} GROUP BY key`,
        { ...params, first_from: Math.min(...inside), first_until: Math.max(...inside) + MINUTE },
      );
      for (const e of exact)
        if ((first.get(e.key) ?? Infinity) + MINUTE > Number(e.first_at))
          first.set(e.key, Math.max(first.get(e.key) ?? 0, Number(e.first_at)));
    }
  }
  const all = Math.min(...first.values());
  return { all: Number.isFinite(all) ? all : null, byKey: by === 'routing_key' ? new Map() : first };
}
