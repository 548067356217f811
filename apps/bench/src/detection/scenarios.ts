// What the detection benchmark injects: faults the rules must catch, and disturbances of Rollcall itself (outage,
// lag, rebalance, broker restart) that must raise nothing. Each one changes the traffic or the taps' heartbeats.
import { MINUTE, SECOND, STREAMS } from './traffic.ts';

export const SCENARIO_KINDS = [
  'full-stop',
  'drop-50',
  'drop-20',
  'drop-5',
  'slice-drop-40',
  'duplicates-5',
  'schema-change',
  'collector-outage',
  'tap-lag',
  'rebalance',
  'broker-restart',
] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

export interface ScenarioSpec {
  kind: ScenarioKind;
  title: string;
  /** A fault must be detected; anything else must raise nothing. */
  fault: boolean;
  durationMs: number;
  /** Streams whose traffic is multiplied by `multiplier` while it lasts. */
  streams: string[];
  multiplier: number;
  /** Rules expected to fire for a fault. */
  rules: string[];
  /** The target for time to firing, when it sets one. */
  targetMs?: number;
}

export interface Scenario extends ScenarioSpec {
  start: number;
  end: number;
}

const rabbitStreams = STREAMS.filter((s) => s.broker === 'rabbitmq').map((s) => s.key);

export const SPECS: Record<ScenarioKind, ScenarioSpec> = {
  'full-stop': {
    kind: 'full-stop',
    title: 'Full stop of ledger.entries (5 msg/s nominal)',
    fault: true,
    durationMs: 20 * MINUTE,
    streams: ['ledger.entries'],
    multiplier: 0,
    rules: ['ledger-fresh'],
    targetMs: 60 * SECOND,
  },
  'drop-50': {
    kind: 'drop-50',
    title: '50% drop of clicks (500 msg/s)',
    fault: true,
    durationMs: 30 * MINUTE,
    streams: ['clicks'],
    multiplier: 0.5,
    rules: ['clicks-baseline'],
  },
  'drop-20': {
    kind: 'drop-20',
    title: '20% drop of cards (7 msg/s, downstream of card.requests)',
    fault: true,
    durationMs: 30 * MINUTE,
    streams: ['cards'],
    multiplier: 0.8,
    rules: ['cards-published-per-request'],
    targetMs: 2 * MINUTE,
  },
  'drop-5': {
    kind: 'drop-5',
    title: '5% drop of payments.settled (100 msg/s, downstream of payments.authorized)',
    fault: true,
    durationMs: 30 * MINUTE,
    streams: ['payments.settled'],
    multiplier: 0.95,
    rules: ['payments-settled-per-authorized', 'payments-settled-baseline'],
    targetMs: 10 * MINUTE,
  },
  'slice-drop-40': {
    kind: 'slice-drop-40',
    title: '40% drop of the visa slice of authorizations (one of four networks)',
    fault: true,
    durationMs: 30 * MINUTE,
    streams: ['authorizations/visa'],
    multiplier: 0.6,
    rules: ['visa-authorizations-baseline'],
    targetMs: 3 * MINUTE,
  },
  'duplicates-5': {
    kind: 'duplicates-5',
    title: '5% of fraud.scores published twice (1 msg/s)',
    fault: true,
    durationMs: 20 * MINUTE,
    streams: [],
    multiplier: 1,
    rules: ['fraud-scores-unique'],
  },
  // A new shape is news for one window: the rule fires while a window holds it and resolves once it is known.
  'schema-change': {
    kind: 'schema-change',
    title: 'Schema change of FraudScored (field added, one renamed)',
    fault: true,
    durationMs: 5 * MINUTE,
    streams: [],
    multiplier: 1,
    rules: ['fraud-scored-shape'],
  },
  'collector-outage': {
    kind: 'collector-outage',
    title: 'Collector outage: no heartbeats for 10 min, data arrives later with its event time',
    fault: false,
    durationMs: 10 * MINUTE,
    streams: [],
    multiplier: 1,
    rules: [],
  },
  'tap-lag': {
    kind: 'tap-lag',
    title: 'Kafka tap 3 min behind for 30 min (watermark stalls 3 min, then trails by 3 min)',
    fault: false,
    durationMs: 30 * MINUTE,
    streams: [],
    multiplier: 1,
    rules: [],
  },
  rebalance: {
    kind: 'rebalance',
    title: 'Consumer-group rebalance: Kafka watermark stalls 30 s',
    fault: false,
    durationMs: 30 * SECOND,
    streams: [],
    multiplier: 1,
    rules: [],
  },
  'broker-restart': {
    kind: 'broker-restart',
    title: 'RabbitMQ broker restart: all its traffic stops 30 s, its tap reports down',
    fault: false,
    durationMs: 30 * SECOND,
    streams: rabbitStreams,
    multiplier: 0,
    rules: [],
  },
};

