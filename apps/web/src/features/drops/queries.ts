import { queryOptions } from '@tanstack/react-query';
import type { DropsResponse } from '@rollcall/contract/drops';
import { api } from '../../api/client.ts';

export const dropQueries = {
  largest: (limit = 8) =>
    queryOptions({
      queryKey: ['drops', limit],
      queryFn: ({ signal }) => api.get<DropsResponse>('/drops', { limit }, signal),
    }),
};
