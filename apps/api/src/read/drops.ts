// The largest drops: each stream's last complete minute against its baseline. A week earlier when the store holds
// that time (weekly seasonality), else the rate over the time with data in the hour before, so it works from the
// first minutes of an install. Unwatched minutes count on neither side.
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { iso } from '@rollcall/contract/params';
import { DROP_P_VALUE, type Drop, type DropsResponse } from '@rollcall/contract/drops';
import { poissonAtMost } from '@rollcall/rules/significance';
import { completeUntil, watching } from './watched.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const WEEK = 7 * 86_400_000;
/** Half the stretch around the same minute a week earlier. */
const WEEK_SPAN = 15 * MINUTE;
/** Less history than this is no baseline. */
const MIN_HISTORY_MS = 30_000;

export async function largestDrops(store: Store, now: number, limit: number): Promise<DropsResponse> {
  const until = await completeUntil(store, now, []);
  const minute = Math.floor(until / MINUTE) * MINUTE - MINUTE;
  const week = minute - WEEK;
  const rows = await queryRows<{ broker: string; stream: string; at: string | number; count: string | number }>(
    store,
    `SELECT broker, stream, toUnixTimestamp(minute) * 1000 AS at, sum(count) AS count FROM ${store.db}.events_per_minute
     WHERE kind = 'publish' AND ((minute >= toDateTime({h_from:UInt32}, 'UTC') AND minute <= toDateTime({m:UInt32}, 'UTC'))
        OR (minute >= toDateTime({w_from:UInt32}, 'UTC') AND minute < toDateTime({w_to:UInt32}, 'UTC')))
     GROUP BY broker, stream, at`,
    {
      h_from: (minute - HOUR) / 1000,
      m: minute / 1000,
      w_from: (week - WEEK_SPAN) / 1000,
      w_to: (week + WEEK_SPAN) / 1000,
    },
  );
  // The first message of each stream that began within the hour, to the millisecond: its first minute is partial.
  const starts = await queryRows<{ broker: string; stream: string; first_at: string | number }>(
    store,
    `SELECT broker, stream, toUnixTimestamp64Milli(min(event_at)) AS first_at FROM ${store.db}.events
     WHERE kind = 'publish' AND event_at >= fromUnixTimestamp64Milli({from:Int64}) AND event_at < fromUnixTimestamp64Milli({to:Int64})
       AND (broker, stream) IN (SELECT broker, stream FROM ${store.db}.events_per_minute WHERE kind = 'publish' AND minute >= toDateTime({h_from:UInt32}, 'UTC') AND minute < toDateTime({h_to:UInt32}, 'UTC')
                                GROUP BY broker, stream HAVING min(minute) > toDateTime({h_from:UInt32}, 'UTC'))
     GROUP BY broker, stream`,
    { from: minute - HOUR, to: minute, h_from: (minute - HOUR) / 1000, h_to: minute / 1000 },
  );
  const [hourWatch, weekWatch] = await Promise.all([
    watching(store, { from: minute - HOUR, to: minute + MINUTE }, 60, []),
    watching(store, { from: week - WEEK_SPAN, to: week + WEEK_SPAN }, 60, []),
  ]);
  const first = new Map(starts.map((s) => [`${s.broker}\u0000${s.stream}`, Number(s.first_at)]));
  const byStream = new Map<string, { broker: string; stream: string; counts: Map<number, number> }>();
  for (const r of rows) {
    const key = `${r.broker}\u0000${r.stream}`;
    const entry = byStream.get(key) ?? { broker: r.broker, stream: r.stream, counts: new Map<number, number>() };
    entry.counts.set(Number(r.at), Number(r.count));
    byStream.set(key, entry);
  }
  const compared: Drop[] = [];
  for (const [key, { broker, stream, counts }] of byStream) {
    if (!hourWatch.watched(minute, [broker])) continue;
    const seen = counts.get(minute) ?? 0;
    const base =
      weekBaseline(counts, week, (t) => weekWatch.watched(t, [broker])) ??
      previousBaseline(counts, minute, first.get(key), (t) => hourWatch.watched(t, [broker]));
    if (!base || base.rate <= 0) continue;
    const rate = seen / 60;
    // A quiet stream's minute swings by whole messages (12 instead of 13 is −8%): the chance of a minute this low at
    // the baseline's rate tells a drop from noise, which a percentage alone does not.
    const pValue = poissonAtMost(seen, base.rate * 60);
    compared.push({
      broker,
      stream,
      msg_per_sec: rate,
      baseline_msg_per_sec: base.rate,
      baseline: base.kind,
      baseline_from: iso(base.from),
      baseline_seconds: base.seconds,
      change: rate / base.rate - 1,
      p_value: pValue,
      significant: pValue < DROP_P_VALUE,
    });
  }
  const drops = compared
    .filter((d) => d.change < 0)
    .sort((a, b) => Number(b.significant) - Number(a.significant) || a.change - b.change);
  return {
    minute: { from: iso(minute), to: iso(minute + MINUTE) },
    compared: compared.length,
    drops: drops.slice(0, limit),
  };
}

type Base = { kind: 'week' | 'previous'; rate: number; from: number; seconds: number };

/** The watched minutes around the same minute a week earlier, when the stream had any message there. */
function weekBaseline(counts: Map<number, number>, week: number, watched: (t: number) => boolean): Base | undefined {
  let total = 0;
  let minutes = 0;
  let any = false;
  for (let t = week - WEEK_SPAN; t < week + WEEK_SPAN; t += MINUTE) {
    if (!watched(t)) continue;
    minutes++;
    total += counts.get(t) ?? 0;
    any ||= counts.has(t);
  }
  return any && minutes > 0
    ? { kind: 'week', rate: total / (minutes * 60), from: week - WEEK_SPAN, seconds: minutes * 60 }
    : undefined;
}

/** The hour before the minute, from the stream's first message on, without the minutes nobody watched. */
function previousBaseline(
  counts: Map<number, number>,
  minute: number,
  firstAt: number | undefined,
  watched: (t: number) => boolean,
): Base | undefined {
  let total = 0;
  let ms = 0;
  const earliest = [...counts.keys()]
    .filter((t) => t >= minute - HOUR && t < minute)
    .reduce((a, t) => Math.min(a, t), Infinity);
  if (!Number.isFinite(earliest)) return undefined;
  const from = firstAt !== undefined && firstAt >= earliest ? firstAt : earliest;
  for (let t = earliest; t < minute; t += MINUTE) {
    if (!watched(t)) continue;
    total += counts.get(t) ?? 0;
    ms += t === earliest ? t + MINUTE - from : MINUTE;
  }
  return ms >= MIN_HISTORY_MS
    ? { kind: 'previous', rate: total / (ms / 1000), from, seconds: Math.round(ms / 1000) }
    : undefined;
}
