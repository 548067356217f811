// One group or queue: lag in messages and seconds over time, its status changes and partitions.
import { useParams } from 'react-router';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { Badge } from '../../components/Badge.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.tsx';
import { formatCount, formatDuration, formatNumber } from '../../lib/format.ts';
import { lagQueries } from './queries.ts';

export default function LagGroupPage() {
  const { broker = '', group = '' } = useParams();
  const { params } = useTimeRange();
  const query = useLive(lagQueries.group(broker, group, params));
  const d = query.data;
  // a queue has no offsets and a Kafka partition no unacked count: show only the columns with a value
  const columns = d?.partitions[0] ? Object.keys(d.partitions[0]).filter((c) => d.partitions.some((p) => p[c] !== null && p[c] !== undefined)) : [];
  return (
    <div className="page">
      <div className="page-head">
        <h1>{group}</h1>
        <span className="muted">{broker}</span>
        {d && <Badge value={d.status} />}
        {d?.reason && <span className="muted small">{d.reason}</span>}
      </div>
      <div className="tiles">
        <div className="tile">
          <div className="tile-label">Lag</div>
          <div className="tile-value">{d ? `${formatCount(d.lag)} msgs` : '…'}</div>
        </div>
        <div className="tile">
          <div className="tile-label">Behind</div>
          <div className="tile-value">{d ? (d.lag_seconds === null ? '–' : formatDuration(d.lag_seconds * 1000)) : '…'}</div>
        </div>
        <div className="tile">
          <div className="tile-label">Consumers</div>
          <div className="tile-value">{d ? formatCount(d.consumers) : '…'}</div>
        </div>
        <div className="tile">
          <div className="tile-label">Streams</div>
          <div className="tile-value small-value">{d ? d.streams.join(', ') || '–' : '…'}</div>
        </div>
      </div>
      <div className="grid-2">
        <Panel title="Lag in messages" id="lag-messages">
          <QueryState query={query} isEmpty={(x) => x.series.length === 0}>
            {(x) => <TimeSeriesChart ariaLabel="Lag in messages" series={[{ key: 'lag', label: 'messages', points: x.series.map((p) => ({ t: Date.parse(p.t), v: p.lag })) }]} />}
          </QueryState>
        </Panel>
        <Panel title="Lag in seconds" id="lag-seconds">
          <QueryState query={query} isEmpty={(x) => x.series.length === 0}>
            {(x) => (
              <TimeSeriesChart
                ariaLabel="Lag in seconds"
                format={(v) => formatDuration(v * 1000)}
                series={[{ key: 'lag_seconds', label: 'seconds', points: x.series.map((p) => ({ t: Date.parse(p.t), v: p.lag_seconds })) }]}
              />
            )}
          </QueryState>
        </Panel>
      </div>
      <div className="grid-2">
        <Panel title="Status changes" id="statuses">
          <QueryState query={query} isEmpty={(x) => x.statuses.length === 0} empty="No status recorded in this range.">
            {(x) => (
              <table className="table">
                <thead>
                  <tr>
                    <th>At</th>
                    <th>Status</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {[...x.statuses].reverse().map((s) => (
                    <tr key={`${s.t}-${s.status}`}>
                      <td className="nowrap">
                        <Time value={s.t} />
                      </td>
                      <td>
                        <Badge value={s.status} />
                      </td>
                      <td className="small">{s.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryState>
        </Panel>
        <Panel title="Partitions" id="partitions">
          <QueryState query={query} isEmpty={(x) => x.partitions.length === 0} empty="No partitions (a queue has none).">
            {(x) => (
              <div className="table-wrap">
                <table className="table dense">
                  <thead>
                    <tr>
                      {columns.map((c) => (
                        <th key={c} className={typeof x.partitions[0]?.[c] === 'number' ? 'num' : ''}>
                          {c.replaceAll('_', ' ')}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {x.partitions.map((p, i) => (
                      <tr key={i}>
                        {columns.map((c) => {
                          const v = p[c];
                          return (
                            <td key={c} className={typeof v === 'number' ? 'num' : ''}>
                              {typeof v === 'number' ? (c.endsWith('_rate') ? formatNumber(v) : formatCount(v)) : (v ?? '–')}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        </Panel>
      </div>
    </div>
  );
}
