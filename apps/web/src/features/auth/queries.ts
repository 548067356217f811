import { queryOptions } from '@tanstack/react-query';
import type { WhoAmI } from '@rollcall/contract/meta';
import { api } from '../../api/client.ts';

export const authQueries = {
  whoami: () =>
    queryOptions({
      queryKey: ['whoami'],
      queryFn: ({ signal }) => api.get<WhoAmI>('/whoami', {}, signal),
      staleTime: 5 * 60_000,
    }),
};
