// Streams, their detail and metadata rows, counts, and time series.
import { z } from 'zod';
import { countEvents } from '@rollcall/core/store/queries';
import { ruleWatches } from '@rollcall/rules/watch';
import { brokerParam, durationParam, iso, rangeQuery, resolveRange } from '../params.ts';
import { notFound } from '../problem.ts';
import { listStreams, recentEvents, streamDetail } from '../read/streams.ts';
import { series } from '../read/series.ts';
import type { RouteDeps } from './deps.ts';
import { ruleStates } from './rules.ts';

const ranged = { from: z.string(), to: z.string() };

export const streamSchema = z.object({
  broker: brokerParam,
  cluster: z.string(),
  stream: z.string(),
  count: z.number(),
  bytes: z.number(),
  msg_per_sec: z.number(),
  current_msg_per_sec: z.number().describe('the last complete minute'),
  last_seen: z.string(),
  event_types: z.array(z.string()),
  sources: z.array(z.string()),
  baseline_msg_per_sec: z.number().nullable().describe('the same range a week earlier, else a day earlier'),
  change: z.number().nullable().describe('msg_per_sec / baseline − 1'),
});
export const streamsResponse = z.object({ ...ranged, streams: z.array(streamSchema) });

export const streamDetailResponse = z.object({
  ...ranged,
  broker: brokerParam,
  cluster: z.string(),
  stream: z.string(),
  count: z.number(),
  bytes: z.number(),
  event_types: z.array(z.object({ event_type: z.string(), kind: z.string(), count: z.number(), bytes: z.number() })),
  sources: z.array(z.object({ source: z.string(), count: z.number() })),
  schemas: z.array(z.object({ event_type: z.string(), fingerprint: z.string(), paths: z.array(z.string()), first_seen: z.string(), last_seen: z.string(), count: z.number() })),
  rules: z.array(z.object({ id: z.string(), type: z.string(), state: z.string() })),
});

export const eventsResponse = z.object({
  events: z.array(
    z.object({
      observed_at: z.string(),
      broker_ts: z.string(),
      kind: z.string(),
      routing_key: z.string(),
      partition: z.number(),
      offset: z.number(),
      queue: z.string(),
      event_type: z.string(),
      source: z.string(),
      message_id: z.string(),
      correlation_id: z.string(),
      trace_id: z.string(),
      size: z.number(),
      header_count: z.number(),
      schema_fingerprint: z.string(),
      parse_error: z.string(),
    }),
  ),
});

export const seriesResponse = z.object({
  ...ranged,
  step_seconds: z.number(),
  series: z.array(z.object({ key: z.string(), points: z.array(z.object({ t: z.string(), count: z.number(), bytes: z.number(), msg_per_sec: z.number() })) })),
});

export const countResponse = z.object({
  count: z.number(),
  by_event_type: z.array(z.object({ event_type: z.string(), kind: z.string(), count: z.number() })),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
});

const streamPath = z.strictObject({ broker: brokerParam, stream: z.string().min(1).max(512) });
const name = z.string().min(1).max(512);
const kind = z.enum(['publish', 'deliver']);

export function streamRoutes({ routes, store, now, alerting }: RouteDeps): void {
  routes.add({
    method: 'get',
    path: '/api/v1/streams',
    summary: 'Streams (topics and exchanges) seen in the range, with msg/s and change against last week',
    tag: 'streams',
    role: 'viewer',
    query: rangeQuery({}),
    response: streamsResponse,
    handler: async ({ query }) => {
      const range = resolveRange(query, now());
      return { from: iso(range.from), to: iso(range.to), streams: await listStreams(store, range) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/streams/{broker}/{stream}',
    summary: "A stream's event types, sources, schema fingerprints and the rules that watch it",
    tag: 'streams',
    role: 'viewer',
    params: streamPath,
    query: rangeQuery({}),
    response: streamDetailResponse,
    handler: async ({ params, query }) => {
      const range = resolveRange(query, now());
      const detail = await streamDetail(store, params.broker, params.stream, range);
      if (!detail) throw notFound(`no ${params.broker} stream "${params.stream}" has been seen`);
      const states = ruleStates(alerting);
      const rules = (alerting?.files.rules() ?? []).filter((r) => ruleWatches(r, params.broker, params.stream)).map((r) => ({ id: r.id, type: r.type, state: states.get(r.id) ?? 'inactive' }));
      return { from: iso(range.from), to: iso(range.to), ...detail, rules };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/streams/{broker}/{stream}/events',
    summary: 'The newest metadata rows of a stream (never bodies)',
    tag: 'streams',
    role: 'viewer',
    params: streamPath,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50), kind: kind.optional() }),
    response: eventsResponse,
    handler: async ({ params, query }) => ({ events: await recentEvents(store, params.broker, params.stream, query.limit, query.kind) }),
  });

  routes.add({
    method: 'get',
    path: '/api/v1/series',
    summary: 'Counts and bytes over time, grouped by broker, stream, event type or source; the server picks the step',
    tag: 'streams',
    role: 'viewer',
    query: rangeQuery({
      broker: brokerParam.optional(),
      stream: name.optional(),
      event_type: name.optional(),
      source: name.optional(),
      kind: kind.optional(),
      by: z.enum(['broker', 'stream', 'event_type', 'source']).default('broker'),
    }),
    response: seriesResponse,
    handler: async ({ query }) => {
      const range = resolveRange(query, now());
      return { from: iso(range.from), to: iso(range.to), ...(await series(store, range, query)) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/count',
    summary: 'Exact count of stored events of one stream (raw rows)',
    tag: 'streams',
    role: 'viewer',
    query: z.strictObject({ broker: brokerParam, stream: name, event_type: z.string().max(512).optional(), kind: kind.optional(), since: durationParam.optional() }),
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
