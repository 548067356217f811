// The event model: one metadata row per observed message. Bodies are never part of it.
export type Broker = 'kafka' | 'rabbitmq';
export type EventKind = 'publish' | 'deliver';

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
