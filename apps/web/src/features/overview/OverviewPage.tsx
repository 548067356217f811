// The first page: traffic by broker, what is alerting, which streams dropped most, which consumers lag most.
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.tsx';
import { formatChange, formatCount, formatDuration, formatNumber, formatRate } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { AlertTable } from '../alerts/AlertTable.tsx';
import { alertQueries } from '../alerts/queries.ts';
import { DemoIncident } from '../demo/DemoIncident.tsx';
import { worstLag } from '../lag/order.ts';
import { lagQueries, type LagGroup } from '../lag/queries.ts';
import { seriesQueries } from '../series/queries.ts';
import { streamQueries, type StreamSummary } from '../streams/queries.ts';

function largestDrops(streams: StreamSummary[], n: number): StreamSummary[] {
  return streams
    .filter((s) => s.change !== null && s.change < 0)
    .sort((a, b) => (a.change ?? 0) - (b.change ?? 0))
    .slice(0, n);
}

/** Time behind when the broker can tell it, else messages behind. */
function behind(g: LagGroup): string {
  return g.lag_seconds !== null && g.lag_seconds > 0 ? formatDuration(g.lag_seconds * 1000) : `${formatNumber(g.lag)} msgs`;
}

function Tiles() {
  const { params } = useTimeRange();
  const streams = useLive(streamQueries.list(params));
  const alerts = useLive(alertQueries.active());
  const lag = useLive(lagQueries.groups());
  const total = streams.data?.streams.reduce((sum, s) => sum + s.current_msg_per_sec, 0);
  const firing = alerts.data?.alerts.filter((a) => a.state === 'firing').length;
  const pending = alerts.data?.alerts.filter((a) => a.state === 'pending').length;
  const worst = lag.data ? worstLag(lag.data.groups, 1)[0] : undefined;
  return (
    <div className="tiles">
      <div className="tile">
        <div className="tile-label">Now</div>
        <div className="tile-value">{streams.isError ? '–' : total === undefined ? '…' : formatRate(total)}</div>
        <div className="tile-sub">last complete minute, all streams</div>
      </div>
      <div className="tile">
        <div className="tile-label">Streams</div>
        <div className="tile-value">{streams.isError ? '–' : streams.data ? formatCount(streams.data.streams.length) : '…'}</div>
        <div className="tile-sub">seen in range</div>
      </div>
      <div className={`tile ${firing ? 'tile-bad' : ''}`}>
        <div className="tile-label">Alerts</div>
        <div className="tile-value">{alerts.isError ? '–' : firing === undefined ? '…' : `${firing} firing`}</div>
        <div className="tile-sub">{pending === undefined ? '' : `${pending} pending`}</div>
      </div>
      <div className={`tile ${worst && worst.status !== 'OK' ? 'tile-warn' : ''}`}>
        <div className="tile-label">Worst lag</div>
        <div className="tile-value">{lag.isError ? '–' : lag.data ? (worst ? behind(worst) : 'none') : '…'}</div>
        <div className="tile-sub">{lag.isError ? 'unavailable' : worst ? `${worst.group} (${worst.status})` : ''}</div>
      </div>
    </div>
  );
}

function Throughput() {
  const { params } = useTimeRange();
  const query = useLive(seriesQueries.series({ by: 'broker', kind: 'publish' }, params));
  return (
    <Panel title="Messages per second by broker" id="throughput">
      <QueryState query={query} isEmpty={(d) => d.series.length === 0} empty="No messages in this range.">
        {(d) => (
          <TimeSeriesChart
            ariaLabel="Messages per second by broker"
            format={formatNumber}
            height={240}
            series={d.series.map((s) => ({ key: s.key, label: s.key, points: s.points.map((p) => ({ t: Date.parse(p.t), v: p.msg_per_sec })) }))}
          />
        )}
      </QueryState>
    </Panel>
  );
}

function ActiveAlerts() {
  const query = useLive(alertQueries.active());
  return (
    <Panel title="Active alerts" id="active-alerts" actions={<AppLink to={routes.alerts()}>All alerts →</AppLink>}>
      <QueryState query={query} isEmpty={(d) => d.alerts.length === 0} empty="No alerts are firing or pending.">
        {(d) => <AlertTable alerts={d.alerts} />}
      </QueryState>
    </Panel>
  );
}

function Drops() {
  const { params } = useTimeRange();
  const query = useLive(streamQueries.list(params));
  return (
    <Panel title="Largest drops against baseline" id="drops" actions={<AppLink to={routes.streams()}>All streams →</AppLink>}>
      <QueryState query={query} isEmpty={(d) => largestDrops(d.streams, 8).length === 0} empty="No stream is below its baseline (or there is no baseline yet).">
        {(d) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Stream</th>
                  <th className="num">Now</th>
                  <th className="num">Baseline</th>
                  <th className="num">Change</th>
                </tr>
              </thead>
              <tbody>
                {largestDrops(d.streams, 8).map((s) => (
                  <tr key={`${s.broker}/${s.stream}`}>
                    <td>
                      <span className="muted small">{s.broker}</span> <AppLink to={routes.stream(s.broker, s.stream)}>{s.stream}</AppLink>
                    </td>
                    <td className="num">{formatRate(s.current_msg_per_sec)}</td>
                    <td className="num">{formatRate(s.baseline_msg_per_sec)}</td>
                    <td className="num bad">{formatChange(s.change)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

function Lag() {
  const query = useLive(lagQueries.groups());
  return (
    <Panel title="Worst lag" id="worst-lag" actions={<AppLink to={routes.lag()}>All groups →</AppLink>}>
      <QueryState query={query} isEmpty={(d) => d.groups.length === 0} empty="No consumer groups or queues found.">
        {(d) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Group / queue</th>
                  <th>Status</th>
                  <th className="num">Lag</th>
                  <th className="num">Behind</th>
                </tr>
              </thead>
              <tbody>
                {worstLag(d.groups, 6).map((g) => (
                  <tr key={`${g.broker}/${g.group}`}>
                    <td>
                      <span className="muted small">{g.broker}</span> <AppLink to={routes.lagGroup(g.broker, g.group)}>{g.group}</AppLink>
                    </td>
                    <td>
                      <Badge value={g.status} />
                    </td>
                    <td className="num">{formatCount(g.lag)}</td>
                    <td className="num">{g.lag_seconds === null ? '–' : formatDuration(g.lag_seconds * 1000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

export function OverviewPage() {
  return (
    <div className="page">
      <h1>Overview</h1>
      <DemoIncident />
      <Tiles />
      <Throughput />
      <ActiveAlerts />
      <div className="grid-2">
        <Drops />
        <Lag />
      </div>
    </div>
  );
}
