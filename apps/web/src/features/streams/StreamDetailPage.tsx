// One stream: its rate now and over the range, a breakdown against baseline, rate and bytes per event type with
// its alerts marked, sources, payload shapes, the rules watching it, recent rows.
import { useParams } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import type { SeriesResponse } from '@rollcall/contract/series';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { Badge } from '../../components/Badge.tsx';
import { OrNone, type Column } from '../../components/DataTable.tsx';
import { Name, NameLink } from '../../components/Name.tsx';
import { Page } from '../../components/Page.tsx';
import { ErrorState, Panel, QueryState } from '../../components/Panel.tsx';
import { QueryTablePanel } from '../../components/QueryTablePanel.tsx';
import { Tile, Tiles } from '../../components/Tile.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart, type ChartAnnotation } from '../../components/TimeSeriesChart.tsx';
import { ApiError } from '../../api/client.ts';
import {
  formatBytes,
  formatCount,
  formatDurationWords,
  formatNumber,
  formatRate,
  formatTime,
} from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { annotationsOf, lastMinute, rangeAverage, toChartSeries } from '../series/chart.ts';
import { seriesQueries } from '../series/queries.ts';
import { Breakdown } from './Breakdown.tsx';
import { streamQueries, type EventRow, type StreamDetail } from './queries.ts';
import { SchemaTimeline } from './SchemaTimeline.tsx';

type Point = SeriesResponse['series'][number]['points'][number];
const CHARTS = [
  {
    id: 'rate',
    title: 'Messages per second by event type',
    format: formatNumber,
    roundTicks: true,
    perSecond: (p: Point) => p.msg_per_sec,
  },
  {
    id: 'bytes',
    title: 'Bytes per second by event type',
    format: formatBytes,
    roundTicks: false,
    perSecond: (p: Point, step: number) => (p.bytes === null ? null : p.bytes / Math.max(1, step)),
  },
];

function Charts({ query, annotations }: { query: UseQueryResult<SeriesResponse>; annotations: ChartAnnotation[] }) {
  return (
    <div className="grid-2">
      {CHARTS.map((c) => (
        <Panel key={c.id} title={c.title} id={c.id}>
          <QueryState query={query} isEmpty={(d) => d.series.length === 0}>
            {(d) => (
              <TimeSeriesChart
                ariaLabel={c.title}
                format={c.format}
                roundTicks={c.roundTicks}
                annotations={annotations}
                series={toChartSeries(d, c.perSecond).map((s) => ({ ...s, label: s.key || '(none)' }))}
              />
            )}
          </QueryState>
        </Panel>
      ))}
    </div>
  );
}

/** "Now" is the last complete minute; the average is over the time with data, and says how long that was. */
function RateTiles({ query }: { query: UseQueryResult<SeriesResponse> }) {
  const d = query.data;
  const now = d && lastMinute(d);
  const avg = d && rangeAverage(d);
  const rangeSeconds = d ? (Date.parse(d.to) - Date.parse(d.from)) / 1000 : 0;
  return (
    <>
      <Tile
        label="Last minute"
        value={query.isError ? '–' : now && formatRate(now.msg_per_sec)}
        sub={now ? `${formatTime(now.from)}–${formatTime(now.to)}` : ''}
      />
      <Tile
        label="Range average"
        value={query.isError ? '–' : avg && formatRate(avg.msg_per_sec)}
        sub={
          avg
            ? avg.seconds < rangeSeconds - 60
              ? `over ${formatDurationWords(avg.seconds * 1000)} with data`
              : `over ${formatDurationWords(rangeSeconds * 1000)}`
            : ''
        }
      />
    </>
  );
}

const orDash = (text: string) => text || '–';

function eventColumns(broker: string): Column<EventRow>[] {
  const kafka = broker === 'kafka';
  return [
    { key: 'observed', header: 'Observed', className: 'nowrap', cell: (e) => <Time value={e.observed_at} /> },
    { key: 'kind', header: 'Kind', className: 'nowrap', cell: (e) => e.kind },
    { key: 'type', header: 'Event type', cell: (e) => (e.event_type ? <Name text={e.event_type} /> : '–') },
    { key: 'source', header: 'Source', cell: (e) => orDash(e.source) },
    {
      key: 'place',
      header: kafka ? 'Partition / offset' : 'Routing key / queue',
      className: 'mono small',
      cell: (e) => (kafka ? `${e.partition} / ${e.offset}` : `${e.routing_key}${e.queue ? ` → ${e.queue}` : ''}`),
    },
    {
      key: 'id',
      header: 'Message id',
      className: 'mono small ellipsis',
      title: (e) => e.message_id,
      cell: (e) => orDash(e.message_id),
    },
    {
      key: 'correlation',
      header: 'Correlation id',
      className: 'mono small ellipsis',
      title: (e) => e.correlation_id,
      cell: (e) => orDash(e.correlation_id),
    },
    { key: 'size', header: 'Size', align: 'right', cell: (e) => formatBytes(e.size) },
    {
      key: 'schema',
      header: 'Schema',
      className: 'mono small nowrap',
      cell: (e) => (e.parse_error ? <span className="bad">{e.parse_error}</span> : e.schema_fingerprint),
    },
  ];
}

