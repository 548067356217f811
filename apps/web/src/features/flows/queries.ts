import { queryOptions } from '@tanstack/react-query';
import type { Flows } from '@rollcall/contract/flows';
import { api } from '../../api/client.ts';

export type { FlowEdge, FlowNode, Flows } from '@rollcall/contract/flows';

export const flowQueries = {
  graph: (range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['flows', range],
      queryFn: ({ signal }) => api.get<Flows>('/flows', range, signal),
    }),
};
