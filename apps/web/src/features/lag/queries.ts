import { queryOptions } from '@tanstack/react-query';
import { api, enc } from '../../api/client.ts';

export type LagStatus = 'OK' | 'WARN' | 'STALL' | 'STOP' | 'ERR';

export interface LagGroup {
  broker: string;
  cluster: string;
  group: string;
  status: LagStatus;
  reason: string;
  lag: number;
  lag_seconds: number | null;
  consumers: number;
  streams: string[];
}

export type LagPartition = Record<string, string | number | null>;

export interface LagGroupDetail extends LagGroup {
  partitions: LagPartition[];
  series: { t: string; lag: number; lag_seconds: number | null }[];
  statuses: { t: string; status: LagStatus; reason: string }[];
}

export const lagQueries = {
  groups: () =>
    queryOptions({
      queryKey: ['lag'],
      queryFn: ({ signal }) => api.get<{ at: string | null; groups: LagGroup[] }>('/lag', {}, signal),
    }),
  group: (broker: string, group: string, range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['lag', broker, group, range],
      queryFn: ({ signal }) => api.get<LagGroupDetail>(`/lag/${enc(broker)}/${enc(group)}`, range, signal),
    }),
};
