// Alerts as people read them: the current state of each alert (its latest transition) with its
// acknowledgement and the silences that hold its notifications back, plus history and one alert's detail.
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { fromRow, latestTransitions, TRANSITION_COLUMNS, type Transition, type TransitionRow } from '@rollcall/rules/alert-store';
import { alertLabels } from '@rollcall/rules/outbox';
import { isActiveSilence, listSilences, matchesAll, type Silence } from '@rollcall/rules/silences';
import { iso, type TimeRange } from '@rollcall/contract/params';

export type AlertView = ReturnType<typeof toView>;

interface Ack {
  by: string;
  at: string;
  comment: string;
}


function toView(t: Transition, ack: Ack | undefined, silences: Silence[], now: number) {
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
  };
}

/** The rule's evidence (window, sample of missing keys, …), stored as JSON text. */
function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}

async function acks(store: Store): Promise<Map<string, Ack>> {
  const rows = await queryRows<{ fingerprint: string; firing_at: string | number; acked_at: string | number; acked_by: string; note: string }>(
    store,
    `SELECT fingerprint, toUnixTimestamp64Milli(firing_at) AS firing_at, toUnixTimestamp64Milli(max(at)) AS acked_at, argMax(by, at) AS acked_by, argMax(comment, at) AS note
     FROM ${store.db}.alert_acks GROUP BY fingerprint, firing_at`,
    {},
  );
  return new Map(rows.map((r) => [`${r.fingerprint}/${Number(r.firing_at)}`, { by: r.acked_by, at: iso(Number(r.acked_at)), comment: r.note }]));
}

const ackFor = (all: Map<string, Ack>, t: Transition) => (t.firing_at === null ? undefined : all.get(`${t.fingerprint}/${t.firing_at}`));

export async function currentAlerts(store: Store, states: string[], now: number): Promise<AlertView[]> {
  const [latest, allAcks, silences] = await Promise.all([latestTransitions(store), acks(store), listSilences(store)]);
  const order = { critical: 0, warning: 1, info: 2 } as Record<string, number>;
  return latest
    .filter((t) => states.includes(t.to_state))
    .map((t) => toView(t, t.to_state === 'firing' ? ackFor(allAcks, t) : undefined, silences, now))
    .sort((a, b) => Number(b.state === 'firing') - Number(a.state === 'firing') || (order[a.severity] ?? 3) - (order[b.severity] ?? 3) || a.since.localeCompare(b.since));
}

export async function alertDetail(store: Store, fingerprint: string, now: number) {
  const rows = await queryRows<TransitionRow>(
    store,
    `SELECT ${TRANSITION_COLUMNS} FROM (SELECT * FROM ${store.db}.alert_transitions FINAL WHERE fingerprint = {fingerprint:String}) ORDER BY at DESC, id LIMIT 500`,
    { fingerprint },
  );
  const transitions = rows.map(fromRow);
  const latest = transitions[0];
  if (!latest) return undefined;
  const [allAcks, silences, notifications] = await Promise.all([
    acks(store),
    listSilences(store),
    queryRows<{ transition_id: string; route: string; repeat: number | string; at: string | number; outcome: string; attempts: number | string; error: string }>(
      store,
      `SELECT transition_id, route, repeat, toUnixTimestamp64Milli(at) AS at, outcome, attempts, error FROM ${store.db}.notifications FINAL
       WHERE transition_id IN {ids:Array(String)} ORDER BY at DESC`,
      { ids: transitions.map((t) => t.id) },
    ),
  ]);
  return {
    ...toView(latest, latest.to_state === 'firing' ? ackFor(allAcks, latest) : undefined, silences, now),
    transitions: transitions.map(historyRow),
    notifications: notifications.map((n) => ({ transition_id: n.transition_id, route: n.route, repeat: Number(n.repeat), at: iso(Number(n.at)), outcome: n.outcome, attempts: Number(n.attempts), error: n.error })),
  };
}

const historyRow = (t: Transition) => ({ id: t.id, at: iso(t.at), fingerprint: t.fingerprint, rule_id: t.rule_id, severity: t.severity, stream: t.stream, from_state: t.from_state, to_state: t.to_state, value: t.value, threshold: t.threshold, summary: t.summary });

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