/** No fault in the first half hour (rules settle) and none in the last half hour (alerts get to resolve). */
const LEAD_MS = 30 * MINUTE;
const TAIL_MS = 30 * MINUTE;
/** Faults start 20 s into a minute, as real ones do: the minute they start in is only partly hit. */
const OFFSET_MS = 20 * SECOND;
/** Room after a scenario for its alerts to resolve before the next one starts. */
const SETTLE_MS = 20 * MINUTE;

/** Spreads the scenarios evenly over the span, in the given order; throws when the span cannot hold them. */
export function placeScenarios(kinds: readonly ScenarioKind[], spanStart: number, spanMs: number): Scenario[] {
  if (kinds.length === 0) return [];
  const usable = spanMs - LEAD_MS - TAIL_MS;
  const spacing = Math.floor(usable / kinds.length / MINUTE) * MINUTE;
  const longest = Math.max(...kinds.map((k) => SPECS[k].durationMs));
  if (spacing < longest + SETTLE_MS)
    throw new Error(
      `a span of ${Math.round(spanMs / MINUTE)} min cannot hold ${kinds.length} scenarios (each needs ${Math.round((longest + SETTLE_MS) / MINUTE)} min plus ${Math.round((LEAD_MS + TAIL_MS) / MINUTE)} min overall)`,
    );
  return kinds.map((kind, i) => {
    const start = spanStart + LEAD_MS + i * spacing + OFFSET_MS;
    return { ...SPECS[kind], start, end: start + SPECS[kind].durationMs };
  });
}

/** How the scenarios bend the traffic and the taps' heartbeats. */
export interface Effects {
  /** The traffic multiplier of a stream at one instant. */
  multiplier(stream: string, at: number): number;
  /** Whether any scenario changes the stream's traffic in [from, to). */
  touches(stream: string, from: number, to: number): boolean;
  /** Share of fraud.scores published twice at `at`. */
  duplicateShare(at: number): number;
  /** When FraudScored changed shape (Infinity: never). */
  schemaChangeAt: number;
  /** A tap's heartbeat at `at`, or undefined when none is written (the collector is down). */
  heartbeat(tap: 'kafka' | 'rabbitmq', at: number): { up: boolean; watermark: number; reason: string } | undefined;
}

/** Duplicates without a fault: a producer retry now and then (1 in 10 000). */
export const BACKGROUND_DUPLICATES = 0.0001;
const LAG_MS = 3 * MINUTE;

export function effectsOf(scenarios: Scenario[]): Effects {
  const active = (s: Scenario, at: number) => at >= s.start && at < s.end;
  const of = (kind: ScenarioKind) => scenarios.filter((s) => s.kind === kind);
  const traffic = scenarios.filter((s) => s.streams.length > 0);
  return {
    multiplier(stream, at) {
      let m = 1;
      for (const s of traffic) if (active(s, at) && s.streams.includes(stream)) m *= s.multiplier;
      return m;
    },
    touches: (stream, from, to) => traffic.some((s) => s.streams.includes(stream) && s.start < to && s.end > from),
    duplicateShare: (at) => (of('duplicates-5').some((s) => active(s, at)) ? 0.05 : BACKGROUND_DUPLICATES),
    schemaChangeAt: Math.min(Infinity, ...of('schema-change').map((s) => s.start)),
    heartbeat(tap, at) {
      if (of('collector-outage').some((s) => active(s, at))) return undefined;
      if (tap === 'rabbitmq') {
        const restart = of('broker-restart').find((s) => active(s, at));
        return restart
          ? { up: false, watermark: restart.start, reason: 'broker connection lost: restarting' }
          : { up: true, watermark: at, reason: '' };
      }
      const stalled = of('rebalance').find((s) => active(s, at));
      if (stalled) return { up: true, watermark: stalled.start, reason: '' };
      const lag = of('tap-lag').find((s) => active(s, at));
      if (lag) return { up: true, watermark: Math.max(lag.start, at - LAG_MS), reason: '' };
      return { up: true, watermark: at, reason: '' };
    },
  };
}
