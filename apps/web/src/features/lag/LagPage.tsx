// Every consumer group and queue with its lag and status.
import { useLive } from '../../app/use-live.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatCount } from '../../lib/format.ts';
import { useSearchParam } from '../../lib/use-search-param.ts';
import { routes } from '../../routes.ts';
import { LAG_COLUMNS } from './columns.tsx';
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

const COLUMNS: Column<LagGroup>[] = [
  { key: 'broker', header: 'Broker', className: 'muted', cell: (g) => g.broker, sort: (g) => g.broker },
  { key: 'group', header: 'Group / queue', className: 'nowrap', cell: (g) => <AppLink to={routes.lagGroup(g.broker, g.group)}>{g.group}</AppLink>, sort: (g) => g.group },
  LAG_COLUMNS.status,
  LAG_COLUMNS.lag,
  LAG_COLUMNS.time,
  { key: 'consumers', header: 'Consumers', align: 'right', cell: (g) => formatCount(g.consumers), sort: (g) => g.consumers },
  { key: 'streams', header: 'Streams', className: 'small', cell: (g) => <StreamsCell streams={g.streams} /> },
  {
    key: 'reason',
    header: 'Reason',
    className: 'small muted',
    cell: (g) => (
      <div className="clip" title={g.reason}>
        {g.reason}
      </div>
    ),
  },
];

function filterGroups(groups: LagGroup[], status: string, needle: string): LagGroup[] {
  return groups.filter((g) => (!status || g.status === status) && (!needle || `${g.group} ${g.streams.join(' ')}`.toLowerCase().includes(needle)));
}

export default function LagPage() {
  const query = useLive(lagQueries.groups());
  const [status, setStatus] = useSearchParam('status');
  const [filter, setFilter] = useSearchParam('q');
  const needle = filter.trim().toLowerCase();
  const counts = new Map<LagStatus, number>();
  for (const g of query.data?.groups ?? []) counts.set(g.status, (counts.get(g.status) ?? 0) + 1);
  return (
    <Page
      title="Lag"
      meta={
        query.data && (
          <span className="muted small">
            as of <Time value={query.data.at} />
          </span>
        )
      }
    >
      <Panel
        title="Consumer groups and queues"
        id="groups"
        actions={
          <>
            <div className="chips" role="group" aria-label="Filter by status">
              {STATUSES.filter((st) => counts.has(st)).map((st) => (
                <button key={st} type="button" className="chip" aria-pressed={status === st} onClick={() => setStatus(status === st ? '' : st)}>
                  {st} {counts.get(st)}
                </button>
              ))}
            </div>
            <input type="search" placeholder="Filter groups" aria-label="Filter groups" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </>
        }
      >
        <QueryState query={query}>
          {(d) => (
            <DataTable
              columns={COLUMNS}
              rows={worstLag(filterGroups(d.groups, status, needle))}
              rowKey={(g) => `${g.broker}/${g.cluster}/${g.group}`}
              empty={d.groups.length === 0 ? 'No consumer groups or queues found.' : 'No group matches the filter.'}
            />
          )}
        </QueryState>
      </Panel>
    </Page>
  );
}
