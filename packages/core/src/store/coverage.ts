// Tap coverage in the store: every few seconds each tap's heartbeat row says whether it was watching and how far
// it had stored everything (its watermark). A stretch with no heartbeat (collector down or frozen) or with a
// tap down is a stretch nobody watched; rules must not read its counts as "nothing was published".
import { chTime } from './row-formats.ts';
import { queryRows } from './queries.ts';
import type { Store } from './store.ts';

/** How often a running collector writes a heartbeat per tap. */
export const HEARTBEAT_MS = 5000;
/** A gap between heartbeats longer than this is a stretch the tap was not watching. */
export const HEARTBEAT_GAP_MS = 4 * HEARTBEAT_MS;

export interface Heartbeat {
  tap: string;
  at: number;
  up: boolean;
  watermark: number;
  reason: string;
}

export async function insertHeartbeats(store: Store, beats: Heartbeat[]): Promise<void> {
  if (beats.length === 0) return;
  const values = beats.map((b) => ({
    tap: b.tap,
    at: chTime(b.at),
    up: b.up ? 1 : 0,
    watermark: chTime(b.watermark),
    reason: b.reason,
  }));
  await store.client.insert({ table: `${store.db}.tap_coverage`, values, format: 'JSONEachRow' });
}

/** One tap's heartbeats over a stretch of time, summarised. */
export interface TapCoverage {
  tap: string;
  first: number;
  last: number;
  /** Longest time between two heartbeats in the stretch. */
  maxGap: number;
  /** Heartbeats that said the tap was down, and the reason of the first of them. */
  down: number;
  downReason: string;
  /** The watermark of the latest heartbeat. */
  watermark: number;
}

/** Coverage of the taps whose names start with one of `prefixes` ('' for all), between `from` and `to`; `down`
 * counts only heartbeats from `downFrom` on (a gap needs the beat before the stretch, a down state does not). */
export async function coverageBetween(
  store: Store,
  prefixes: string[],
  from: number,
  to: number,
  downFrom = from,
): Promise<TapCoverage[]> {
  const rows = await queryRows<{
    tap: string;
    first: string;
    last: string;
    max_gap: string;
    down: string;
    down_reason: string;
    watermark: string;
  }>(
    store,
    `SELECT tap, min(t) AS first, max(t) AS last, arrayMax(arrayPushFront(arrayDifference(arraySort(groupArray(t))), 0)) AS max_gap,
            countIf(up = 0 AND t >= {down_from:Int64}) AS down, argMinIf(reason, t, up = 0 AND t >= {down_from:Int64}) AS down_reason, argMax(toUnixTimestamp64Milli(watermark), t) AS watermark
     FROM (SELECT tap, toUnixTimestamp64Milli(at) AS t, up, reason, watermark FROM ${store.db}.tap_coverage
           WHERE at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64})
             AND arrayExists(p -> startsWith(tap, p), {prefixes:Array(String)}))
     GROUP BY tap ORDER BY tap`,
    { from, to, prefixes, down_from: downFrom },
  );
  return rows.map((r) => ({
    tap: r.tap,
    first: Number(r.first),
    last: Number(r.last),
    maxGap: Number(r.max_gap),
    down: Number(r.down),
    downReason: r.down_reason,
    watermark: Number(r.watermark),
  }));
}

/** Taps (matching `prefixes`) that wrote any heartbeat since `since`: the ones a rule's windows depend on. */
export async function tapsSeenSince(store: Store, prefixes: string[], since: number): Promise<string[]> {
  const rows = await queryRows<{ tap: string }>(
    store,
    `SELECT DISTINCT tap FROM ${store.db}.tap_coverage WHERE at >= fromUnixTimestamp64Milli({since:Int64}) AND arrayExists(p -> startsWith(tap, p), {prefixes:Array(String)}) ORDER BY tap`,
    { since, prefixes },
  );
  return rows.map((r) => r.tap);
}