/** What the stream's audit level (rollcall.yaml `audit`) keeps, in words, where a panel would otherwise be empty. */
const AUDIT_NOTES: Record<StreamDetail['audit'], { meta: string; messages: string; schemas: string }> = {
  rows: { meta: '', messages: 'No stored messages.', schemas: 'No JSON payloads in this range.' },
  keys: {
    meta: 'audited at keys',
    messages: 'No stored messages.',
    schemas: 'Audited at keys: payload shapes are not recorded for this stream.',
  },
  counts: {
    meta: 'audited at counts',
    messages: 'Audited at counts: Rollcall keeps exact counts per minute for this stream, not a row per message.',
    schemas: 'Audited at counts: payload shapes are not recorded for this stream.',
  },
};

function RecentEvents({ broker, stream, audit }: { broker: string; stream: string; audit: StreamDetail['audit'] }) {
  const query = useLive(streamQueries.events(broker, stream, 50));
  return (
    <QueryTablePanel
      title="Recent messages (metadata only)"
      id="events"
      query={query}
      rows={(d) => d.events}
      columns={eventColumns(broker)}
      rowKey={(e, i) => `${e.observed_at}-${e.message_id}-${i}`}
      empty={AUDIT_NOTES[audit].messages}
      dense
      scroll
      className="nowrap-cells"
    />
  );
}

const EVENT_TYPES: Column<StreamDetail['event_types'][number]>[] = [
  {
    key: 'type',
    header: 'Event type',
    cell: (e) => (e.event_type ? <Name text={e.event_type} /> : <OrNone text="" />),
  },
  { key: 'kind', header: 'Kind', className: 'nowrap', cell: (e) => e.kind },
  { key: 'count', header: 'Count', align: 'right', cell: (e) => formatCount(e.count) },
  { key: 'bytes', header: 'Bytes', align: 'right', cell: (e) => formatBytes(e.bytes) },
];

/** Shares of what the sources add up to: the stream total is read a moment apart. */
function sourceColumns(sources: StreamDetail['sources']): Column<StreamDetail['sources'][number]>[] {
  const total = Math.max(
    1,
    sources.reduce((sum, src) => sum + src.count, 0),
  );
  return [
    { key: 'source', header: 'Source', cell: (s) => <OrNone text={s.source} /> },
    { key: 'count', header: 'Count', align: 'right', cell: (s) => formatCount(s.count) },
    { key: 'share', header: 'Share', align: 'right', cell: (s) => `${formatNumber((s.count / total) * 100)}%` },
  ];
}

const RULES: Column<StreamDetail['rules'][number]>[] = [
  {
    key: 'rule',
    header: 'Rule',
    cell: (r) => <NameLink to={routes.rule(r.id)} text={r.id} />,
  },
  { key: 'type', header: 'Type', className: 'nowrap', cell: (r) => r.type },
  { key: 'state', header: 'State', cell: (r) => <Badge value={r.state} /> },
];

export default function StreamDetailPage() {
  const { broker = '', stream = '' } = useParams();
  const { params } = useTimeRange();
  const query = useLive(streamQueries.detail(broker, stream, params));
  const rate = useLive(seriesQueries.series({ broker, stream, by: 'event_type' }, params));
  if (query.isError && query.error instanceof ApiError && query.error.status === 404)
    return (
      <Page title={stream}>
        <ErrorState
          error={
            new ApiError({
              status: 404,
              title: 'Never seen',
              detail: `${broker} stream "${stream}" has no stored messages.`,
            })
          }
        />
      </Page>
    );
  const d = query.data;
  const annotations = annotationsOf(d?.alert_spans ?? [], d ? Date.parse(d.to) : 0);
  return (
    <Page
      title={stream}
      meta={
        <span className="muted">
          {broker}
          {d ? ` · ${d.cluster}` : ''}
          {d && AUDIT_NOTES[d.audit].meta ? ` · ${AUDIT_NOTES[d.audit].meta}` : ''}
          {d?.deliveries === 'counted' ? ' · deliveries counted per queue, not traced' : ''}
        </span>
      }
    >
      <Tiles>
        <Tile label="Messages" value={d && formatCount(d.count)} />
        <RateTiles query={rate} />
        <Tile
          label="Event types"
          value={d && formatCount(new Set(d.event_types.map((e) => e.event_type)).size)}
          sub={d ? `from ${formatCount(d.sources.length)} source${d.sources.length === 1 ? '' : 's'}` : ''}
        />
      </Tiles>
      <Breakdown broker={broker} stream={stream} annotations={annotations} />
      <Charts query={rate} annotations={annotations} />
      <div className="grid-3">
        <QueryTablePanel
          title="Event types"
          id="event-types"
          query={query}
          rows={(x) => x.event_types}
          columns={EVENT_TYPES}
          rowKey={(e) => `${e.event_type}/${e.kind}`}
          empty="Nothing in this range."
        />
        <QueryTablePanel
          title="Sources"
          id="sources"
          query={query}
          rows={(x) => x.sources}
          columns={(x) => sourceColumns(x.sources)}
          rowKey={(s) => s.source}
          empty="No source recorded."
        />
        <QueryTablePanel
          title="Rules watching this stream"
          id="stream-rules"
          query={query}
          rows={(x) => x.rules}
          columns={RULES}
          rowKey={(r) => r.id}
          empty="No rule watches this stream."
        />
      </div>
      <Panel title="Schema fingerprints over time" id="schemas">
        <QueryState
          query={query}
          isEmpty={(x) => x.schemas.length === 0}
          empty={AUDIT_NOTES[d?.audit ?? 'rows'].schemas}
        >
          {(x) => <SchemaTimeline schemas={x.schemas} from={x.from} to={x.to} />}
        </QueryState>
      </Panel>
      <RecentEvents broker={broker} stream={stream} audit={d?.audit ?? 'rows'} />
    </Page>
  );
}
