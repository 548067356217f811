// The content of a run's report as plain tables, built once; html.ts and markdown.ts only lay them out.
import type { BenchRun, Comparison, MetricComparison } from '@rollcall/contract/bench';
import { fixed, int, ms } from '../format.ts';

export type Tone = 'good' | 'bad' | 'neutral';
export interface Cell {
  text: string;
  tone?: Tone;
}
export interface Table {
  head: string[];
  /** 'r' for numbers. */
  align: ('l' | 'r')[];
  rows: Cell[][];
}

export interface ReportSections {
  title: string;
  facts: [string, string][];
  /** Headline: what the run moved and whether it all came back. */
  results: Table;
  percentiles: Table;
  comparison: { baselineId: string; regressions: string[]; table: Table } | null;
  parameters: Table;
  environment: Table;
  broker: Table;
  timeline: Table;
}

const ratioText = (r: number | null) => (r === null ? '–' : `${r.toFixed(2)}×`);
const when = (iso: string) => iso.replace('T', ' ').slice(0, 19) + ' UTC';
const seconds = (msValue: number) => `${fixed(msValue / 1000, msValue % 1000 === 0 ? 0 : 1)} s`;
const onOff = (b: boolean | undefined) => (b ? 'on' : 'off');
const cells = (...texts: string[]): Cell[] => texts.map((text) => ({ text }));

function toneOf(m: MetricComparison): Tone {
  if (m.regressed) return 'bad';
  if (m.ratio === null || Math.abs(m.ratio - 1) < 0.02) return 'neutral';
  return m.ratio > 1 === (m.better === 'higher') ? 'good' : 'neutral';
}

function valueText(m: Pick<MetricComparison, 'unit'>, v: number): string {
  return m.unit === 'ms' ? ms(v) : int(v);
}

const PERCENTILE_ROWS = [
  ['min', 'min'],
  ['p50', 'p50'],
  ['p75', 'p75'],
  ['p90', 'p90'],
  ['p95', 'p95'],
  ['p99', 'p99'],
  ['p99.9', 'p999'],
  ['max', 'max'],
  ['mean', 'mean'],
] as const;

