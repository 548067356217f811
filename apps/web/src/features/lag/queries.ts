import { queryOptions } from '@tanstack/react-query';
import type { LagGroupDetail, LagResponse } from '@rollcall/contract/lag';
import { api, enc } from '../../api/client.ts';
import { listPageQuery } from '../../api/list-page.ts';

export type { LagGroup, LagGroupDetail, LagPartition, LagStatus } from '@rollcall/contract/lag';

export const lagQueries = {
  /** One page of groups, filtered and sorted by the server (the Lag page, and the overview's worst groups). */
  page: (params: Record<string, string | number | undefined>) => listPageQuery<LagResponse>('lag', '/lag', params),
  group: (broker: string, group: string, range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['lag', broker, group, range],
      queryFn: ({ signal }) => api.get<LagGroupDetail>(`/lag/${enc(broker)}/${enc(group)}`, range, signal),
    }),
};
