import { queryOptions } from '@tanstack/react-query';
import { api, enc } from '../../api/client.ts';

export type RuleState = 'ok' | 'pending' | 'firing' | 'inactive';

export interface Rule {
  id: string;
  type: string;
  description: string;
  severity: string;
  labels: Record<string, string>;
  file: string;
  yaml: string;
  every_seconds: number;
  state: RuleState;
  last_evaluation: { at: string; value: number | null; threshold: number | null; breached: boolean; skipped: boolean | string | null; error: string | null } | null;
}

export interface Evaluation {
  at: string;
  window_start: string;
  window_end: string;
  value: number | null;
  threshold: number | null;
  breached: boolean;
  /** Why the window was not judged ('' when it was): not watched, too little data, outside the schedule… */
  skipped: string;
}

/** breached or clean, or why a window was not judged. */
export type Decision = 'breached' | 'clean' | 'waiting' | 'not watched' | 'skipped';

export interface Backtest {
  from: string;
  to: string;
  windows: { start: string; end: string; value: number | null; threshold: number | null; breached: boolean; decision: Decision; reason: string }[];
  /** `to` is null when the rule was still firing at the end of the span. */
  firings: { from: string; to: string | null }[];
}

export const ruleQueries = {
  list: () =>
    queryOptions({
      queryKey: ['rules'],
      queryFn: ({ signal }) => api.get<{ rules: Rule[]; errors: { file: string; message: string }[] }>('/rules', {}, signal),
    }),
  detail: (id: string, range: Record<string, string | undefined>) =>
    queryOptions({
      queryKey: ['rules', id, range],
      queryFn: ({ signal }) => api.get<Rule & { evaluations: Evaluation[] }>(`/rules/${enc(id)}`, range, signal),
    }),
  backtest: (id: string, from: string, to: string) =>
    queryOptions({
      queryKey: ['rules', id, 'backtest', from, to],
      queryFn: ({ signal }) => api.get<Backtest>(`/rules/${enc(id)}/backtest`, { from, to }, signal),
      // a backtest over stored history is a fixed answer: do not re-run it on every refresh
      staleTime: Infinity,
    }),
};
