// Picks the metadata fields (event type, source, message id, correlation id, trace id) from headers and the
// JSON body, in the order the config gives: headers first, then JSON pointers.
import type { ExtractConfig, FieldSource } from '@rollcall/core/config/schema';
import type { EventRow } from '@rollcall/core/event';
import { bodyField, type BodyInfo } from './body.ts';
import type { HeaderValues } from './headers.ts';

export interface PickedFields {
  event_type: string;
  source: string;
  message_id: string;
  correlation_id: string;
  trace_id: string;
}

/** An event row's metadata columns: what is read from a message beyond where it sits on the broker. */
export type Metadata = Pick<
  EventRow,
  | 'event_type'
  | 'source'
  | 'message_id'
  | 'correlation_id'
  | 'trace_id'
  | 'key_hash'
  | 'size'
  | 'header_count'
  | 'schema_fingerprint'
  | 'parse_error'
>;

/** The metadata of a message nothing could be read from. */
export const NO_METADATA: Metadata = {
  event_type: '',
  source: '',
  message_id: '',
  correlation_id: '',
  trace_id: '',
  key_hash: 0,
  size: 0,
  header_count: 0,
  schema_fingerprint: 0,
  parse_error: '',
};

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function traceIdOf(traceparent: string | undefined): string {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim().toLowerCase()) : null;
  const id = match?.[1] ?? '';
  return /^0+$/.test(id) ? '' : id;
}

function pick(source: FieldSource, headers: HeaderValues, body: BodyInfo): string {
  for (const name of source.headers) {
    const value = headers.get(name);
    if (value) return value;
  }
  for (const pointer of source.json) {
    const value = bodyField(body, pointer);
    if (value) return value;
  }
  return '';
}

/** Structured-mode CloudEvents carry their attributes at the JSON root; binary mode carries them in headers. */
export function isStructuredCloudEvent(contentType: string | undefined): boolean {
  return !!contentType && /^application\/cloudevents(\+json)?\b/i.test(contentType);
}

const ce = (structured: boolean, body: BodyInfo, attr: string) => (structured ? (bodyField(body, attr) ?? '') : '');

/** `countedOnly`: just what exact counts are kept by (event type and source), for streams audited at counts: no
 * body is parsed for ids nobody stores. */
export function pickFields(
  extract: ExtractConfig,
  headers: HeaderValues,
  body: BodyInfo,
  structured: boolean,
  countedOnly = false,
): PickedFields {
  const event_type = ce(structured, body, '/type') || pick(extract.event_type, headers, body);
  const source = ce(structured, body, '/source') || pick(extract.source, headers, body);
  if (countedOnly) return { event_type, source, message_id: '', correlation_id: '', trace_id: '' };
  return {
    event_type,
    source,
    message_id: ce(structured, body, '/id') || pick(extract.message_id, headers, body),
    correlation_id: pick(extract.correlation_id, headers, body) || ce(structured, body, '/correlationid'),
    trace_id: traceIdOf(
      headers.get('traceparent') ??
        headers.get('ce_traceparent') ??
        headers.get('ce-traceparent') ??
        (ce(structured, body, '/traceparent') || undefined),
    ),
  };
}
