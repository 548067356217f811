// Alert history in ClickHouse: transitions (which double as the notification outbox), evaluation samples,
// acknowledgements. An alert's current state is its latest transition, so a restart resumes where it was.
import { chTime, type Store } from '@rollcall/core/store';
import { hash53 } from '@rollcall/core/hash';
import type { AlertStatus, TransitionTo } from './lifecycle.ts';

import { queryRows } from '@rollcall/core/store/queries';

export interface Transition {
  id: string;
  at: number;
  fingerprint: string;
  rule_id: string;
  rule_type: string;
  description: string;
  severity: string;
  labels: Record<string, string>;
  stream: string;
  from_state: string;
  to_state: TransitionTo;
  active_at: number;
  firing_at: number | null;
  value: number;
  threshold: number;
  expected: string;
  summary: string;
  details: string;
  routes: string[];
}

export const transitionId = (fingerprint: string, to: TransitionTo, at: number): string =>
  hash53(`${fingerprint}/${to}/${at}`).toString(16).padStart(14, '0');

export async function insertTransitions(store: Store, rows: Transition[]): Promise<void> {
  if (rows.length === 0) return;
  await store.client.insert({
    table: `${store.db}.alert_transitions`,
    values: rows.map((r) => ({
      ...r,
      at: chTime(r.at),
      active_at: chTime(r.active_at),
      firing_at: r.firing_at === null ? null : chTime(r.firing_at),
    })),
    format: 'JSONEachRow',
  });
}

interface TransitionRow extends Omit<Transition, 'at' | 'active_at' | 'firing_at' | 'value' | 'threshold'> {
  at: string | number;
  active_at: string | number;
  firing_at: string | number | null;
  value: string | number;
  threshold: string | number;
}

// The columns aliased to their own names (as ms): filter in a subquery, never beside these aliases, or `at` in
// a WHERE would be the millisecond number instead of the DateTime64 column.
const TRANSITION_COLUMNS = `id, toUnixTimestamp64Milli(at) AS at, fingerprint, rule_id, rule_type, description, severity, labels, stream, from_state, to_state,
  toUnixTimestamp64Milli(active_at) AS active_at, if(isNull(firing_at), NULL, toUnixTimestamp64Milli(assumeNotNull(firing_at))) AS firing_at,
  value, threshold, expected, summary, details, routes`;

export const fromRow = (r: TransitionRow): Transition => ({
  ...r,
  at: Number(r.at),
  active_at: Number(r.active_at),
  firing_at: r.firing_at === null ? null : Number(r.firing_at),
  value: Number(r.value),
  threshold: Number(r.threshold),
});

export { TRANSITION_COLUMNS, type TransitionRow };

/** The latest transition of every alert. */
export async function latestTransitions(store: Store): Promise<Transition[]> {
  const rows = await queryRows<TransitionRow>(
    store,
    `SELECT ${TRANSITION_COLUMNS} FROM (SELECT * FROM ${store.db}.alert_transitions ORDER BY fingerprint, at DESC, id LIMIT 1 BY fingerprint) ORDER BY at`,
    {},
  );
  return rows.map(fromRow);
}

export function statusOf(t: Transition): AlertStatus {
  if (t.to_state === 'firing') return { state: 'firing', activeAt: t.active_at, firingAt: t.firing_at ?? t.at };
  if (t.to_state === 'pending') return { state: 'pending', activeAt: t.active_at };
  return { state: 'inactive' };
}

export interface EvaluationSample {
  at: number;
  rule_id: string;
  window_start: number;
  window_end: number;
  value: number;
  threshold: number;
  breached: boolean;
  skipped: string;
  error: string;
  duration_ms: number;
}

export async function insertEvaluations(store: Store, rows: EvaluationSample[]): Promise<void> {
  if (rows.length === 0) return;
  await store.client.insert({
    table: `${store.db}.rule_evaluations`,
    values: rows.map((r) => ({
      ...r,
      at: chTime(r.at),
      window_start: chTime(r.window_start),
      window_end: chTime(r.window_end),
      breached: r.breached ? 1 : 0,
    })),
    format: 'JSONEachRow',
  });
}

export async function acknowledge(
  store: Store,
  ack: { fingerprint: string; firingAt: number; at: number; by: string; comment: string },
): Promise<void> {
  await store.client.insert({
    table: `${store.db}.alert_acks`,
    values: [
      {
        fingerprint: ack.fingerprint,
        firing_at: chTime(ack.firingAt),
        at: chTime(ack.at),
        by: ack.by,
        comment: ack.comment,
      },
    ],
    format: 'JSONEachRow',
  });
}

/** Acknowledged firing episodes, as `${fingerprint}/${firing_at ms}`. */
export async function acknowledgedEpisodes(store: Store): Promise<Set<string>> {
  const rows = await queryRows<{ fingerprint: string; firing_at: string | number }>(
    store,
    `SELECT fingerprint, toUnixTimestamp64Milli(firing_at) AS firing_at FROM ${store.db}.alert_acks`,
    {},
  );
  return new Set(rows.map((r) => `${r.fingerprint}/${Number(r.firing_at)}`));
}
