// Every stream seen in the range, with current rate against its baseline.
import { useState } from 'react';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatBytes, formatChange, formatCount, formatRate } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { streamQueries } from './queries.ts';

export default function StreamsPage() {
  const { params } = useTimeRange();
  const query = useLive(streamQueries.list(params));
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  return (
    <div className="page">
      <h1>Streams</h1>
      <Panel
        title="Topics and exchanges"
        id="streams"
        actions={<input type="search" placeholder="Filter streams" aria-label="Filter streams" value={filter} onChange={(e) => setFilter(e.target.value)} />}
      >
        <QueryState query={query} isEmpty={(d) => d.streams.length === 0} empty="No stream carried messages in this range.">
          {(d) => (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Broker</th>
                    <th>Stream</th>
                    <th>Event types</th>
                    <th className="num">Count</th>
                    <th className="num">Bytes</th>
                    <th className="num">Avg</th>
                    <th className="num">Now</th>
                    <th className="num">Baseline</th>
                    <th className="num">Change</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {d.streams
                    .filter((s) => !needle || `${s.broker} ${s.stream} ${s.event_types.join(' ')}`.toLowerCase().includes(needle))
                    .map((s) => (
                      <tr key={`${s.broker}/${s.cluster}/${s.stream}`}>
                        <td className="muted">{s.broker}</td>
                        <td>
                          <AppLink to={routes.stream(s.broker, s.stream)}>{s.stream}</AppLink>
                        </td>
                        <td className="small">{s.event_types.join(', ') || '–'}</td>
                        <td className="num">{formatCount(s.count)}</td>
                        <td className="num">{formatBytes(s.bytes)}</td>
                        <td className="num">{formatRate(s.msg_per_sec)}</td>
                        <td className="num">{formatRate(s.current_msg_per_sec)}</td>
                        <td className="num">{formatRate(s.baseline_msg_per_sec)}</td>
                        <td className={`num ${s.change !== null && s.change < -0.2 ? 'bad' : ''}`}>{formatChange(s.change)}</td>
                        <td className="nowrap">
                          <Time value={s.last_seen} />
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </Panel>
    </div>
  );
}
