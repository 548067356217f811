// One benchmark run: throughput and latency over time, percentiles, parameters, and the run beside its baseline.
import { useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { ErrorState, Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart, type ChartSeries } from '../../components/TimeSeriesChart.tsx';
import { formatCount, formatDuration, formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { useIsAdmin } from '../auth/use-is-admin.ts';
import { benchMutations, benchQueries, STATUS_TONE, type BenchRun, type BenchRunDetail, type LatencySummary, type TimelinePoint } from './queries.ts';

const PERCENTILES: (keyof LatencySummary)[] = ['min', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max'];
const seconds = (v: number) => `${Math.round(v)}s`;

function line(timeline: TimelinePoint[], key: 'produced' | 'consumed' | 'p50' | 'p99' | 'max', label: string, reference = false): ChartSeries {
  return { key: `${reference ? 'z-' : ''}${label}`, label, reference, points: timeline.map((p) => ({ t: p.second, v: p[key] })) };
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}=${show(x)}`).join(', ') || '–';
  return String(v);
}

function Parameters({ run }: { run: BenchRun }) {
  const facts: [string, string][] = [
    ...Object.entries(run.params).map(([k, v]): [string, string] => (k.endsWith('Ms') ? [k.slice(0, -2), formatDuration(Number(v))] : [k, show(v)])),
    ['broker version', `${run.environment.broker.name} ${run.environment.broker.version} (${run.environment.broker.nodes} node${run.environment.broker.nodes === 1 ? '' : 's'})`],
    ['host', `${run.environment.host.cores} cores, ${run.environment.host.cpu}, ${run.environment.host.memGiB} GiB, Node ${run.environment.host.node}`],
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
  if (!c) return <div className="state state-empty">{run.isBaseline ? 'This run is its scenario’s baseline.' : 'No baseline for this scenario yet.'}</div>;
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
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Metric</th>
              <th className="num">This run</th>
              <th className="num">Baseline</th>
              <th className="num">Ratio</th>
              <th>Regression if</th>
            </tr>
          </thead>
          <tbody>
            {c.metrics.map((m) => (
              <tr key={m.metric}>
                <td>{m.label}</td>
                <td className="num">
                  {formatNumber(m.value)} {m.unit}
                </td>
                <td className="num">
                  {formatNumber(m.baseline)} {m.unit}
                </td>
                <td className={`num ${m.regressed ? 'bad' : ''}`}>{m.ratio === null ? '–' : `${m.ratio.toFixed(2)}×`}</td>
                <td className="small muted">{m.limit || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export default function BenchRunPage() {
  const { id = '' } = useParams();
  const query = useQuery(benchQueries.run(id));
  const admin = useIsAdmin();
  const client = useQueryClient();
  const makeBaseline = useMutation(benchMutations.makeBaseline(client));
  return (
    <div className="page">
      <QueryState query={query}>
        {(run) => {
          const base = run.comparison?.baseline;
          return (
            <>
              <div className="page-head">
                <h1>{run.label || run.scenario}</h1>
                <Badge value={STATUS_TONE[run.status]} label={run.status} />
                {run.isBaseline && <Badge value="info" label="baseline" />}
                <span className="muted small">
                  {run.broker} · <Time value={run.startedAt} />
                </span>
                <div className="page-actions">
                  <a href={`/api/v1/bench/runs/${encodeURIComponent(run.id)}/report.html`}>Report (HTML)</a>
                  <a href={`/api/v1/bench/runs/${encodeURIComponent(run.id)}/report.md`}>Markdown</a>
                  {!run.isBaseline && (
                    <button type="button" className="small" disabled={!admin || makeBaseline.isPending} title={admin ? 'Compare later runs of this scenario with this one' : 'Only admins can do this'} onClick={() => makeBaseline.mutate(run.id)}>
                      Make baseline
                    </button>
                  )}
                </div>
              </div>
              {makeBaseline.isError && <ErrorState error={makeBaseline.error} />}
              <div className="tiles">
                <div className="tile">
                  <div className="tile-label">Produce</div>
                  <div className="tile-value">{formatNumber(run.result.produce.msgPerSec)} msg/s</div>
                  <div className="tile-sub">{formatNumber(run.result.produce.mbPerSec)} MB/s</div>
                </div>
                <div className="tile">
                  <div className="tile-label">End to end</div>
                  <div className="tile-value">{formatNumber(run.result.endToEnd.msgPerSec)} msg/s</div>
                  <div className="tile-sub">{run.result.drained ? 'drained' : 'not drained in time'}</div>
                </div>
                <div className="tile">
                  <div className="tile-label">Latency p99</div>
                  <div className="tile-value">{formatNumber(run.result.latency.p99)} ms</div>
                  <div className="tile-sub">p50 {formatNumber(run.result.latency.p50)} ms</div>
                </div>
                <div className={`tile ${run.result.lost > 0 ? 'tile-bad' : ''}`}>
                  <div className="tile-label">Sent / lost</div>
                  <div className="tile-value">
                    {formatCount(run.result.sent)} / {formatCount(run.result.lost)}
                  </div>
                  <div className="tile-sub">
                    {formatCount(run.result.duplicates)} duplicates, {formatCount(run.result.failed)} failed sends
                  </div>
                </div>
              </div>
              <div className="grid-2">
                <Panel title="Throughput over time" id="bench-throughput">
                  <TimeSeriesChart
                    ariaLabel="Throughput over time (msg/s, seconds since start)"
                    xTick={seconds}
                    series={[line(run.timeline, 'produced', 'produced'), line(run.timeline, 'consumed', 'consumed'), ...(base ? [line(base.timeline, 'consumed', 'baseline consumed', true)] : [])]}
                  />
                </Panel>
                <Panel title="Latency over time" id="bench-latency">
                  <TimeSeriesChart
                    ariaLabel="Latency over time (ms, seconds since start)"
                    xTick={seconds}
                    format={(v) => `${formatNumber(v)} ms`}
                    series={[line(run.timeline, 'p50', 'p50'), line(run.timeline, 'p99', 'p99'), line(run.timeline, 'max', 'max'), ...(base ? [line(base.timeline, 'p99', 'baseline p99', true)] : [])]}
                  />
                </Panel>
              </div>
              <div className="grid-2">
                <Panel title="Latency percentiles" id="percentiles">
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Percentile</th>
                        <th className="num">This run</th>
                        {base && <th className="num">Baseline</th>}
                      </tr>
                    </thead>
                    <tbody>
                      {PERCENTILES.map((p) => (
                        <tr key={p}>
                          <td>{p === 'p999' ? 'p99.9' : p}</td>
                          <td className="num">{formatNumber(run.result.latency[p])} ms</td>
                          {base && <td className="num">{formatNumber(base.result.latency[p])} ms</td>}
                        </tr>
                      ))}
                    </tbody>
                  </table>
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
      </QueryState>
    </div>
  );
}
