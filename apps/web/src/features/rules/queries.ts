import { queryOptions } from '@tanstack/react-query';
import type { Backtest, RuleDetail, RulesResponse } from '@rollcall/contract/rules';
import { api, enc } from '../../api/client.ts';

export type { Decision, Evaluation, Rule } from '@rollcall/contract/rules';

export const ruleQueries = {
  list: () =>
    queryOptions({
      queryKey: ['rules'],
      queryFn: ({ signal }) => api.get<RulesResponse>('/rules', {}, signal),
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
