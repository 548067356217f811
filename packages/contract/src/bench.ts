// Benchmark runs (apps/bench) as stored and served under /api/v1/bench: one run, its row in the list, its
// comparison with its scenario's baseline. The load generator, the run store and the web take their types here.
import { z } from 'zod';
import { brokerParam } from './params.ts';

export type Broker = z.infer<typeof brokerParam>;
export type Acks = 'all' | '1' | '0';

export const runStatusSchema = z.enum(['ok', 'lossy', 'failed']);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** Knobs that change throughput; in the scenario key only when set explicitly. */
export const tuningSchema = z.object({
  /** Messages per Kafka send / per RabbitMQ publish burst. */
  batch: z.number().optional(),
  /** Sends (bursts) in flight per producer. */
  inFlight: z.number().optional(),
  /** RabbitMQ consumer prefetch. */
  prefetch: z.number().optional(),
});
export type Tuning = z.infer<typeof tuningSchema>;

export const thresholdsSchema = z.object({
  /** A throughput ratio below 1 - maxDrop is a regression. */
  maxDrop: z.number(),
  /** A p99 ratio above 1 + maxP99Rise is a regression. */
  maxP99Rise: z.number(),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

/** The load options as recorded: connection credentials removed, tuning resolved. */
export const runParamsSchema = z.object({
  broker: brokerParam,
  /** Kafka bootstrap servers or the RabbitMQ URL without credentials. */
  target: z.string(),
  producers: z.number(),
  consumers: z.number(),
  size: z.number(),
  /** msg/s over all producers; 0 = as fast as possible. */
  rate: z.number(),
  durationMs: z.number(),
  drainMs: z.number(),
  /** Kafka only. */
  acks: z.enum(['all', '1', '0']).optional(),
  idempotent: z.boolean().optional(),
  partitions: z.number().optional(),
  /** RabbitMQ only. */
  confirms: z.boolean().optional(),
  persistent: z.boolean().optional(),
  queues: z.number().optional(),
  /** Explicitly set tuning (part of the scenario) and what was used in the end. */
  tuning: tuningSchema,
  effective: tuningSchema.required(),
  thresholds: thresholdsSchema,
});
export type RunParams = z.infer<typeof runParamsSchema>;

export const environmentSchema = z.object({
  broker: z.object({
    name: brokerParam,
    version: z.string(),
    nodes: z.number(),
    detail: z.record(z.string(), z.string()),
  }),
  host: z.object({
    hostname: z.string(),
    cores: z.number(),
    cpu: z.string(),
    memGiB: z.number(),
    platform: z.string(),
    node: z.string(),
    loadAvgBefore: z.array(z.number()),
    loadAvgAfter: z.array(z.number()),
  }),
  rollcall: z.object({ command: z.string() }),
});
export type Environment = z.infer<typeof environmentSchema>;

export const throughputSchema = z.object({ msgPerSec: z.number(), mbPerSec: z.number(), seconds: z.number() });
export type Throughput = z.infer<typeof throughputSchema>;

/** All in milliseconds except count. */
export const latencySummarySchema = z.object({
  count: z.number(),
  min: z.number(),
  mean: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const ledgerCountsSchema = z.object({
  /** Messages the broker accepted (send resolved: acked, confirmed, or written when neither is asked for). */
  sent: z.number(),
  /** Messages whose send failed; they are not in `sent`. */
  failed: z.number(),
  /** Distinct messages received. */
  received: z.number(),
  /** Receipts of a message already received. */
  duplicates: z.number(),
  /** Accepted and never received. */
  lost: z.number(),
  /** Received although their send failed or never resolved: delivered anyway, and not lost. */
  unconfirmed: z.number(),
  /** Bodies that were not load messages of this run. */
  strays: z.number(),
});
export type LedgerCounts = z.infer<typeof ledgerCountsSchema>;

export const runResultSchema = ledgerCountsSchema.extend({
  /** Accepted by the broker, from the first send to the last acknowledgement. */
  produce: throughputSchema,
  /** Received by consumers, from the first send to the last receipt. */
  endToEnd: throughputSchema,
  /** Send to receipt, from the timestamp inside each message. */
  latency: latencySummarySchema,
  /** Whether consumers received everything sent before they fell silent for the drain time. */
  drained: z.boolean(),
  /** Figures the broker reports about the run (records on the topic, queue stats, memory, flow control). */
  broker: z.record(z.string(), z.union([z.number(), z.string()])),
  errors: z.array(z.string()),
});
export type RunResult = z.infer<typeof runResultSchema>;

export const timelinePointSchema = z.object({
  /** Seconds since the first send. */
  second: z.number(),
  produced: z.number(),
  consumed: z.number(),
  /** Latency of the messages received in this second, ms; 0 when none. */
  p50: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type TimelinePoint = z.infer<typeof timelinePointSchema>;

export const benchRunSchema = z.object({
  id: z.string(),
  /** ISO time of the first send. */
  startedAt: z.string(),
  scenario: z.string().describe('the comparability key: runs of one scenario share a baseline'),
  /** --scenario NAME, or ''. */
  label: z.string(),
  broker: brokerParam,
  status: runStatusSchema,
  params: runParamsSchema.describe('the load options as run (credentials removed)'),
  environment: environmentSchema.describe('broker version and nodes, host cores, CPU and memory'),
  result: runResultSchema.describe(
    'sent, received, lost, duplicates, produce and end-to-end throughput, latency percentiles, broker figures',
  ),
  timeline: z.array(timelinePointSchema).describe('per second: produced, consumed, p50, p99, max'),
});
export type BenchRun = z.infer<typeof benchRunSchema>;

/** A stored run and whether it is its scenario's baseline now. */
export const storedRunSchema = benchRunSchema.extend({ isBaseline: z.boolean() });
export type StoredRun = z.infer<typeof storedRunSchema>;

export const runSummarySchema = z.object({
  id: z.string(),
  startedAt: z.string(),
  scenario: z.string(),
  label: z.string(),
  broker: brokerParam,
  status: runStatusSchema,
  sent: z.number(),
  received: z.number(),
  lost: z.number(),
  duplicates: z.number(),
  produceMsgPerSec: z.number(),
  endToEndMsgPerSec: z.number(),
  p50: z.number(),
  p99: z.number(),
  max: z.number(),
  isBaseline: z.boolean(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const metricComparisonSchema = z.object({
  metric: z.enum(['produce', 'endToEnd', 'p50', 'p95', 'p99', 'max', 'lost', 'duplicates']),
  label: z.string(),
  unit: z.string(),
  baseline: z.number(),
  value: z.number(),
  /** value / baseline; null when the baseline is 0. */
  ratio: z.number().nullable(),
  /** Which direction is better, so a report can colour a change. */
  better: z.enum(['higher', 'lower']),
  regressed: z.boolean(),
  /** What would have been a regression, e.g. "< 0.90×"; '' for metrics that are only shown. */
  limit: z.string(),
});
export type MetricComparison = z.infer<typeof metricComparisonSchema>;

export const comparisonSchema = z.object({
  baseline: benchRunSchema,
  thresholds: thresholdsSchema,
  metrics: z.array(metricComparisonSchema),
  /** One sentence per regression. */
  regressions: z.array(z.string()),
  regressed: z.boolean(),
});
export type Comparison = z.infer<typeof comparisonSchema>;

// ---- /api/v1/bench/runs ------------------------------------------------------------------------------------
export const runsQuery = z.strictObject({
  scenario: z.string().max(512).optional(),
  broker: brokerParam.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const runsResponse = z.object({ runs: z.array(runSummarySchema) });
export type RunsResponse = z.infer<typeof runsResponse>;

export const runPath = z.strictObject({
  id: z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'expected a run id such as 20261123-101500-a1b2'),
});

export const runDetailResponse = storedRunSchema.extend({
  comparison: comparisonSchema.nullable().describe('null for the baseline itself, or when its scenario has none'),
});
export type RunDetail = z.infer<typeof runDetailResponse>;
