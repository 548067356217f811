// Every consumer group and queue with its lag and status.
import { useState } from 'react';
import { useLive } from '../../app/use-live.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatCount, formatDuration } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { worstLag } from './order.ts';
import { lagQueries, type LagGroup, type LagStatus } from './queries.ts';

const STATUSES: LagStatus[] = ['ERR', 'STOP', 'STALL', 'WARN', 'OK'];

function StreamsCell({ streams }: { streams: string[] }) {
  const shown = streams.slice(0, 2);
  return (
    <div className="clip" title={streams.join('\n')}>
      {shown.join(', ')}
      {streams.length > shown.length && <span className="muted"> +{streams.length - shown.length}</span>}
    </div>
  );
}

function filterGroups(groups: LagGroup[], status: LagStatus | null, needle: string): LagGroup[] {
  return groups.filter((g) => (!status || g.status === status) && (!needle || `${g.group} ${g.streams.join(' ')}`.toLowerCase().includes(needle)));
}

export default function LagPage() {
  const query = useLive(lagQueries.groups());
  const [status, setStatus] = useState<LagStatus | null>(null);
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const counts = new Map<LagStatus, number>();
  for (const g of query.data?.groups ?? []) counts.set(g.status, (counts.get(g.status) ?? 0) + 1);
  return (
    <div className="page">
      <div className="page-head">
        <h1>Lag</h1>
        {query.data && (
          <span className="muted small">
            as of <Time value={query.data.at} />
          </span>
        )}
      </div>
      <Panel
        title="Consumer groups and queues"
        id="groups"
        actions={
          <>
            <div className="chips" role="group" aria-label="Filter by status">
              {STATUSES.filter((st) => counts.has(st)).map((st) => (
                <button key={st} type="button" className="chip" aria-pressed={status === st} onClick={() => setStatus(status === st ? null : st)}>
                  {st} {counts.get(st)}
                </button>
              ))}
            </div>
            <input type="search" placeholder="Filter groups" aria-label="Filter groups" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </>
        }
      >
        <QueryState query={query} isEmpty={(d) => d.groups.length === 0} empty="No consumer groups or queues found.">
          {(d) => (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th>Broker</th>
                    <th>Group / queue</th>
                    <th>Status</th>
                    <th className="num">Lag (messages)</th>
                    <th className="num">Lag (time)</th>
                    <th className="num">Consumers</th>
                    <th>Streams</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {worstLag(filterGroups(d.groups, status, needle)).map((g) => (
                    <tr key={`${g.broker}/${g.cluster}/${g.group}`}>
                      <td className="muted">{g.broker}</td>
                      <td className="nowrap">
                        <AppLink to={routes.lagGroup(g.broker, g.group)}>{g.group}</AppLink>
                      </td>
                      <td>
                        <Badge value={g.status} />
                      </td>
                      <td className="num">{formatCount(g.lag)}</td>
                      <td className="num">{g.lag_seconds === null ? '–' : formatDuration(g.lag_seconds * 1000)}</td>
                      <td className="num">{formatCount(g.consumers)}</td>
                      <td className="small">
                        <StreamsCell streams={g.streams} />
                      </td>
                      <td className="small muted">
                        <div className="clip" title={g.reason}>
                          {g.reason}
                        </div>
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
