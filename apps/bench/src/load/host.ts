// The machine a run measured: throughput only means something next to the cores, memory and load it had.
import { cpus, hostname, loadavg, totalmem } from 'node:os';
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
