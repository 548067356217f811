// One stream: rate and bytes per event type, sources, payload shapes, the rules watching it, recent rows.
import { useParams } from 'react-router';
import { useLive } from '../../app/use-live.ts';
import { useTimeRange } from '../../app/time-range.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { Badge } from '../../components/Badge.tsx';
import { ErrorState, Panel, QueryState } from '../../components/Panel.tsx';
import { Time } from '../../components/Time.tsx';
import { TimeSeriesChart } from '../../components/TimeSeriesChart.tsx';
import { ApiError } from '../../api/client.ts';
import { formatBytes, formatCount, formatNumber } from '../../lib/format.ts';
import { routes } from '../../routes.ts';
import { seriesQueries } from '../series/queries.ts';
import { streamQueries } from './queries.ts';
import { SchemaTimeline } from './SchemaTimeline.tsx';

function Charts({ broker, stream }: { broker: string; stream: string }) {
  const { params } = useTimeRange();
  const query = useLive(seriesQueries.series({ broker, stream, by: 'event_type' }, params));
  return (
    <div className="grid-2">
      <Panel title="Messages per second by event type" id="rate">
        <QueryState query={query} isEmpty={(d) => d.series.length === 0}>
          {(d) => (
            <TimeSeriesChart
              ariaLabel="Messages per second by event type"
              series={d.series.map((s) => ({ key: s.key, label: s.key || '(none)', points: s.points.map((p) => ({ t: Date.parse(p.t), v: p.msg_per_sec })) }))}
            />
          )}
        </QueryState>
      </Panel>
      <Panel title="Bytes per second by event type" id="bytes">
        <QueryState query={query} isEmpty={(d) => d.series.length === 0}>
          {(d) => (
            <TimeSeriesChart
              ariaLabel="Bytes per second by event type"
              format={formatBytes}
              series={d.series.map((s) => ({ key: s.key, label: s.key || '(none)', points: s.points.map((p) => ({ t: Date.parse(p.t), v: p.bytes / Math.max(1, d.step_seconds) })) }))}
            />
          )}
        </QueryState>
      </Panel>
    </div>
  );
}

