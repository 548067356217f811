// Every rule's recent windows in one query: the Rules list draws a sparkline per rule from one response.
import { iso, type TimeRange } from '@rollcall/contract/params';
import type { SparkPoint } from '@rollcall/contract/rules';
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';

const POINTS = 120;

/** Rule id → its latest judged windows in the range (one per window, the latest judgement), oldest first. */
export async function ruleSparklines(
  store: Store,
  ids: string[],
  range: TimeRange,
): Promise<Record<string, SparkPoint[]>> {
  if (ids.length === 0) return {};
  const rows = await queryRows<{
    rule_id: string;
    at_ms: number | string;
    value: number | string;
    threshold: number | string;
  }>(
    store,
    `SELECT rule_id, at_ms, value, threshold FROM (
       SELECT rule_id, window_end, toUnixTimestamp64Milli(argMax(at, at)) AS at_ms, argMax(value, at) AS value, argMax(threshold, at) AS threshold
       FROM ${store.db}.rule_evaluations
       WHERE rule_id IN {ids:Array(String)} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64})
         AND error = '' AND skipped = ''
       GROUP BY rule_id, window_end
       ORDER BY rule_id, window_end DESC LIMIT ${POINTS} BY rule_id
     ) ORDER BY rule_id, at_ms`,
    { ids, ...range },
  );
  const out: Record<string, SparkPoint[]> = {};
  for (const r of rows)
    (out[r.rule_id] ??= []).push({ at: iso(Number(r.at_ms)), value: Number(r.value), threshold: Number(r.threshold) });
  return out;
}
