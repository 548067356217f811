import { queryOptions } from '@tanstack/react-query';
import type { SeriesQuery, SeriesResponse } from '@rollcall/contract/series';
import { api } from '../../api/client.ts';

/** The series' filter and grouping; the range is passed on its own. The broker may come from a URL as any string:
 * the server answers 400 for one it does not know. */
export type SeriesFilter = Omit<SeriesQuery, 'range' | 'from' | 'to' | 'broker'> & { broker?: string };

export const seriesQueries = {
  series: (filter: SeriesFilter, range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['series', filter, range],
      queryFn: ({ signal }) => api.get<SeriesResponse>('/series', { ...range, ...filter }, signal),
    }),
};
