import { queryOptions } from '@tanstack/react-query';
import type { EventsResponse, StreamDetail, StreamsResponse } from '@rollcall/contract/streams';
import { api, enc } from '../../api/client.ts';

export type { EventRow, StreamDetail, StreamSummary } from '@rollcall/contract/streams';

type Range = Record<string, string | undefined>;

export const streamQueries = {
  list: (range: Range) =>
    queryOptions({
      queryKey: ['streams', range],
      queryFn: ({ signal }) => api.get<StreamsResponse>('/streams', range, signal),
    }),
  detail: (broker: string, stream: string, range: Range) =>
    queryOptions({
      queryKey: ['streams', broker, stream, range],
      queryFn: ({ signal }) => api.get<StreamDetail>(`/streams/${enc(broker)}/${enc(stream)}`, range, signal),
    }),
  events: (broker: string, stream: string, limit = 50) =>
    queryOptions({
      queryKey: ['streams', broker, stream, 'events', limit],
      queryFn: ({ signal }) => api.get<EventsResponse>(`/streams/${enc(broker)}/${enc(stream)}/events`, { limit }, signal),
    }),
};
