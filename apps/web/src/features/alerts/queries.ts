import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { AckBody, Alert, AlertDetail, AlertsResponse, HistoryResponse } from '@rollcall/contract/alerts';
import type { Silence, SilenceBody, SilencesResponse } from '@rollcall/contract/silences';
import { api, enc } from '../../api/client.ts';

export type { Alert, AlertDetail, Transition } from '@rollcall/contract/alerts';
export type { Matcher, Silence } from '@rollcall/contract/silences';

export const alertQueries = {
  active: () =>
    queryOptions({
      queryKey: ['alerts', 'active'],
      queryFn: ({ signal }) => api.get<AlertsResponse>('/alerts', { state: 'firing,pending' }, signal),
    }),
  history: (range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['alerts', 'history', range],
      queryFn: ({ signal }) => api.get<HistoryResponse>('/alerts/history', range, signal),
    }),
  detail: (fingerprint: string) =>
    queryOptions({
      queryKey: ['alerts', 'detail', fingerprint],
      queryFn: ({ signal }) => api.get<AlertDetail>(`/alerts/${enc(fingerprint)}`, {}, signal),
    }),
  silences: () =>
    queryOptions({
      queryKey: ['silences'],
      queryFn: ({ signal }) => api.get<SilencesResponse>('/silences', {}, signal),
    }),
};

const refreshAlerts = (client: QueryClient) =>
  Promise.all([
    client.invalidateQueries({ queryKey: ['alerts'] }),
    client.invalidateQueries({ queryKey: ['silences'] }),
  ]);

export const alertMutations = {
  acknowledge: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ fingerprint, comment }: { fingerprint: string; comment: string }) =>
        api.post<Alert>(`/alerts/${enc(fingerprint)}/ack`, (comment ? { comment } : {}) satisfies AckBody),
      onSuccess: () => refreshAlerts(client),
    }),
  silence: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: SilenceBody) => api.post<Silence>('/silences', body),
      onSuccess: () => refreshAlerts(client),
    }),
  expireSilence: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (id: string) => api.delete<Silence>(`/silences/${enc(id)}`),
      onSuccess: () => refreshAlerts(client),
    }),
};
