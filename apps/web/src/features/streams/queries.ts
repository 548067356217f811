import { queryOptions } from '@tanstack/react-query';
import { api, enc } from '../../api/client.ts';

export interface StreamSummary {
  broker: string;
  cluster: string;
  stream: string;
  count: number;
  bytes: number;
  msg_per_sec: number;
  current_msg_per_sec: number;
  last_seen: string;
  event_types: string[];
  sources: string[];
  baseline_msg_per_sec: number | null;
  change: number | null;
}

export interface StreamDetail {
  from: string;
  to: string;
  broker: string;
  cluster: string;
  stream: string;
  count: number;
  bytes: number;
  event_types: { event_type: string; kind: string; count: number; bytes: number }[];
  sources: { source: string; count: number }[];
  schemas: { event_type: string; fingerprint: string; paths: string[]; first_seen: string; last_seen: string; count: number }[];
  rules: { id: string; type: string; state: string }[];
}

export interface EventRow {
  observed_at: string;
  broker_ts: string | null;
  kind: string;
  routing_key: string;
  partition: number;
  offset: number | string;
  queue: string;
  event_type: string;
  source: string;
  message_id: string;
  correlation_id: string;
  trace_id: string;
  size: number;
  header_count: number;
  schema_fingerprint: string;
  parse_error: string;
}

type Range = Record<string, string | undefined>;

export const streamQueries = {
  list: (range: Range) =>
    queryOptions({
      queryKey: ['streams', range],
      queryFn: ({ signal }) => api.get<{ from: string; to: string; streams: StreamSummary[] }>('/streams', range, signal),
    }),
  detail: (broker: string, stream: string, range: Range) =>
    queryOptions({
      queryKey: ['streams', broker, stream, range],
      queryFn: ({ signal }) => api.get<StreamDetail>(`/streams/${enc(broker)}/${enc(stream)}`, range, signal),
    }),
  events: (broker: string, stream: string, limit = 50) =>
    queryOptions({
      queryKey: ['streams', broker, stream, 'events', limit],
      queryFn: ({ signal }) => api.get<{ events: EventRow[] }>(`/streams/${enc(broker)}/${enc(stream)}/events`, { limit }, signal),
    }),
};
