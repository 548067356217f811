// The synthetic traffic of the detection benchmark: streams with daily and weekly seasonality, a night-time dip,
// a day-to-day jitter of the daily swing and Poisson noise per minute, seeded so a run can be repeated.
import type { Broker } from '@rollcall/core/event';

export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface StreamSpec {
  key: string;
  broker: Broker;
  stream: string;
  event_type: string;
  source: string;
  /** Nominal msg/s: a weekday at the daily mean. */
  rate: number;
  /** Downstream of another stream: its count per minute is that stream's, thinned by `ratio`. */
  follows?: { key: string; ratio: number };
  /** Written as raw events (duplicates, schema) instead of rollup rows. */
  raw?: boolean;
  /** Streams that share one draw of the day's jitter (the slices of one stream). */
  jitterGroup?: string;
  bytes: number;
}

/** The slices of `authorizations`, by card network, and their shares of its 40 msg/s. */
export const NETWORKS = [
  ['visa', 0.5],
  ['mastercard', 0.3],
  ['amex', 0.12],
  ['discover', 0.08],
] as const;

export const STREAMS: StreamSpec[] = [
  {
    key: 'card.requests',
    broker: 'kafka',
    stream: 'card.requests',
    event_type: 'AuthorizationRequested',
    source: 'card-service',
    rate: 7,
    bytes: 420,
  },
  {
    key: 'cards',
    broker: 'rabbitmq',
    stream: 'cards',
    event_type: 'CardAuthorized',
    source: 'card-service',
    rate: 7,
    follows: { key: 'card.requests', ratio: 0.995 },
    bytes: 380,
  },
  {
    key: 'payments.authorized',
    broker: 'kafka',
    stream: 'payments.authorized',
    event_type: 'PaymentAuthorized',
    source: 'payments',
    rate: 100,
    bytes: 300,
  },
  {
    key: 'payments.settled',
    broker: 'rabbitmq',
    stream: 'payments.settled',
    event_type: 'PaymentSettled',
    source: 'payments',
    rate: 100,
    follows: { key: 'payments.authorized', ratio: 0.98 },
    bytes: 280,
  },
  { key: 'clicks', broker: 'kafka', stream: 'clicks', event_type: 'Click', source: 'web', rate: 500, bytes: 150 },
  {
    key: 'ledger.entries',
    broker: 'kafka',
    stream: 'ledger.entries',
    event_type: 'LedgerEntry',
    source: 'ledger',
    rate: 5,
    bytes: 250,
  },
  ...NETWORKS.map(([network, share]): StreamSpec => ({
    key: `authorizations/${network}`,
    broker: 'rabbitmq',
    stream: 'authorizations',
    event_type: 'CardAuthorized',
    source: network,
    rate: 40 * share,
    jitterGroup: 'authorizations',
    bytes: 360,
  })),
  {
    key: 'fraud.scores',
    broker: 'kafka',
    stream: 'fraud.scores',
    event_type: 'FraudScored',
    source: 'fraud',
    rate: 1,
    raw: true,
    bytes: 200,
  },
  {
    key: 'chargebacks',
    broker: 'rabbitmq',
    stream: 'chargebacks',
    event_type: 'ChargebackOpened',
    source: 'disputes',
    rate: 0.5,
    bytes: 500,
  },
];

/** Mulberry32: small, fast and good enough for traffic noise; the same seed gives the same week. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Poisson draw: exact (Knuth) for small means, normal approximation above 50, where it is within 1 %. */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** Binomial draw: the normal approximation when both tails hold more than 20 events, exact trials otherwise. */
export function binomial(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n * p > 20 && n * (1 - p) > 20)
    return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(random))));
  if (n * (1 - p) < n * p) return n - poisson(n * (1 - p), random); // few misses: count them
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

/** Weekday factors, Monday first: weekends are quieter. */
const WEEKLY = [1.0, 1.02, 1.03, 1.0, 0.95, 0.7, 0.6];
/** The daily swing around the mean (peak at 14:00 UTC, trough at 02:00) before jitter. */
export const DAILY_AMPLITUDE = 0.4;
/** Each day's swing is the nominal one times a uniform draw in [1 - JITTER, 1 + JITTER]. */
export const DAY_JITTER = 0.3;
/** How much deeper the night gets between 00:00 and 05:00, at its lowest (02:30). */
export const NIGHT_DIP = 0.35;

export interface Seasonality {
  /** The expected msg/s of `spec` at `at` (ms), before faults. */
  rate(spec: StreamSpec, at: number): number;
}

export function createSeasonality(seed: number): Seasonality {
  const amplitudes = new Map<string, number>();
  const amplitude = (group: string, day: number): number => {
    const key = `${group}/${day}`;
    let a = amplitudes.get(key);
    if (a === undefined) {
      // One draw per stream and day, independent of the order days are asked for.
      const random = createRandom(seed ^ hashString(key));
      a = DAILY_AMPLITUDE * (1 - DAY_JITTER + 2 * DAY_JITTER * random());
      amplitudes.set(key, a);
    }
    return a;
  };
  return {
    rate(spec, at) {
      const day = Math.floor(at / DAY);
      const hour = (at - day * DAY) / HOUR;
      const weekday = (new Date(day * DAY).getUTCDay() + 6) % 7;
      const wave = -Math.cos((2 * Math.PI * (hour - 2)) / 24);
      const night = hour < 5 ? 1 - NIGHT_DIP * Math.sin((Math.PI * hour) / 5) : 1;
      return spec.rate * (WEEKLY[weekday] ?? 1) * (1 + amplitude(spec.jitterGroup ?? spec.key, day) * wave) * night;
    },
  };
}

export function hashString(text: string): number {
  let h = 2_166_136_261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619);
  return h >>> 0;
}
