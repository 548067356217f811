import { queryOptions } from '@tanstack/react-query';
import type { EventsResponse, StreamDetail, StreamsResponse } from '@rollcall/contract/streams';
import { api, enc } from '../../api/client.ts';
import { listPageQuery } from '../../api/list-page.ts';

export type { EventRow, StreamDetail, StreamSummary } from '@rollcall/contract/streams';

type Range = Record<string, string | undefined>;

export const streamQueries = {
  /** One page of the list, filtered and sorted by the server (the Streams page, and the overview's totals). */
  page: (params: Record<string, string | number | undefined>) =>
    listPageQuery<StreamsResponse>('streams', '/streams', params),
  detail: (broker: string, stream: string, range: Range) =>
    queryOptions({
      queryKey: ['streams', broker, stream, range],
      queryFn: ({ signal }) => api.get<StreamDetail>(`/streams/${enc(broker)}/${enc(stream)}`, range, signal),
    }),
  events: (broker: string, stream: string, limit = 50) =>
    queryOptions({
      queryKey: ['streams', broker, stream, 'events', limit],
      queryFn: ({ signal }) =>
        api.get<EventsResponse>(`/streams/${enc(broker)}/${enc(stream)}/events`, { limit }, signal),
    }),
};
