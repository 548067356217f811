// Every stream seen in the range, with current rate against its baseline.
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { DataTable, type Column } from '../../components/DataTable.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { formatBytes, formatChange, formatCount, formatRate } from '../../lib/format.ts';
import { useSearchParam } from '../../lib/use-search-param.ts';
import { routes } from '../../routes.ts';
import { streamQueries, type StreamSummary } from './queries.ts';

const COLUMNS: Column<StreamSummary>[] = [
  { key: 'broker', header: 'Broker', className: 'muted', cell: (s) => s.broker, sort: (s) => s.broker },
  { key: 'stream', header: 'Stream', cell: (s) => <AppLink to={routes.stream(s.broker, s.stream)}>{s.stream}</AppLink>, sort: (s) => s.stream },
  { key: 'types', header: 'Event types', className: 'small', cell: (s) => s.event_types.join(', ') || '–' },
  { key: 'count', header: 'Count', align: 'right', cell: (s) => formatCount(s.count), sort: (s) => s.count },
  { key: 'bytes', header: 'Bytes', align: 'right', cell: (s) => formatBytes(s.bytes), sort: (s) => s.bytes },
  { key: 'avg', header: 'Avg', align: 'right', cell: (s) => formatRate(s.msg_per_sec), sort: (s) => s.msg_per_sec },
  { key: 'now', header: 'Now', align: 'right', cell: (s) => formatRate(s.current_msg_per_sec), sort: (s) => s.current_msg_per_sec },
  { key: 'baseline', header: 'Baseline', align: 'right', cell: (s) => formatRate(s.baseline_msg_per_sec), sort: (s) => s.baseline_msg_per_sec },
  { key: 'change', header: 'Change', align: 'right', className: (s) => (s.change !== null && s.change < -0.2 ? 'bad' : ''), cell: (s) => formatChange(s.change), sort: (s) => s.change },
  { key: 'last', header: 'Last seen', className: 'nowrap', cell: (s) => <Time value={s.last_seen} />, sort: (s) => Date.parse(s.last_seen) },
];

export default function StreamsPage() {
  const { params } = useTimeRange();
  const query = useLive(streamQueries.list(params));
  const [filter, setFilter] = useSearchParam('q');
  const needle = filter.trim().toLowerCase();
  return (
    <Page title="Streams">
      <Panel title="Topics and exchanges" id="streams" actions={<input type="search" placeholder="Filter streams" aria-label="Filter streams" value={filter} onChange={(e) => setFilter(e.target.value)} />}>
        <QueryState query={query}>
          {(d) => (
            <DataTable
              columns={COLUMNS}
              rows={d.streams.filter((s) => !needle || `${s.broker} ${s.stream} ${s.event_types.join(' ')}`.toLowerCase().includes(needle))}
              rowKey={(s) => `${s.broker}/${s.cluster}/${s.stream}`}
              empty={needle ? `No stream matches "${filter.trim()}".` : 'No stream carried messages in this range.'}
            />
          )}
        </QueryState>
      </Panel>
    </Page>
  );
}
