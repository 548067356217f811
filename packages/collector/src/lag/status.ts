// Lag statuses in the spirit of Burrow's evaluator, the shape a group's lag is reported in, and the window
// arithmetic both evaluators (Kafka groups, RabbitMQ queues) share.
import type { Broker } from '@rollcall/core/event';

export type LagStatus = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'ERR';

export const LAG_STATUSES: readonly LagStatus[] = ['OK', 'WARN', 'STALL', 'STOP', 'ERR'];

export interface Verdict {
  status: LagStatus;
  /** One line with the numbers that led to the status. */
  reason: string;
}

/** One consumer group (Kafka) or queue (RabbitMQ), as GET /api/v1/lag reports it. */
export interface GroupLag {
  broker: Broker;
  cluster: string;
  /** Kafka consumer group; RabbitMQ queue, as `vhost/queue` outside the default vhost */
  group: string;
  status: LagStatus;
  reason: string;
  /** messages behind: summed over partitions, or the queue's ready messages */
  lag: number;
  /** age of the oldest message not yet consumed, estimated from the tap's own timestamps; 0 when caught up or unknown */
  lag_seconds: number;
  /** group members, or consumers on the queue */
  consumers: number;
  /** topics, or the exchanges bound to the queue */
  streams: string[];
}

export interface LagSnapshot {
  /** ISO time of the sampling round; null before the first one */
  at: string | null;
  groups: GroupLag[];
}

/** The last `window` rounds that were read and the latest of them; or, when the latest gives nothing to judge, the
 * verdict: none sampled yet, or it could not be read (`what`: "group", "queue"). */
export function readWindow<R extends { error?: string }>(
  rounds: R[],
  window: number,
  what: string,
): { verdict: Verdict } | { last: R; read: R[] } {
  const recent = rounds.slice(-window);
  const last = recent.at(-1);
  if (!last) return { verdict: { status: 'OK', reason: 'no samples yet' } };
  if (last.error !== undefined)
    return { verdict: { status: 'ERR', reason: `could not read the ${what}: ${last.error}` } };
  return { last, read: recent.filter((r) => r.error === undefined) };
}

export const severity = (s: LagStatus) => LAG_STATUSES.indexOf(s);

export const isWorse = (a: LagStatus, than: LagStatus) => severity(a) > severity(than);

/** 1234.5 → "1,235": reasons are read by people. */
export const num = (n: number) => Math.round(n).toLocaleString('en-US');

/** Never went down across the values and ended above where it started: Burrow's "lag always increasing". */
export function rising(values: number[]): boolean {
  const first = values[0];
  const last = values.at(-1);
  if (first === undefined || last === undefined || last <= first) return false;
  return values.every((v, i) => i === 0 || v >= (values[i - 1] ?? v));
}

/** How many values at the end satisfy `holds` without a break. */
export function trailing<T>(values: T[], holds: (value: T, index: number) => boolean): number {
  let run = 0;
  for (let i = values.length - 1; i >= 0 && holds(values[i] as T, i); i--) run++;
  return run;
}

/** Burrow calls a consumer stopped when the time since its last commit exceeds the span its commits covered in
 * the window; with evenly spaced samples that is an idle run longer than half of what the window has seen,
 * and at least two samples so one reading alone never decides it. */
export const idleLongEnough = (idleRun: number, seen: number) => idleRun >= 2 && idleRun * 2 > seen;

/** "lag 1,234 and rising for 6 samples", or just "lag 1,234" when it has not been going up. */
export function trend(label: string, values: number[]): string {
  const last = values.at(-1) ?? 0;
  const run = trailing(values, (v, i) => i === 0 || v >= (values[i - 1] ?? v));
  const start = values[values.length - run] ?? last;
  return run >= 2 && last > start ? `${label} ${num(last)} and rising for ${run} samples` : `${label} ${num(last)}`;
}
