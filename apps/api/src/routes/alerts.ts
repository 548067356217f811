// Alerts, their history and acknowledgement; silences (Alertmanager-style matchers with an end time).
import {
  ackBody,
  alertDetailResponse,
  alertSchema,
  alertsQuery,
  alertsResponse,
  fingerprintPath,
  HISTORY_RANGE_MS,
  historyQuery,
  historyResponse,
} from '@rollcall/contract/alerts';
import { iso, resolveRange } from '@rollcall/contract/params';
import {
  silenceBody,
  silencePath,
  silenceSchema,
  silencesResponse,
  type Silence as SilenceView,
} from '@rollcall/contract/silences';
import { acknowledge } from '@rollcall/rules/alert-store';
import { listSilences, saveSilence, isActiveSilence, type Matcher, type Silence } from '@rollcall/rules/silences';
import { HttpProblem, invalidFields, notFound } from '../problem.ts';
import { alertDetail, alertHistory, currentAlerts, type RuleLookup } from '../read/alerts.ts';
import type { RouteDeps } from './deps.ts';

const OPS = {
  '=': { is_regex: false, is_equal: true },
  '!=': { is_regex: false, is_equal: false },
  '=~': { is_regex: true, is_equal: true },
  '!~': { is_regex: true, is_equal: false },
} as const;
type Op = keyof typeof OPS;
const opOf = (m: Matcher): Op => (m.is_regex ? (m.is_equal ? '=~' : '!~') : m.is_equal ? '=' : '!=');

const silenceView = (s: Silence, now: number): SilenceView => ({
  id: s.id,
  matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, op: opOf(m) })),
  starts_at: iso(s.starts_at),
  ends_at: iso(s.ends_at),
  created_by: s.created_by,
  comment: s.comment,
  active: isActiveSilence(s, now),
});

export function alertRoutes({ routes, store, now, alerting }: RouteDeps): void {
  const rules: RuleLookup = (id) => alerting?.files.rules().find((r) => r.id === id);
  routes.add({
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Current alerts (firing first, then by severity)',
    tag: 'alerts',
    role: 'viewer',
    query: alertsQuery,
    response: alertsResponse,
    handler: async ({ query }) => ({ alerts: await currentAlerts(store, query.state, now(), rules) }),
  });

  routes.add({
    method: 'get',
    path: '/api/v1/alerts/history',
    summary: 'Alert transitions in the range, newest first',
    tag: 'alerts',
    role: 'viewer',
    query: historyQuery,
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
      const detail = await alertDetail(store, params.fingerprint, now(), rules);
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
    body: ackBody,
    response: alertSchema,
    handler: async ({ params, body, caller }) => {
      const at = now();
      const current = await alertDetail(store, params.fingerprint, at, rules);
      if (!current) throw notFound(`no alert with fingerprint ${params.fingerprint}`);
      if (current.state !== 'firing' || current.firing_at === null)
        throw new HttpProblem(
          409,
          'Conflict',
          `the alert is ${current.state}; only a firing alert can be acknowledged`,
        );
      await acknowledge(store, {
        fingerprint: params.fingerprint,
        firingAt: Date.parse(current.firing_at),
        at,
        by: caller.name,
        comment: body.comment,
      });
      // The alert alone: the schema leaves out the detail's transitions and notifications.
      return alertSchema.parse((await alertDetail(store, params.fingerprint, at, rules)) ?? current);
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
    body: silenceBody,
    response: silenceSchema,
    handler: async ({ body, caller }) => {
      const at = now();
      const endsAt = body.ends_at !== undefined ? Date.parse(body.ends_at) : at + (body.duration ?? 0);
      if (endsAt <= at) throw invalidFields([{ field: 'body.ends_at', message: 'expected a time in the future' }]);
      const matchers = body.matchers.map((m) => ({ name: m.name, value: m.value, ...OPS[m.op] }));
      return silenceView(
        await saveSilence(
          store,
          { matchers, starts_at: at, ends_at: endsAt, created_by: caller.name, comment: body.comment },
          at,
        ),
        at,
      );
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/v1/silences/{id}',
    summary: 'Expire a silence now',
    tag: 'alerts',
    role: 'admin',
    params: silencePath,
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
