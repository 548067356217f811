// Writes the benchmark's traffic into a store: per-minute rollup rows (history weeks for the baselines, then the
// measured span with the scenarios applied), raw events only for the stream the duplicates and schema rules
// read, the payload shapes, and the taps' heartbeats every 5 s.
import type { EventRow, SchemaRow } from '@rollcall/core/event';
import { chTime, type Store } from '@rollcall/core/store';
import { HEARTBEAT_MS, insertHeartbeats, type Heartbeat } from '@rollcall/core/store/coverage';
import type { Effects } from './scenarios.ts';
import {
  binomial,
  createRandom,
  createSeasonality,
  MINUTE,
  poisson,
  SECOND,
  STREAMS,
  type StreamSpec,
} from './traffic.ts';

const CLUSTER = 'local';
const INSERT_ROWS = 100_000;
export const SHAPE_BEFORE = 0x5eed_a11c_e001;
export const SHAPE_AFTER = 0x5eed_a11c_e002;
const PATHS_BEFORE = ['/correlation_id', '/score', '/model', '/reasons'];
const PATHS_AFTER = ['/correlation_id', '/score', '/model_version', '/reasons', '/features'];

export interface TrafficPlan {
  seed: number;
  /** Rollup history before the span, for baselines (no scenarios). */
  historyStart: number;
  spanStart: number;
  spanEnd: number;
  effects: Effects;
}

export interface Written {
  rollupRows: number;
  rawEvents: number;
  heartbeats: number;
  /** Messages per stream in the span (after faults). */
  messages: Record<string, number>;
}

interface RollupRow {
  minute: string;
  broker: string;
  cluster: string;
  stream: string;
  kind: 'publish';
  event_type: string;
  source: string;
  count: number;
  bytes: number;
  last_seen: string;
}

/** The mean multiplier of a stream over one minute, and the end of its last second with any traffic. */
function minuteEffect(effects: Effects, key: string, minute: number): { mean: number; lastActiveEnd: number } {
  if (!effects.touches(key, minute, minute + MINUTE)) return { mean: 1, lastActiveEnd: minute + MINUTE };
  let sum = 0;
  let lastActiveEnd = minute;
  for (let s = 0; s < 60; s++) {
    const m = effects.multiplier(key, minute + s * SECOND);
    sum += m;
    if (m > 0) lastActiveEnd = minute + (s + 1) * SECOND;
  }
  return { mean: sum / 60, lastActiveEnd };
}

export async function writeTraffic(
  store: Store,
  plan: TrafficPlan,
  onProgress: (line: string) => void = () => {},
): Promise<Written> {
  const seasonality = createSeasonality(plan.seed);
  const random = createRandom(plan.seed);
  const messages: Record<string, number> = {};
  let rollupRows = 0;
  let buffer: RollupRow[] = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    await store.client.insert({ table: `${store.db}.events_per_minute`, values: buffer, format: 'JSONEachRow' });
    rollupRows += buffer.length;
    buffer = [];
  };
  const rollupStreams = STREAMS.filter((s) => !s.raw);
  for (let minute = plan.historyStart; minute < plan.spanEnd; minute += MINUTE) {
    const inSpan = minute >= plan.spanStart;
    const counts = new Map<string, number>();
    for (const spec of rollupStreams) {
      const effect = inSpan
        ? minuteEffect(plan.effects, spec.key, minute)
        : { mean: 1, lastActiveEnd: minute + MINUTE };
      const leader = spec.follows ? counts.get(spec.follows.key) : undefined;
      const count =
        spec.follows && leader !== undefined
          ? binomial(leader, spec.follows.ratio * effect.mean, random)
          : poisson(seasonality.rate(spec, minute + 30 * SECOND) * 60 * effect.mean, random);
      counts.set(spec.key, count);
      if (inSpan) messages[spec.key] = (messages[spec.key] ?? 0) + count;
      if (count === 0) continue;
      // The last event of the minute: an exponential gap before the end of its last second with traffic.
      const lastSeen = Math.max(
        minute,
        effect.lastActiveEnd - Math.floor((-Math.log(Math.max(random(), 1e-12)) * MINUTE) / count),
      );
      buffer.push(rollupRow(spec, minute, count, lastSeen));
    }
    if (buffer.length >= INSERT_ROWS) await flush();
    if ((minute - plan.historyStart) % (7 * 86_400_000) === 0 && minute > plan.historyStart)
      onProgress(`traffic: wrote up to ${new Date(minute).toISOString()}`);
  }
  await flush();
  const rawEvents = await writeRawStream(store, plan, seasonality, random, messages);
  const heartbeats = await writeHeartbeats(store, plan);
  // One part per partition: the engine then reads each window from one part instead of dozens of insert parts.
  for (const table of ['events_per_minute', 'events', 'tap_coverage'])
    await store.client.command({ query: `OPTIMIZE TABLE ${store.db}.${table} FINAL` });
  return { rollupRows, rawEvents, heartbeats, messages };
}

