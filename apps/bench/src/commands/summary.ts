// The terminal view of a run: the headline figures and how they compare with the baseline.
import type { BenchRun, Comparison, RunSummary } from '@rollcall/contract/bench';
import { fixed, int, ms } from '@rollcall/bench-runs/format';

export function summaryLines(run: BenchRun, comparison: Comparison | null): string[] {
  const r = run.result;
  const l = r.latency;
  const lines = [
    `run ${run.id}  ${run.status.toUpperCase()}`,
    `  scenario    ${run.scenario}`,
    `  broker      ${run.environment.broker.name} ${run.environment.broker.version} on ${run.environment.host.cores} cores`,
    `  produce     ${int(r.produce.msgPerSec)} msg/s  ${fixed(r.produce.mbPerSec, 2)} MB/s`,
    `  end to end  ${int(r.endToEnd.msgPerSec)} msg/s  ${fixed(r.endToEnd.mbPerSec, 2)} MB/s`,
    `  latency ms  p50 ${ms(l.p50)}  p95 ${ms(l.p95)}  p99 ${ms(l.p99)}  p99.9 ${ms(l.p999)}  max ${ms(l.max)}`,
    `  messages    sent ${int(r.sent)}  received ${int(r.received)}  lost ${int(r.lost)}  duplicated ${int(r.duplicates)}  send failures ${int(r.failed)}`,
  ];
  const tracing = run.environment.broker.detail.tracing;
  if (tracing?.startsWith('on'))
    lines.push(
      `  firehose    ${tracing}: every publish and delivery is copied into each; the figures include that cost`,
    );
  for (const err of r.errors) lines.push(`  error       ${err}`);
  if (comparison) {
    const ratio = (name: string) => {
      const m = comparison.metrics.find((x) => x.metric === name);
      return m?.ratio == null ? '–' : `${m.ratio.toFixed(2)}×`;
    };
    lines.push(
      `  vs baseline ${comparison.baseline.id}: produce ${ratio('produce')}  end to end ${ratio('endToEnd')}  p50 ${ratio('p50')}  p99 ${ratio('p99')}`,
    );
    lines.push(
      comparison.regressed ? comparison.regressions.map((x) => `  REGRESSION  ${x}`).join('\n') : '  no regressions',
    );
  }
  return lines;
}

export function runsTable(runs: RunSummary[]): string {
  const head = ['ID', 'STARTED', 'STATUS', 'PRODUCE MSG/S', 'E2E MSG/S', 'P99 MS', 'LOST', 'BASELINE', 'SCENARIO'];
  const rows = runs.map((r) => [
    r.id,
    r.startedAt.slice(0, 19).replace('T', ' '),
    r.status,
    int(r.produceMsgPerSec),
    int(r.endToEndMsgPerSec),
    ms(r.p99),
    int(r.lost),
    r.isBaseline ? 'yes' : '',
    r.scenario,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cols: string[]) =>
    cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
