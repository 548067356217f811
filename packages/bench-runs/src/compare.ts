// A run against its scenario's baseline: a ratio per metric and the regressions the run's thresholds flag.
import type { BenchRun, Comparison, MetricComparison, Thresholds } from '@rollcall/contract/bench';
import { int, ms } from './format.ts';

const ratioOf = (value: number, baseline: number) => (baseline > 0 ? value / baseline : null);

export function compareRuns(
  run: BenchRun,
  baseline: BenchRun,
  thresholds: Thresholds = run.params.thresholds,
): Comparison {
  const r = run.result;
  const b = baseline.result;
  const dropLimit = 1 - thresholds.maxDrop;
  const riseLimit = 1 + thresholds.maxP99Rise;
  const metric = (
    m: MetricComparison['metric'],
    label: string,
    unit: string,
    value: number,
    base: number,
    better: 'higher' | 'lower',
    rule?: (ratio: number | null) => boolean,
    limit = '',
  ): MetricComparison => {
    const ratio = ratioOf(value, base);
    return {
      metric: m,
      label,
      unit,
      baseline: base,
      value,
      ratio,
      better,
      regressed: rule ? rule(ratio) : false,
      limit,
    };
  };
  const slower = (ratio: number | null) => ratio !== null && ratio < dropLimit;
  const metrics = [
    metric(
      'produce',
      'produce throughput',
      'msg/s',
      r.produce.msgPerSec,
      b.produce.msgPerSec,
      'higher',
      slower,
      `< ${dropLimit.toFixed(2)}×`,
    ),
    metric(
      'endToEnd',
      'end-to-end throughput',
      'msg/s',
      r.endToEnd.msgPerSec,
      b.endToEnd.msgPerSec,
      'higher',
      slower,
      `< ${dropLimit.toFixed(2)}×`,
    ),
    metric('p50', 'latency p50', 'ms', r.latency.p50, b.latency.p50, 'lower'),
    metric('p95', 'latency p95', 'ms', r.latency.p95, b.latency.p95, 'lower'),
    metric(
      'p99',
      'latency p99',
      'ms',
      r.latency.p99,
      b.latency.p99,
      'lower',
      (ratio) => ratio !== null && ratio > riseLimit,
      `> ${riseLimit.toFixed(2)}×`,
    ),
    metric('max', 'latency max', 'ms', r.latency.max, b.latency.max, 'lower'),
    // Any loss or duplication the baseline did not have is a regression whatever the ratio.
    metric('lost', 'lost messages', 'msg', r.lost, b.lost, 'lower', () => r.lost > b.lost, '> baseline'),
    metric(
      'duplicates',
      'duplicated messages',
      'msg',
      r.duplicates,
      b.duplicates,
      'lower',
      () => r.duplicates > b.duplicates,
      '> baseline',
    ),
  ];
  const regressions = metrics
    .filter((m) => m.regressed)
    .map((m) =>
      m.ratio === null || m.metric === 'lost' || m.metric === 'duplicates'
        ? `${m.label}: ${fmt(m.unit, m.value)} ${m.unit} against ${fmt(m.unit, m.baseline)} in the baseline`
        : `${m.label}: ${fmt(m.unit, m.value)} ${m.unit} is ${m.ratio.toFixed(2)}× the baseline's ${fmt(m.unit, m.baseline)} (limit ${m.limit})`,
    );
  return { baseline, thresholds, metrics, regressions, regressed: regressions.length > 0 };
}

const fmt = (unit: string, n: number) => (unit === 'ms' ? ms(n) : int(n));
