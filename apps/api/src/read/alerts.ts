// Alerts as people read them: the current state of each alert (its latest transition) with its
// acknowledgement and the silences that hold its notifications back, plus history and one alert's detail.
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import {
  fromRow,
  latestTransitions,
  TRANSITION_COLUMNS,
  type Transition,
  type TransitionRow,
} from '@rollcall/rules/alert-store';
import { alertLabels } from '@rollcall/rules/outbox';
import { isActiveSilence, listSilences, matchesAll, type Silence } from '@rollcall/rules/silences';
import { iso, type TimeRange } from '@rollcall/contract/params';
import type { Rule } from '@rollcall/rules/rule';
import { evaluationIdOf, firstSeen, lastConfirmed, ruleEvaluations, watchedStreams } from './evaluations.ts';

/** The loaded rule of an id (undefined for system alerts and rules since removed). */
export type RuleLookup = (ruleId: string) => Rule | undefined;

/** How far before an alert became active its chart starts, and at most how far back it reaches. */
const LEAD_MS = 5 * 60_000;
const MAX_SPAN_MS = 6 * 3_600_000;

export type AlertView = ReturnType<typeof toView>;

interface Ack {
  by: string;
  at: string;
  comment: string;
}

const idOf = (rules: RuleLookup, t: Transition) => evaluationIdOf(rules(t.rule_id), t.rule_id, t.labels);

function toView(
  t: Transition,
  ack: Ack | undefined,
  silences: Silence[],
  now: number,
  confirmed: Map<string, number>,
  rules: RuleLookup,
) {
  const state = t.to_state;
  const labels = alertLabels(t);
  return {
    fingerprint: t.fingerprint,
    rule_id: t.rule_id,
    rule_type: t.rule_type,
    severity: t.severity,
    description: t.description,
    labels: t.labels,
    stream: t.stream,
    watched_streams: watchedStreams(rules(t.rule_id)),
    state,
    active_at: iso(t.active_at),
    firing_at: t.firing_at === null ? null : iso(t.firing_at),
    /** When the current state began. */
    since: iso(state === 'firing' ? (t.firing_at ?? t.at) : state === 'pending' ? t.active_at : t.at),
    value: t.value,
    threshold: t.threshold,
    expected: t.expected,
    summary: t.summary,
    details: parseDetails(t.details),
    acknowledged: ack ?? null,
    silenced_by: silences.filter((s) => isActiveSilence(s, now) && matchesAll(s.matchers, labels)).map((s) => s.id),
    last_confirmed_at: state === 'firing' || state === 'pending' ? nullableIso(confirmed.get(idOf(rules, t))) : null,
  };
}

const nullableIso = (ms: number | undefined) => (ms === undefined ? null : iso(ms));

/** The rule's evidence (window, sample of missing keys, …), stored as JSON text. */
function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { text };
  }
}

async function acks(store: Store): Promise<Map<string, Ack>> {
  const rows = await queryRows<{
    fingerprint: string;
    firing_at: string | number;
    acked_at: string | number;
    acked_by: string;
    note: string;
  }>(
    store,
    `SELECT fingerprint, toUnixTimestamp64Milli(firing_at) AS firing_at, toUnixTimestamp64Milli(max(at)) AS acked_at, argMax(by, at) AS acked_by, argMax(comment, at) AS note
     FROM ${store.db}.alert_acks GROUP BY fingerprint, firing_at`,
    {},
  );
  return new Map(
    rows.map((r) => [
      `${r.fingerprint}/${Number(r.firing_at)}`,
      { by: r.acked_by, at: iso(Number(r.acked_at)), comment: r.note },
    ]),
  );
}

const ackFor = (all: Map<string, Ack>, t: Transition) =>
  t.firing_at === null ? undefined : all.get(`${t.fingerprint}/${t.firing_at}`);

export async function currentAlerts(
  store: Store,
  states: string[],
  now: number,
  rules: RuleLookup,
): Promise<AlertView[]> {
  const [latest, allAcks, silences] = await Promise.all([latestTransitions(store), acks(store), listSilences(store)]);
  const order = { critical: 0, warning: 1, info: 2 } as Record<string, number>;
  const shown = latest.filter((t) => states.includes(t.to_state));
  const confirmed = await lastConfirmed(
    store,
    shown.filter((t) => t.to_state === 'firing' || t.to_state === 'pending').map((t) => idOf(rules, t)),
  );
  return shown
    .map((t) => toView(t, t.to_state === 'firing' ? ackFor(allAcks, t) : undefined, silences, now, confirmed, rules))
    .sort(
      (a, b) =>
        Number(b.state === 'firing') - Number(a.state === 'firing') ||
        (order[a.severity] ?? 3) - (order[b.severity] ?? 3) ||
        a.since.localeCompare(b.since),
    );
}