export function reportSections(run: BenchRun, comparison: Comparison | null): ReportSections {
  const r = run.result;
  const p = run.params;
  const base = comparison?.baseline;
  const facts: [string, string][] = [
    ['Scenario', run.scenario],
    [
      'Status',
      run.status === 'ok'
        ? 'ok: every message sent came back once'
        : run.status === 'lossy'
          ? 'lossy: messages lost, duplicated or not accepted'
          : 'failed: nothing was sent',
    ],
    ['Started', when(run.startedAt)],
    ['Broker', `${run.environment.broker.name} ${run.environment.broker.version}`],
    [
      'Baseline',
      base
        ? `compared with ${base.id} (${when(base.startedAt)})`
        : 'none to compare with (this run is the baseline, or the scenario has none)',
    ],
  ];

  const withBase = (label: string, value: string, baseValue?: string, ratio?: number | null, tone?: Tone): Cell[] =>
    base
      ? [
          { text: label },
          { text: value, ...(tone ? { tone } : {}) },
          { text: baseValue ?? '–' },
          { text: ratio === undefined ? '' : ratioText(ratio), ...(tone ? { tone } : {}) },
        ]
      : cells(label, value);
  const metric = (name: MetricComparison['metric']) => comparison?.metrics.find((m) => m.metric === name);
  const head = base ? ['', 'this run', `baseline ${base.id}`, 'ratio'] : ['', 'this run'];
  const align: ('l' | 'r')[] = base ? ['l', 'r', 'r', 'r'] : ['l', 'r'];
  const throughputRow = (label: string, name: 'produce' | 'endToEnd') => {
    const t = r[name];
    const m = metric(name);
    const b = base?.result[name];
    return withBase(
      label,
      `${int(t.msgPerSec)} msg/s · ${fixed(t.mbPerSec, 2)} MB/s`,
      b ? `${int(b.msgPerSec)} msg/s · ${fixed(b.mbPerSec, 2)} MB/s` : undefined,
      m?.ratio,
      m ? toneOf(m) : undefined,
    );
  };
  const countRow = (label: string, name: 'sent' | 'received' | 'lost' | 'duplicates' | 'failed') => {
    const m = name === 'lost' || name === 'duplicates' ? metric(name) : undefined;
    const bad = (name === 'lost' || name === 'duplicates' || name === 'failed') && r[name] > 0;
    return withBase(
      label,
      int(r[name]),
      base ? int(base.result[name]) : undefined,
      undefined,
      m?.regressed || bad ? 'bad' : undefined,
    );
  };
  const results: Table = {
    head,
    align,
    rows: [
      throughputRow('produce (accepted by the broker)', 'produce'),
      throughputRow('end to end (received)', 'endToEnd'),
      countRow('sent', 'sent'),
      countRow('received', 'received'),
      countRow('lost', 'lost'),
      countRow('duplicated', 'duplicates'),
      countRow('send failures', 'failed'),
    ],
  };

  const percentiles: Table = {
    head: base ? ['latency', 'this run (ms)', 'baseline (ms)', 'ratio'] : ['latency', 'this run (ms)'],
    align,
    rows: PERCENTILE_ROWS.map(([label, key]) => {
      const m = key === 'p50' || key === 'p95' || key === 'p99' || key === 'max' ? metric(key) : undefined;
      const b = base?.result.latency[key];
      return withBase(
        label,
        ms(r.latency[key]),
        b === undefined ? undefined : ms(b),
        b === undefined ? undefined : b > 0 ? r.latency[key] / b : null,
        m ? toneOf(m) : undefined,
      );
    }),
  };

  const compared = comparison && {
    baselineId: comparison.baseline.id,
    regressions: comparison.regressions,
    table: {
      head: ['metric', 'baseline', 'this run', 'ratio', 'regression when'],
      align: ['l', 'r', 'r', 'r', 'l'] as ('l' | 'r')[],
      rows: comparison.metrics.map((m) => [
        { text: `${m.label} (${m.unit})` },
        { text: valueText(m, m.baseline) },
        { text: valueText(m, m.value), tone: toneOf(m) },
        { text: m.metric === 'lost' || m.metric === 'duplicates' ? '' : ratioText(m.ratio), tone: toneOf(m) },
        { text: m.regressed ? `REGRESSION (${m.limit})` : m.limit, ...(m.regressed ? { tone: 'bad' as const } : {}) },
      ]),
    },
  };

  const explicit = (set: number | undefined, used: number) =>
    set === undefined ? `${int(used)} (default)` : int(used);
  const paramRows: [string, string][] = [
    ['broker', p.broker],
    ['target', p.target],
    ['producers', String(p.producers)],
    ['consumers', String(p.consumers)],
    ['message size', `${int(p.size)} B`],
    ['rate', p.rate > 0 ? `${int(p.rate)} msg/s` : 'as fast as possible'],
    ['duration', seconds(p.durationMs)],
    ['drain (silence that ends the wait)', seconds(p.drainMs)],
    ...(p.broker === 'kafka'
      ? ([
          ['acks', p.acks ?? 'all'],
          ['idempotent producer', onOff(p.idempotent)],
          ['partitions', String(p.partitions ?? 1)],
        ] as [string, string][])
      : ([
          ['publisher confirms', onOff(p.confirms)],
          ['persistent', onOff(p.persistent)],
          ['queues', String(p.queues ?? 1)],
          ['prefetch', explicit(p.tuning.prefetch, p.effective.prefetch)],
        ] as [string, string][])),
    ['batch (messages per send)', explicit(p.tuning.batch, p.effective.batch)],
    ['sends in flight per producer', explicit(p.tuning.inFlight, p.effective.inFlight)],
    [
      'regression thresholds',
      `throughput drop > ${int(p.thresholds.maxDrop * 100)} %, p99 rise > ${int(p.thresholds.maxP99Rise * 100)} %`,
    ],
  ];

  const e = run.environment;
  const envRows: [string, string][] = [
    ['broker version', `${e.broker.name} ${e.broker.version}`],
    ['broker nodes', String(e.broker.nodes)],
    ...Object.entries(e.broker.detail).map(([k, v]) => [`broker ${k}`, v] as [string, string]),
    ['host', e.host.hostname],
    ['cores', `${e.host.cores} × ${e.host.cpu}`],
    ['memory', `${e.host.memGiB} GiB`],
    ['platform', `${e.host.platform}, Node ${e.host.node}`],
    [
      'load average (1/5/15 min)',
      `${e.host.loadAvgBefore.join(' / ')} before, ${e.host.loadAvgAfter.join(' / ')} after`,
    ],
    ['command', e.rollcall.command],
  ];

  const brokerRows: [string, string][] = [
    ['messages that came back although their send failed', int(r.unconfirmed)],
    ['bodies that were not this run’s messages', int(r.strays)],
    ['drained (everything sent was received)', r.drained ? 'yes' : 'no'],
    ...Object.entries(r.broker).map(
      ([k, v]) => [k.replaceAll('_', ' '), typeof v === 'number' ? int(v) : v] as [string, string],
    ),
    ...r.errors.map((err, i) => [`error ${i + 1}`, err] as [string, string]),
  ];

  const pairs = (rows: [string, string][]): Table => ({
    head: ['', ''],
    align: ['l', 'l'],
    rows: rows.map(([k, v]) => cells(k, v)),
  });
  return {
    title: `Benchmark run ${run.id}`,
    facts,
    results,
    percentiles,
    comparison: compared,
    parameters: pairs(paramRows),
    environment: pairs(envRows),
    broker: pairs(brokerRows),
    timeline: {
      head: ['second', 'produced msg/s', 'consumed msg/s', 'p50 ms', 'p99 ms', 'max ms'],
      align: ['r', 'r', 'r', 'r', 'r', 'r'],
      rows: run.timeline.map((t) =>
        cells(
          String(t.second),
          int(t.produced),
          int(t.consumed),
          t.consumed ? ms(t.p50) : '–',
          t.consumed ? ms(t.p99) : '–',
          t.consumed ? ms(t.max) : '–',
        ),
      ),
    },
  };
}
