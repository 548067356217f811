// /metrics: Prometheus metrics of what Rollcall sees and of Rollcall itself. Label cardinality is bounded:
// only the top-N streams by traffic over the last hour get their own `stream` label, the rest share "other",
// and a stream that drops out of the top N has its series removed.
import client from 'prom-client';
import { clockSkew } from '@rollcall/core/event';
import type { Store } from '@rollcall/core/store';
import type { TapName, TapTelemetry } from '@rollcall/core/telemetry';
import type { TapCheck } from '@rollcall/core/tap-health';
import type { Rule } from '@rollcall/rules/rule';
import type { RuleStatus } from '@rollcall/rules/engine';
import { busiestStreams } from './read/metrics.ts';

export const OTHER = 'other';
/** Event types per stream that get their own label value. */
const EVENT_TYPES_PER_STREAM = 20;
/** Label values are cut to this many characters: a producer's 120 KB event type must not grow /metrics. */
export const MAX_LABEL_LENGTH = 120;
const bounded = (value: string) =>
  value.length > MAX_LABEL_LENGTH ? `${value.slice(0, MAX_LABEL_LENGTH - 1)}…` : value;

export interface MetricSources {
  backlog?: () => { tap: TapName; rows: number }[];
  taps?: () => TapCheck[];
  lag?: () => { broker: string; group: string; lag: number; lag_seconds: number; status: string }[];
  rules?: () => RuleStatus[];
}

export interface Metrics extends TapTelemetry {
  registry: client.Registry;
  ruleEvaluated(rule: Rule, durationMs: number, failed: boolean): void;
  /** Recomputes which streams get their own label (top N by traffic over the last hour). */
  refreshTopStreams(): Promise<void>;
  setSources(sources: MetricSources): void;
  text(): Promise<string>;
}

const LAG_STATUSES = ['OK', 'WARN', 'STALL', 'STOP', 'ERR'] as const;
const RULE_STATES = { inactive: 0, pending: 1, firing: 2 } as const;

