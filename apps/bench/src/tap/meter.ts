// Wall time, process CPU and event-loop utilisation over one measured phase, plus the time of the first record.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface PhaseResult {
  complete: boolean;
  /** Records seen (baseline) or rows stored (collector) when the phase ended. */
  records: number;
  /** From run() (baseline) or start() (collector) until the last record. */
  ms: number;
  msgPerSec: number;
  /** Time to the first record (baseline: first batch handed over; collector: first flush started), included in `ms`. */
  firstRecordMs: number;
  /** Rate from the first record to the last, without the start-up cost. */
  steadyMsgPerSec: number;
  /** Process CPU (user + system, all threads) divided by wall time: 1.0 = one core busy. */
  cpuCores: number;
  /** Share of wall time the JS main thread was busy. */
  eventLoopUtilization: number;
  /** Whole-host CPU in use (every process, the broker and other tenants included), in cores; null off Linux. */
  hostCpuCores: number | null;
}

/** Busy and total jiffies over all CPUs from /proc/stat, or undefined where there is none. */
function hostJiffies(): { busy: number; total: number } | undefined {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

export interface Meter {
  /** `at` (performance.now() time) when the record was seen earlier than this call. */
  firstRecord(at?: number): void;
  finish(records: number, complete: boolean): PhaseResult;
}

export function startMeter(): Meter {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const host = hostJiffies();
  let first: number | undefined;
  return {
    firstRecord(at = performance.now()) {
      first ??= Math.max(started, at);
    },
    finish(records, complete) {
      const ended = performance.now();
      const ms = ended - started;
      const used = process.cpuUsage(cpu);
      const firstRecordMs = (first ?? ended) - started;
      const steadyMs = ms - firstRecordMs;
      const hostNow = hostJiffies();
      const hostCpuCores =
        host && hostNow && hostNow.total > host.total
          ? ((hostNow.busy - host.busy) / (hostNow.total - host.total)) * cpus().length
          : null;
      return {
        complete,
        records,
        ms,
        msgPerSec: (records / ms) * 1000,
        firstRecordMs,
        steadyMsgPerSec: steadyMs > 0 ? (records / steadyMs) * 1000 : 0,
        cpuCores: (used.user + used.system) / 1000 / ms,
        eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
        hostCpuCores,
      };
    },
  };
}