function rollupRow(spec: StreamSpec, minute: number, count: number, lastSeen: number): RollupRow {
  return {
    minute: chTime(minute).slice(0, 19),
    broker: spec.broker,
    cluster: CLUSTER,
    stream: spec.stream,
    kind: 'publish',
    event_type: spec.event_type,
    source: spec.source,
    count,
    bytes: count * spec.bytes,
    last_seen: chTime(lastSeen),
  };
}

/** fraud.scores as raw events over the span (the rollup follows through the store's view): duplicates and shapes. */
async function writeRawStream(
  store: Store,
  plan: TrafficPlan,
  seasonality: ReturnType<typeof createSeasonality>,
  random: () => number,
  messages: Record<string, number>,
): Promise<number> {
  const spec = STREAMS.find((s) => s.raw);
  if (!spec) return 0;
  const shapes: SchemaRow[] = [
    {
      fingerprint: SHAPE_BEFORE,
      broker: spec.broker,
      stream: spec.stream,
      event_type: spec.event_type,
      paths: PATHS_BEFORE,
      first_seen: plan.historyStart,
    },
  ];
  if (Number.isFinite(plan.effects.schemaChangeAt))
    shapes.push({
      fingerprint: SHAPE_AFTER,
      broker: spec.broker,
      stream: spec.stream,
      event_type: spec.event_type,
      paths: PATHS_AFTER,
      first_seen: plan.effects.schemaChangeAt,
    });
  await store.insertSchemas(shapes);
  let rows: EventRow[] = [];
  let written = 0;
  let offset = 0;
  let batch = 0;
  const flush = async () => {
    if (rows.length === 0) return;
    batch++;
    await store.insertEvents(rows, `detection-raw-${plan.seed}-${batch}`, batch);
    written += rows.length;
    rows = [];
  };
  for (let minute = plan.spanStart; minute < plan.spanEnd; minute += MINUTE) {
    const count = poisson(seasonality.rate(spec, minute + 30 * SECOND) * 60, random);
    for (let i = 0; i < count; i++) {
      const at = minute + Math.floor(random() * MINUTE);
      const id = `fs-${plan.seed}-${offset}`;
      rows.push(rawRow(spec, at, id, offset++, plan.effects.schemaChangeAt));
      // A producer retry publishes the same message again a moment later.
      if (random() < plan.effects.duplicateShare(at))
        rows.push(rawRow(spec, at + 200 + Math.floor(random() * 1500), id, offset++, plan.effects.schemaChangeAt));
    }
    if (rows.length >= INSERT_ROWS / 4) await flush();
  }
  await flush();
  messages[spec.key] = written;
  return written;
}

function rawRow(spec: StreamSpec, at: number, messageId: string, offset: number, schemaChangeAt: number): EventRow {
  return {
    observed_at: at + 40,
    broker_ts: at,
    broker: spec.broker,
    cluster: CLUSTER,
    stream: spec.stream,
    routing_key: '',
    partition: offset % 3,
    offset,
    kind: 'publish',
    queue: '',
    routed_queues: [],
    event_type: spec.event_type,
    source: spec.source,
    message_id: messageId,
    correlation_id: `c-${messageId}`,
    trace_id: '',
    key_hash: 0,
    size: spec.bytes,
    header_count: 2,
    schema_fingerprint: at >= schemaChangeAt ? SHAPE_AFTER : SHAPE_BEFORE,
    parse_error: '',
    connection: '',
    user: '',
    delivery_hash: 0,
  };
}

/** Both taps every HEARTBEAT_MS from an hour before the span to a few minutes after it, as the scenarios say. */
async function writeHeartbeats(store: Store, plan: TrafficPlan): Promise<number> {
  let beats: Heartbeat[] = [];
  let written = 0;
  const from = plan.spanStart - 3_600_000;
  const to = plan.spanEnd + 5 * MINUTE;
  for (let at = from; at < to; at += HEARTBEAT_MS) {
    for (const tap of ['kafka', 'rabbitmq'] as const) {
      const beat = plan.effects.heartbeat(tap, at);
      if (beat) beats.push({ tap, at, ...beat });
    }
    if (beats.length >= INSERT_ROWS) {
      await insertHeartbeats(store, beats);
      written += beats.length;
      beats = [];
    }
  }
  await insertHeartbeats(store, beats);
  return written + beats.length;
}
