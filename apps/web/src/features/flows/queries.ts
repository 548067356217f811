import { queryOptions } from '@tanstack/react-query';
import type { Flows } from '@rollcall/contract/flows';
import { api } from '../../api/client.ts';

export type { FlowAlertState, FlowEdge, FlowNode, Flows } from '@rollcall/contract/flows';
export { FLOWS_DEFAULT_LIMIT } from '@rollcall/contract/flows';

export const flowQueries = {
  /** `limit`: how many topics and exchanges the server sends at most (the rest it counts). */
  graph: (range: Record<string, string | undefined>, limit?: number) =>
    queryOptions({
      queryKey: ['flows', range, limit ?? null],
      queryFn: ({ signal }) =>
        api.get<Flows>('/flows', { ...range, limit: limit === undefined ? undefined : String(limit) }, signal),
    }),
};
