// One benchmark run: throughput and latency over time, percentiles, parameters, and the run beside its baseline.
import { useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Empty, ErrorState, Panel } from '../../components/Panel.tsx';
import { Tile, Tiles } from '../../components/Tile.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart, type ChartSeries } from '../../components/TimeSeriesChart.tsx';
import { formatCount, formatDuration, formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { AdminButton } from '../auth/AdminButton.tsx';
import {
  benchMutations,
  benchQueries,
  STATUS_TONE,
  type BenchRun,
  type BenchRunDetail,
  type LatencySummary,
  type TimelinePoint,
} from './queries.ts';

const PERCENTILES: (keyof LatencySummary)[] = ['min', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max'];
const seconds = (v: number) => `${Math.round(v)}s`;

function line(
  timeline: TimelinePoint[],
  key: 'produced' | 'consumed' | 'p50' | 'p99' | 'max',
  label: string,
  reference = false,
): ChartSeries {
  return {
    key: `${reference ? 'z-' : ''}${label}`,
    label,
    reference,
    points: timeline.map((p) => ({ t: p.second, v: p[key] })),
  };
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object')
    return (
      Object.entries(v)
        .map(([k, x]) => `${k}=${show(x)}`)
        .join(', ') || '–'
    );
  return String(v);
}

function Parameters({ run }: { run: BenchRun }) {
  const facts: [string, string][] = [
    ...Object.entries(run.params).map(([k, v]): [string, string] =>
      k.endsWith('Ms') ? [k.slice(0, -2), formatDuration(Number(v))] : [k, show(v)],
    ),
    [
      'broker version',
      `${run.environment.broker.name} ${run.environment.broker.version} (${run.environment.broker.nodes} node${run.environment.broker.nodes === 1 ? '' : 's'})`,
    ],
    [
      'host',
      `${run.environment.host.cores} cores, ${run.environment.host.cpu}, ${run.environment.host.memGiB} GiB, Node ${run.environment.host.node}`,
    ],
  ];
  return (
    <dl className="facts">
      {facts.map(([k, v]) => (
        <div key={k} className="fact">
          <dt>{k}</dt>
          <dd className="mono small">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Comparison({ run }: { run: BenchRunDetail }) {
  const c = run.comparison;
  if (!c)
    return (
      <Empty>{run.isBaseline ? 'This run is its scenario’s baseline.' : 'No baseline for this scenario yet.'}</Empty>
    );
  return (
    <>
      <p className="small">
        Baseline:{' '}
        <AppLink to={routes.benchRun(c.baseline.id)}>
          <Time value={c.baseline.startedAt} />
        </AppLink>{' '}
        · {c.regressed ? <span className="bad">{c.regressions.length} regression(s)</span> : 'no regression'}
      </p>
      {c.regressions.length > 0 && (
        <ul className="errors">
          {c.regressions.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      <DataTable
        rows={c.metrics}
        rowKey={(m) => m.metric}
        columns={[
          { key: 'metric', header: 'Metric', cell: (m) => m.label },
          { key: 'value', header: 'This run', align: 'right', cell: (m) => `${formatNumber(m.value)} ${m.unit}` },
          { key: 'baseline', header: 'Baseline', align: 'right', cell: (m) => `${formatNumber(m.baseline)} ${m.unit}` },
          {
            key: 'ratio',
            header: 'Ratio',
            align: 'right',
            className: (m) => (m.regressed ? 'bad' : ''),
            cell: (m) => (m.ratio === null ? '–' : `${m.ratio.toFixed(2)}×`),
          },
          { key: 'limit', header: 'Regression if', className: 'small muted', cell: (m) => m.limit || '–' },
        ]}
      />
    </>
  );
}

export default function BenchRunPage() {
  const { id = '' } = useParams();
  const query = useQuery(benchQueries.run(id));
  const client = useQueryClient();
  const makeBaseline = useMutation(benchMutations.makeBaseline(client));
  const run = query.data;
  return (
    <Page
      query={query}
      title={run && (run.label || run.scenario)}
      meta={
        run && (
          <>
            <Badge value={STATUS_TONE[run.status]} label={run.status} />
            {run.isBaseline && <Badge value="info" label="baseline" />}
            <span className="muted small">
              {run.broker} · <Time value={run.startedAt} />
            </span>
          </>
        )
      }
      actions={
        run && (
          <>
            <a href={`/api/v1/bench/runs/${encodeURIComponent(run.id)}/report.html`}>Report (HTML)</a>
            <a href={`/api/v1/bench/runs/${encodeURIComponent(run.id)}/report.md`}>Markdown</a>
            {!run.isBaseline && (
              <AdminButton
                className="small"
                hint="Compare later runs of this scenario with this one"
                pending={makeBaseline.isPending}
                onClick={() => makeBaseline.mutate(run.id)}
              >
                Make baseline
              </AdminButton>
            )}
          </>
        )
      }
    >
      {(run) => {
        const base = run.comparison?.baseline;
        const { result } = run;
        return (
          <>
            {makeBaseline.isError && <ErrorState error={makeBaseline.error} />}
            <Tiles>
              <Tile
                label="Produce"
                value={`${formatNumber(result.produce.msgPerSec)} msg/s`}
                sub={`${formatNumber(result.produce.mbPerSec)} MB/s`}
              />
              <Tile
                label="End to end"
                value={`${formatNumber(result.endToEnd.msgPerSec)} msg/s`}
                sub={result.drained ? 'drained' : 'not drained in time'}
              />
              <Tile
                label="Latency p99"
                value={`${formatNumber(result.latency.p99)} ms`}
                sub={`p50 ${formatNumber(result.latency.p50)} ms`}
              />
              <Tile
                label="Sent / lost"
                tone={result.lost > 0 ? 'bad' : null}
                value={`${formatCount(result.sent)} / ${formatCount(result.lost)}`}
                sub={`${formatCount(result.duplicates)} duplicates, ${formatCount(result.failed)} failed sends`}
              />
            </Tiles>
            <div className="grid-2">
              <Panel title="Throughput over time" id="bench-throughput">
                <TimeSeriesChart
                  ariaLabel="Throughput over time (msg/s, seconds since start)"
                  xTick={seconds}
                  series={[
                    line(run.timeline, 'produced', 'produced'),
                    line(run.timeline, 'consumed', 'consumed'),
                    ...(base ? [line(base.timeline, 'consumed', 'baseline consumed', true)] : []),
                  ]}
                />
              </Panel>
              <Panel title="Latency over time" id="bench-latency">
                <TimeSeriesChart
                  ariaLabel="Latency over time (ms, seconds since start)"
                  xTick={seconds}
                  format={(v) => `${formatNumber(v)} ms`}
                  series={[
                    line(run.timeline, 'p50', 'p50'),
                    line(run.timeline, 'p99', 'p99'),
                    line(run.timeline, 'max', 'max'),
                    ...(base ? [line(base.timeline, 'p99', 'baseline p99', true)] : []),
                  ]}
                />
              </Panel>
            </div>
            <div className="grid-2">
              <Panel title="Latency percentiles" id="percentiles">
                <DataTable
                  rows={PERCENTILES}
                  rowKey={(p) => p}
                  columns={[
                    { key: 'percentile', header: 'Percentile', cell: (p) => (p === 'p999' ? 'p99.9' : p) },
                    {
                      key: 'run',
                      header: 'This run',
                      align: 'right',
                      cell: (p) => `${formatNumber(result.latency[p])} ms`,
                    },
                    ...(base
                      ? [
                          {
                            key: 'baseline',
                            header: 'Baseline',
                            align: 'right' as const,
                            cell: (p: keyof LatencySummary) => `${formatNumber(base.result.latency[p])} ms`,
                          },
                        ]
                      : []),
                  ]}
                />
              </Panel>
              <Panel title="Parameters" id="parameters">
                <Parameters run={run} />
              </Panel>
            </div>
            <Panel title="Against the baseline" id="comparison">
              <Comparison run={run} />
            </Panel>
            {run.result.errors.length > 0 && (
              <Panel title="Errors" id="bench-errors">
                <ul className="errors">
                  {run.result.errors.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </Panel>
            )}
          </>
        );
      }}
    </Page>
  );
}
