// Streams, their detail and metadata rows, counts, and time series.
import { auditLevels, keptLevel } from '@rollcall/core/audit';
import type { Broker } from '@rollcall/core/event';
import { countEvents } from '@rollcall/core/store/queries';
import { iso, resolveRange } from '@rollcall/contract/params';
import { dropsQuery, dropsResponse } from '@rollcall/contract/drops';
import { seriesQuery, seriesResponse } from '@rollcall/contract/series';
import {
  countQuery,
  countResponse,
  eventsQuery,
  eventsResponse,
  streamDetailQuery,
  streamDetailResponse,
  streamPath,
  streamsQuery,
  streamsResponse,
} from '@rollcall/contract/streams';
import { ruleWatches } from '@rollcall/rules/watch';
import { notFound } from '../problem.ts';
import { alertSpans } from '../read/alert-spans.ts';
import { largestDrops } from '../read/drops.ts';
import { recentEvents, streamDetail, streamsPage } from '../read/streams.ts';
import { series } from '../read/series.ts';
import type { RouteDeps } from './deps.ts';
import { ruleStates } from './rules.ts';

export function streamRoutes({ routes, store, config, now, alerting }: RouteDeps): void {
  const auditLevel = auditLevels(config.audit);
  const deliveriesOf = (broker: Broker): 'traced' | 'counted' | null =>
    broker === 'kafka' ? null : config.rabbitmq.trace === 'publish' ? 'counted' : 'traced';
  routes.add({
    method: 'get',
    path: '/api/v1/streams',
    summary:
      'Streams (topics and exchanges) seen in the range, with msg/s and change against last week; filtered, sorted and paged on the server',
    tag: 'streams',
    role: 'viewer',
    query: streamsQuery,
    response: streamsResponse,
    handler: async ({ query }) => {
      const range = resolveRange(query, now());
      return { from: iso(range.from), to: iso(range.to), ...(await streamsPage(store, range, query)) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/streams/{broker}/{stream}',
    summary: "A stream's event types, sources, schema fingerprints and the rules that watch it",
    tag: 'streams',
    role: 'viewer',
    params: streamPath,
    query: streamDetailQuery,
    response: streamDetailResponse,
    handler: async ({ params, query }) => {
      const range = resolveRange(query, now());
      const detail = await streamDetail(store, params.broker, params.stream, range);
      if (!detail) throw notFound(`no ${params.broker} stream "${params.stream}" has been seen`);
      const states = ruleStates(alerting);
      const rules = (alerting?.files.rules() ?? [])
        .filter((r) => ruleWatches(r, params.broker, params.stream))
        .map((r) => ({ id: r.id, type: r.type, state: states.get(r.id) ?? 'inactive' }));
      return {
        from: iso(range.from),
        to: iso(range.to),
        ...detail,
        audit: keptLevel(params.broker, auditLevel(params.broker, params.stream)),
        deliveries: deliveriesOf(params.broker),
        rules,
        alert_spans: await alertSpans(
          store,
          rules.map((r) => r.id),
          range,
        ),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/streams/{broker}/{stream}/events',
    summary: 'The newest metadata rows of a stream (never bodies)',
    tag: 'streams',
    role: 'viewer',
    params: streamPath,
    query: eventsQuery,
    response: eventsResponse,
    handler: async ({ params, query }) => ({
      events: await recentEvents(store, params.broker, params.stream, query.limit, query.kind),
    }),
  });

  routes.add({
    method: 'get',
    path: '/api/v1/series',
    summary: 'Counts and bytes over time, grouped by broker, stream, event type or source; the server picks the step',
    tag: 'streams',
    role: 'viewer',
    query: seriesQuery,
    response: seriesResponse,
    handler: async ({ query }) => {
      const range = resolveRange(query, now());
      return { from: iso(range.from), to: iso(range.to), ...(await series(store, range, query)) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/drops',
    summary:
      'Streams whose last complete minute fell furthest below their baseline (a week earlier, else the hour before)',
    tag: 'streams',
    role: 'viewer',
    query: dropsQuery,
    response: dropsResponse,
    handler: async ({ query }) => largestDrops(store, now(), query.limit),
  });

  routes.add({
    method: 'get',
    path: '/api/v1/count',
    summary: 'Exact count of stored events of one stream (raw rows)',
    tag: 'streams',
    role: 'viewer',
    query: countQuery,
    response: countResponse,
    handler: async ({ query }) =>
      countEvents(store, {
        broker: query.broker,
        stream: query.stream,
        ...(query.event_type !== undefined ? { eventType: query.event_type } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.since !== undefined ? { since: now() - query.since } : {}),
      }),
  });
}
