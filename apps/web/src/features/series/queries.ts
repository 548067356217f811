import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export interface SeriesPoint {
  t: string;
  count: number;
  bytes: number;
  msg_per_sec: number;
}

export interface SeriesResponse {
  from: string;
  to: string;
  step_seconds: number;
  series: { key: string; points: SeriesPoint[] }[];
}

export interface SeriesFilter {
  broker?: string;
  stream?: string;
  event_type?: string;
  source?: string;
  kind?: 'publish' | 'deliver';
  by: 'broker' | 'stream' | 'event_type' | 'source';
}

export const seriesQueries = {
  series: (filter: SeriesFilter, range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['series', filter, range],
      queryFn: ({ signal }) => api.get<SeriesResponse>('/series', { ...range, ...filter }, signal),
    }),
};
