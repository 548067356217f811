// Rules: what runs, its state and last evaluation, its evaluations over time, validation of a rule document
// before it is committed, and a backtest over stored history.
import { keepingOf } from '@rollcall/core/audit';
import { join, resolve } from 'node:path';
import { iso, resolveRange } from '@rollcall/contract/params';
import {
  BACKTEST_PAGE_BUDGET_MS,
  backtestQuery,
  backtestResponse,
  ruleDetailQuery,
  ruleDetailResponse,
  rulePath,
  rulesQuery,
  rulesResponse,
  validateBody,
  validateResponse,
  type Rule as RuleView,
  type RuleState,
  type ValidateResponse,
} from '@rollcall/contract/rules';
import type { Alerting } from '@rollcall/rules/rules-role';
import { backtest, BacktestRangeError, decisionOf } from '@rollcall/rules/backtest';
import { parseRuleFile, RuleFileError } from '@rollcall/rules/files';
import type { Rule } from '@rollcall/rules/rule';
import { HttpProblem, invalidFields, notFound } from '../problem.ts';
import { ruleEvaluations } from '../read/evaluations.ts';
import { latestMissingKeys } from '../read/alerts.ts';
import { abortable } from '../read/abortable.ts';
import { nextCursor, resumeOf } from '../backtest-cursor.ts';
import { ruleSparklines } from '../read/rule-sparklines.ts';
import { ruleYaml } from '../read/rule-source.ts';
import type { RouteDeps } from './deps.ts';

/** Rule id → state ('ok' when evaluated and quiet, 'inactive' when not yet evaluated). */
export function ruleStates(alerting: Alerting | undefined): Map<string, RuleState> {
  return new Map(
    (alerting?.engine.statuses() ?? []).map((s) => [
      s.rule.id,
      s.status.state === 'inactive' ? (s.last ? 'ok' : 'inactive') : s.status.state,
    ]),
  );
}

function requireAlerting(alerting: Alerting | undefined): Alerting {
  if (!alerting)
    throw new HttpProblem(
      503,
      'Rules are not running',
      'the rules role is disabled in this process (rules.enabled: false)',
    );
  return alerting;
}

// One rule with numbers gone wrong must not make the whole list a 500 (toISOString throws on them) or a
// response whose schema the dashboard rejects (JSON turns NaN into null).
const finite = (n: number | undefined): number => (n !== undefined && Number.isFinite(n) ? n : 0);
const isoOrEmpty = (ms: number): string => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? iso(ms) : '');

function describe(alerting: Alerting, dir: string) {
  const statuses = new Map(alerting.engine.statuses().map((s) => [s.rule.id, s]));
  const fileOf = new Map(alerting.files.files().flatMap((f) => f.rules.map((r) => [r.id, f.file] as const)));
  const states = ruleStates(alerting);
  return (rule: Rule): RuleView => {
    const last = statuses.get(rule.id)?.last;
    const file = fileOf.get(rule.id) ?? '';
    return {
      id: rule.id,
      type: rule.type,
      description: rule.description,
      severity: rule.severity,
      labels: rule.labels,
      file,
      yaml: file ? ruleYaml(join(dir, file), rule.id) : '',
      every_seconds: finite(rule.every / 1000),
      window_seconds: finite(rule.window / 1000),
      state: states.get(rule.id) ?? 'inactive',
      last_evaluation: last
        ? {
            at: isoOrEmpty(last.at),
            window_start: isoOrEmpty(last.window.start),
            window_end: isoOrEmpty(last.window.end),
            value: finite(last.evaluation?.value),
            threshold: finite(last.evaluation?.threshold),
            breached: last.evaluation?.breached ?? false,
            skipped: last.evaluation?.skipped ?? '',
            decision: decisionOf(last.evaluation?.breached ?? false, last.evaluation?.skipped),
            error: last.error ?? '',
            summary: last.evaluation?.summary ?? '',
          }
        : null,
    };
  };
}

const findRule = (alerting: Alerting, id: string): Rule => {
  const rule = alerting.files.rules().find((r) => r.id === id);
  if (!rule) throw notFound(`no rule with id "${id}" is loaded`);
  return rule;
};

/** "file:12: rules.0.every: expected …" → { line, field, message } */
export function splitRuleErrors(message: string): ValidateResponse['errors'] {
  return message.split('\n').map((line) => {
    const m = /^[^:]*:(\d+)?:? ?(?:([\w.[\]-]+): )?(.*)$/.exec(line);
    return { line: m?.[1] ? Number(m[1]) : null, field: m?.[2] ?? '', message: m?.[3] ?? line };
  });
}

