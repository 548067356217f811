// What an overhead measurement records: the same load with Rollcall off and on, and the ratios between them.
import type { Config } from '@rollcall/core/config/schema';
import type { LoadOutcome } from '../load/run.ts';
import type { Environment } from '@rollcall/contract/bench';

export type TraceMode = Config['rabbitmq']['trace'];

/** Mean with Rollcall over mean without, per figure; null when a side is missing. */
export interface Ratios {
  msgPerSec: number | null;
  endToEndMsgPerSec: number | null;
  p99: number | null;
  cpuMicrosPerMessage?: number | null;
}

/** What the bench tap stored of a firehose phase's load, read after it settled and stopped. */
export interface TapFigures {
  /** The tap queue's binding (rabbitmq.trace). */
  trace: TraceMode;
  /** From the consumers stopping until the tap had stored everything queued; null when it did not within the timeout. */
  drainSeconds: number | null;
  /** Publishes of the load's queues stored as rows: exact when it equals the phase's `sent`. */
  publishes: number;
  /** Deliveries of the load's queues stored: as rows (trace: all) or counted from deliver_get (trace: publish). */
  deliveries: number;
  /** What the load's consumers were handed (first receipts and duplicates): what `deliveries` must equal. */
  delivered: number;
  /** trace: publish only: whether the counter read the same total twice a statistics interval apart. */
  quiet?: boolean;
  /** CPU of the tap's process from the phase's start until it had stored everything, in µs per message sent. */
  cpuMicrosPerMessage?: number;
}

export interface OverheadPhase {
  /** e.g. "firehose off" or "tap on". */
  label: string;
  rollcall: boolean;
  /** msg/s the broker accepted (firehose) or the application group consumed (tap). */
  msgPerSec: number;
  endToEndMsgPerSec: number;
  p50: number;
  p99: number;
  records: number;
  lost: number;
  duplicates: number;
  seconds: number;
  /** Messages the producers had accepted by the broker (the ledger's `sent`). */
  sent?: number;
  /** Whole-host CPU from the load's start until the tap (if any) had stored everything, in µs per message sent. */
  hostCpuMicrosPerMessage?: number;
  /** This phase against the phases without Rollcall (the firehose's traced phases, which differ in trace mode). */
  ratios?: Ratios;
  tap?: TapFigures;
  /** Process CPU of the measuring process, in cores, when measured. */
  cpuCores?: number;
  /** Rows the Rollcall tap stored during the phase, and what it still had to store at the end (the firehose: the
   * phase's trace messages not stored yet when the load's consumers stopped). */
  tapRows?: number;
  tapBacklog?: number;
}

export interface OverheadResult {
  kind: 'firehose' | 'tap';
  date: string;
  what: string;
  command: string;
  params: Record<string, string | number | boolean>;
  brokerVersion: string;
  host: Environment['host'];
  phases: OverheadPhase[];
  ratios: Ratios;
  notes: string[];
}

export function phaseOf(label: string, rollcall: boolean, outcome: LoadOutcome): OverheadPhase {
  const r = outcome.result;
  return {
    label,
    rollcall,
    msgPerSec: r.produce.msgPerSec,
    endToEndMsgPerSec: r.endToEnd.msgPerSec,
    p50: r.latency.p50,
    p99: r.latency.p99,
    records: r.received,
    lost: r.lost,
    duplicates: r.duplicates,
    seconds: r.endToEnd.seconds,
    sent: r.sent,
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The `on` phases' means over the `off` phases' means. */
export function ratiosBetween(on: OverheadPhase[], off: OverheadPhase[]): Ratios {
  const ratio = (pick: (p: OverheadPhase) => number | undefined) => {
    const a = mean(on.flatMap((p) => pick(p) ?? []));
    const b = mean(off.flatMap((p) => pick(p) ?? []));
    return a === null || b === null || b === 0 ? null : a / b;
  };
  return {
    msgPerSec: ratio((p) => p.msgPerSec),
    endToEndMsgPerSec: ratio((p) => p.endToEndMsgPerSec),
    p99: ratio((p) => p.p99),
    cpuMicrosPerMessage: ratio((p) => p.hostCpuMicrosPerMessage),
  };
}

export function ratiosOf(phases: OverheadPhase[]): Ratios {
  return ratiosBetween(
    phases.filter((p) => p.rollcall),
    phases.filter((p) => !p.rollcall),
  );
}

/** A traced phase's tap stored every publish of the load and every delivery its consumers were handed (undefined
 * without a tap). */
export function storedExactly(p: OverheadPhase): boolean | undefined {
  if (!p.tap) return undefined;
  return p.tap.publishes === p.sent && p.tap.deliveries === p.tap.delivered;
}
