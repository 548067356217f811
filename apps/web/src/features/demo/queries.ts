import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

/** The demo's Card→Fraud incident switch, proxied by the server to the pilots (`npm start`). */
export interface Incident {
  /** false when the server has no demo pilots attached */
  available: boolean;
  active: boolean;
  pilot: string;
  event_type: string;
  story: string;
  rules: string[];
  started_at: string | null;
}

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
      mutationFn: (start: boolean) => (start ? api.post<Incident>('/demo/incident') : api.delete<Incident>('/demo/incident')),
      onSuccess: (incident) => client.setQueryData(demoQueries.incident().queryKey, incident),
    }),
};
