// Bench runs (issue 7): the runs list, one run with its baseline comparison, marking a baseline. The shapes are
// the API's own (@rollcall/contract/bench), imported as types only.
import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { RunDetail, RunStatus, RunsResponse, StoredRun } from '@rollcall/contract/bench';
import { api, enc } from '../../api/client.ts';

export type { LatencySummary, TimelinePoint } from '@rollcall/contract/bench';
export type BenchRun = StoredRun;
export type BenchRunDetail = RunDetail;

/** Badge tone per run status: lossy runs lost or duplicated messages. */
export const STATUS_TONE: Record<RunStatus, string> = { ok: 'ok', lossy: 'pending', failed: 'firing' };

export const benchQueries = {
  runs: () =>
    queryOptions({
      queryKey: ['bench', 'runs'],
      queryFn: ({ signal }) => api.get<RunsResponse>('/bench/runs', {}, signal),
    }),
  run: (id: string) =>
    queryOptions({
      queryKey: ['bench', 'runs', id],
      queryFn: ({ signal }) => api.get<RunDetail>(`/bench/runs/${enc(id)}`, {}, signal),
    }),
};

export const benchMutations = {
  makeBaseline: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (id: string) => api.post<StoredRun>(`/bench/runs/${enc(id)}/baseline`),
      onSuccess: () => client.invalidateQueries({ queryKey: ['bench'] }),
    }),
};
