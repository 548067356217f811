// A rule's stored evaluations over a range, for its sparkline of value against threshold.
import type { Evaluation } from '@rollcall/contract/rules';
import { iso, type TimeRange } from '@rollcall/contract/params';
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';

/** Oldest first, at most 2000; evaluations that failed with an error are left out. */
export async function ruleEvaluations(store: Store, ruleId: string, range: TimeRange): Promise<Evaluation[]> {
  const rows = await queryRows<{ at_ms: number | string; start_ms: number | string; end_ms: number | string; value: number | string; threshold: number | string; breached: number | string; skipped: string }>(
    store,
    `SELECT toUnixTimestamp64Milli(at) AS at_ms, toUnixTimestamp64Milli(window_start) AS start_ms, toUnixTimestamp64Milli(window_end) AS end_ms,
            value, threshold, breached, skipped
     FROM ${store.db}.rule_evaluations
     WHERE rule_id = {id:String} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64}) AND error = ''
     ORDER BY at LIMIT 2000`,
    { id: ruleId, ...range },
  );
  return rows.map((r) => ({ at: iso(Number(r.at_ms)), window_start: iso(Number(r.start_ms)), window_end: iso(Number(r.end_ms)), value: Number(r.value), threshold: Number(r.threshold), breached: Number(r.breached) === 1, skipped: r.skipped }));
}
