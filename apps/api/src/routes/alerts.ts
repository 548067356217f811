// Alerts, their history and acknowledgement; silences (Alertmanager-style matchers with an end time).
import { z } from 'zod';
import { acknowledge } from '@rollcall/rules/alert-store';
import { listSilences, saveSilence, isActiveSilence, type Matcher, type Silence } from '@rollcall/rules/silences';
import { durationParam, iso, isoInstant, rangeQuery, resolveRange } from '../params.ts';
import { HttpProblem, invalidFields, notFound } from '../problem.ts';
import { alertDetail, alertHistory, currentAlerts } from '../read/alerts.ts';
import type { RouteDeps } from './deps.ts';

const STATES = ['pending', 'firing', 'resolved', 'inactive'] as const;

export const alertSchema = z.object({
  fingerprint: z.string(),
  rule_id: z.string(),
  rule_type: z.string(),
  severity: z.string(),
  description: z.string(),
  labels: z.record(z.string(), z.string()),
  stream: z.string(),
  state: z.enum(STATES),
  active_at: z.string(),
  firing_at: z.string().nullable(),
  since: z.string(),
  value: z.number(),
  threshold: z.number(),
  expected: z.string(),
  summary: z.string(),
  details: z.record(z.string(), z.unknown()).describe('the rule’s evidence: window, counts, a sample of missing keys, …'),
  acknowledged: z.object({ by: z.string(), at: z.string(), comment: z.string() }).nullable(),
  silenced_by: z.array(z.string()),
});
const transitionSchema = z.object({ id: z.string(), at: z.string(), fingerprint: z.string(), rule_id: z.string(), severity: z.string(), stream: z.string(), from_state: z.string(), to_state: z.string(), value: z.number(), threshold: z.number(), summary: z.string() });
export const alertsResponse = z.object({ alerts: z.array(alertSchema) });
export const alertDetailResponse = alertSchema.extend({
  transitions: z.array(transitionSchema),
  notifications: z.array(z.object({ transition_id: z.string(), route: z.string(), repeat: z.number(), at: z.string(), outcome: z.string(), attempts: z.number(), error: z.string() })),
});
export const historyResponse = z.object({ from: z.string(), to: z.string(), transitions: z.array(transitionSchema) });

const OPS = { '=': { is_regex: false, is_equal: true }, '!=': { is_regex: false, is_equal: false }, '=~': { is_regex: true, is_equal: true }, '!~': { is_regex: true, is_equal: false } } as const;
type Op = keyof typeof OPS;
const opOf = (m: Matcher): Op => (m.is_regex ? (m.is_equal ? '=~' : '!~') : m.is_equal ? '=' : '!=');

const matcherInput = z
  .strictObject({ name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a label name such as alertname, severity or stream'), value: z.string().max(1024), op: z.enum(['=', '!=', '=~', '!~']).default('=') })
  .superRefine((m, ctx) => {
    if (!m.op.includes('~')) return;
    try {
      new RegExp(m.value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `expected a regular expression: ${(err as Error).message}` });
    }
  });

export const silenceSchema = z.object({
  id: z.string(),
  matchers: z.array(z.object({ name: z.string(), value: z.string(), op: z.enum(['=', '!=', '=~', '!~']) })),
  starts_at: z.string(),
  ends_at: z.string(),
  created_by: z.string(),
  comment: z.string(),
  active: z.boolean(),
});
export const silencesResponse = z.object({ silences: z.array(silenceSchema) });

const silenceView = (s: Silence, now: number): z.input<typeof silenceSchema> => ({
  id: s.id,
  matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, op: opOf(m) })),
  starts_at: iso(s.starts_at),
  ends_at: iso(s.ends_at),
  created_by: s.created_by,
  comment: s.comment,
  active: isActiveSilence(s, now),
});

const HISTORY_RANGE_MS = 86_400_000;
const fingerprintPath = z.strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'expected an alert fingerprint (hex)') });

