import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export interface WhoAmI {
  role: 'viewer' | 'admin';
  auth: boolean;
  name: string;
}

export const authQueries = {
  whoami: () =>
    queryOptions({
      queryKey: ['whoami'],
      queryFn: ({ signal }) => api.get<WhoAmI>('/whoami', {}, signal),
      staleTime: 5 * 60_000,
    }),
};
