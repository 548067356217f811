// RabbitMQ firehose message → event row. `publish.<exchange>` is a publish (with routed queues);
// `deliver.<queue>` is a delivery to a queue. The original message's properties arrive as a header table.
import type { ExtractConfig } from '@rollcall/core/config/schema';
import { hash53 } from '@rollcall/core/hash';
import { inspectBody } from './body.ts';
import { isStructuredCloudEvent, pickFields } from './fields.ts';
import { normaliseHeaders } from './headers.ts';
import type { ExtractedEvent } from './kafka.ts';

export interface TraceMessage {
  routingKey: string;
  headers: Record<string, unknown> | undefined;
  body: Uint8Array;
}

export interface AmqpContext {
  cluster: string;
  observedAt: number;
  extract: ExtractConfig;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const table = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : {});

export class NotATraceMessage extends Error {
  override name = 'NotATraceMessage';
}

export function traceMessageToEvent(msg: TraceMessage, ctx: AmqpContext): ExtractedEvent {
  const dot = msg.routingKey.indexOf('.');
  const verb = msg.routingKey.slice(0, dot);
  if (dot < 0 || (verb !== 'publish' && verb !== 'deliver')) throw new NotATraceMessage(`unexpected firehose routing key "${msg.routingKey}"`);
  const target = msg.routingKey.slice(dot + 1);
  const trace = table(msg.headers);
  const props = table(trace.properties);
  const headers = normaliseHeaders(table(props.headers));
  const contentType = str(props.content_type) || undefined;
  const body = inspectBody(msg.body, contentType, ctx.extract.max_parse_bytes);
  const picked = pickFields(ctx.extract, headers.values, body, isStructuredCloudEvent(contentType));
  const exchange = str(trace.exchange_name);
  const timestamp = typeof props.timestamp === 'number' ? props.timestamp * 1000 : 0;
  return {
    row: {
      observed_at: ctx.observedAt,
      broker_ts: timestamp,
      broker: 'rabbitmq',
      cluster: ctx.cluster,
      stream: exchange === '' ? 'amq.default' : exchange,
      routing_key: strings(trace.routing_keys)[0] ?? '',
      partition: -1,
      offset: -1,
      kind: verb,
      queue: verb === 'deliver' ? target : '',
      routed_queues: strings(trace.routed_queues),
      // AMQP's own properties win over headers: they are the protocol's fields for exactly this.
      event_type: str(props.type) || picked.event_type,
      source: str(props.app_id) || picked.source,
      message_id: str(props.message_id) || picked.message_id,
      correlation_id: str(props.correlation_id) || picked.correlation_id,
      trace_id: picked.trace_id,
      key_hash: 0,
      size: msg.body.length,
      header_count: headers.count,
      schema_fingerprint: body.fingerprint,
      parse_error: [...headers.problems, ...body.problems].join('; '),
      connection: str(trace.connection),
      user: str(trace.user),
      delivery_hash: deliveryHash(msg),
    },
    paths: body.paths,
  };
}

/** Identity of one trace message: its routing key, every header and the body. */
export function deliveryHash(msg: TraceMessage): number {
  const head = hash53(msg.routingKey + '\u0000' + JSON.stringify(msg.headers ?? {}, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)));
  return hash53(msg.body, head % 0x7fffffff);
}
