// When alerts of some rules were pending or firing within a range, from their transitions: what a chart shades.
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { iso, type TimeRange } from '@rollcall/contract/params';

export interface AlertSpan {
  rule_id: string;
  fingerprint: string;
  state: 'pending' | 'firing';
  from: string;
  /** null: still in that state. */
  to: string | null;
}

/** How far back a transition may lie and still hold its state at the range's start. */
const LOOKBACK_MS = 30 * 86_400_000;
const MAX_TRANSITIONS = 5000;

export async function alertSpans(store: Store, ruleIds: string[], range: TimeRange): Promise<AlertSpan[]> {
  if (ruleIds.length === 0) return [];
  const rows = await queryRows<{ fingerprint: string; rule_id: string; to_state: string; at: string | number }>(
    store,
    `SELECT fingerprint, rule_id, to_state, toUnixTimestamp64Milli(at) AS at
     FROM (SELECT * FROM ${store.db}.alert_transitions FINAL
           WHERE rule_id IN {rules:Array(String)} AND at >= fromUnixTimestamp64Milli({back:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64}))
     ORDER BY fingerprint, at, id LIMIT {limit:UInt32}`,
    { rules: ruleIds, back: range.from - LOOKBACK_MS, to: range.to, limit: MAX_TRANSITIONS },
  );
  const spans: AlertSpan[] = [];
  rows.forEach((r, i) => {
    const next = rows[i + 1]?.fingerprint === r.fingerprint ? Number(rows[i + 1]?.at) : null;
    if (r.to_state !== 'pending' && r.to_state !== 'firing') return;
    if (next !== null && next <= range.from) return;
    spans.push({
      rule_id: r.rule_id,
      fingerprint: r.fingerprint,
      state: r.to_state,
      from: iso(Math.max(Number(r.at), range.from)),
      to: next === null ? null : iso(next),
    });
  });
  return spans;
}
