// A stored event row for tests against the embedded store: a Kafka publish unless told otherwise.
import type { EventRow } from '../event.ts';

export function eventRow(observedAt: number, over: Partial<EventRow> = {}): EventRow {
  return {
    observed_at: observedAt,
    broker_ts: observedAt - 5,
    broker: 'kafka',
    cluster: 'local',
    stream: 'orders',
    routing_key: '',
    partition: 0,
    offset: 0,
    kind: 'publish',
    queue: '',
    routed_queues: [],
    event_type: 'OrderPlaced',
    source: 'shop',
    message_id: '',
    correlation_id: '',
    trace_id: '',
    key_hash: 0,
    size: 100,
    header_count: 1,
    schema_fingerprint: 0,
    parse_error: '',
    connection: '',
    user: '',
    delivery_hash: 0,
    ...over,
  };
}

/** The `offset`th message a test stores on one stream: its own message id, a 10-byte body and no headers. */
export function numberedRow(offset: number, observedAt: number, over: Partial<EventRow> = {}): EventRow {
  return eventRow(observedAt, { offset, message_id: `m${offset}`, size: 10, header_count: 0, ...over });
}
