// Whether a rule's window can be judged. Counts are by event time, so a window is complete only once every tap
// feeding the rule has stored everything up to its end plus the rule's `delay` (the tap's watermark): until then
// it is *waiting*. A window that overlaps a stretch a tap was not watching (collector down or frozen, tap crashed
// or stalled, firehose off) is *not watched*: its counts say nothing about what was published, so an alert can
// neither fire nor resolve on it.
import type { Store } from '@rollcall/core/store';
import {
  coverageBetween,
  HEARTBEAT_GAP_MS,
  heartbeatsBetween,
  summariseCoverage,
  tapsSeenSince,
  type Heartbeat,
  type TapCoverage,
} from '@rollcall/core/store/coverage';
import type { Broker } from '@rollcall/core/event';
import type { Evaluation } from './result.ts';
import type { Rule } from '../model/rule.ts';
import type { Window } from './sql.ts';

export type WindowState = 'watched' | 'waiting' | 'not watched';

export interface Watch {
  state: WindowState;
  /** Why it is waiting or not watched ('' when watched). */
  reason: string;
}

const WATCHED: Watch = { state: 'watched', reason: '' };
/** Taps that beat within this long before a window count as feeding it (a tap removed for longer does not). */
const TAPS_LOOKBACK_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The brokers whose taps a rule's counts come from; undefined for rules that read no tap (lag). */
export function brokersOf(rule: Rule): Broker[] | undefined {
  if (rule.type === 'lag') return undefined;
  const matches = 'match' in rule ? [rule.match] : [rule.a, rule.b];
  if (matches.some((m) => m.broker === undefined)) return ['kafka', 'rabbitmq'];
  return [...new Set(matches.flatMap((m) => (m.broker ? [m.broker] : [])))];
}

/** The stretch of event time a window's counts depend on (completeness also reads `within` before it). */
export function stretchOf(rule: Rule, window: Window): Window {
  return rule.type === 'completeness' ? { start: window.start - rule.within, end: window.end } : window;
}

/** Reads shared by the windows judged together (one engine tick, one backtest): which taps exist, and where
 * their watermarks are now, are the same for all of them. */
export type WatchCache = Map<string, Promise<unknown>>;

const HOUR_MS = 3_600_000;
function cached<T>(cache: WatchCache, key: string, read: () => Promise<T>): Promise<T> {
  let found = cache.get(key) as Promise<T> | undefined;
  if (!found) {
    found = read();
    cache.set(key, found);
  }
  return found;
}

interface BeatsRead {
  from: number;
  to: number;
  beats: Heartbeat[];
}

/** A window's coverage from heartbeats read for an hour on either side of it at once, so the windows of a
 * backtest page (or an engine tick) share one read instead of a query each (it was most of a backtest's time). */
async function coverageOf(
  store: Store,
  brokers: Broker[],
  from: number,
  to: number,
  downFrom: number,
  now: number,
  cache: WatchCache,
): Promise<TapCoverage[]> {
  const key = `beats/${brokers.join()}`;
  const earlier = cache.get(key) as Promise<BeatsRead> | undefined;
  // A read that failed is tried again by the next window, as its own query would have been.
  let read = await earlier?.catch(() => undefined);
  if (!read || read.from > from || read.to < to) {
    const span = { from: from - HOUR_MS, to: Math.max(to, Math.min(now, from + HOUR_MS)) };
    const reading = heartbeatsBetween(store, brokers, span.from, span.to).then((beats) => ({ ...span, beats }));
    cache.set(key, reading);
    read = await reading;
  }
  return summariseCoverage(read.beats, from, to, downFrom);
}

/** `tapped`: brokers this deployment runs a tap for; such a broker with no heartbeat is not being watched. */
export async function watchOf(
  store: Store,
  rule: Rule,
  window: Window,
  now: number,
  tapped: Broker[] = [],
  cache: WatchCache = new Map(),
): Promise<Watch> {
  const brokers = brokersOf(rule);
  if (!brokers) return WATCHED;
  const stretch = stretchOf(rule, window);
  const needed = stretch.end + rule.delay;
  // From the start of the hour a day before: a little more than a day, the same for every window of that hour.
  const tapsSince = Math.floor((stretch.start - TAPS_LOOKBACK_MS) / HOUR_MS) * HOUR_MS;
  const taps = await cached(cache, `taps/${brokers.join()}/${tapsSince}`, () =>
    tapsSeenSince(store, brokers, tapsSince),
  );
  const silent = brokers.find((b) => tapped.includes(b) && !taps.some((t) => t === b || t.startsWith(`${b}/`)));
  if (silent) return { state: 'not watched', reason: `the ${silent} tap has not reported yet` };
  // No tap of these brokers has ever reported (a store fed by something else): nothing to hold the rule to.
  if (taps.length === 0) return WATCHED;
  const until = Math.min(now, needed);
  const during = new Map(
    (await coverageOf(store, brokers, stretch.start - HEARTBEAT_GAP_MS, until, stretch.start, now, cache)).map((c) => [
      c.tap,
      c,
    ]),
  );
  const latest = () =>
    cached(
      cache,
      `latest/${brokers.join()}/${now}`,
      async () => new Map((await coverageBetween(store, brokers, now - HEARTBEAT_GAP_MS, now)).map((c) => [c.tap, c])),
    );
  for (const tap of taps) {
    const c = during.get(tap);
    if (!c)
      return {
        state: 'not watched',
        reason: `${tap} reported nothing between ${iso(stretch.start)} and ${iso(until)}`,
      };
    if (c.first > stretch.start)
      return { state: 'not watched', reason: `${tap} started watching at ${iso(c.first)}, after the window began` };
    const gap = Math.max(c.maxGap, until - c.last); // silence up to now counts too
    if (gap > HEARTBEAT_GAP_MS)
      return {
        state: 'not watched',
        reason: `${tap} was not running for ${Math.round(gap / 1000)} s during the window`,
      };
    if (c.down > 0)
      return { state: 'not watched', reason: `${tap} was not watching during the window: ${c.downReason}` };
    const mark = c.watermark >= needed ? c.watermark : ((await latest()).get(tap)?.watermark ?? c.watermark);
    if (mark < needed)
      return {
        state: 'waiting',
        reason: `${tap} has stored everything up to ${iso(mark)}; the window needs ${iso(needed)}`,
      };
  }
  return WATCHED;
}

/** The evaluation of a window nobody watched: no query, no verdict; the alert keeps its state. */
export const notWatched = (reason: string): Evaluation => ({
  value: 0,
  threshold: 0,
  breached: false,
  expected: '',
  summary: `not watched: ${reason}`,
  skipped: `not watched: ${reason}`,
});
