// One group or queue: lag in messages and seconds over time, its status changes and partitions.
import { useParams } from 'react-router';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { Badge } from '../../components/Badge.tsx';
import { type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { QueryTablePanel } from '../../components/QueryTablePanel.tsx';
import { Tile, Tiles } from '../../components/Tile.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.tsx';
import { formatCount, formatNumber, formatSeconds } from '../../lib/format.ts';
import { lagTime } from './columns.tsx';
import { lagQueries, type LagGroupDetail, type LagPartition } from './queries.ts';

const STATUSES: Column<LagGroupDetail['statuses'][number]>[] = [
  { key: 'at', header: 'At', className: 'nowrap', cell: (s) => <Time value={s.t} /> },
  { key: 'status', header: 'Status', cell: (s) => <Badge value={s.status} /> },
  { key: 'reason', header: 'Reason', className: 'small', cell: (s) => s.reason },
];

/** A queue has no offsets and a Kafka partition no unacked count: only the fields with a value become columns. */
function partitionColumns(partitions: LagPartition[]): Column<LagPartition>[] {
  const first = partitions[0];
  if (!first) return [];
  return (Object.keys(first) as (keyof LagPartition)[])
    .filter((c) => partitions.some((p) => p[c] !== null && p[c] !== undefined))
    .map((c) => ({
      key: c,
      header: c.replaceAll('_', ' '),
      headerClassName: typeof first[c] === 'number' ? 'num' : undefined,
      className: (p) => (typeof p[c] === 'number' ? 'num' : ''),
      cell: (p) => {
        const v = p[c];
        return typeof v === 'number' ? (c.endsWith('_rate') ? formatNumber(v) : formatCount(v)) : (v ?? '–');
      },
    }));
}

export default function LagGroupPage() {
  const { broker = '', group = '' } = useParams();
  const { params } = useTimeRange();
  const query = useLive(lagQueries.group(broker, group, params));
  const d = query.data;
  return (
    <Page
      title={group}
      meta={
        <>
          <span className="muted">{broker}</span>
          {d && <Badge value={d.status} />}
          {d?.reason && <span className="muted small">{d.reason}</span>}
        </>
      }
    >
      <Tiles>
        <Tile label="Lag" value={d && `${formatCount(d.lag)} msgs`} />
        <Tile label="Behind" value={d && lagTime(d)} />
        <Tile label="Consumers" value={d && formatCount(d.consumers)} />
        <Tile label="Streams" small value={d && (d.streams.join(', ') || '–')} />
      </Tiles>
      <div className="grid-2">
        <Panel title="Lag in messages" id="lag-messages">
          <QueryState query={query} isEmpty={(x) => x.series.length === 0}>
            {(x) => (
              <TimeSeriesChart
                ariaLabel="Lag in messages"
                series={[
                  { key: 'lag', label: 'messages', points: x.series.map((p) => ({ t: Date.parse(p.t), v: p.lag })) },
                ]}
              />
            )}
          </QueryState>
        </Panel>
        <Panel title="Lag in seconds" id="lag-seconds">
          <QueryState query={query} isEmpty={(x) => x.series.length === 0}>
            {(x) => (
              <TimeSeriesChart
                ariaLabel="Lag in seconds"
                format={formatSeconds}
                series={[
                  {
                    key: 'lag_seconds',
                    label: 'seconds',
                    points: x.series.map((p) => ({ t: Date.parse(p.t), v: p.lag_seconds })),
                  },
                ]}
              />
            )}
          </QueryState>
        </Panel>
      </div>
      {/* one above the other: a queue's or group's partitions table has more columns than half a page holds */}
      <>
        <QueryTablePanel
          title="Status changes"
          id="statuses"
          query={query}
          rows={(x) => [...x.statuses].reverse()}
          columns={STATUSES}
          rowKey={(s) => `${s.t}-${s.status}`}
          empty="No status recorded in this range."
        />
        <QueryTablePanel
          title="Partitions"
          id="partitions"
          query={query}
          rows={(x) => x.partitions}
          columns={(x) => partitionColumns(x.partitions)}
          rowKey={(_, i) => String(i)}
          empty="No partitions (a queue has none)."
          dense
        />
      </>
    </Page>
  );
}
