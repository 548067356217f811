// The event model: one metadata row per observed message. Bodies are never part of it.
export type Broker = 'kafka' | 'rabbitmq';
export type EventKind = 'publish' | 'deliver';

// Event time: rules, rollups and charts count a message in the minute it happened (the Kafka record timestamp,
// the RabbitMQ publish time), not the minute Rollcall stored it, so a tap that lags moves nothing between
// windows. The store derives `event_at` from broker_ts (migration 8); a producer clock more than this far ahead
// of Rollcall's, or this far behind it, is not trusted: the row keeps observed_at and its `clock_skew` says why.
export const EVENT_TIME_MAX_AHEAD_MS = 60_000;
export const EVENT_TIME_MAX_BEHIND_MS = 7 * 86_400_000;

/** When the event happened, as the store derives event_at. */
export const eventTime = (r: Pick<EventRow, 'broker_ts' | 'observed_at'>): number =>
  r.broker_ts !== 0 && clockSkew(r.broker_ts, r.observed_at) === 0 ? r.broker_ts : r.observed_at;

/** -1: the producer's clock was far behind (clamped); 1: ahead (clamped); 0: trusted or unknown. */
export function clockSkew(brokerTs: number, observedAt: number): -1 | 0 | 1 {
  if (brokerTs === 0) return 0;
  if (brokerTs > observedAt + EVENT_TIME_MAX_AHEAD_MS) return 1;
  return brokerTs < observedAt - EVENT_TIME_MAX_BEHIND_MS ? -1 : 0;
}

export interface EventRow {
  observed_at: number; // ms since epoch, when the tap saw the message
  broker_ts: number; // ms since epoch, the broker's (or publisher's) timestamp; 0 when unknown
  broker: Broker;
  cluster: string;
  stream: string; // topic or exchange
  routing_key: string;
  partition: number; // -1 for RabbitMQ
  offset: number; // Kafka offset; -1 for RabbitMQ
  kind: EventKind;
  queue: string; // the queue a delivery came from
  routed_queues: string[];
  event_type: string;
  source: string;
  message_id: string;
  correlation_id: string;
  trace_id: string;
  key_hash: number;
  size: number;
  header_count: number;
  schema_fingerprint: number; // 0 when the body is not JSON
  parse_error: string;
  connection: string;
  user: string;
  delivery_hash: number; // RabbitMQ: hash of the whole trace message, used to recognise a redelivered batch
}

/** Key paths of a JSON body, recorded once per fingerprint so schema drift can name the field. */
export interface SchemaRow {
  fingerprint: number;
  broker: Broker;
  stream: string;
  event_type: string;
  paths: string[];
  first_seen: number;
}
