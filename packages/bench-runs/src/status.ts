// What one benchmark run is, as stored in ClickHouse, written to bench/results/ and rendered in reports.
import type { LatencySummary } from '../load/histogram.ts';
import type { LedgerCounts } from '../load/ledger.ts';
import type { Acks, Broker, Thresholds, Tuning } from '../load/options.ts';
import type { TimelinePoint } from '../load/timeline.ts';

/** The load options as recorded: connection credentials removed, tuning resolved. */
export interface RunParams {
  broker: Broker;
  /** Kafka bootstrap servers or the RabbitMQ URL without credentials. */
  target: string;
  producers: number;
  consumers: number;
  size: number;
  /** msg/s over all producers; 0 = as fast as possible. */
  rate: number;
  durationMs: number;
  drainMs: number;
  /** Kafka only. */
  acks?: Acks;
  idempotent?: boolean;
  partitions?: number;
  /** RabbitMQ only. */
  confirms?: boolean;
  persistent?: boolean;
  queues?: number;
  /** Explicitly set tuning (part of the scenario) and what was used in the end. */
  tuning: Tuning;
  effective: Required<Tuning>;
  thresholds: Thresholds;
}

export interface Environment {
  broker: { name: Broker; version: string; nodes: number; detail: Record<string, string> };
  host: { hostname: string; cores: number; cpu: string; memGiB: number; platform: string; node: string; loadAvgBefore: number[]; loadAvgAfter: number[] };
  rollcall: { command: string };
}

export interface Throughput {
  msgPerSec: number;
  mbPerSec: number;
  seconds: number;
}

export interface RunResult extends LedgerCounts {
  /** Accepted by the broker, from the first send to the last acknowledgement. */
  produce: Throughput;
  /** Received by consumers, from the first send to the last receipt. */
  endToEnd: Throughput;
  /** Send to receipt, from the timestamp inside each message. */
  latency: LatencySummary;
  /** Whether consumers received everything sent before they fell silent for the drain time. */
  drained: boolean;
  /** Figures the broker reports about the run (records on the topic, queue stats, memory, flow control). */
  broker: Record<string, number | string>;
  errors: string[];
}

export type RunStatus = 'ok' | 'lossy' | 'failed';

export interface BenchRun {
  id: string;
  /** ISO time of the first send. */
  startedAt: string;
  /** The comparability key: runs with the same scenario share a baseline. */
  scenario: string;
  /** --scenario NAME, or ''. */
  label: string;
  broker: Broker;
  status: RunStatus;
  params: RunParams;
  environment: Environment;
  result: RunResult;
  timeline: TimelinePoint[];
}

/** A stored run and whether it is its scenario's baseline now. */
export interface StoredRun extends BenchRun {
  isBaseline: boolean;
}

export function statusOf(r: Pick<RunResult, 'sent' | 'lost' | 'duplicates' | 'failed'>): RunStatus {
  if (r.sent === 0) return 'failed';
  return r.lost > 0 || r.duplicates > 0 || r.failed > 0 ? 'lossy' : 'ok';
}
