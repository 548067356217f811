// A rule's (or one slice's) stored evaluations: its value against the expectation per window, when an alert was last
// confirmed, and the first sightings of a completeness rule's missing keys.
import type { Evaluation } from '@rollcall/contract/rules';
import { iso, type TimeRange } from '@rollcall/contract/params';
import type { Store } from '@rollcall/core/store';
import { queryRows } from '@rollcall/core/store/queries';
import { decisionOf } from '@rollcall/rules/backtest';
import type { Rule } from '@rollcall/rules/rule';

type Row = {
  at_ms: number | string;
  start_ms: number | string;
  end_ms: number | string;
  value: number | string;
  threshold: number | string;
  breached: number | string;
  skipped: string;
  error: string;
};

/** The evaluation rows' id for an alert: a sliced rule stores each slice under "<rule id>/<key>=<value>". */
export function evaluationIdOf(rule: Rule | undefined, ruleId: string, labels: Record<string, string>): string {
  const key = rule && 'group_by' in rule ? rule.group_by : undefined;
  const group = key === undefined ? undefined : labels[key];
  return group === undefined ? ruleId : `${ruleId}/${key}=${group}`;
}

export { decisionOf };

/** The band a window was held to: a ratio's lo–hi (also for windows not judged); a baseline's drop/rise range around its median, which the
 * stored threshold (the floor, or the ceiling when only rise is set) gives back. */
export function bandOf(
  rule: Rule | undefined,
  threshold: number,
  judged: boolean,
): { lo: number | null; hi: number | null; expected: number | null } {
  const none = { lo: null, hi: null, expected: null };
  if (!rule) return none;
  // a ratio's band is the rule's own, whether or not the window was judged, so it draws unbroken
  if (rule.type === 'ratio') return { lo: rule.lo ?? null, hi: rule.hi ?? null, expected: null };
  if (!judged) return none;
  if (rule.type === 'baseline') {
    const expected =
      rule.drop !== undefined
        ? rule.drop < 100
          ? threshold / (1 - rule.drop / 100)
          : undefined
        : rule.rise !== undefined
          ? threshold / (1 + rule.rise / 100)
          : undefined;
    if (expected === undefined || !Number.isFinite(expected)) return none;
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      lo: rule.drop !== undefined ? round(expected * (1 - rule.drop / 100)) : null,
      hi: rule.rise !== undefined ? round(expected * (1 + rule.rise / 100)) : null,
      expected: round(expected),
    };
  }
  return none;
}

/** Oldest first, at most 2000 windows; a window whose evaluation failed is not judged, and says why. A window judged
 * again (late events arrived) keeps only its latest judgement (a failed one only when none succeeded). */
export async function ruleEvaluations(
  store: Store,
  evaluationId: string,
  range: TimeRange,
  rule?: Rule,
): Promise<Evaluation[]> {
  const rows = await queryRows<Row>(
    store,
    `SELECT * FROM (
       SELECT toUnixTimestamp64Milli(at) AS at_ms, toUnixTimestamp64Milli(window_start) AS start_ms, toUnixTimestamp64Milli(window_end) AS end_ms,
              value, threshold, breached, skipped, error
       FROM ${store.db}.rule_evaluations
       WHERE rule_id = {id:String} AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64})
       ORDER BY window_end DESC, error = '' DESC, at DESC LIMIT 1 BY window_end LIMIT 2000
     ) ORDER BY end_ms`,
    { id: evaluationId, ...range },
  );
  return rows.map((r) => {
    // a window whose evaluation failed is shown as not judged, with why, rather than left out as if never due
    const skipped = r.error ? `evaluation failed: ${r.error}` : r.skipped;
    const breached = !r.error && Number(r.breached) === 1;
    const threshold = Number(r.threshold);
    return {
      at: iso(Number(r.at_ms)),
      window_start: iso(Number(r.start_ms)),
      window_end: iso(Number(r.end_ms)),
      value: Number(r.value),
      threshold,
      breached,
      skipped,
      decision: decisionOf(breached, skipped),
      ...bandOf(rule, threshold, skipped === ''),
    };
  });
}

/** Evaluation id → the end of its latest window whose latest judgement was breached. */
export async function lastConfirmed(store: Store, evaluationIds: string[]): Promise<Map<string, number>> {
  if (evaluationIds.length === 0) return new Map();
  const rows = await queryRows<{ rule_id: string; end_ms: number | string }>(
    store,
    `SELECT rule_id, toUnixTimestamp64Milli(max(window_end)) AS end_ms FROM (
       SELECT rule_id, window_end, argMax(breached, at) AS verdict FROM ${store.db}.rule_evaluations
       WHERE rule_id IN {ids:Array(String)} AND error = '' AND at >= now() - INTERVAL 1 DAY GROUP BY rule_id, window_end
     ) WHERE verdict = 1 GROUP BY rule_id`,
    { ids: [...new Set(evaluationIds)] },
  );
  return new Map(rows.map((r) => [r.rule_id, Number(r.end_ms)]));
}

/** The streams a rule counts, by name: its match's, or a's then b's. */
export function watchedStreams(rule: Rule | undefined): string[] {
  if (!rule || rule.type === 'lag') return [];
  return 'match' in rule ? [rule.match.stream ?? '*'] : [rule.a.stream ?? '*', rule.b.stream ?? '*'];
}

/** When each key of a completeness rule's missing sample was first seen (on any stream), for the alert page. */
export async function firstSeen(
  store: Store,
  rule: Rule | undefined,
  keys: string[],
): Promise<{ key: string; first_seen: string | null }[]> {
  if (!rule || rule.type !== 'completeness' || keys.length === 0) return keys.map((key) => ({ key, first_seen: null }));
  // rule.key is one of two column names fixed by the rule schema, never free text
  const rows = await queryRows<{ k: string; first_ms: number | string }>(
    store,
    `SELECT ${rule.key} AS k, toUnixTimestamp64Milli(min(event_at)) AS first_ms FROM ${store.db}.events WHERE ${rule.key} IN {keys:Array(String)} GROUP BY k`,
    { keys },
  );
  const seen = new Map(rows.map((r) => [r.k, Number(r.first_ms)]));
  return keys.map((key) => {
    const ms = seen.get(key);
    return { key, first_seen: ms === undefined ? null : iso(ms) };
  });
}
