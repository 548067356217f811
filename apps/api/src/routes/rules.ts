// Rules: what runs, its state and last evaluation, its evaluations over time, validation of a rule document
// before it is committed, and a backtest over stored history.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Alerting } from '@rollcall/rules/alerting';
import { backtest } from '@rollcall/rules/backtest';
import { parseRuleFile, RuleFileError } from '@rollcall/rules/files';
import type { Rule } from '@rollcall/rules/rule';
import { queryRows } from '@rollcall/core/store/queries';
import { instantParam, iso, rangeQuery, resolveRange } from '../params.ts';
import { HttpProblem, invalidFields, notFound } from '../problem.ts';
import { ruleYaml } from '../read/rule-source.ts';
import type { RouteDeps } from './deps.ts';

const ruleState = z.enum(['ok', 'pending', 'firing', 'inactive']);

export const ruleSchema = z.object({
  id: z.string(),
  type: z.string(),
  description: z.string(),
  severity: z.string(),
  labels: z.record(z.string(), z.string()),
  file: z.string(),
  yaml: z.string(),
  every_seconds: z.number(),
  window_seconds: z.number(),
  state: ruleState,
  last_evaluation: z
    .object({ at: z.string(), window_start: z.string(), window_end: z.string(), value: z.number(), threshold: z.number(), breached: z.boolean(), skipped: z.string(), error: z.string(), summary: z.string() })
    .nullable(),
});
export const rulesResponse = z.object({ rules: z.array(ruleSchema), errors: z.array(z.object({ file: z.string(), message: z.string() })) });
const evaluationSchema = z.object({ at: z.string(), window_start: z.string(), window_end: z.string(), value: z.number(), threshold: z.number(), breached: z.boolean(), skipped: z.string() });
export const ruleDetailResponse = ruleSchema.extend({ from: z.string(), to: z.string(), evaluations: z.array(evaluationSchema) });
export const validateResponse = z.object({ valid: z.boolean(), rules: z.array(z.string()), errors: z.array(z.object({ line: z.number().nullable(), field: z.string(), message: z.string() })) });
export const backtestResponse = z.object({
  from: z.string(),
  to: z.string(),
  windows: z.array(
    z.object({
      start: z.string(),
      end: z.string(),
      value: z.number(),
      threshold: z.number(),
      breached: z.boolean(),
      /** breached, clean, or why it was not judged: waiting (a tap has not stored past it yet), not watched (a tap was down), skipped */
      decision: z.enum(['breached', 'clean', 'waiting', 'not watched', 'skipped']),
      /** why, when not judged */
      reason: z.string(),
      state: z.string(),
    }),
  ),
  firings: z.array(z.object({ from: z.string(), to: z.string().nullable(), value: z.number(), summary: z.string() })),
});

/** Rule id → state ('ok' when evaluated and quiet, 'inactive' when not yet evaluated). */
export function ruleStates(alerting: Alerting | undefined): Map<string, z.output<typeof ruleState>> {
  return new Map((alerting?.engine.statuses() ?? []).map((s) => [s.rule.id, s.status.state === 'inactive' ? (s.last ? 'ok' : 'inactive') : s.status.state]));
}

function requireAlerting(alerting: Alerting | undefined): Alerting {
  if (!alerting) throw new HttpProblem(503, 'Rules are not running', 'the rules role is disabled in this process (rules.enabled: false)');
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
  return (rule: Rule): z.input<typeof ruleSchema> => {
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
export function splitRuleErrors(message: string): z.output<typeof validateResponse>['errors'] {
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
    summary: 'Every loaded rule with its state and last evaluation, and rule files that fail to load',
    tag: 'rules',
    role: 'viewer',
    response: rulesResponse,
    handler: () => {
      const a = requireAlerting(alerting);
      return { rules: a.files.rules().map(describe(a, dir)), errors: a.files.files().flatMap((f) => (f.error ? [{ file: f.file, message: f.error }] : [])) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/rules/{id}',
    summary: 'One rule with its evaluations over the range',
    tag: 'rules',
    role: 'viewer',
    params: z.strictObject({ id: z.string().min(1).max(100) }),
    query: rangeQuery({}),
    response: ruleDetailResponse,
    handler: async ({ params, query }) => {
      const a = requireAlerting(alerting);
      const rule = findRule(a, params.id);
      const range = resolveRange(query, now());
      const rows = await queryRows<{ at_ms: number | string; start_ms: number | string; end_ms: number | string; value: number | string; threshold: number | string; breached: number | string; skipped: string }>(
        store,
        `SELECT toUnixTimestamp64Milli(at) AS at_ms, toUnixTimestamp64Milli(window_start) AS start_ms, toUnixTimestamp64Milli(window_end) AS end_ms,
                value, threshold, breached, skipped
         FROM ${store.db}.rule_evaluations
         WHERE rule_id = {id:String} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64}) AND error = ''
         ORDER BY at LIMIT 2000`,
        { id: rule.id, ...range },
      );
      return {
        ...describe(a, dir)(rule),
        from: iso(range.from),
        to: iso(range.to),
        evaluations: rows.map((r) => ({ at: iso(Number(r.at_ms)), window_start: iso(Number(r.start_ms)), window_end: iso(Number(r.end_ms)), value: Number(r.value), threshold: Number(r.threshold), breached: Number(r.breached) === 1, skipped: r.skipped })),
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/v1/rules/validate',
    summary: 'Validate a rule document (the YAML of a rules file) without loading it',
    tag: 'rules',
    role: 'viewer',
    body: z.strictObject({ yaml: z.string().max(1_000_000), file: z.string().max(200).default('rules.yaml') }),
    response: validateResponse,
    handler: ({ body }) => {
      try {
        return { valid: true, rules: parseRuleFile(body.yaml, body.file).map((r) => r.id), errors: [] };
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
    params: z.strictObject({ id: z.string().min(1).max(100) }),
    query: z.strictObject({ from: instantParam, to: instantParam.optional() }),
    response: backtestResponse,
    handler: async ({ params, query }) => {
      const rule = findRule(requireAlerting(alerting), params.id);
      const to = query.to ?? now();
      if (query.from >= to) throw invalidFields([{ field: 'query.from', message: 'expected from to be before to' }]);
      // backtest() bounds the number of evaluations itself, before it queries anything.
      const result = await backtest(store, rule, query.from, to, { coverage: true, now: now() }).catch((err: unknown) => {
        throw err instanceof RangeError ? invalidFields([{ field: 'query.from', message: err.message }]) : err;
      });
      return {
        from: iso(query.from),
        to: iso(to),
        windows: result.steps.map((s) => ({ start: iso(s.window.start), end: iso(s.window.end), value: s.evaluation.value, threshold: s.evaluation.threshold, breached: s.evaluation.breached, decision: s.decision, reason: s.evaluation.skipped ?? '', state: s.state })),
        firings: result.fired.map((f) => ({ from: iso(f.from), to: f.to === undefined ? null : iso(f.to), value: f.value, summary: f.summary })),
      };
    },
  });
}
