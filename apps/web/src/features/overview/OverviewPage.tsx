// The first page: what is alerting (a strip per firing or pending alert, the problem in words), traffic by broker,
// which streams dropped most, which consumers lag most.
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { QueryTablePanel } from '../../components/QueryTablePanel.tsx';
import { Tile, Tiles } from '../../components/Tile.tsx';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.tsx';
import { formatCount, formatDuration, formatNumber, formatRate } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { AlertStrips } from './AlertStrips.tsx';
import { alertQueries } from '../alerts/queries.ts';
import { DemoIncident } from '../demo/DemoIncident.tsx';
import { LAG_COLUMNS } from '../lag/columns.tsx';
import { lagQueries, type LagGroup } from '../lag/queries.ts';
import { DropsPanel } from '../drops/DropsPanel.tsx';
import { toChartSeries } from '../series/chart.ts';
import { seriesQueries } from '../series/queries.ts';
import { streamQueries } from '../streams/queries.ts';

/** Time behind when the broker can tell it, else messages behind. */
function behind(g: LagGroup): string {
  return g.lag_seconds !== null && g.lag_seconds > 0
    ? formatDuration(g.lag_seconds * 1000)
    : `${formatNumber(g.lag)} msgs`;
}

function OverviewTiles() {
  const { params } = useTimeRange();
  // Totals and the worst group come from the server: the overview never loads every stream or group.
  const streams = useLive(streamQueries.page({ ...params, limit: 1 }));
  const alerts = useLive(alertQueries.active());
  const lag = useLive(lagQueries.page(WORST));
  const total = streams.data?.now_msg_per_sec;
  const firing = alerts.data?.alerts.filter((a) => a.state === 'firing').length;
  const pending = alerts.data?.alerts.filter((a) => a.state === 'pending').length;
  const worst = lag.data?.groups[0];
  return (
    <Tiles>
      <Tile
        label="Now"
        value={streams.isError ? '–' : total === undefined ? undefined : formatRate(total)}
        sub="last complete minute, all streams"
      />
      <Tile
        label="Streams"
        value={streams.isError ? '–' : streams.data && formatCount(streams.data.total)}
        sub="seen in range"
      />
      <Tile
        label="Alerts"
        tone={firing ? 'bad' : pending ? 'warn' : null}
        value={alerts.isError ? '–' : firing === undefined ? undefined : `${firing} firing`}
        sub={pending === undefined ? '' : `${pending} pending`}
      />
      <Tile
        label="Worst lag"
        tone={worst && worst.status !== 'OK' ? 'warn' : null}
        value={lag.isError ? '–' : lag.data && (worst ? behind(worst) : 'none')}
        sub={lag.isError ? 'unavailable' : worst ? `${worst.group} (${worst.status})` : ''}
      />
    </Tiles>
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
            series={toChartSeries(d)}
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
      <QueryState query={query}>{(d) => <AlertStrips alerts={d.alerts} />}</QueryState>
    </Panel>
  );
}

/** A stream or group named with its broker, muted, in front. */
function OnBroker({ broker, to, name }: { broker: string; to: string; name: string }) {
  return (
    <>
      <span className="muted small">{broker}</span> <AppLink to={to}>{name}</AppLink>
    </>
  );
}

const WORST_LAG: Column<LagGroup>[] = [
  {
    key: 'group',
    header: 'Group / queue',
    cell: (g) => <OnBroker broker={g.broker} to={routes.lagGroup(g.broker, g.group)} name={g.group} />,
  },
  LAG_COLUMNS.status,
  { ...LAG_COLUMNS.lag, header: 'Lag', sort: undefined },
  { ...LAG_COLUMNS.time, header: 'Behind', sort: undefined },
];

/** The six worst groups, in the server's default order (status, then time behind, then messages behind). */
const WORST = { limit: 6 };

function Lag() {
  const query = useLive(lagQueries.page(WORST));
  return (
    <QueryTablePanel
      title="Worst lag"
      id="worst-lag"
      actions={<AppLink to={routes.lag()}>All groups →</AppLink>}
      query={query}
      rows={(d) => d.groups}
      columns={WORST_LAG}
      rowKey={(g) => `${g.broker}/${g.group}`}
      empty="No consumer groups or queues found."
    />
  );
}

export function OverviewPage() {
  return (
    <Page title="Overview">
      <DemoIncident />
      <OverviewTiles />
      <ActiveAlerts />
      <Throughput />
      <div className="grid-2">
        <DropsPanel />
        <Lag />
      </div>
    </Page>
  );
}
