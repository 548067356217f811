// What an overhead measurement records: the same load with Rollcall off and on, and the ratios between them.
import type { LoadOutcome } from '../load/run.ts';
import type { Environment } from '@rollcall/contract/bench';

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
  /** Process CPU of the measuring process, in cores, when measured. */
  cpuCores?: number;
  /** Rows the Rollcall tap stored during the phase, and what it still had queued at the end. */
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
  /** Mean with Rollcall over mean without, per figure; null when a side is missing. */
  ratios: { msgPerSec: number | null; endToEndMsgPerSec: number | null; p99: number | null };
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
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function ratiosOf(phases: OverheadPhase[]): OverheadResult['ratios'] {
  const ratio = (pick: (p: OverheadPhase) => number) => {
    const on = mean(phases.filter((p) => p.rollcall).map(pick));
    const off = mean(phases.filter((p) => !p.rollcall).map(pick));
    return on === null || off === null || off === 0 ? null : on / off;
  };
  return {
    msgPerSec: ratio((p) => p.msgPerSec),
    endToEndMsgPerSec: ratio((p) => p.endToEndMsgPerSec),
    p99: ratio((p) => p.p99),
  };
}
