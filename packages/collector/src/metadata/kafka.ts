// Kafka record → event row (CloudEvents Kafka binding: binary mode ce_* headers or structured JSON).
import type { AuditLevel } from '@rollcall/core/audit';
import type { ExtractConfig } from '@rollcall/core/config/schema';
import type { EventRow } from '@rollcall/core/event';
import type { Counted } from '@rollcall/core/store';
import { hash53 } from '@rollcall/core/hash';
import { inspectBody } from './body.ts';
import { isStructuredCloudEvent, NO_METADATA, pickFields, type Metadata } from './fields.ts';
import { headersOf, headerValue, normaliseHeaders, type HeaderValues } from './headers.ts';
import { isUndecodable } from '../kafka/codecs.ts';

export interface KafkaRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers?: Record<string, unknown>;
}

export interface KafkaContext {
  cluster: string;
  topic: string;
  partition: number;
  observedAt: number;
  extract: ExtractConfig;
  /** How the topic is audited (default rows): at counts only the event type and source are read; below rows no body
   * is scanned for its schema, and a body is parsed only when it holds a key an id lookup needs. */
  level?: AuditLevel;
}

export interface ExtractedEvent {
  row: EventRow;
  paths: string[];
}

/** A record the tap could not decompress (see kafka/codecs.ts): counted at its offset, with the reason. */
const undecodable = (record: KafkaRecord): Metadata => ({
  ...NO_METADATA,
  parse_error: record.value?.toString('utf8') ?? 'undecodable batch',
});

const brokerTs = (record: KafkaRecord): number => {
  const ts = Number(record.timestamp);
  return Number.isFinite(ts) && ts > 0 ? ts : 0;
};

const keyHash = (record: KafkaRecord): number => (record.key && record.key.length ? hash53(record.key) : 0);

// Shared by every Kafka row (a topic routes to no queues), never mutated: one array less per record.
const NO_QUEUES = Object.freeze([]) as unknown as string[];

function kafkaRow(record: KafkaRecord, ctx: KafkaContext, metadata: Metadata): EventRow {
  return {
    observed_at: ctx.observedAt,
    broker_ts: brokerTs(record),
    broker: 'kafka',
    cluster: ctx.cluster,
    stream: ctx.topic,
    routing_key: '',
    partition: ctx.partition,
    offset: Number(record.offset),
    kind: 'publish',
    queue: '',
    routed_queues: NO_QUEUES,
    // Field by field, not a spread: this runs for every record the tap reads.
    event_type: metadata.event_type,
    source: metadata.source,
    message_id: metadata.message_id,
    correlation_id: metadata.correlation_id,
    trace_id: metadata.trace_id,
    key_hash: metadata.key_hash,
    size: metadata.size,
    header_count: metadata.header_count,
    schema_fingerprint: metadata.schema_fingerprint,
    parse_error: metadata.parse_error,
    connection: '',
    user: '',
    delivery_hash: 0,
  };
}

const NO_PATHS: string[] = [];

/** The header's value as text, when it is there and UTF-8; only the names asked for are decoded. */
function headerText(headers: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const text = headerValue(headers, name);
    if (text) return text;
  }
  return undefined;
}

/** At the counts level only the event type and source are kept: when headers carry both (binary-mode CloudEvents,
 * the common case) nothing else of the record is read. They are written into `into`; false when the body must be
 * looked at. */
function typeAndSourceFromHeaders(
  record: KafkaRecord,
  ctx: KafkaContext,
  into: { event_type: string; source: string },
): boolean {
  const headers = record.headers;
  if (!headers) return false;
  const contentType = headerText(headers, CONTENT_TYPE);
  if (isStructuredCloudEvent(contentType)) return false;
  const eventType = headerText(headers, ctx.extract.event_type.headers);
  const source = eventType === undefined ? undefined : headerText(headers, ctx.extract.source.headers);
  if (eventType === undefined || source === undefined) return false;
  into.event_type = eventType;
  into.source = source;
  return true;
}

function countedFromHeaders(record: KafkaRecord, ctx: KafkaContext): Metadata | undefined {
  const metadata = { ...NO_METADATA, key_hash: keyHash(record), size: record.value?.length ?? 0 };
  return typeAndSourceFromHeaders(record, ctx, metadata) ? metadata : undefined;
}

/** What the count of a record at the counts level (`ctx.level`) needs, written into `into` when headers say it all
 * (no row is built: a fetch reuses one object for all its records), else read from the record's row. */
export function countedKafkaRecord(record: KafkaRecord, ctx: KafkaContext, into: Counted): Counted {
  if (isUndecodable(record.key) || !typeAndSourceFromHeaders(record, ctx, into))
    return kafkaRecordToEvent(record, ctx).row;
  into.observed_at = ctx.observedAt;
  into.broker_ts = brokerTs(record);
  into.broker = 'kafka';
  into.cluster = ctx.cluster;
  into.stream = ctx.topic;
  into.partition = ctx.partition;
  into.offset = Number(record.offset);
  into.kind = 'publish';
  into.queue = '';
  into.size = record.value?.length ?? 0;
  into.key_hash = keyHash(record);
  return into;
}

const CONTENT_TYPE = ['content-type', 'ce_datacontenttype', 'contentType'];

export function kafkaRecordToEvent(record: KafkaRecord, ctx: KafkaContext): ExtractedEvent {
  if (isUndecodable(record.key)) return { row: kafkaRow(record, ctx, undecodable(record)), paths: [] };
  if (ctx.level === 'counts') {
    const counted = countedFromHeaders(record, ctx);
    if (counted) return { row: kafkaRow(record, ctx, counted), paths: NO_PATHS };
  }
  // Below rows no header count or header problem is stored: headers are read on demand, not all decoded.
  const full = (ctx.level ?? 'rows') === 'rows';
  const normalised = full ? normaliseHeaders(record.headers) : undefined;
  const headers: HeaderValues = normalised?.values ?? headersOf(record.headers);
  const contentType = headers.get('content-type') ?? headers.get('ce_datacontenttype') ?? headers.get('contentType');
  const counted = ctx.level === 'counts';
  const body = inspectBody(record.value, contentType, ctx.extract.max_parse_bytes, full);
  const fields = pickFields(ctx.extract, headers, body, isStructuredCloudEvent(contentType), counted);
  const problems = normalised?.problems.length || body.problems.length;
  const metadata: Metadata = {
    event_type: fields.event_type,
    source: fields.source,
    message_id: fields.message_id,
    correlation_id: fields.correlation_id,
    trace_id: fields.trace_id,
    key_hash: keyHash(record),
    size: record.value?.length ?? 0,
    header_count: normalised?.count ?? 0,
    schema_fingerprint: body.fingerprint,
    parse_error: problems ? [...(normalised?.problems ?? []), ...body.problems].join('; ') : '',
  };
  return { row: kafkaRow(record, ctx, metadata), paths: body.paths };
}
