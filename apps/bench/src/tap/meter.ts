// Wall time, process CPU, event-loop utilisation and peak JS memory over one measured phase, plus the time of the
// first record.
import { performance } from 'node:perf_hooks';
import { startHostCpu } from '../load/host.ts';

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
  /** The most JS memory in use at once (V8 heap + Buffers), sampled ten times a second: what fetched records and
   * pending inserts hold. The process's RSS would also count chDB's caches and what earlier phases left. */
  peakJsMiB?: number;
}

const MEMORY_SAMPLE_MS = 100;
const jsBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

export interface Meter {
  /** `at` (performance.now() time) when the record was seen earlier than this call. */
  firstRecord(at?: number): void;
  finish(records: number, complete: boolean): PhaseResult;
}

export function startMeter(): Meter {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const host = startHostCpu();
  let first: number | undefined;
  let peak = jsBytes();
  const sampler = setInterval(() => (peak = Math.max(peak, jsBytes())), MEMORY_SAMPLE_MS);
  sampler.unref();
  return {
    firstRecord(at = performance.now()) {
      first ??= Math.max(started, at);
    },
    finish(records, complete) {
      clearInterval(sampler);
      peak = Math.max(peak, jsBytes());
      const ended = performance.now();
      const ms = ended - started;
      const used = process.cpuUsage(cpu);
      const firstRecordMs = (first ?? ended) - started;
      const steadyMs = ms - firstRecordMs;
      const hostBusy = host.busyMicros();
      return {
        complete,
        records,
        ms,
        msgPerSec: (records / ms) * 1000,
        firstRecordMs,
        steadyMsgPerSec: steadyMs > 0 ? (records / steadyMs) * 1000 : 0,
        cpuCores: (used.user + used.system) / 1000 / ms,
        eventLoopUtilization: performance.eventLoopUtilization(elu).utilization,
        hostCpuCores: hostBusy === undefined ? null : hostBusy / 1000 / ms,
        peakJsMiB: peak / 2 ** 20,
      };
    },
  };
}
