import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { Backtest, RuleDetail, RulesResponse } from '@rollcall/contract/rules';
import { api, enc } from '../../api/client.ts';

export type { Decision, Evaluation, Rule, SparkPoint } from '@rollcall/contract/rules';

export const ruleQueries = {
  list: (range: Record<string, string | undefined> = {}) =>
    queryOptions({
      queryKey: ['rules', range],
      queryFn: ({ signal }) => api.get<RulesResponse>('/rules', range, signal),
    }),
  detail: (id: string, range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['rules', id, range],
      queryFn: ({ signal }) => api.get<RuleDetail>(`/rules/${enc(id)}`, range, signal),
    }),
  /** A backtest a page of windows at a time: each page's `next` is the next request's cursor. The panel asks for the
   * pages one after another; cancelling aborts the one in flight (react-query's signal) and asks for no more. */
  backtest: (id: string, from: string, to: string) =>
    infiniteQueryOptions({
      queryKey: ['rules', id, 'backtest', from, to],
      queryFn: ({ signal, pageParam }) =>
        api.get<Backtest>(`/rules/${enc(id)}/backtest`, { from, to, cursor: pageParam }, signal),
      initialPageParam: null as string | null,
      getNextPageParam: (last) => last.next,
      // a backtest over stored history is a fixed answer: do not re-run it on every refresh
      staleTime: Infinity,
    }),
};