export async function alertDetail(store: Store, fingerprint: string, now: number, rules: RuleLookup) {
  const rows = await queryRows<TransitionRow>(
    store,
    `SELECT ${TRANSITION_COLUMNS} FROM (SELECT * FROM ${store.db}.alert_transitions FINAL WHERE fingerprint = {fingerprint:String}) ORDER BY at DESC, id LIMIT 500`,
    { fingerprint },
  );
  const transitions = rows.map(fromRow);
  const latest = transitions[0];
  if (!latest) return undefined;
  const rule = rules(latest.rule_id);
  const evaluationId = idOf(rules, latest);
  // From a little before the alert's latest episode began until it resolved (or now).
  const to = latest.to_state === 'firing' || latest.to_state === 'pending' ? now : Math.min(now, latest.at + LEAD_MS);
  const from = Math.max(Math.min(latest.active_at, latest.at) - LEAD_MS, to - MAX_SPAN_MS);
  const sample = latest.rule_type === 'completeness' ? missingSample(parseDetails(latest.details)) : [];
  const [allAcks, silences, confirmed, evaluations, missing, notifications] = await Promise.all([
    acks(store),
    listSilences(store),
    lastConfirmed(store, [evaluationId]),
    ruleEvaluations(store, evaluationId, { from, to }, rule),
    firstSeen(store, rule, sample),
    queryRows<{
      transition_id: string;
      route: string;
      repeat: number | string;
      at: string | number;
      outcome: string;
      attempts: number | string;
      error: string;
    }>(
      store,
      `SELECT transition_id, route, repeat, toUnixTimestamp64Milli(at) AS at, outcome, attempts, error FROM ${store.db}.notifications FINAL
       WHERE transition_id IN {ids:Array(String)} ORDER BY at DESC`,
      { ids: transitions.map((t) => t.id) },
    ),
  ]);
  return {
    ...toView(
      latest,
      latest.to_state === 'firing' ? ackFor(allAcks, latest) : undefined,
      silences,
      now,
      confirmed,
      rules,
    ),
    transitions: transitions.map(historyRow),
    evaluations,
    missing_keys: missing,
    notifications: notifications.map((n) => ({
      transition_id: n.transition_id,
      route: n.route,
      repeat: Number(n.repeat),
      at: iso(Number(n.at)),
      outcome: n.outcome,
      attempts: Number(n.attempts),
      error: n.error,
    })),
  };
}

/** A completeness rule's latest missing sample (from its newest transition, any slice), each key with when it was
 * first seen: the rule page shows what the alert page shows. */
export async function latestMissingKeys(store: Store, rule: Rule | undefined) {
  if (!rule || rule.type !== 'completeness') return [];
  const [latest] = await queryRows<{ details: string }>(
    store,
    `SELECT details FROM ${store.db}.alert_transitions WHERE rule_id = {rule:String} ORDER BY at DESC LIMIT 1`,
    { rule: rule.id },
  );
  return latest ? firstSeen(store, rule, missingSample(parseDetails(latest.details))) : [];
}

const missingSample = (details: Record<string, unknown>): string[] =>
  Array.isArray(details.missing_sample)
    ? details.missing_sample.filter((k): k is string => typeof k === 'string').slice(0, 100)
    : [];

const historyRow = (t: Transition) => ({
  id: t.id,
  at: iso(t.at),
  fingerprint: t.fingerprint,
  rule_id: t.rule_id,
  severity: t.severity,
  stream: t.stream,
  from_state: t.from_state,
  to_state: t.to_state,
  value: t.value,
  threshold: t.threshold,
  summary: t.summary,
});

export async function alertHistory(store: Store, range: TimeRange, limit: number) {
  const rows = await queryRows<TransitionRow>(
    store,
    `SELECT ${TRANSITION_COLUMNS}
     FROM (SELECT * FROM ${store.db}.alert_transitions FINAL WHERE at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64}))
     ORDER BY at DESC, id LIMIT {limit:UInt32}`,
    { ...range, limit },
  );
  return rows.map(fromRow).map(historyRow);
}
