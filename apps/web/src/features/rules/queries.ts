import { queryOptions } from '@tanstack/react-query';
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
  backtest: (id: string, from: string, to: string) =>
    queryOptions({
      queryKey: ['rules', id, 'backtest', from, to],
      queryFn: ({ signal }) => api.get<Backtest>(`/rules/${enc(id)}/backtest`, { from, to }, signal),
      // a backtest over stored history is a fixed answer: do not re-run it on every refresh
      staleTime: Infinity,
    }),
};
