// CloudEvents on the wire, the way real services carry them: Kafka binary mode (`ce_*` headers, JSON body) and
// AMQP properties (message id, correlation id, app id, type) plus `cloudEvents:*` application headers. Every
// event carries its chain's correlation id and a W3C traceparent continuing the trace of what caused it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { AsyncMessage, Envelope } from 'rabbitmq-client';
import type { Payload } from './faults.ts';

export interface CloudEvent {
  id: string;
  type: string;
  source: string;
  /** When the service decided to publish it (RFC 3339); a delayed publish shows up as a later broker time. */
  time: string;
  correlationId: string;
  traceparent: string;
  data: Payload;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A new event; with `cause` it continues the cause's trace, otherwise it starts one. */
export function newEvent(
  type: string,
  source: string,
  correlationId: string,
  data: Payload,
  cause?: CloudEvent,
): CloudEvent {
  const traceId = (cause && /^00-([0-9a-f]{32})-/.exec(cause.traceparent)?.[1]) || hex(16);
  return {
    id: randomUUID(),
    type,
    source,
    time: new Date().toISOString(),
    correlationId,
    traceparent: `00-${traceId}-${hex(8)}-01`,
    data,
  };
}

export function toKafka(event: CloudEvent, key = event.correlationId): Message {
  return {
    key,
    value: JSON.stringify(event.data),
    headers: {
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: event.source,
      ce_type: event.type,
      ce_time: event.time,
      ce_correlationid: event.correlationId,
      ce_datacontenttype: 'application/json',
      'content-type': 'application/json',
      traceparent: event.traceparent,
    },
  };
}

const headerText = (headers: IHeaders | undefined, name: string): string => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? '' : first.toString();
};

/** The event a Kafka record carries, or undefined when it is not one of ours (no ce_type or no JSON body). */
export function fromKafka(message: Pick<KafkaMessage, 'headers' | 'value'>): CloudEvent | undefined {
  const h = message.headers;
  const type = headerText(h, 'ce_type');
  const data = parseObject(message.value?.toString());
  if (!type || !data) return undefined;
  return {
    id: headerText(h, 'ce_id'),
    type,
    source: headerText(h, 'ce_source'),
    time: headerText(h, 'ce_time'),
    correlationId: headerText(h, 'ce_correlationid'),
    traceparent: headerText(h, 'traceparent'),
    data,
  };
}

export function toAmqp(event: CloudEvent, exchange: string, routingKey: string): { envelope: Envelope; body: Buffer } {
  return {
    envelope: {
      exchange,
      routingKey,
      messageId: event.id,
      correlationId: event.correlationId,
      appId: event.source,
      type: event.type,
      timestamp: Math.floor(Date.now() / 1000),
      contentType: 'application/json',
      durable: true,
      headers: {
        'cloudEvents:specversion': '1.0',
        'cloudEvents:id': event.id,
        'cloudEvents:source': event.source,
        'cloudEvents:type': event.type,
        'cloudEvents:time': event.time,
        'cloudEvents:correlationid': event.correlationId,
        traceparent: event.traceparent,
      },
    },
    // A Buffer keeps contentType as given; rabbitmq-client labels a string body text/plain.
    body: Buffer.from(JSON.stringify(event.data)),
  };
}

export function fromAmqp(msg: AsyncMessage): CloudEvent | undefined {
  const headers = (msg.headers ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const body: unknown = msg.body;
  const data = Buffer.isBuffer(body)
    ? parseObject(body.toString())
    : typeof body === 'string'
      ? parseObject(body)
      : isPayload(body)
        ? body
        : undefined;
  if (!msg.type || !data) return undefined;
  return {
    id: msg.messageId ?? '',
    type: msg.type,
    source: msg.appId ?? '',
    time: text(headers['cloudEvents:time']),
    correlationId: msg.correlationId ?? '',
    traceparent: text(headers.traceparent),
    data,
  };
}

const isPayload = (v: unknown): v is Payload => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseObject(text: string | undefined): Payload | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isPayload(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
