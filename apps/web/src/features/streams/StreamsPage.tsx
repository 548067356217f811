// Every stream seen in the range, with its last minute's rate against its range average and baseline. The server
// filters, sorts and pages the list (a thousand topics arrive a hundred at a time); the filter, sort and page are
// in the URL.
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { figureColumn, wideOnly, type Column } from '../../components/DataTable.tsx';
import { NameLink } from '../../components/Name.tsx';
import { Page } from '../../components/Page.tsx';
import { Panel, QueryState } from '../../components/Panel.tsx';
import { brokerColumn, ListFilter, ServerListTable, useServerList } from '../../components/ServerList.tsx';
import { Time } from '../../components/Time.tsx';
import { formatBytes, formatChange, formatCount, formatDuration, formatRate } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { streamQueries, type StreamSummary } from './queries.ts';

const PAGE_SIZE = 100;

/** The average's span when shorter than the range: a stream first seen 4 minutes ago averages over those 4. */
function RangeAverage({ s, rangeSeconds }: { s: StreamSummary; rangeSeconds: number }) {
  const partial = s.avg_seconds < rangeSeconds - 60;
  return (
    <span title={`average over ${formatDuration(s.avg_seconds * 1000)} with data`}>
      {formatRate(s.msg_per_sec)}
      {partial && <span className="muted small"> over {formatDuration(s.avg_seconds * 1000)}</span>}
    </span>
  );
}

// Columns a phone drops (`wide-only`): the stream, its last minute and its change stay.
const columns = (rangeSeconds: number): Column<StreamSummary>[] => [
  brokerColumn(),
  {
    key: 'stream',
    header: 'Stream',
    cell: (s) => <NameLink to={routes.stream(s.broker, s.stream)} text={s.stream} />,
    sort: (s) => s.stream,
  },
  wideOnly({
    key: 'types',
    header: 'Event types',
    className: 'small',
    cell: (s) => (
      <div className="clip-lines" title={s.event_types.join('\n')}>
        {s.event_types.join(', ') || '–'}
      </div>
    ),
  }),
  wideOnly(figureColumn('count', 'Count', (s) => s.count, formatCount)),
  wideOnly(figureColumn('bytes', 'Bytes', (s) => s.bytes, formatBytes, 'nowrap')),
  figureColumn(
    'now',
    <span title="publishes per second in the last complete minute">Last minute</span>,
    (s) => s.current_msg_per_sec,
    formatRate,
    'nowrap',
  ),
  wideOnly({
    key: 'avg',
    header: <span title="publishes per second over the part of the range with data">Range avg</span>,
    align: 'right',
    className: 'nowrap',
    cell: (s) => <RangeAverage s={s} rangeSeconds={rangeSeconds} />,
    sort: (s) => s.msg_per_sec,
  }),
  wideOnly(
    figureColumn(
      'baseline',
      <span title="the same span a week earlier, else a day earlier">Baseline</span>,
      (s) => s.baseline_msg_per_sec,
      formatRate,
      'nowrap',
    ),
  ),
  {
    key: 'change',
    header: <span title="range average against the baseline">Change</span>,
    align: 'right',
    className: (s) => `nowrap ${s.change !== null && s.change < -0.2 ? 'bad' : ''}`,
    cell: (s) => formatChange(s.change),
    sort: (s) => s.change,
  },
  wideOnly({
    key: 'last',
    header: 'Last seen',
    className: 'nowrap',
    cell: (s) => <Time value={s.last_seen} />,
    sort: (s) => Date.parse(s.last_seen),
  }),
];

export default function StreamsPage() {
  const { params } = useTimeRange();
  const list = useServerList(PAGE_SIZE);
  const query = useLive(streamQueries.page({ ...params, ...list.params }));
  const rangeSeconds = query.data ? (Date.parse(query.data.to) - Date.parse(query.data.from)) / 1000 : 0;
  return (
    <Page
      title="Streams"
      meta={query.data && <span className="muted small">{formatCount(query.data.total)} streams</span>}
    >
      <Panel title="Topics and exchanges" id="streams" actions={<ListFilter list={list} label="Filter streams" />}>
        <QueryState query={query}>
          {(d) => (
            <ServerListTable
              list={list}
              total={d.total}
              label="streams"
              columns={columns(rangeSeconds)}
              rows={d.streams}
              rowKey={(s) => `${s.broker}/${s.cluster}/${s.stream}`}
              empty={list.q ? `No stream matches "${list.q}".` : 'No stream carried messages in this range.'}
            />
          )}
        </QueryState>
      </Panel>
    </Page>
  );
}
