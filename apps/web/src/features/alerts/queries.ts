import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import { api, enc } from '../../api/client.ts';

export type AlertStateName = 'pending' | 'firing' | 'resolved' | 'inactive';

export interface Alert {
  fingerprint: string;
  rule_id: string;
  rule_type: string;
  severity: 'critical' | 'warning' | 'info' | string;
  description: string;
  labels: Record<string, string>;
  stream: string | null;
  state: AlertStateName;
  active_at: string | null;
  firing_at: string | null;
  since: string | null;
  value: number | null;
  threshold: number | null;
  expected: number | string | null;
  summary: string;
  details: unknown;
  acknowledged: { by: string; at: string; comment: string } | null;
  silenced_by: string[];
}

export interface Transition {
  id: string;
  at: string;
  fingerprint: string;
  rule_id: string;
  from_state: AlertStateName;
  to_state: AlertStateName;
  value: number | null;
  threshold: number | null;
  summary: string;
}

export interface AlertDetail extends Alert {
  transitions: Transition[];
  notifications: { route: string; at: string; outcome: string; attempts: number; error: string | null }[];
}

export interface Matcher {
  name: string;
  value: string;
  op: '=' | '!=' | '=~' | '!~';
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment: string;
  active: boolean;
}

export const alertQueries = {
  active: () =>
    queryOptions({
      queryKey: ['alerts', 'active'],
      queryFn: ({ signal }) => api.get<{ alerts: Alert[] }>('/alerts', { state: 'firing,pending' }, signal),
    }),
  history: (range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['alerts', 'history', range],
      queryFn: ({ signal }) => api.get<{ from: string; to: string; transitions: Transition[] }>('/alerts/history', range, signal),
    }),
  detail: (fingerprint: string) =>
    queryOptions({
      queryKey: ['alerts', 'detail', fingerprint],
      queryFn: ({ signal }) => api.get<AlertDetail>(`/alerts/${enc(fingerprint)}`, {}, signal),
    }),
  silences: () =>
    queryOptions({
      queryKey: ['silences'],
      queryFn: ({ signal }) => api.get<{ silences: Silence[] }>('/silences', {}, signal),
    }),
};

const refreshAlerts = (client: QueryClient) => Promise.all([client.invalidateQueries({ queryKey: ['alerts'] }), client.invalidateQueries({ queryKey: ['silences'] })]);

export const alertMutations = {
  acknowledge: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ fingerprint, comment }: { fingerprint: string; comment: string }) => api.post<Alert>(`/alerts/${enc(fingerprint)}/ack`, comment ? { comment } : {}),
      onSuccess: () => refreshAlerts(client),
    }),
  silence: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: { matchers: Matcher[]; duration: string; comment: string }) => api.post<Silence>('/silences', body),
      onSuccess: () => refreshAlerts(client),
    }),
  expireSilence: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (id: string) => api.delete<Silence>(`/silences/${enc(id)}`),
      onSuccess: () => refreshAlerts(client),
    }),
};