function RecentEvents({ broker, stream }: { broker: string; stream: string }) {
  const query = useLive(streamQueries.events(broker, stream, 50));
  return (
    <Panel title="Recent messages (metadata only)" id="events">
      <QueryState query={query} isEmpty={(d) => d.events.length === 0} empty="No stored messages.">
        {(d) => (
          <div className="table-wrap scroll-y">
            <table className="table dense nowrap-cells">
              <thead>
                <tr>
                  <th>Observed</th>
                  <th>Kind</th>
                  <th>Event type</th>
                  <th>Source</th>
                  <th>{broker === 'kafka' ? 'Partition / offset' : 'Routing key / queue'}</th>
                  <th>Message id</th>
                  <th>Correlation id</th>
                  <th className="num">Size</th>
                  <th>Schema</th>
                </tr>
              </thead>
              <tbody>
                {d.events.map((e, i) => (
                  <tr key={`${e.observed_at}-${e.message_id}-${i}`}>
                    <td className="nowrap">
                      <Time value={e.observed_at} />
                    </td>
                    <td>{e.kind}</td>
                    <td>{e.event_type || '–'}</td>
                    <td>{e.source || '–'}</td>
                    <td className="mono small">{broker === 'kafka' ? `${e.partition} / ${e.offset}` : `${e.routing_key}${e.queue ? ` → ${e.queue}` : ''}`}</td>
                    <td className="mono small ellipsis" title={e.message_id}>
                      {e.message_id || '–'}
                    </td>
                    <td className="mono small ellipsis" title={e.correlation_id}>
                      {e.correlation_id || '–'}
                    </td>
                    <td className="num">{formatBytes(e.size)}</td>
                    <td className="mono small">{e.parse_error ? <span className="bad">{e.parse_error}</span> : e.schema_fingerprint}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}

export default function StreamDetailPage() {
  const { broker = '', stream = '' } = useParams();
  const { params } = useTimeRange();
  const query = useLive(streamQueries.detail(broker, stream, params));
  if (query.isError && query.error instanceof ApiError && query.error.status === 404)
    return (
      <div className="page">
        <h1>{stream}</h1>
        <ErrorState error={new ApiError({ status: 404, title: 'Never seen', detail: `${broker} stream "${stream}" has no stored messages.` })} />
      </div>
    );
  const d = query.data;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{stream}</h1>
        <span className="muted">
          {broker}
          {d ? ` · ${d.cluster}` : ''}
        </span>
      </div>
      <div className="tiles">
        <div className="tile">
          <div className="tile-label">Messages</div>
          <div className="tile-value">{d ? formatCount(d.count) : '…'}</div>
        </div>
        <div className="tile">
          <div className="tile-label">Bytes</div>
          <div className="tile-value">{d ? formatBytes(d.bytes) : '…'}</div>
        </div>
        <div className="tile">
          <div className="tile-label">Event types</div>
          <div className="tile-value">{d ? formatCount(new Set(d.event_types.map((e) => e.event_type)).size) : '…'}</div>
        </div>
        <div className="tile">
          <div className="tile-label">Sources</div>
          <div className="tile-value">{d ? formatCount(d.sources.length) : '…'}</div>
        </div>
      </div>
      <Charts broker={broker} stream={stream} />
      <div className="grid-3">
        <Panel title="Event types" id="event-types">
          <QueryState query={query} isEmpty={(x) => x.event_types.length === 0}>
            {(x) => (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>Event type</th>
                      <th>Kind</th>
                      <th className="num">Count</th>
                      <th className="num">Bytes</th>
                    </tr>
                  </thead>
                  <tbody>
                    {x.event_types.map((e) => (
                      <tr key={`${e.event_type}/${e.kind}`}>
                        <td>{e.event_type || <span className="muted">(none)</span>}</td>
                        <td>{e.kind}</td>
                        <td className="num">{formatCount(e.count)}</td>
                        <td className="num">{formatBytes(e.bytes)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </QueryState>
        </Panel>
        <Panel title="Sources" id="sources">
          <QueryState query={query} isEmpty={(x) => x.sources.length === 0} empty="No source recorded.">
            {(x) => {
              // shares of what the sources add up to: the stream total is read a moment apart
              const total = x.sources.reduce((sum, src) => sum + src.count, 0);
              return (
                <table className="table">
                  <thead>
                    <tr>
                      <th>Source</th>
                      <th className="num">Count</th>
                      <th className="num">Share</th>
                    </tr>
                  </thead>
                  <tbody>
                    {x.sources.map((s) => (
                      <tr key={s.source}>
                        <td>{s.source || <span className="muted">(none)</span>}</td>
                        <td className="num">{formatCount(s.count)}</td>
                        <td className="num">{formatNumber((s.count / Math.max(1, total)) * 100)}%</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              );
            }}
          </QueryState>
        </Panel>
        <Panel title="Rules watching this stream" id="stream-rules">
          <QueryState query={query} isEmpty={(x) => x.rules.length === 0} empty="No rule watches this stream.">
            {(x) => (
              <table className="table">
                <thead>
                  <tr>
                    <th>Rule</th>
                    <th>Type</th>
                    <th>State</th>
                  </tr>
                </thead>
                <tbody>
                  {x.rules.map((r) => (
                    <tr key={r.id}>
                      <td className="nowrap">
                        <AppLink to={routes.rule(r.id)}>{r.id}</AppLink>
                      </td>
                      <td>{r.type}</td>
                      <td>
                        <Badge value={r.state} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </QueryState>
        </Panel>
      </div>
      <Panel title="Schema fingerprints over time" id="schemas">
        <QueryState query={query} isEmpty={(x) => x.schemas.length === 0} empty="No JSON payloads in this range.">
          {(x) => <SchemaTimeline schemas={x.schemas} from={x.from} to={x.to} />}
        </QueryState>
      </Panel>
      <RecentEvents broker={broker} stream={stream} />
    </div>
  );
}
