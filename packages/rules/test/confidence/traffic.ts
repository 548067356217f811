// Synthetic per-minute rollup rows for the confidence tests: daily and weekly seasonality with a night-time dip,
// ±30% jitter per minute and Poisson noise, from a seeded generator so a failure can be replayed.
import { chTime, type Store } from '@rollcall/core/store';
import { parseRuleFile } from '../../src/model/files.ts';
import type { Rule } from '../../src/model/rule.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

/** A deterministic pseudo-random sequence in [0, 1). */
export function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** A Poisson draw: by multiplication for small means, normal above (the difference is invisible there). */
export function poisson(mean: number, next: () => number): number {
  if (mean > 50) {
    const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = next(); p > limit; p *= next()) k++;
  return k;
}

/** The usual rate's shape over the week: a night dip to 30% (00:00–06:00, ramping back by 08:00) and 60% at weekends. */
export function season(t: number): number {
  const hour = (t % DAY) / HOUR;
  const daily = hour < 6 ? 0.3 : hour < 8 ? 0.3 + 0.35 * (hour - 6) : hour >= 22 ? 0.6 : 1;
  const weekday = new Date(t).getUTCDay();
  return daily * (weekday === 0 || weekday === 6 ? 0.6 : 1);
}

export interface Stream {
  stream: string;
  perSecond: number;
  /** Multiplies the rate at a time, e.g. a fault. */
  fault?: (t: number) => number;
}

/** A row of `events_per_minute`: `count` Kafka publishes of type E on `stream` in the minute starting at `minute`. */
export function minuteRow(
  stream: string,
  minute: number,
  count: number,
  { source = 's', bytes = count, lastSeen = minute }: { source?: string; bytes?: number; lastSeen?: number } = {},
) {
  return {
    minute: chTime(minute).slice(0, 19),
    broker: 'kafka',
    cluster: 'local',
    stream,
    kind: 'publish',
    event_type: 'E',
    source,
    count,
    bytes,
    last_seen: chTime(lastSeen),
  };
}

export async function insertMinutes(store: Store, rows: ReturnType<typeof minuteRow>[]): Promise<void> {
  await store.client.insert({ table: `${store.db}.events_per_minute`, values: rows, format: 'JSONEachRow' });
}

/** Rows of `events_per_minute` for [from, to), one per stream and minute. */
export async function writeTraffic(
  store: Store,
  streams: Stream[],
  from: number,
  to: number,
  seed: number,
): Promise<void> {
  const next = random(seed);
  for (const s of streams) {
    const rows = [];
    for (let t = from; t < to; t += MINUTE) {
      const jitter = 0.7 + 0.6 * next();
      const count = poisson(s.perSecond * 60 * season(t) * jitter * (s.fault?.(t) ?? 1), next);
      if (count > 0)
        rows.push(minuteRow(s.stream, t, count, { source: 'synthetic', bytes: count * 100, lastSeen: t + 59_000 }));
    }
    await insertMinutes(store, rows);
  }
}

/** Rows of `events_per_minute` from `from` on, a minute per entry: its counts on `<name>.a` and `<name>.b`, last seen `lastSeen` ms into the minute. */
export async function writePairs(
  store: Store,
  name: string,
  from: number,
  minutes: [number, number][],
  lastSeen: number,
): Promise<void> {
  await insertMinutes(
    store,
    minutes.flatMap(([a, b], i) => {
      const minute = from + i * MINUTE;
      return [
        minuteRow(`${name}.a`, minute, a, { lastSeen: minute + lastSeen }),
        minuteRow(`${name}.b`, minute, b, { lastSeen: minute + lastSeen }),
      ];
    }),
  );
}

/** A ratio rule `name` of `<name>.a` over `<name>.b` (lo 0.9), judged every minute on the minute just ended; `settings` are more YAML lines, each starting with a newline. */
export function ratioRule(name: string, settings: string): Rule {
  const [rule] = parseRuleFile(
    `rules:
  - id: ${name}
    type: ratio
    a: { stream: ${name}.a }
    b: { stream: ${name}.b }
    lo: 0.9
    window: 1m
    every: 1m
    delay: 0s${settings}
`,
    `${name}.yaml`,
  );
  if (!rule) throw new Error('no rule');
  return rule;
}
