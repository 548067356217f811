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

/** The heartbeats of the taps whose names start with one of `prefixes` ('' for all) between `from` and `to`
 * (inclusive), by tap and time. */
export async function heartbeatsBetween(
  store: Store,
  prefixes: string[],
  from: number,
  to: number,
): Promise<Heartbeat[]> {
  // Aliases of their own: an alias named like its column would be what WHERE compares.
  const rows = await queryRows<{ tap: string; at_ms: string; up: number; watermark_ms: string; reason: string }>(
    store,
    `SELECT tap, toUnixTimestamp64Milli(at) AS at_ms, up, toUnixTimestamp64Milli(watermark) AS watermark_ms, reason
     FROM ${store.db}.tap_coverage
     WHERE at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64})
       AND arrayExists(p -> startsWith(tap, p), {prefixes:Array(String)})
     ORDER BY tap, at`,
    { from, to, prefixes },
  );
  return rows.map((r) => ({
    tap: r.tap,
    at: Number(r.at_ms),
    up: Number(r.up) === 1,
    watermark: Number(r.watermark_ms),
    reason: r.reason,
  }));
}

/** Each tap's heartbeats between `from` and `to` summarised; `down` counts only heartbeats from `downFrom` on (a gap
 * needs the beat before the stretch, a down state does not). `beats` may reach beyond the stretch: one read serves
 * many windows (a backtest's, an engine tick's). */
export function summariseCoverage(beats: Heartbeat[], from: number, to: number, downFrom = from): TapCoverage[] {
  const taps = new Map<string, TapCoverage>();
  for (const b of beats) {
    if (b.at < from || b.at > to) continue;
    let c = taps.get(b.tap);
    if (!c) {
      c = { tap: b.tap, first: b.at, last: b.at, maxGap: 0, down: 0, downReason: '', watermark: b.watermark };
      taps.set(b.tap, c);
    } else {
      // By time within a tap (heartbeatsBetween's order), so each gap is to the beat before.
      c.maxGap = Math.max(c.maxGap, b.at - c.last);
      c.last = b.at;
      c.watermark = b.watermark;
    }
    if (!b.up && b.at >= downFrom) {
      if (c.down === 0) c.downReason = b.reason;
      c.down++;
    }
  }
  return [...taps.values()].sort((x, y) => (x.tap < y.tap ? -1 : x.tap > y.tap ? 1 : 0));
}

/** Coverage of the taps whose names start with one of `prefixes` ('' for all), between `from` and `to` (see
 * summariseCoverage). */
export async function coverageBetween(
  store: Store,
  prefixes: string[],
  from: number,
  to: number,
  downFrom = from,
): Promise<TapCoverage[]> {
  return summariseCoverage(await heartbeatsBetween(store, prefixes, from, to), from, to, downFrom);
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
