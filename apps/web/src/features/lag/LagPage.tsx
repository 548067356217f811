// Every consumer group and queue with its lag and status. The server filters, sorts and pages the list (ten
// thousand groups arrive a hundred at a time, worst first); the filters, sort and page are in the URL.
import { useLive } from '../../app/use-live.ts';
import { type Column } from '../../components/DataTable.tsx';
import { NameLink } from '../../components/Name.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { brokerColumn, ListFilter, ServerListTable, useServerList } from '../../components/ServerList.tsx';
import { Time } from '../../components/Time.tsx';
import { formatCount } from '../../lib/format.ts';
import { useSearchParam } from '../../lib/use-search-param.ts';
import { routes } from '../../routes.ts';
import { LAG_COLUMNS } from './columns.tsx';
import { lagQueries, type LagGroup, type LagStatus } from './queries.ts';

const STATUSES: LagStatus[] = ['ERR', 'STOP', 'STALL', 'WARN', 'OK'];
const PAGE_SIZE = 100;

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
  brokerColumn(),
  {
    key: 'group',
    header: 'Group / queue',
    cell: (g) => <NameLink to={routes.lagGroup(g.broker, g.group)} text={g.group} />,
    sort: (g) => g.group,
  },
  LAG_COLUMNS.status,
  LAG_COLUMNS.lag,
  { ...LAG_COLUMNS.time, className: 'wide-only', headerClassName: 'wide-only' },
  {
    key: 'consumers',
    header: 'Consumers',
    align: 'right',
    className: 'wide-only',
    headerClassName: 'wide-only',
    cell: (g) => formatCount(g.consumers),
    sort: (g) => g.consumers,
  },
  {
    key: 'streams',
    header: 'Streams',
    className: 'small wide-only',
    headerClassName: 'wide-only',
    cell: (g) => <StreamsCell streams={g.streams} />,
  },
  {
    key: 'reason',
    header: 'Reason',
    className: 'small muted wide-only',
    headerClassName: 'wide-only',
    // Over two lines, wrapped at its spaces: on one, the reason held its width from the group's name beside it.
    cell: (g) => (
      <div className="clip-lines" title={g.reason}>
        {g.reason}
      </div>
    ),
  },
];

export default function LagPage() {
  const [status, setStatus] = useSearchParam('status');
  const list = useServerList(PAGE_SIZE);
  const query = useLive(lagQueries.page({ ...list.params, status: status || undefined }));
  const counts = query.data?.counts ?? {};
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
              {STATUSES.filter((st) => counts[st] !== undefined).map((st) => (
                <button
                  key={st}
                  type="button"
                  className="chip"
                  aria-pressed={status === st}
                  onClick={() => {
                    setStatus(status === st ? '' : st, ['page']);
                  }}
                >
                  {st} {formatCount(counts[st])}
                </button>
              ))}
            </div>
            <ListFilter list={list} label="Filter groups" />
          </>
        }
      >
        <QueryState query={query}>
          {(d) => (
            <ServerListTable
              list={list}
              total={d.total}
              label="groups"
              columns={COLUMNS}
              rows={d.groups}
              rowKey={(g) => `${g.broker}/${g.cluster}/${g.group}`}
              empty={list.q || status ? 'No group matches the filter.' : 'No consumer groups or queues found.'}
            />
          )}
        </QueryState>
      </Panel>
    </Page>
  );
}