export function alertRoutes({ routes, store, now }: RouteDeps): void {
  routes.add({
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Current alerts (firing first, then by severity)',
    tag: 'alerts',
    role: 'viewer',
    query: z.strictObject({
      state: z
        .string()
        .default('firing,pending')
        .transform((text, ctx) => {
          const states = text.split(',').map((s) => s.trim());
          const bad = states.filter((s) => !(STATES as readonly string[]).includes(s));
          if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown state ${bad.join(', ')}; expected a comma-separated list of ${STATES.join(', ')}` });
          return states;
        }),
    }),
    response: alertsResponse,
    handler: async ({ query }) => ({ alerts: await currentAlerts(store, query.state, now()) }),
  });

  routes.add({
    method: 'get',
    path: '/api/v1/alerts/history',
    summary: 'Alert transitions in the range, newest first',
    tag: 'alerts',
    role: 'viewer',
    query: rangeQuery({ limit: z.coerce.number().int().min(1).max(5000).default(500) }, HISTORY_RANGE_MS),
    response: historyResponse,
    handler: async ({ query }) => {
      const range = resolveRange(query, now(), HISTORY_RANGE_MS);
      return { from: iso(range.from), to: iso(range.to), transitions: await alertHistory(store, range, query.limit) };
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/alerts/{fingerprint}',
    summary: 'One alert with its transitions and notifications',
    tag: 'alerts',
    role: 'viewer',
    params: fingerprintPath,
    response: alertDetailResponse,
    handler: async ({ params }) => {
      const detail = await alertDetail(store, params.fingerprint, now());
      if (!detail) throw notFound(`no alert with fingerprint ${params.fingerprint}`);
      return detail;
    },
  });

  routes.add({
    method: 'post',
    path: '/api/v1/alerts/{fingerprint}/ack',
    summary: 'Acknowledge a firing alert: it stays listed, its repeat notifications stop until it resolves',
    tag: 'alerts',
    role: 'admin',
    params: fingerprintPath,
    body: z.strictObject({ comment: z.string().max(2000).default('') }),
    response: alertSchema,
    handler: async ({ params, body, caller }) => {
      const at = now();
      const current = await alertDetail(store, params.fingerprint, at);
      if (!current) throw notFound(`no alert with fingerprint ${params.fingerprint}`);
      if (current.state !== 'firing' || current.firing_at === null) throw new HttpProblem(409, 'Conflict', `the alert is ${current.state}; only a firing alert can be acknowledged`);
      await acknowledge(store, { fingerprint: params.fingerprint, firingAt: Date.parse(current.firing_at), at, by: caller.name, comment: body.comment });
      // The alert alone: the schema leaves out the detail's transitions and notifications.
      return alertSchema.parse((await alertDetail(store, params.fingerprint, at)) ?? current);
    },
  });

  routes.add({
    method: 'get',
    path: '/api/v1/silences',
    summary: 'Silences, newest first; expired ones are kept and marked inactive',
    tag: 'alerts',
    role: 'viewer',
    response: silencesResponse,
    handler: async () => {
      const at = now();
      return { silences: (await listSilences(store)).map((s) => silenceView(s, at)) };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/v1/silences',
    summary: 'Silence the notifications of alerts whose labels match every matcher, until ends_at',
    tag: 'alerts',
    role: 'admin',
    status: 201,
    body: z
      .strictObject({
        matchers: z.array(matcherInput).min(1, 'expected at least one matcher').max(20),
        ends_at: isoInstant.optional(),
        duration: durationParam.optional(),
        comment: z.string().min(1, 'expected a comment saying why').max(2000),
      })
      .refine((b) => (b.ends_at === undefined) !== (b.duration === undefined), { message: 'expected exactly one of ends_at or duration', path: ['ends_at'] }),
    response: silenceSchema,
    handler: async ({ body, caller }) => {
      const at = now();
      const endsAt = body.ends_at !== undefined ? Date.parse(body.ends_at) : at + (body.duration ?? 0);
      if (endsAt <= at) throw invalidFields([{ field: 'body.ends_at', message: 'expected a time in the future' }]);
      const matchers = body.matchers.map((m) => ({ name: m.name, value: m.value, ...OPS[m.op] }));
      return silenceView(await saveSilence(store, { matchers, starts_at: at, ends_at: endsAt, created_by: caller.name, comment: body.comment }, at), at);
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/v1/silences/{id}',
    summary: 'Expire a silence now',
    tag: 'alerts',
    role: 'admin',
    params: z.strictObject({ id: z.uuid('expected a silence id') }),
    response: silenceSchema,
    handler: async ({ params }) => {
      const at = now();
      const found = (await listSilences(store)).find((s) => s.id === params.id);
      if (!found) throw notFound(`no silence with id ${params.id}`);
      const expired = found.ends_at > at ? await saveSilence(store, { ...found, ends_at: at }, at) : found;
      return silenceView(expired, at);
    },
  });
}