export function createMetrics({ store, topStreams }: { store: Store; topStreams: number }): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'rollcall_' });
  // prom-client names these gauges *_total, which promtool rejects; the same figures remain as
  // rollcall_nodejs_active_handles / _requests / _resources.
  for (const name of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`rollcall_nodejs_active_${name}_total`);
  let sources: MetricSources = {};
  let allowed = new Set<string>();
  const eventTypes = new Map<string, Set<string>>();
  const labelled = new Map<string, Set<string>>(); // stream key → label-set keys in use, to remove them later

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new client.Counter<L>({ name, help, labelNames, registers: [registry] });
  const streamLabels = ['broker', 'stream', 'event_type', 'kind'] as const;
  const messages = counter(
    'rollcall_messages_total',
    'Messages observed and stored, by stream (top-N streams; the rest are "other").',
    streamLabels,
  );
  const bytes = counter('rollcall_message_bytes_total', 'Body bytes of messages observed and stored.', streamLabels);
  const histogram = <L extends string>(name: string, help: string, label: L, buckets: number[]) =>
    new client.Histogram<L>({ name, help, labelNames: [label], buckets, registers: [registry] });
  const batchRows = histogram(
    'rollcall_collector_batch_rows',
    'Rows per insert into the store.',
    'tap',
    [1, 10, 100, 500, 1000, 5000, 10_000, 50_000],
  );
  const insertSeconds = histogram(
    'rollcall_collector_insert_duration_seconds',
    'Time to store one batch, retries included.',
    'tap',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  const insertFailures = counter(
    'rollcall_collector_insert_failures_total',
    'Failed insert attempts (each is retried with the same deduplication token).',
    ['tap'],
  );
  const undecodable = counter(
    'rollcall_collector_undecodable_total',
    'Messages stored with a parse_error because the tap could not decode their batch (corrupt, or a codec it cannot read).',
    ['tap'],
  );
  const skewed = counter(
    'rollcall_clock_skew_total',
    'Messages whose producer clock was too far ahead or behind to trust: counted at the time Rollcall saw them (the clock_skew column says which, per source).',
    ['broker', 'direction'],
  );
  /** A gauge read at scrape time: every scrape clears its series and `read` sets what holds now, so a tap, group
   * or rule that went away leaves no stale series behind. */
  const scrapedGauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: (set: (labels: Record<L, string>, value: number) => void) => void,
  ) =>
    new client.Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        read((labels, value) => this.set(labels, value));
      },
    });
  const tapGauge = (name: string, help: string, value: (c: TapCheck) => number) =>
    scrapedGauge(name, help, ['tap'], (set) => {
      for (const c of sources.taps?.() ?? []) set({ tap: c.tap }, value(c));
    });
  tapGauge(
    'rollcall_tap_up',
    '1 while a tap is watching (running and storing); 0 when it crashed, stalled, is reconnecting or its firehose is off.',
    (c) => (c.up ? 1 : 0),
  );
  tapGauge(
    'rollcall_tap_last_stored_timestamp_seconds',
    'When the tap last stored a batch (Unix seconds; 0 before the first).',
    (c) => c.lastStoredAt / 1000,
  );
  tapGauge(
    'rollcall_tap_lost_messages',
    'Messages the broker dropped or never traced while the tap could not see them, since start (where the broker counts them).',
    (c) => c.lost,
  );
  const overflowed = counter(
    'rollcall_collector_overflowed_total',
    'Trace messages that overflowed the RabbitMQ tap queue (stored late through the overflow queue).',
    ['tap'],
  );
  scrapedGauge('rollcall_collector_backlog_rows', 'Rows received by a tap and not yet stored.', ['tap'], (set) => {
    for (const b of sources.backlog?.() ?? []) set({ tap: b.tap }, b.rows);
  });

  const lagGroups = () => (sources.lag?.() ?? []).slice(0, topStreams);
  type LagGroup = ReturnType<typeof lagGroups>[number];
  const lagGauge = (name: string, help: string, value: (g: LagGroup) => number) =>
    scrapedGauge(name, help, ['broker', 'group'], (set) => {
      for (const g of lagGroups()) set({ broker: g.broker, group: g.group }, value(g));
    });
  lagGauge(
    'rollcall_consumer_lag_messages',
    'Messages behind: Kafka log-end minus committed offsets summed over partitions; RabbitMQ messages ready in the queue.',
    (g) => g.lag,
  );
  lagGauge(
    'rollcall_consumer_lag_seconds',
    'Age of the oldest message not yet consumed, estimated from the tap’s observed timestamps.',
    (g) => g.lag_seconds,
  );
  scrapedGauge(
    'rollcall_consumer_lag_status',
    'Burrow-style status of a consumer group or queue: 1 for its current status.',
    ['broker', 'group', 'status'],
    (set) => {
      for (const g of lagGroups())
        for (const s of LAG_STATUSES) set({ broker: g.broker, group: g.group, status: s }, g.status === s ? 1 : 0);
    },
  );
  scrapedGauge(
    'rollcall_rule_state',
    'Alert state of each rule: 0 inactive, 1 pending, 2 firing.',
    ['rule_id', 'severity', 'type'],
    (set) => {
      for (const s of sources.rules?.() ?? [])
        set({ rule_id: s.rule.id, severity: s.rule.severity, type: s.rule.type }, RULE_STATES[s.status.state]);
    },
  );
  const evalSeconds = histogram(
    'rollcall_rule_evaluation_duration_seconds',
    'Time to evaluate a rule once.',
    'type',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  const evalFailures = counter(
    'rollcall_rule_evaluation_failures_total',
    'Rule evaluations that failed (the query errored).',
    ['type'],
  );

  const labelsFor = (r: { broker: string; stream: string; event_type: string; kind: string }) => {
    const key = `${r.broker}/${bounded(r.stream)}`;
    if (!allowed.has(key)) return { broker: r.broker, stream: OTHER, event_type: OTHER, kind: r.kind };
    const types = eventTypes.get(key) ?? new Set<string>();
    eventTypes.set(key, types);
    const eventType = bounded(r.event_type);
    if (!types.has(eventType) && types.size < EVENT_TYPES_PER_STREAM) types.add(eventType);
    return {
      broker: r.broker,
      stream: bounded(r.stream),
      event_type: types.has(eventType) ? eventType : OTHER,
      kind: r.kind,
    };
  };

  return {
    registry,
    stored(tap, rows, ms, counted = []) {
      const broken = rows.reduce((n, r) => (r.parse_error.startsWith('undecodable ') ? n + 1 : n), 0);
      if (broken) undecodable.inc({ tap }, broken);
      for (const r of rows) {
        const skew = clockSkew(r.broker_ts, r.observed_at);
        if (skew !== 0) skewed.inc({ broker: r.broker, direction: skew > 0 ? 'ahead' : 'behind' });
      }
      insertSeconds.observe({ tap }, ms / 1000);
      // One increment per label set per batch, not per row.
      const sums = new Map<string, { labels: ReturnType<typeof labelsFor>; count: number; bytes: number }>();
      const add = (of: Parameters<typeof labelsFor>[0], count: number, size: number) => {
        const labels = labelsFor(of);
        const key = `${labels.broker}\u0000${labels.stream}\u0000${labels.event_type}\u0000${labels.kind}`;
        const sum = sums.get(key) ?? { labels, count: 0, bytes: 0 };
        sum.count += count;
        sum.bytes += size;
        sums.set(key, sum);
      };
      for (const r of rows) add(r, 1, r.size);
      for (const c of counted) add(c, c.count, c.bytes);
      let stored = 0;
      for (const [key, s] of sums) {
        stored += s.count;
        messages.inc(s.labels, s.count);
        bytes.inc(s.labels, s.bytes);
        const streamKey = `${s.labels.broker}/${s.labels.stream}`;
        const sets = labelled.get(streamKey) ?? new Set<string>();
        sets.add(key);
        labelled.set(streamKey, sets);
      }
      batchRows.observe({ tap }, stored);
    },
    insertFailed: (tap) => insertFailures.inc({ tap }),
    overflowed: (tap) => overflowed.inc({ tap }),
    ruleEvaluated(rule, durationMs, failed) {
      evalSeconds.observe({ type: rule.type }, durationMs / 1000);
      if (failed) evalFailures.inc({ type: rule.type });
    },
    async refreshTopStreams() {
      const top = await busiestStreams(store, topStreams);
      allowed = new Set(top.map((t) => `${t.broker}/${bounded(t.stream)}`));
      for (const [streamKey, sets] of labelled) {
        if (allowed.has(streamKey) || streamKey.endsWith(`/${OTHER}`)) continue;
        for (const key of sets) {
          const [broker = '', stream = '', event_type = '', kind = ''] = key.split('\u0000');
          messages.remove({ broker, stream, event_type, kind });
          bytes.remove({ broker, stream, event_type, kind });
        }
        labelled.delete(streamKey);
        eventTypes.delete(streamKey);
      }
    },
    setSources(s) {
      sources = s;
    },
    text: () => registry.metrics(),
  };
}