export function ruleRoutes({ routes, store, config, now, alerting }: RouteDeps): void {
  const dir = resolve(config.rules.dir);
  routes.add({
    method: 'get',
    path: '/api/v1/rules',
    summary:
      'Every loaded rule with its state, last evaluation and recent windows (sparklines), and rule files that fail to load',
    tag: 'rules',
    role: 'viewer',
    query: rulesQuery,
    response: rulesResponse,
    handler: async ({ query }) => {
      const a = requireAlerting(alerting);
      const rules = a.files.rules();
      return {
        rules: rules.map(describe(a, dir)),
        errors: a.files.files().flatMap((f) => (f.error ? [{ file: f.file, message: f.error }] : [])),
        sparklines: await ruleSparklines(
          store,
          rules.map((r) => r.id),
          resolveRange(query, now()),
        ),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/rules/{id}',
    summary: 'One rule with its evaluations over the range',
    tag: 'rules',
    role: 'viewer',
    params: rulePath,
    query: ruleDetailQuery,
    response: ruleDetailResponse,
    handler: async ({ params, query }) => {
      const a = requireAlerting(alerting);
      const rule = findRule(a, params.id);
      const range = resolveRange(query, now());
      return {
        ...describe(a, dir)(rule),
        from: iso(range.from),
        to: iso(range.to),
        evaluations: await ruleEvaluations(store, rule.id, range, rule),
        missing_keys: await latestMissingKeys(store, rule),
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/v1/rules/validate',
    summary: 'Validate a rule document (the YAML of a rules file) without loading it',
    tag: 'rules',
    role: 'viewer',
    body: validateBody,
    response: validateResponse,
    handler: ({ body }) => {
      try {
        return {
          valid: true,
          rules: parseRuleFile(body.yaml, body.file, keepingOf(config)).map((r) => r.id),
          errors: [],
        };
      } catch (err) {
        if (!(err instanceof RuleFileError)) throw err;
        return { valid: false, rules: [], errors: splitRuleErrors(err.message) };
      }
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/rules/{id}/backtest',
    summary: 'When a loaded rule would have fired over stored history (nothing is stored or sent)',
    tag: 'rules',
    role: 'viewer',
    params: rulePath,
    query: backtestQuery,
    response: backtestResponse,
    handler: async ({ params, query, c }) => {
      const rule = findRule(requireAlerting(alerting), params.id);
      const to = query.to ?? now();
      if (query.from >= to) throw invalidFields([{ field: 'query.from', message: 'expected from to be before to' }]);
      if (query.cursor && (query.cursor.rule !== rule.id || query.cursor.every !== rule.every))
        throw invalidFields([
          {
            field: 'query.cursor',
            message: 'the rule changed since this backtest started: run it again from its start',
          },
        ]);
      // backtest() bounds the number of evaluations itself, before it queries anything; a page replays at most
      // `limit` of them and ends after about a second, so a long range is many short requests rather than one that
      // holds a connection for minutes, and the dashboard's progress moves at a steady pace however loaded the store.
      // The request's signal aborts when the client goes away (its Cancel button, a closed tab): the replay stops
      // between windows and the query in flight is cancelled.
      const signal = c.req.raw.signal;
      const result = await backtest(abortable(store, signal), rule, query.from, to, {
        coverage: true,
        now: now(),
        signal,
        limit: query.limit,
        budgetMs: BACKTEST_PAGE_BUDGET_MS,
        resume: query.cursor && resumeOf(query.cursor),
      }).catch((err: unknown) => {
        if (!(err instanceof BacktestRangeError)) throw err;
        throw invalidFields([{ field: err.field === 'from' ? 'query.from' : 'query.cursor', message: err.message }]);
      });
      return {
        from: iso(query.from),
        to: iso(to),
        windows: result.steps.map((s) => ({
          start: iso(s.window.start),
          end: iso(s.window.end),
          value: s.evaluation.value,
          threshold: s.evaluation.threshold,
          breached: s.evaluation.breached,
          decision: s.decision,
          reason: s.evaluation.skipped ?? '',
          state: s.state,
        })),
        firings: result.fired.map((f) => ({
          from: iso(f.from),
          to: f.to === undefined ? null : iso(f.to),
          value: f.value,
          summary: f.summary,
        })),
        next: result.next ? nextCursor(rule, result.next) : null,
        progress: result.windows,
      };
    },
  });
}
