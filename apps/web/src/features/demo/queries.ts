import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { Incident } from '@rollcall/contract/demo';
import { api } from '../../api/client.ts';

export const demoQueries = {
  incident: () =>
    queryOptions({
      queryKey: ['demo', 'incident'],
      queryFn: ({ signal }) => api.get<Incident>('/demo/incident', {}, signal),
      retry: false,
    }),
};

export const demoMutations = {
  toggle: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (start: boolean) =>
        start ? api.post<Incident>('/demo/incident') : api.delete<Incident>('/demo/incident'),
      onSuccess: (incident) => client.setQueryData(demoQueries.incident().queryKey, incident),
    }),
};
