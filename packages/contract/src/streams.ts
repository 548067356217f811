// Streams (topics and exchanges): the list with msg/s against a baseline, one stream's detail, its newest metadata
// rows, and exact counts.
import { z } from 'zod';
import { AUDIT_LEVELS } from './audit.ts';
import { pagedResponse, pageFields, sortParam } from './page.ts';
import { brokerParam, durationParam, echoedRange, rangeQuery } from './params.ts';

/** A name as a query or path parameter (stream, event type, source). */
export const nameParam = z.string().min(1).max(512);
export const kindParam = z.enum(['publish', 'deliver']);

export const STREAM_SORTS = ['broker', 'stream', 'count', 'bytes', 'avg', 'now', 'baseline', 'change', 'last'] as const;
export type StreamSort = (typeof STREAM_SORTS)[number];
export const streamsQuery = rangeQuery({
  q: z
    .string()
    .max(200)
    .optional()
    .describe('keep streams whose broker, name or an event type contains this (case-insensitive)'),
  broker: brokerParam.optional(),
  sort: sortParam(STREAM_SORTS).optional().describe('order of the list (default broker, then stream)'),
  ...pageFields,
});
const streamSchema = z.object({
  broker: brokerParam,
  cluster: z.string(),
  stream: z.string(),
  count: z.number(),
  bytes: z.number(),
  msg_per_sec: z.number().describe('average over the part of the range with data: count / avg_seconds'),
  avg_seconds: z
    .number()
    .describe("seconds the average covers: from the stream's first minute with data in the range to its end"),
  current_msg_per_sec: z.number().describe('the last complete minute'),
  last_seen: z.string(),
  event_types: z.array(z.string()),
  sources: z.array(z.string()),
  baseline_msg_per_sec: z
    .number()
    .nullable()
    .describe('the same range a week earlier, else a day earlier, over its own part with data'),
  change: z.number().nullable().describe('msg_per_sec / baseline − 1'),
});
export const streamsResponse = z.object({
  ...echoedRange,
  ...pagedResponse,
  now_msg_per_sec: z
    .number()
    .describe('current_msg_per_sec summed over every stream matching the filters, before limit and offset'),
  streams: z.array(streamSchema),
});
export type StreamSummary = z.output<typeof streamSchema>;
export type StreamsResponse = z.output<typeof streamsResponse>;

export const streamPath = z.strictObject({ broker: brokerParam, stream: nameParam });
export const streamDetailQuery = rangeQuery({});
export const streamDetailResponse = z.object({
  ...echoedRange,
  broker: brokerParam,
  cluster: z.string(),
  stream: z.string(),
  audit: z
    .enum(AUDIT_LEVELS)
    .describe(
      'what the tap keeps per message of this stream (audit in rollcall.yaml): rows, keys (a narrow row) or counts (no row, exact counts per minute)',
    ),
  deliveries: z
    .enum(['traced', 'counted'])
    .nullable()
    .describe(
      'RabbitMQ deliveries: a row each (traced, rabbitmq.trace: all) or exact counts per queue from the management API (counted, rabbitmq.trace: publish); null for Kafka',
    ),
  count: z.number(),
  bytes: z.number(),
  event_types: z.array(z.object({ event_type: z.string(), kind: z.string(), count: z.number(), bytes: z.number() })),
  sources: z.array(z.object({ source: z.string(), count: z.number() })),
  schemas: z.array(
    z.object({
      event_type: z.string(),
      fingerprint: z.string(),
      paths: z.array(z.string()),
      first_seen: z.string(),
      last_seen: z.string(),
      count: z.number(),
    }),
  ),
  rules: z.array(z.object({ id: z.string(), type: z.string(), state: z.string() })),
  alert_spans: z
    .array(
      z.object({
        rule_id: z.string(),
        fingerprint: z.string(),
        state: z.enum(['pending', 'firing']),
        from: z.string(),
        to: z.string().nullable().describe('null: still in that state'),
      }),
    )
    .describe('when alerts of the rules watching the stream were pending or firing within the range'),
});
export type StreamDetail = z.output<typeof streamDetailResponse>;

export const eventsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  kind: kindParam.optional(),
});
const eventSchema = z.object({
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
});
export const eventsResponse = z.object({ events: z.array(eventSchema) });
/** One stored message's metadata (there is never a body). */
export type EventRow = z.output<typeof eventSchema>;
export type EventsResponse = z.output<typeof eventsResponse>;

export const countQuery = z.strictObject({
  broker: brokerParam,
  stream: nameParam,
  event_type: z.string().max(512).optional(),
  kind: kindParam.optional(),
  since: durationParam.optional(),
});
export const countResponse = z.object({
  count: z.number(),
  by_event_type: z.array(z.object({ event_type: z.string(), kind: z.string(), count: z.number() })),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
});
export type CountResponse = z.output<typeof countResponse>;
