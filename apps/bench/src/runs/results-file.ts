// Every run also lands as a small JSON file in bench/results/runs/, named by date and scenario, so results can be
// committed and diffed without a ClickHouse at hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRun, Comparison } from '@rollcall/contract/bench';
import { scenarioSlug } from './scenario.ts';

function resultFileName(run: BenchRun): string {
  return `${run.id}-${scenarioSlug(run.scenario)}.json`;
}

export function writeResultFile(dir: string, run: BenchRun, comparison: Comparison | null): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, resultFileName(run));
  const vsBaseline = comparison && {
    baseline: comparison.baseline.id,
    ratios: Object.fromEntries(
      comparison.metrics.map((m) => [m.metric, m.ratio === null ? null : Math.round(m.ratio * 1000) / 1000]),
    ),
    regressions: comparison.regressions,
  };
  writeFileSync(path, JSON.stringify({ ...run, vsBaseline }, null, 2) + '\n');
  return path;
}
