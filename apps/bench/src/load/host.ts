// The machine a run measured: throughput only means something next to the cores, memory and load it had.
import { readFileSync } from 'node:fs';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Environment } from '@rollcall/contract/bench';

export function hostBefore(): Omit<Environment['host'], 'loadAvgAfter'> {
  return {
    hostname: hostname(),
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    loadAvgBefore: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function hostAfter(before: Omit<Environment['host'], 'loadAvgAfter'>): Environment['host'] {
  return { ...before, loadAvgAfter: loadavg().map((l) => Math.round(l * 100) / 100) };
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

export interface HostCpu {
  /** CPU time the whole host spent busy since the start (every process: the broker, the load, a tap, other
   * tenants), in µs of one core; undefined off Linux. */
  busyMicros(): number | undefined;
}

/** Whole-host CPU from now on: the busy share of the jiffies elapsed, times the cores and the wall time. */
export function startHostCpu(): HostCpu {
  const started = performance.now();
  const from = hostJiffies();
  return {
    busyMicros() {
      const to = hostJiffies();
      if (!from || !to || to.total <= from.total) return undefined;
      return ((to.busy - from.busy) / (to.total - from.total)) * cpus().length * (performance.now() - started) * 1000;
    },
  };
}
